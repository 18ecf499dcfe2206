#include "collectors/scheduled_tasks/scheduled_tasks_collector.h"

#include <sys/stat.h>

#include <map>
#include <set>

#include "collectors/framework/evidence.h"
#include "collectors/services/services_collector.h"
#include "collectors/services/units.h"
#include "platform/checked_time.h"
#include "platform/parsers/crontab.h"
#include "platform/paths.h"

namespace hozen::collectors::scheduled_tasks {

namespace paths = platform::paths;
namespace parsers = platform::parsers;

namespace {

std::string_view basename_of(std::string_view p) {
  std::size_t s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

bool is_dir(const Context& ctx, std::string_view path) {
  auto st = ctx.host().lstat(path);
  return st && S_ISDIR(st->st_mode);
}

struct CronFileInfo {
  v1::CronSourceKind kind;
  std::string owner;  // user spools: the file name
};

}  // namespace

void CronEnvironment::set(const std::string& name, const std::string& value) {
  auto [it, added] = values_.try_emplace(name, value);
  if (added) {
    order_.push_back(&it->first);
  } else if (it->second == value) {
    return;  // "A=1" repeated: nothing changes, nothing to rebuild
  } else {
    it->second = value;
  }
  dirty_ = true;
}

const std::vector<std::string>& CronEnvironment::for_job() {
  if (dirty_) {
    rendered_.clear();
    for (std::size_t i = 0; i < order_.size() && i < kMaxJobEnvironment; ++i) {
      const std::string& name = *order_[i];
      rendered_.push_back(name + "=" + values_.at(name));
    }
    dirty_ = false;
  }
  return rendered_;
}

namespace {

// Emits the entries of one parsed crontab/anacrontab. False when the sink stops us.
bool emit_cron(Sink& sink, const Preserved& f, const platform::ParsedLines<parsers::CronLine>& parsed,
               const CronFileInfo& info) {
  if (!report_malformed(sink, "crontab_malformed_line", f, parsed)) return false;
  // cron keeps one value per name (env_set replaces it in place, so the last assignment before a
  // job wins and the order is that of first assignment). A map keeps this linear in the file
  // size; each job gets at most kMaxJobEnvironment names and a flag when there are more (every
  // assignment is still its own CRON_LINE_ENVIRONMENT record).
  CronEnvironment env;
  for (const auto& e : parsed.entries) {
    v1::Record r;
    auto* c = r.mutable_cron_entry();
    c->set_source_kind(info.kind);
    c->set_file_owner(info.owner);
    c->set_file_uid(f.st.st_uid);
    set_source(c->mutable_source(), f, e.line);
    switch (e.kind) {
      case parsers::CronLineKind::kEnvironment:
        c->set_line_kind(v1::CRON_LINE_ENVIRONMENT);
        c->set_env_name(e.env_name);
        c->set_env_value(e.env_value);
        env.set(e.env_name, e.env_value);
        break;
      case parsers::CronLineKind::kJob:
        c->set_line_kind(v1::CRON_LINE_JOB);
        c->set_run_as(info.kind == v1::CRON_SOURCE_USER_SPOOL ? info.owner : e.user);
        c->set_special(e.special);
        c->set_minute(e.fields[0]);
        c->set_hour(e.fields[1]);
        c->set_day_of_month(e.fields[2]);
        c->set_month(e.fields[3]);
        c->set_day_of_week(e.fields[4]);
        break;
      case parsers::CronLineKind::kAnacronJob:
        c->set_line_kind(v1::CRON_LINE_ANACRON_JOB);
        c->set_run_as("root");  // anacron runs jobs as the user that runs anacron (root from cron/systemd)
        c->set_anacron_period(e.period);
        c->set_anacron_delay(e.delay);
        c->set_anacron_job_id(e.job_id);
        break;
    }
    if (e.kind != parsers::CronLineKind::kEnvironment) {
      c->set_command(e.command);
      c->set_command_line(e.command_line);
      c->set_stdin_text(e.stdin_text);
      for (const auto& v : env.for_job()) c->add_environment(v);
      c->set_environment_distinct(env.distinct());
      c->set_environment_truncated(env.truncated());
    }
    if (!sink.emit(std::move(r))) return false;
  }
  return true;
}

// A spool or cron.d entry: recorded, never followed when it is a symlink. Returns the content
// when it is a regular file that was read.
std::optional<Preserved> preserve_entry(const Context& ctx, Sink& sink, const std::string& path,
                                        std::string_view link_anomaly) {
  auto f = preserve_file(ctx, sink, path, {.links = LinkPolicy::kRecordOnly});
  if (!f) {
    auto st = ctx.host().lstat(path);
    if (st && S_ISLNK(st->st_mode)) {
      auto t = ctx.host().read_link(path);
      sink.anomaly(link_anomaly, path, 0, "symlink recorded, not followed: its target was not read",
                   t ? std::string_view(*t) : std::string_view());
    }
  }
  return f;
}

bool collect_cron(const Context& ctx, Sink& sink, const std::map<std::string, std::uint32_t>& uids) {
  if (auto f = preserve_file(ctx, sink, paths::kCrontab)) {
    if (f->truncated) sink.anomaly("crontab_truncated", f->path, 0, "file over the size cap: parsed a prefix", {});
    auto parsed = parsers::parse_crontab(f->bytes, parsers::CronFormat::kSystem);
    if (!emit_cron(sink, *f, parsed, {v1::CRON_SOURCE_SYSTEM_CRONTAB, {}})) return false;
  }
  for (const auto& path : list_dir_paths(ctx, sink, paths::kCronD)) {
    if (ctx.should_stop()) return false;
    if (is_dir(ctx, path)) continue;
    std::string_view name = basename_of(path);
    if (!run_parts_name_ok(name)) {
      // Debian cron reads /etc/cron.d with run-parts naming rules (cron(8)): "x.conf" is ignored.
      sink.anomaly("cron_d_name_ignored", path, 0, "Debian cron skips cron.d files whose names have characters other than [A-Za-z0-9_-]", name);
    }
    auto f = preserve_entry(ctx, sink, path, "cron_d_symlink");
    if (!f) continue;
    if (f->st.st_uid != 0 || (f->st.st_mode & 022) != 0) {
      // Debian cron skips these ("WRONG FILE OWNER" / "INSECURE MODE"): the entries are kept,
      // flagged, since a planted file matters whether or not cron runs it.
      sink.anomaly("cron_d_insecure_owner_or_mode", path, 0,
                   "not owned by root or group/other-writable: Debian cron ignores it", {});
    }
    if (f->truncated) sink.anomaly("crontab_truncated", f->path, 0, "file over the size cap: parsed a prefix", {});
    auto parsed = parsers::parse_crontab(f->bytes, parsers::CronFormat::kSystem);
    if (!emit_cron(sink, *f, parsed, {v1::CRON_SOURCE_CRON_D, {}})) return false;
  }
  for (std::string_view spool : {paths::kCronSpoolDebian, paths::kCronSpool}) {
    for (const auto& path : list_dir_paths(ctx, sink, spool)) {
      if (ctx.should_stop()) return false;
      if (is_dir(ctx, path)) continue;  // /var/spool/cron holds crontabs/, atjobs/ on Debian
      std::string_view name = basename_of(path);
      auto f = preserve_entry(ctx, sink, path, "cron_spool_symlink");
      if (!f) continue;
      // Debian cron runs a spool crontab only if its name is an account that owns the file
      // ("ORPHAN" / "WRONG FILE OWNER" otherwise). Flagged, and the entries are still kept.
      if (auto it = uids.find(std::string(name)); it == uids.end()) {
        sink.anomaly("cron_spool_unknown_user", path, 0, "no /etc/passwd account has this name", name);
      } else if (it->second != f->st.st_uid) {
        sink.anomaly("cron_spool_owner_mismatch", path, 0,
                     "file owner uid " + std::to_string(f->st.st_uid) + " is not the uid of the account it is named after (" +
                         std::to_string(it->second) + ")",
                     name);
      }
      if (f->truncated) sink.anomaly("crontab_truncated", f->path, 0, "file over the size cap: parsed a prefix", {});
      auto parsed = parsers::parse_crontab(f->bytes, parsers::CronFormat::kUser);
      if (!emit_cron(sink, *f, parsed, {v1::CRON_SOURCE_USER_SPOOL, std::string(name)})) return false;
    }
  }
  if (auto f = preserve_file(ctx, sink, paths::kAnacrontab)) {
    auto parsed = parsers::parse_anacrontab(f->bytes);
    if (!emit_cron(sink, *f, parsed, {v1::CRON_SOURCE_ANACRONTAB, {}})) return false;
  }
  return true;
}

bool collect_periodic(const Context& ctx, Sink& sink) {
  const std::pair<std::string_view, std::string_view> kDirs[] = {
      {"hourly", paths::kCronHourly}, {"daily", paths::kCronDaily},
      {"weekly", paths::kCronWeekly}, {"monthly", paths::kCronMonthly}};
  for (const auto& [period, dir] : kDirs) {
    for (const auto& path : list_dir_paths(ctx, sink, dir)) {
      if (ctx.should_stop()) return false;
      auto st = ctx.host().lstat(path);
      if (!st) {
        sink.item_error(path, st.error());
        continue;
      }
      if (S_ISDIR(st->st_mode)) continue;
      v1::Record r;
      auto* s = r.mutable_periodic_script();
      s->set_period(std::string(period));
      s->set_path(path);
      s->set_mode(st->st_mode);
      s->set_uid(st->st_uid);
      std::string_view name = basename_of(path);
      auto f = preserve_file(ctx, sink, path, {.links = LinkPolicy::kRecordOnly});
      if (f) set_source(s->mutable_source(), *f, 1);
      const bool link = S_ISLNK(st->st_mode);
      if (link) {
        if (auto t = ctx.host().read_link(path)) s->set_link_target(*t);
      }
      s->set_executable((st->st_mode & 0111) != 0);
      std::string reason;
      if (!run_parts_name_ok(name)) {
        reason = "name has characters run-parts skips (only [A-Za-z0-9_-] run)";
      } else if (link) {
        reason = "";  // run-parts follows links: whether it runs depends on the target (not followed)
      } else if (!S_ISREG(st->st_mode)) {
        reason = "not a regular file";
      } else if ((st->st_mode & 0111) == 0) {
        reason = "not executable";
      }
      s->set_runs(reason.empty());
      s->set_skip_reason(reason);
      if (!sink.emit(std::move(r))) return false;
    }
  }
  return true;
}

bool collect_at(const Context& ctx, Sink& sink) {
  for (std::string_view spool : {paths::kAtJobsDebian, paths::kAtSpool}) {
    for (const auto& path : list_dir_paths(ctx, sink, spool)) {
      if (ctx.should_stop()) return false;
      std::string_view name = basename_of(path);
      if (name.starts_with('.') || is_dir(ctx, path)) continue;  // .SEQ: atd's job counter
      auto f = preserve_entry(ctx, sink, path, "at_spool_symlink");
      if (!f) continue;
      v1::Record r;
      auto* a = r.mutable_at_job();
      a->set_path(path);
      parsers::AtJobName n;
      if (parsers::parse_at_job_name(name, &n)) {
        a->set_queue(std::string(1, n.queue));
        a->set_job_number(n.job);
        if (auto ns = platform::minutes_to_ns(n.minutes)) {
          a->set_scheduled_utc_ns(*ns);
        } else {
          a->set_scheduled_out_of_range(true);  // 8 hex digits of minutes can exceed int64 ns
        }
      }
      a->set_file_uid(f->st.st_uid);
      a->set_mode(f->st.st_mode);
      auto job = parsers::parse_at_job(f->bytes);
      a->set_header_uid(job.header_uid);
      a->set_header_gid(job.header_gid);
      a->set_mail_user(job.mail_user);
      a->set_commands_heuristic(job.heuristic);
      for (const auto& c : job.commands) {
        auto* x = a->add_commands();
        x->set_text(c.text);
        set_source(x->mutable_source(), *f, c.line);
      }
      set_source(a->mutable_source(), *f, 1);
      if (!sink.emit(std::move(r))) return false;
    }
  }
  return true;
}

bool collect_timers(const Context& ctx, Sink& sink, const std::vector<services::UnitScopeDirs>& scopes) {
  services::UnitLoader loader(ctx, sink);
  for (const auto& scope : scopes) {
    // Two passes so only timers and the units they start are read (and preserved).
    auto timers = loader.load(scope, [](const std::string& n) { return n.ends_with(".timer"); });
    std::set<std::string> targets;
    for (const auto& u : timers) {
      const auto* unit = u.last("Timer", "Unit");
      targets.insert(unit ? unit->value : services::default_trigger(u.name));
    }
    auto started = loader.load(scope, [&](const std::string& n) { return targets.count(n) > 0; });
    std::map<std::string, const services::MergedUnit*> by_name;
    for (const auto& u : started) by_name[u.name] = &u;
    for (const auto& u : timers) {
      if (ctx.should_stop()) return false;
      v1::Record r;
      auto* t = r.mutable_systemd_timer();
      t->set_name(u.name);
      t->set_scope(u.scope);
      t->set_home_user(u.home_user);
      t->set_path(u.fragment);
      for (const auto& s : u.settings) {
        if (s.section != "Timer" || !s.key.starts_with("On")) continue;
        auto* x = t->add_triggers();
        x->set_section(s.section);
        x->set_key(s.key);
        x->set_value(s.value);
        *x->mutable_source() = s.source;
      }
      const auto* persistent = u.last("Timer", "Persistent");
      t->set_persistent(persistent && (persistent->value == "yes" || persistent->value == "true" ||
                                       persistent->value == "1" || persistent->value == "on"));
      const auto* unit = u.last("Timer", "Unit");
      std::string target = unit ? unit->value : services::default_trigger(u.name);
      t->set_unit(target);
      if (auto it = by_name.find(target); it != by_name.end()) {
        t->set_unit_path(it->second->fragment);
        services::fill_exec(*it->second, t->mutable_exec());
        if (const auto* user = it->second->last("Service", "User")) t->set_unit_user(user->value);
      }
      t->set_state(services::enable_state(u));
      for (const auto& l : u.links) *t->add_links() = l;
      for (const auto& d : u.drop_ins) t->add_drop_ins(d);
      if (!u.fragment_source.path().empty()) *t->mutable_source() = u.fragment_source;
      if (!sink.emit(std::move(r))) return false;
    }
  }
  return true;
}

}  // namespace

bool run_parts_name_ok(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string_view> ScheduledTasksCollector::inputs() const {
  static const std::vector<std::string> kDirs = [] {
    std::vector<std::string> t;
    for (auto d : {paths::kCronD, paths::kCronHourly, paths::kCronDaily, paths::kCronWeekly, paths::kCronMonthly,
                   paths::kCronSpoolDebian, paths::kCronSpool, paths::kAtJobsDebian, paths::kAtSpool}) {
      t.push_back(std::string(d) + "/*");
    }
    return t;
  }();
  auto out = services::unit_inputs();
  out.insert(out.end(), kDirs.begin(), kDirs.end());
  out.push_back(paths::kCrontab);
  out.push_back(paths::kAnacrontab);
  return out;
}

Outcome ScheduledTasksCollector::collect(const Context& ctx, Sink& sink) noexcept {
  std::map<std::string, std::uint32_t> uids;
  auto scopes = services::unit_scopes(ctx, sink, &uids);  // preserves and parses /etc/passwd
  if (!collect_cron(ctx, sink, uids) || !collect_periodic(ctx, sink) || !collect_at(ctx, sink) ||
      !collect_timers(ctx, sink, scopes)) {
    return {v1::RUN_CANCELLED, ctx.should_stop() ? "stopped" : "output stopped"};
  }
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::scheduled_tasks
