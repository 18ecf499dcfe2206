#include "collectors/logins/logins_collector.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "collectors/framework/evidence.h"
#include "collectors/sessions/sessions_collector.h"
#include "platform/parsers/auth_log.h"
#include "platform/parsers/lastlog.h"
#include "platform/parsers/tzif.h"
#include "platform/paths.h"
#include "platform/procfs/utmp.h"
#include "platform/sha256.h"

namespace hozen::collectors::logins {

namespace {

namespace paths = platform::paths;
namespace parsers = platform::parsers;

constexpr std::int64_t kNsPerSec = 1'000'000'000;
constexpr std::size_t kMaxLastlogExtents = 1u << 16;

// How local (RFC 3164) timestamps are turned into UTC.
struct Zone {
  std::string name;
  std::optional<parsers::TimeZoneInfo> tz;  // rules from /etc/localtime (TZif)
  bool assumed = false;                     // no usable rules and not UTC: converted as if UTC
  std::string note;
};

bool utc_name(std::string_view n) {
  if (n.starts_with("Etc/")) n.remove_prefix(4);
  for (std::string_view u :
       {"UTC", "UCT", "Universal", "Zulu", "GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich"}) {
    if (n == u) return true;
  }
  return false;
}

// The zone name comes from /etc/timezone (Debian) or the /etc/localtime link target after
// "zoneinfo/"; the offsets from /etc/localtime itself (TZif, what the C library and rsyslog use).
Zone read_zone(const Context& ctx, Sink& sink) {
  Zone z;
  std::string source;
  if (auto f = preserve_file(ctx, sink, paths::kTimezone)) {
    std::string_view v = f->bytes;
    v = v.substr(0, v.find('\n'));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.remove_suffix(1);
    // A zone name is short and plain ("Asia/Tokyo", "Etc/GMT+9"); anything else is not used
    // (it would be copied into every event).
    const bool plain = !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '+' || ch == '-' || ch == '/';
    });
    if (plain) {
      z.name = std::string(v);
      source = std::string(paths::kTimezone);
    } else {
      sink.anomaly("timezone_name_malformed", paths::kTimezone, 1, "not a plain zone name: ignored", {});
    }
  }
  bool localtime_exists = ctx.host().lstat(paths::kLocaltime).has_value();
  if (z.name.empty()) {
    if (auto t = ctx.host().read_link(paths::kLocaltime)) {
      auto p = t->find("zoneinfo/");
      z.name = p == std::string::npos ? *t : t->substr(p + 9);
      source = std::string(paths::kLocaltime) + " -> " + *t;
    }
  }
  if (localtime_exists) {
    if (auto f = preserve_file(ctx, sink, paths::kLocaltime)) {
      if (auto tz = parsers::parse_tzif(f->bytes); tz && !f->truncated) {
        z.note = std::string("offsets from the TZif rules of /etc/localtime") +
                 (tz->rule ? " and its POSIX TZ footer" : "") +
                 (z.name.empty() ? "" : "; name from " + source);
        z.tz = std::move(tz);
        if (z.name.empty()) z.name = std::string(paths::kLocaltime);
        return z;
      }
      sink.anomaly("tzif_malformed", paths::kLocaltime, 0, "not a TZif file we can read",
                   std::string_view(f->bytes).substr(0, 64));
    }
  }
  if (z.name.empty() && !localtime_exists) {
    z.name = "UTC";
    z.note = "no /etc/timezone or /etc/localtime: the C library's default, UTC";
    return z;
  }
  if (utc_name(z.name)) {
    z.note = "UTC zone named by " + source;
    return z;
  }
  z.assumed = true;
  z.note = z.name.empty() ? "zone unknown (no readable /etc/localtime, no /etc/timezone): "
                            "local times converted as if UTC"
                          : "zone named by " + source +
                                ", but no readable TZif rules in /etc/localtime: local times "
                                "converted as if UTC";
  return z;
}

std::string ymd(std::int64_t secs) {
  std::time_t t = static_cast<std::time_t>(secs);
  struct tm tm {};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

// ---- wtmp / btmp ----

bool collect_utmp_log(const Context& ctx, Sink& sink, std::string_view path, std::string_view log) {
  auto file = preserve_file(ctx, sink, path);
  if (!file) return true;
  auto parsed = platform::procfs::parse_utmp(file->bytes);
  if (parsed.trailing_bytes > 0 && !file->truncated) {
    if (!sink.anomaly(
            "utmp_trailing_bytes", path, 0, "file size is not a multiple of the record size",
            std::string_view(file->bytes).substr(file->bytes.size() - parsed.trailing_bytes, 64))) {
      return false;
    }
  }
  std::uint64_t offset = 0;
  for (const auto& e : parsed.entries) {
    if (ctx.should_stop()) return false;
    v1::Record r;
    auto* s = r.mutable_login_record();
    s->set_log(std::string(log));
    s->set_entry_type(sessions::utmp_type_name(e.type));
    s->set_entry_type_code(e.type);
    s->set_pid(e.pid);
    s->set_line(e.line);
    s->set_terminal_id(e.id);
    s->set_user(e.user);
    s->set_host(e.host);
    bool v4 = std::all_of(e.addr_v6.begin() + 4, e.addr_v6.end(), [](auto b) { return b == 0; });
    bool zero = std::all_of(e.addr_v6.begin(), e.addr_v6.end(), [](auto b) { return b == 0; });
    if (!zero) {
      char buf[INET6_ADDRSTRLEN] = {};
      if (::inet_ntop(v4 ? AF_INET : AF_INET6, e.addr_v6.data(), buf, sizeof buf))
        s->set_address(buf);
    }
    s->set_session_id(e.session);
    s->set_time_utc_ns(e.tv_sec * kNsPerSec + std::int64_t{e.tv_usec} * 1000);
    s->set_exit_termination(e.exit_termination);
    s->set_exit_status(e.exit_status);
    set_source(s->mutable_source(), *file, 0, offset);
    offset += platform::procfs::kUtmpRecordSize;
    if (!sink.emit(std::move(r))) return false;
  }
  return true;
}

// ---- lastlog ----

// Preserves lastlog as data extents (never its holes) and emits one record per non-empty entry.
bool collect_lastlog(const Context& ctx, Sink& sink) {
  const std::string_view path = paths::kLastlog;
  auto c = ctx.host().read_data_extents(path, ctx.limits().max_file_bytes, kMaxLastlogExtents);
  if (!c) {
    if (c.error().kind != platform::ErrorKind::kNotFound) sink.item_error(path, c.error());
    return true;
  }
  if (is_secret_file(ctx, c->st)) {  // lastlog planted as a link to /etc/shadow
    sink.item_error(path, platform::Error::make(platform::ErrorKind::kDenied, "read", path,
                                                "refused: the same file as a password-hash file"));
    return true;
  }
  v1::Record blob;
  auto* f = blob.mutable_preserved_file();
  f->set_path(std::string(path));
  f->set_size(static_cast<std::uint64_t>(c->st.st_size));
  f->set_mtime_utc_ns(c->st.st_mtim.tv_sec * kNsPerSec + c->st.st_mtim.tv_nsec);
  f->set_ctime_utc_ns(c->st.st_ctim.tv_sec * kNsPerSec + c->st.st_ctim.tv_nsec);
  f->set_mode(c->st.st_mode);
  f->set_uid(c->st.st_uid);
  f->set_gid(c->st.st_gid);
  f->set_inode(c->st.st_ino);
  f->set_truncated(c->truncated);
  f->set_atime_may_have_changed(c->atime_may_have_changed);
  std::vector<parsers::LastlogExtent> views;
  for (std::size_t i = 0; i < c->extents.size(); ++i) {
    const auto& e = c->extents[i];
    auto* x = f->add_extents();
    x->set_offset(e.offset);
    x->set_raw(e.bytes);
    // The extent cut by the byte budget is kept, but without a digest: never one for a part.
    const bool cut = c->truncated && i + 1 == c->extents.size();
    if (!cut) x->set_sha256(platform::as_bytes(platform::Sha256::of(e.bytes)));
    views.push_back({e.offset, e.bytes});
  }
  if (c->seek_data_unsupported) {
    if (!sink.anomaly("lastlog_no_seek_data", path, 0,
                      "filesystem has no SEEK_DATA: read as one extent (capped)", {})) {
      return false;
    }
  }
  sink.item(c->truncated ? v1::ITEM_TRUNCATED : v1::ITEM_OK);
  if (!sink.emit(std::move(blob))) return false;

  std::uint64_t data_end = static_cast<std::uint64_t>(c->st.st_size);
  if (c->truncated && !c->extents.empty()) {
    data_end = c->extents.back().offset + c->extents.back().bytes.size();
  }
  auto parsed = parsers::parse_lastlog(views, data_end);
  if (parsed.partial_records > 0 && !c->truncated) {
    if (!sink.anomaly("lastlog_partial_record", path, 0,
                      "file size is not a multiple of the 292-byte record", {})) {
      return false;
    }
  }
  if (parsed.beyond_uid_range > 0) {
    if (!sink.anomaly(
            "lastlog_beyond_uid_range", path, 0,
            std::to_string(parsed.beyond_uid_range) + " non-empty records past uid 2^32-1", {})) {
      return false;
    }
  }
  collectors::Preserved ref_file;  // SourceRef: path + offset, no digest (kept as extents)
  ref_file.path = std::string(path);
  for (const auto& e : parsed.entries) {
    if (ctx.should_stop()) return false;
    v1::Record r;
    auto* l = r.mutable_lastlog_entry();
    l->set_uid(e.uid);
    l->set_time_utc_ns(e.time * kNsPerSec);
    l->set_line(e.line);
    l->set_host(e.host);
    set_source(l->mutable_source(), ref_file, 0, e.offset);
    if (!sink.emit(std::move(r))) return false;
  }
  return true;
}

// ---- auth logs ----

struct Rotation {
  int base = 0;           // 0 auth.log, 1 secure
  int group = 0;          // 0 live, 1 numeric, 2 dated
  std::uint64_t key = 0;  // number, or date (sorted descending)
  std::string name;
};

std::optional<Rotation> rotation_of(std::string_view name) {
  const std::string_view bases[] = {paths::kAuthLogName, paths::kSecureLogName};
  for (int b = 0; b < 2; ++b) {
    std::string_view base = bases[b];
    if (!name.starts_with(base)) continue;
    std::string_view rest = name.substr(base.size());
    if (rest.ends_with(".gz")) rest.remove_suffix(3);
    Rotation r{b, 0, 0, std::string(name)};
    if (rest.empty()) return r;  // the live file (or an odd "auth.log.gz": kept, after it)
    if (rest.front() == '.') {
      auto n = platform::parse_uint<std::uint64_t>(rest.substr(1));
      if (!n) return std::nullopt;
      r.group = 1;
      r.key = *n;
      return r;
    }
    if (rest.front() == '-') {
      auto d = platform::parse_uint<std::uint64_t>(rest.substr(1));
      if (!d) return std::nullopt;
      r.group = 2;
      r.key = *d;
      return r;
    }
  }
  return std::nullopt;
}

void fill_event(v1::AuthEvent* a, const parsers::AuthEvent& e) {
  a->set_kind(e.kind);
  a->set_success(e.success);
  a->set_user(e.user);
  if (e.uid) {
    a->set_has_uid(true);
    a->set_uid(*e.uid);
  }
  a->set_target_user(e.target_user);
  if (e.target_uid) {
    a->set_has_target_uid(true);
    a->set_target_uid(*e.target_uid);
  }
  a->set_tty(e.tty);
  a->set_cwd(e.cwd);
  a->set_command(e.command);
  a->set_failure_reason(e.failure_reason);
  a->set_fields_ambiguous(e.ambiguous);
  a->set_service(e.service);
  a->set_source_address(e.source_address);
  if (e.source_port) a->set_source_port(*e.source_port);
  a->set_method(e.method);
  a->set_key_type(e.key_type);
  a->set_key_fingerprint(e.key_fingerprint);
  a->set_invalid_user(e.invalid_user);
  a->set_group(e.group);
  if (e.gid) {
    a->set_has_gid(true);
    a->set_gid(*e.gid);
  }
  a->set_home(e.home);
  a->set_shell(e.shell);
}

bool collect_auth_log(const Context& ctx, Sink& sink, const std::string& path, const Zone& zone) {
  PreserveOptions o;
  o.gunzip = path.ends_with(".gz");
  auto file = preserve_file(ctx, sink, path, o);
  if (!file) return true;
  auto parsed = parsers::parse_auth_log(file->bytes, ctx.limits().max_anomaly_raw_bytes);
  if (!report_malformed(sink, "auth_log_malformed_line", *file, parsed)) return false;

  const std::int64_t mtime = file->st.st_mtim.tv_sec;
  std::time_t mt = static_cast<std::time_t>(mtime);
  struct tm tm {};
  ::gmtime_r(&mt, &tm);
  parsers::infer_years(parsed.entries, tm.tm_year + 1900, tm.tm_mon + 1);
  const std::string basis = "mtime of " + path + " (" + ymd(mtime) +
                            ") is the year of the last line; a month later than the next line's "
                            "means the year before";
  bool any_inferred = false;
  std::uint64_t events = 0;
  for (const auto& l : parsed.entries) {
    if (ctx.should_stop()) return false;
    v1::Record r;
    auto* a = r.mutable_auth_event();
    fill_event(a, l.event);
    const auto& t = l.time;
    std::int64_t secs = parsers::civil_to_unix(t.year, t.month, t.day, t.hour, t.minute, t.second);
    if (t.has_offset) {
      secs -= t.utc_offset_s;
    } else {
      if (zone.tz) {
        auto u = parsers::local_to_utc(*zone.tz, secs);
        secs = u.utc_secs;
        a->set_local_time_ambiguous(u.ambiguous || u.nonexistent);
      }
      a->set_timezone(zone.name);
      a->set_timezone_note(zone.note);
      a->set_tz_assumed(zone.assumed);
    }
    a->set_time_utc_ns(secs * kNsPerSec + t.nanos);
    a->set_timestamp(l.timestamp);
    if (!t.has_year) {
      any_inferred = true;
      a->set_year_inferred(true);
      a->set_year_basis(basis);
    }
    a->set_host(l.host);
    a->set_program(l.program);
    if (l.pid) a->set_pid(*l.pid);
    a->set_message(l.message);
    set_source(a->mutable_source(), *file, l.line);
    if (!sink.emit(std::move(r))) return false;
    ++events;
  }
  v1::Record r;
  auto* s = r.mutable_auth_log_summary();
  s->set_path(path);
  s->set_lines(parsed.lines);
  s->set_events(events);
  s->set_other_lines(parsed.other_lines);
  s->set_malformed_lines(parsed.malformed.size());
  s->set_truncated(file->truncated);
  if (any_inferred) s->set_year_basis(basis);
  s->set_timezone(zone.name);
  s->set_tz_assumed(zone.assumed);
  set_source(s->mutable_source(), *file, 0);
  return sink.emit(std::move(r));
}

}  // namespace

std::vector<std::string> auth_log_order(const std::vector<std::string>& names) {
  std::vector<Rotation> rs;
  for (const auto& n : names) {
    if (auto r = rotation_of(n)) rs.push_back(std::move(*r));
  }
  std::sort(rs.begin(), rs.end(), [](const Rotation& a, const Rotation& b) {
    if (a.base != b.base) return a.base < b.base;
    if (a.group != b.group) return a.group < b.group;
    if (a.key != b.key) return a.group == 2 ? a.key > b.key : a.key < b.key;
    return a.name < b.name;  // auth.log.2 before auth.log.2.gz
  });
  std::vector<std::string> out;
  for (auto& r : rs) out.push_back(std::move(r.name));
  return out;
}

std::vector<std::string_view> LoginsCollector::inputs() const {
  return {paths::kWtmp,          paths::kWtmpRotated, paths::kBtmp,
          paths::kBtmpRotated,   paths::kLastlog,     paths::kVarLog,
          paths::kVarLogEntries, paths::kTimezone,    paths::kLocaltime};
}

Outcome LoginsCollector::collect(const Context& ctx, Sink& sink) noexcept {
  const Outcome stopped{v1::RUN_CANCELLED, "stopped"};
  if (!collect_utmp_log(ctx, sink, paths::kWtmp, "wtmp")) return stopped;
  if (!collect_utmp_log(ctx, sink, paths::kWtmpRotated, "wtmp")) return stopped;
  if (!collect_utmp_log(ctx, sink, paths::kBtmp, "btmp")) return stopped;
  if (!collect_utmp_log(ctx, sink, paths::kBtmpRotated, "btmp")) return stopped;
  if (!collect_lastlog(ctx, sink)) return stopped;

  Zone zone = read_zone(ctx, sink);
  std::vector<std::string> names;
  const std::string dir(paths::kVarLog);
  for (const auto& p : list_dir_paths(ctx, sink, paths::kVarLog))
    names.push_back(p.substr(dir.size() + 1));
  for (const auto& name : auth_log_order(names)) {
    if (ctx.should_stop()) return stopped;
    if (!collect_auth_log(ctx, sink, platform::join_path(paths::kVarLog, name), zone))
      return stopped;
  }
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::logins
