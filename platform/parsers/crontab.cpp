#include "platform/parsers/crontab.h"

#include <array>
#include <cctype>

namespace hozen::platform::parsers {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Next blank-delimited token off the front of `s`.
std::string_view next_token(std::string_view& s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  std::size_t end = 0;
  while (end < s.size() && !is_blank(s[end])) ++end;
  std::string_view tok = s.substr(0, end);
  s.remove_prefix(end);
  return tok;
}

struct FieldSpec {
  int lo, hi;
  const std::array<std::string_view, 12>* names;  // lower-case 3-letter names for lo.. (or null)
  int names_base;
};

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 12> kDays = {"sun", "mon", "tue", "wed", "thu", "fri",
                                                    "sat", "", "", "", "", ""};

constexpr FieldSpec kSpecs[5] = {
    {0, 59, nullptr, 0}, {0, 23, nullptr, 0}, {1, 31, nullptr, 0}, {1, 12, &kMonths, 1}, {0, 7, &kDays, 0}};

bool value_of(std::string_view s, const FieldSpec& spec, int* out) {
  if (auto v = parse_uint<unsigned>(s)) {
    if (*v < static_cast<unsigned>(spec.lo) || *v > static_cast<unsigned>(spec.hi)) return false;
    *out = static_cast<int>(*v);
    return true;
  }
  if (spec.names == nullptr || s.size() != 3) return false;
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < spec.names->size(); ++i) {
    if (!(*spec.names)[i].empty() && (*spec.names)[i] == lower) {
      *out = static_cast<int>(i) + spec.names_base;
      return true;
    }
  }
  return false;
}

bool valid_item(std::string_view item, const FieldSpec& spec) {
  std::string_view range = item;
  std::size_t slash = item.find('/');
  if (slash != std::string_view::npos) {
    range = item.substr(0, slash);
    auto step = parse_uint<unsigned>(item.substr(slash + 1));
    if (!step || *step == 0 || *step > 1000) return false;
  }
  if (range == "*") return true;
  std::size_t dash = range.find('-');
  int a = 0, b = 0;
  if (dash == std::string_view::npos) return value_of(range, spec, &a);
  return value_of(range.substr(0, dash), spec, &a) && value_of(range.substr(dash + 1), spec, &b) && a <= b;
}

// Vixie cron's load_env: a name (no blanks, no '='), optional blanks, '=', the value.
bool parse_env(std::string_view line, std::string* name, std::string* value) {
  std::string_view s = trim(line);
  std::size_t i = 0;
  while (i < s.size() && s[i] != '=' && !is_blank(s[i])) ++i;
  if (i == 0) return false;
  std::string_view n = s.substr(0, i);
  std::size_t j = i;
  while (j < s.size() && is_blank(s[j])) ++j;
  if (j >= s.size() || s[j] != '=') return false;
  std::string_view v = trim(s.substr(j + 1));
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  *name = std::string(n);
  *value = std::string(v);
  return true;
}

bool is_special(std::string_view s) {
  static constexpr std::string_view kSpecials[] = {"@reboot", "@yearly", "@annually", "@monthly",
                                                   "@weekly", "@daily",  "@midnight", "@hourly"};
  for (auto k : kSpecials) {
    if (k == s) return true;
  }
  return false;
}

bool skippable(std::string_view line) {
  std::string_view t = trim(line);
  return t.empty() || t.front() == '#';
}

}  // namespace

bool valid_cron_field(std::string_view field, int which) {
  if (which < 0 || which > 4 || field.empty()) return false;
  for (auto item : split(field, ',')) {
    if (!valid_item(item, kSpecs[which])) return false;
  }
  return true;
}

void split_cron_command(std::string_view command, std::string* command_line, std::string* stdin_text) {
  command_line->clear();
  stdin_text->clear();
  bool in_stdin = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == '\\' && i + 1 < command.size() && command[i + 1] == '%') {
      (in_stdin ? *stdin_text : *command_line) += '%';
      ++i;
      continue;
    }
    if (c == '%') {
      if (in_stdin) {
        *stdin_text += '\n';
      } else {
        in_stdin = true;
      }
      continue;
    }
    (in_stdin ? *stdin_text : *command_line) += c;
  }
}

ParsedLines<CronLine> parse_crontab(std::string_view text, CronFormat format) {
  ParsedLines<CronLine> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (skippable(line)) return;
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    if (line.find('\0') != std::string_view::npos) return bad("NUL byte in line");
    CronLine e;
    e.line = n;
    std::string_view rest = trim(line);
    const char first = rest.front();
    const bool looks_timed = first == '@' || first == '*' || std::isdigit(static_cast<unsigned char>(first));
    if (!looks_timed) {
      if (parse_env(line, &e.env_name, &e.env_value)) {
        e.kind = CronLineKind::kEnvironment;
        out.entries.push_back(std::move(e));
        return;
      }
      // Month/day names cannot start a line: cron needs the minute first.
      return bad("neither a job nor NAME=value");
    }
    if (first == '@') {
      std::string_view tok = next_token(rest);
      if (!is_special(tok)) return bad("unknown @ schedule");
      e.special = std::string(tok);
    } else {
      for (int f = 0; f < 5; ++f) {
        std::string_view tok = next_token(rest);
        if (tok.empty()) return bad("fewer than five time fields");
        if (!valid_cron_field(tok, f)) return bad("time field out of range or unparsable");
        e.fields[f] = std::string(tok);
      }
    }
    if (format == CronFormat::kSystem) {
      std::string_view user = next_token(rest);
      if (user.empty()) return bad("no user field");
      e.user = std::string(user);
    }
    std::string_view cmd = trim(rest);
    if (cmd.empty()) return bad("no command");
    e.command = std::string(cmd);
    split_cron_command(cmd, &e.command_line, &e.stdin_text);
    out.entries.push_back(std::move(e));
  });
  return out;
}

ParsedLines<CronLine> parse_anacrontab(std::string_view text) {
  ParsedLines<CronLine> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (skippable(line)) return;
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    if (line.find('\0') != std::string_view::npos) return bad("NUL byte in line");
    CronLine e;
    e.line = n;
    std::string_view rest = trim(line);
    const char first = rest.front();
    if (first != '@' && !std::isdigit(static_cast<unsigned char>(first))) {
      if (parse_env(line, &e.env_name, &e.env_value)) {
        e.kind = CronLineKind::kEnvironment;
        out.entries.push_back(std::move(e));
        return;
      }
      return bad("neither a job nor NAME=value");
    }
    e.kind = CronLineKind::kAnacronJob;
    std::string_view period = next_token(rest);
    if (period.front() == '@') {
      if (period != "@daily" && period != "@weekly" && period != "@monthly" && period != "@yearly" &&
          period != "@annually") {
        return bad("unknown @ period");
      }
    } else if (!parse_uint<unsigned>(period)) {
      return bad("period is not a number of days");
    }
    std::string_view delay = next_token(rest);
    if (!parse_uint<unsigned>(delay)) return bad("delay is not a number of minutes");
    std::string_view job_id = next_token(rest);
    if (job_id.empty()) return bad("no job identifier");
    std::string_view cmd = trim(rest);
    if (cmd.empty()) return bad("no command");
    e.period = std::string(period);
    e.delay = std::string(delay);
    e.job_id = std::string(job_id);
    e.command = std::string(cmd);
    e.command_line = e.command;  // anacron hands the command to the shell as is
    out.entries.push_back(std::move(e));
  });
  return out;
}

AtJobFile parse_at_job(std::string_view text) {
  AtJobFile out;
  std::string delimiter;
  bool in_body = false, done = false;
  std::vector<AtJobFile::Command> fallback;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (done) return;
    std::string_view t = trim(line);
    if (t.starts_with("# atrun ")) {
      for (auto tok : split_ws(t.substr(8))) {
        if (tok.starts_with("uid=")) {
          if (auto v = parse_uint<unsigned>(tok.substr(4)); v && *v <= 0x7fffffffu) out.header_uid = static_cast<int>(*v);
        } else if (tok.starts_with("gid=")) {
          if (auto v = parse_uint<unsigned>(tok.substr(4)); v && *v <= 0x7fffffffu) out.header_gid = static_cast<int>(*v);
        }
      }
      return;
    }
    if (t.starts_with("# mail ")) {
      auto toks = split_ws(t.substr(7));
      if (!toks.empty()) out.mail_user = std::string(toks[0]);
      return;
    }
    if (in_body) {
      if (t == delimiter) {
        in_body = false;
        done = true;
        return;
      }
      out.commands.push_back({n, std::string(line)});
      return;
    }
    // `${SHELL:-/bin/sh} << 'marcinDELIMITER0b5e3b4a'`
    if (std::size_t p = t.find("<< '"); p != std::string_view::npos && t.find("marcinDELIMITER") != std::string_view::npos) {
      std::string_view d = t.substr(p + 4);
      if (!d.empty() && d.back() == '\'') d.remove_suffix(1);
      delimiter = std::string(d);
      in_body = true;
      return;
    }
    if (t.empty() || t.front() == '#') return;
    if (t.find("; export ") != std::string_view::npos || t.starts_with("umask ") || t.starts_with("cd ") ||
        t == "}" || t.starts_with("echo 'Execution directory inaccessible'") || t == "exit 1") {
      return;
    }
    fallback.push_back({n, std::string(line)});
  });
  if (delimiter.empty()) {
    out.heuristic = true;
    out.commands = std::move(fallback);
  }
  return out;
}

bool parse_at_job_name(std::string_view name, AtJobName* out) {
  if (name.size() != 14 || !std::islower(static_cast<unsigned char>(name[0]))) return false;
  auto job = parse_uint<std::uint32_t>(name.substr(1, 5), 16);
  auto minutes = parse_uint<std::uint32_t>(name.substr(6, 8), 16);
  if (!job || !minutes) return false;
  out->queue = name[0];
  out->job = *job;
  out->minutes = *minutes;
  return true;
}

}  // namespace hozen::platform::parsers
