#include "platform/parsers/tzif.h"

#include <algorithm>
#include <set>

#include "platform/parsers/auth_log.h"  // civil_to_unix

namespace hozen::platform::parsers {

namespace {

std::uint32_t be32(std::string_view s, std::size_t off) {
  return static_cast<std::uint32_t>(static_cast<std::uint8_t>(s[off])) << 24 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(s[off + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(s[off + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(s[off + 3]));
}

std::int64_t be64(std::string_view s, std::size_t off) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(be32(s, off)) << 32 |
                                   be32(s, off + 4));
}

// POSIX TZ scanner.
struct Scan {
  std::string_view s;
  std::size_t i = 0;
  bool end() const { return i >= s.size(); }
  char peek() const { return end() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  bool number(int max_digits, int* out) {
    int v = 0, n = 0;
    while (!end() && s[i] >= '0' && s[i] <= '9' && n < max_digits) {
      v = v * 10 + (s[i++] - '0');
      ++n;
    }
    *out = v;
    return n > 0;
  }
  bool name() {
    if (eat('<')) {
      auto close = s.find('>', i);
      if (close == std::string_view::npos || close == i) return false;
      i = close + 1;
      return true;
    }
    std::size_t start = i;
    while (!end() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
    return i - start >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds (hours up to 167 for rule times).
  bool hms(std::int32_t* out) {
    int sign = 1;
    if (eat('-'))
      sign = -1;
    else
      eat('+');
    int h = 0, m = 0, sec = 0;
    if (!number(3, &h) || h > 167) return false;
    if (eat(':')) {
      if (!number(2, &m) || m > 59) return false;
      if (eat(':') && (!number(2, &sec) || sec > 59)) return false;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool when(TzRule::When* w) {
    if (eat('M')) {
      w->form = 'M';
      if (!number(2, &w->month) || w->month < 1 || w->month > 12 || !eat('.')) return false;
      if (!number(1, &w->week) || w->week < 1 || w->week > 5 || !eat('.')) return false;
      if (!number(1, &w->weekday) || w->weekday > 6) return false;
    } else if (eat('J')) {
      w->form = 'J';
      if (!number(3, &w->yday) || w->yday < 1 || w->yday > 365) return false;
    } else {
      w->form = 'N';
      if (!number(3, &w->yday) || w->yday > 365) return false;
    }
    w->time_s = 7200;
    if (eat('/')) return hms(&w->time_s);
    return true;
  }
};

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Local seconds (as if UTC) at which `w` happens in year `y`.
std::int64_t rule_local(const TzRule::When& w, int y) {
  std::int64_t day0 = civil_to_unix(y, 1, 1, 0, 0, 0);
  std::int64_t day = 0;  // days after Jan 1
  if (w.form == 'J') {
    day = w.yday - 1;
    if (leap(y) && w.yday >= 60) ++day;  // Feb 29 is never counted
  } else if (w.form == 'N') {
    day = w.yday;
  } else {
    std::int64_t first = civil_to_unix(y, w.month, 1, 0, 0, 0);
    int dow = static_cast<int>(((first / 86400) % 7 + 11) % 7);  // 1970-01-01 was a Thursday (4)
    int mday = 1 + (w.weekday - dow + 7) % 7 + (w.week - 1) * 7;
    while (mday > days_in_month(y, w.month)) mday -= 7;
    return first + static_cast<std::int64_t>(mday - 1) * 86400 + w.time_s;
  }
  return day0 + day * 86400 + w.time_s;
}

int year_of(std::int64_t secs) {
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  // civil_from_days (inverse of civil_to_unix's day count)
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t doe = days - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(m <= 2 ? y + 1 : y);
}

std::int32_t rule_offset_at(const TzRule& r, std::int64_t utc) {
  if (!r.has_dst) return r.std_offset_s;
  int y = year_of(utc + r.std_offset_s);
  std::int64_t start = rule_local(r.start, y) - r.std_offset_s;
  std::int64_t end = rule_local(r.end, y) - r.dst_offset_s;
  bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? r.dst_offset_s : r.std_offset_s;
}

}  // namespace

std::optional<TzRule> parse_posix_tz(std::string_view s) {
  Scan sc{s};
  TzRule r;
  std::int32_t west = 0;
  constexpr std::int32_t kMaxOffset = 25 * 3600;  // POSIX: offsets within 24:59:59
  if (!sc.name() || !sc.hms(&west) || west > kMaxOffset || west < -kMaxOffset) return std::nullopt;
  r.std_offset_s = -west;
  if (sc.end()) return r;
  if (!sc.name()) return std::nullopt;
  r.has_dst = true;
  r.dst_offset_s = r.std_offset_s + 3600;
  if (sc.peek() != ',') {
    if (!sc.hms(&west) || west > kMaxOffset || west < -kMaxOffset) return std::nullopt;
    r.dst_offset_s = -west;
  }
  if (!sc.eat(',') || !sc.when(&r.start) || !sc.eat(',') || !sc.when(&r.end) || !sc.end()) {
    return std::nullopt;
  }
  return r;
}

std::optional<TimeZoneInfo> parse_tzif(std::string_view b) {
  constexpr std::size_t kHeader = 44;
  auto block = [&](std::size_t at, bool wide, TimeZoneInfo* out, std::size_t* next) -> bool {
    if (b.size() < at + kHeader || b.substr(at, 4) != "TZif") return false;
    std::uint64_t isut = be32(b, at + 20), isstd = be32(b, at + 24), leapcnt = be32(b, at + 28),
                  timecnt = be32(b, at + 32), typecnt = be32(b, at + 36),
                  charcnt = be32(b, at + 40);
    const std::uint64_t tsize = wide ? 8 : 4;
    std::uint64_t len =
        timecnt * tsize + timecnt + typecnt * 6 + charcnt + leapcnt * (tsize + 4) + isstd + isut;
    if (typecnt == 0 || typecnt > 256 || timecnt > (1u << 20) || charcnt > (1u << 16) ||
        leapcnt > (1u << 16) || isut > 256 || isstd > 256 || b.size() - at - kHeader < len) {
      return false;
    }
    std::size_t p = at + kHeader;
    out->transitions.clear();
    out->transition_type.clear();
    out->type_offset_s.clear();
    for (std::uint64_t k = 0; k < timecnt; ++k, p += tsize) {
      out->transitions.push_back(wide ? be64(b, p) : static_cast<std::int32_t>(be32(b, p)));
    }
    for (std::uint64_t k = 0; k < timecnt; ++k, ++p) {
      auto t = static_cast<std::uint8_t>(b[p]);
      if (t >= typecnt) return false;
      out->transition_type.push_back(t);
    }
    for (std::uint64_t k = 0; k < typecnt; ++k, p += 6) {
      auto off = static_cast<std::int32_t>(be32(b, p));
      if (off < -89999 || off > 93599) return false;  // RFC 8536 3.2: utoff in -89999..93599
      out->type_offset_s.push_back(off);
    }
    if (!std::is_sorted(out->transitions.begin(), out->transitions.end())) return false;
    *next = at + kHeader + static_cast<std::size_t>(len);
    return true;
  };
  TimeZoneInfo tz;
  std::size_t next = 0;
  if (!block(0, false, &tz, &next)) return std::nullopt;
  if (b[4] >= '2') {
    std::size_t end = 0;
    if (!block(next, true, &tz, &end)) return std::nullopt;
    // Footer: "\n<POSIX TZ>\n"; an empty or unknown one leaves times after the last transition
    // to the last transition's type.
    if (end < b.size() && b[end] == '\n') {
      auto close = b.find('\n', end + 1);
      if (close != std::string_view::npos && close > end + 1) {
        tz.rule = parse_posix_tz(b.substr(end + 1, close - end - 1));
      }
    }
  }
  return tz;
}

std::int32_t utc_offset_at(const TimeZoneInfo& tz, std::int64_t utc_secs) {
  if (tz.transitions.empty() || utc_secs < tz.transitions.front()) {
    if (tz.transitions.empty() && tz.rule) return rule_offset_at(*tz.rule, utc_secs);
    return tz.type_offset_s.empty() ? 0 : tz.type_offset_s.front();
  }
  if (utc_secs >= tz.transitions.back() && tz.rule) return rule_offset_at(*tz.rule, utc_secs);
  auto it = std::upper_bound(tz.transitions.begin(), tz.transitions.end(), utc_secs);
  std::size_t k = static_cast<std::size_t>(it - tz.transitions.begin()) - 1;
  return tz.type_offset_s[tz.transition_type[k]];
}

LocalToUtc local_to_utc(const TimeZoneInfo& tz, std::int64_t local_secs) {
  std::set<std::int32_t> candidates(tz.type_offset_s.begin(), tz.type_offset_s.end());
  if (tz.rule) {
    candidates.insert(tz.rule->std_offset_s);
    if (tz.rule->has_dst) candidates.insert(tz.rule->dst_offset_s);
  }
  LocalToUtc out;
  int matches = 0;
  for (auto off : candidates) {
    std::int64_t u = local_secs - off;
    if (utc_offset_at(tz, u) != off) continue;
    if (matches == 0 || u < out.utc_secs) out.utc_secs = u;
    ++matches;
  }
  out.ambiguous = matches > 1;
  if (matches == 0) {
    // In a gap: use the offset in force just before it (as mktime does with tm_isdst = -1 on glibc
    // for most zones); say so.
    out.nonexistent = true;
    std::int32_t before = utc_offset_at(tz, local_secs - 86400);
    out.utc_secs = local_secs - before;
  }
  return out;
}

}  // namespace hozen::platform::parsers
