#include "collectors/services/services_collector.h"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "collectors/framework/evidence.h"
#include "collectors/services/units.h"
#include "platform/paths.h"

namespace hozen::collectors::services {

namespace paths = platform::paths;

namespace {

std::string_view basename_of(std::string_view p) {
  std::size_t s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

bool is_unit_component(std::string_view c) {
  auto parts = platform::parsers::split_unit_name(c);
  return parts.valid && parts.suffix != "slice";
}

struct RuntimeUnit {
  std::string cgroup;
  std::vector<std::int32_t> pids;
  bool matched = false;
};
using RuntimeKey = std::pair<std::int64_t, std::string>;  // (user manager uid or -1, unit)

// Reads /proc/<pid>/cgroup of every process through the live filesystem. Processes that exit
// between listing and reading are skipped (they are gone, not an error).
std::map<RuntimeKey, RuntimeUnit> read_runtime(const Context& ctx, Sink& sink) {
  std::map<RuntimeKey, RuntimeUnit> out;
  const platform::FileSystem& live = *ctx.live();
  auto entries = live.list_dir(paths::kProcRoot, ctx.limits().max_processes);
  if (!entries) {
    sink.item_error(paths::kProcRoot, entries.error());
    return out;
  }
  std::vector<std::int32_t> pids;
  for (const auto& e : *entries) {
    if (auto pid = platform::parse_uint<std::int32_t>(e.name)) pids.push_back(*pid);
  }
  std::sort(pids.begin(), pids.end());
  for (std::int32_t pid : pids) {
    if (ctx.should_stop()) break;
    std::string path = platform::join_path(platform::join_path(paths::kProcRoot, std::to_string(pid)), "cgroup");
    auto c = live.read_file(path, ctx.limits().max_proc_file_bytes);
    if (!c) {
      if (c.error().kind != platform::ErrorKind::kNotFound) sink.item_error(path, c.error());
      continue;
    }
    CgroupUnit cu;
    if (!unit_from_cgroup(c->bytes, &cu)) continue;
    auto& r = out[{cu.user_manager_uid, cu.unit}];
    if (r.cgroup.empty()) r.cgroup = cu.cgroup;
    r.pids.push_back(pid);
  }
  return out;
}

void emit_unit(const MergedUnit& u, v1::SystemdUnit* s) {
  s->set_name(u.name);
  s->set_unit_kind(platform::parsers::split_unit_name(u.name).suffix);
  s->set_scope(u.scope);
  s->set_home_user(u.home_user);
  s->set_path(u.fragment);
  s->set_fragment_link_target(u.fragment_link_target);
  for (const auto& p : u.shadowed) s->add_shadowed_paths(p);
  for (const auto& p : u.drop_ins) s->add_drop_ins(p);
  s->set_template_name(u.template_name);
  s->set_instance(u.instance);
  if (const auto* d = u.last("Unit", "Description")) s->set_description(d->value);
  if (const auto* d = u.last("Service", "Type")) s->set_service_type(d->value);
  if (const auto* d = u.last("Service", "User")) s->set_user(d->value);
  if (const auto* d = u.last("Service", "Group")) s->set_group(d->value);
  fill_exec(u, s->mutable_exec());
  for (auto& w : u.words("Install", "WantedBy")) s->add_wanted_by(std::move(w));
  for (auto& w : u.words("Install", "RequiredBy")) s->add_required_by(std::move(w));
  for (auto& w : u.words("Install", "Also")) s->add_also(std::move(w));
  for (auto& w : u.words("Install", "Alias")) s->add_install_alias(std::move(w));
  s->set_state(enable_state(u));
  for (const auto& l : u.links) *s->add_links() = l;
  for (const auto& st : u.settings) {
    auto* o = s->add_settings();
    o->set_section(st.section);
    o->set_key(st.key);
    o->set_value(st.value);
    *o->mutable_source() = st.source;
  }
  s->set_settings_truncated(u.settings_truncated);
  s->set_alias_of(u.alias_of);
  s->set_fragment_truncated(u.fragment_truncated);
  auto parts = platform::parsers::split_unit_name(u.name);
  if (parts.suffix == "timer" || parts.suffix == "path" || parts.suffix == "socket") {
    const auto* unit = u.last({}, "Unit");
    s->set_trigger_unit(unit ? unit->value : default_trigger(u.name));
  }
  // The entry's source: its ExecStart= line when there is one, else the fragment.
  const v1::SourceRef* src = nullptr;
  for (const auto& e : s->exec()) {
    if (e.directive() == "ExecStart") {
      src = &e.source();
      break;
    }
  }
  if (src != nullptr) {
    *s->mutable_source() = *src;
  } else if (!u.fragment_source.path().empty()) {
    *s->mutable_source() = u.fragment_source;
  }
}

// ---- SysV / OpenRC ----

struct LsbHeader {
  std::string provides, default_start, default_stop, description;
};

LsbHeader parse_lsb(std::string_view text) {
  LsbHeader h;
  bool in = false;
  platform::for_each_line(text, [&](std::uint64_t, std::string_view line) {
    if (line.starts_with("### BEGIN INIT INFO")) in = true;
    else if (line.starts_with("### END INIT INFO")) in = false;
    else if (in && line.starts_with("#")) {
      std::string_view l = line.substr(1);
      while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
      std::size_t colon = l.find(':');
      if (colon == std::string_view::npos) return;
      std::string_view key = l.substr(0, colon), v = l.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
      if (key == "Provides") h.provides = v;
      else if (key == "Default-Start") h.default_start = v;
      else if (key == "Default-Stop") h.default_stop = v;
      else if (key == "Short-Description") h.description = v;
    }
  });
  return h;
}

Outcome collect_init(const Context& ctx, Sink& sink) {
  // rc links first, grouped by the script they name.
  std::map<std::string, std::vector<v1::RcLink>> links;
  for (std::string_view dir : paths::kRcDirs) {
    std::string level(dir.substr(dir.size() - 3, 1));  // "/etc/rc2.d" -> "2"
    for (const auto& path : list_dir_paths(ctx, sink, dir)) {
      std::string_view name = basename_of(path);
      v1::RcLink l;
      l.set_kind("sysv");
      l.set_runlevel(level);
      l.set_path(path);
      if (auto t = ctx.host().read_link(path)) l.set_target(*t);
      std::string script(name);
      if (name.size() > 3 && (name[0] == 'S' || name[0] == 'K') && std::isdigit(static_cast<unsigned char>(name[1])) &&
          std::isdigit(static_cast<unsigned char>(name[2]))) {
        l.set_start(name[0] == 'S');
        l.set_priority(static_cast<std::uint32_t>((name[1] - '0') * 10 + (name[2] - '0')));
        script = std::string(name.substr(3));
      } else if (name == "README") {
        continue;
      } else {
        sink.anomaly("rc_link_unexpected_name", path, 0, "rc directory entry not named [SK]NNname", name);
      }
      if (!l.target().empty()) script = std::string(basename_of(l.target()));
      links[script].push_back(std::move(l));
    }
  }
  for (const auto& level_dir : list_dir_paths(ctx, sink, paths::kOpenRcRunlevels)) {
    for (const auto& path : list_dir_paths(ctx, sink, level_dir)) {
      v1::RcLink l;
      l.set_kind("openrc");
      l.set_runlevel(std::string(basename_of(level_dir)));
      l.set_start(true);
      l.set_path(path);
      std::string script(basename_of(path));
      if (auto t = ctx.host().read_link(path)) {
        l.set_target(*t);
        script = std::string(basename_of(*t));
      }
      links[script].push_back(std::move(l));
    }
  }

  std::set<std::string> seen;
  for (const auto& path : list_dir_paths(ctx, sink, paths::kInitD)) {
    if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped"};
    std::string name(basename_of(path));
    auto st = ctx.host().lstat(path);
    if (st && S_ISDIR(st->st_mode)) continue;
    v1::Record r;
    auto* s = r.mutable_init_script();
    s->set_name(name);
    s->set_path(path);
    if (auto f = preserve_file(ctx, sink, path)) {
      s->set_executable((f->st.st_mode & 0111) != 0);
      s->set_mode(f->st.st_mode);
      auto h = parse_lsb(f->bytes);
      s->set_lsb_provides(h.provides);
      s->set_lsb_default_start(h.default_start);
      s->set_lsb_default_stop(h.default_stop);
      s->set_lsb_description(h.description);
      std::string_view first = std::string_view(f->bytes).substr(0, f->bytes.find('\n'));
      s->set_openrc(first.starts_with("#!") && first.find("openrc-run") != std::string_view::npos);
      set_source(s->mutable_source(), *f, 1);
    }
    if (auto l = links.find(name); l != links.end()) {
      for (auto& x : l->second) *s->add_links() = std::move(x);
      links.erase(l);
    }
    seen.insert(name);
    if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
  }
  // rc links whose script is not in /etc/init.d (dangling, or pointing elsewhere).
  for (auto& [name, ls] : links) {
    v1::Record r;
    auto* s = r.mutable_init_script();
    s->set_name(name);
    for (auto& x : ls) *s->add_links() = std::move(x);
    if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
  }

  for (std::string_view path : {paths::kRcLocal, paths::kRcDRcLocal}) {
    auto f = preserve_file(ctx, sink, path);
    if (!f) continue;
    v1::Record r;
    auto* s = r.mutable_rc_local();
    s->set_path(std::string(path));
    s->set_executable((f->st.st_mode & 0111) != 0);
    s->set_mode(f->st.st_mode);
    set_source(s->mutable_source(), *f, 1);
    platform::for_each_line(f->bytes, [&](std::uint64_t n, std::string_view line) {
      std::string_view t = line;
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      if (t.empty() || t.front() == '#') return;
      auto* c = s->add_commands();
      c->set_text(std::string(line));
      set_source(c->mutable_source(), *f, n);
    });
    if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
  }
  return {v1::RUN_OK, {}};
}

}  // namespace

bool unit_from_cgroup(std::string_view text, CgroupUnit* out) {
  bool found = false;
  platform::for_each_line(text, [&](std::uint64_t, std::string_view line) {
    // "hierarchy-ID:controller-list:cgroup-path"; v2 is "0::/path", v1 systemd "N:name=systemd:/path".
    std::size_t a = line.find(':');
    if (a == std::string_view::npos) return;
    std::size_t b = line.find(':', a + 1);
    if (b == std::string_view::npos) return;
    std::string_view ctrl = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (!(ctrl.empty() || ctrl == "name=systemd")) return;
    CgroupUnit cu;
    cu.cgroup = std::string(path);
    for (auto comp : platform::split(path, '/')) {
      if (comp.starts_with("user@") && comp.ends_with(".service")) {
        std::string_view uid = comp.substr(5, comp.size() - 5 - 8);
        if (auto v = platform::parse_uint<std::uint32_t>(uid)) {
          cu.user_manager_uid = *v;
          cu.unit.clear();
          continue;
        }
      }
      if (is_unit_component(comp)) cu.unit = std::string(comp);
    }
    if (cu.unit.empty()) return;
    if (!found || ctrl.empty()) {  // prefer the unified (v2) line
      *out = std::move(cu);
      found = true;
    }
  });
  return found;
}

std::vector<std::string_view> unit_inputs() {
  static const std::vector<std::string> kTrees = [] {
    std::vector<std::string> t;
    for (auto d : {paths::kSystemdTransient, paths::kSystemdGeneratorEarly, paths::kSystemdEtcSystem,
                   paths::kSystemdRunSystem, paths::kSystemdGenerator, paths::kSystemdLocalLibSystem,
                   paths::kSystemdLibSystem, paths::kSystemdUsrLibSystem, paths::kSystemdGeneratorLate,
                   paths::kSystemdEtcUser, paths::kSystemdRunUser, paths::kSystemdLocalLibUser,
                   paths::kSystemdLibUser, paths::kSystemdUsrLibUser}) {
      t.push_back(std::string(d) + "/");
    }
    // The first component of each search dir is lstat'ed to spot merged-/usr links ("/lib").
    std::vector<std::string> firsts;
    for (const auto& dir : t) firsts.push_back(dir.substr(0, dir.find('/', 1)));
    std::sort(firsts.begin(), firsts.end());
    firsts.erase(std::unique(firsts.begin(), firsts.end()), firsts.end());
    t.insert(t.end(), firsts.begin(), firsts.end());
    return t;
  }();
  std::vector<std::string_view> out(kTrees.begin(), kTrees.end());
  out.push_back(paths::kPasswd);
  out.push_back(paths::kAnyHome);
  return out;
}

std::vector<std::string_view> ServicesCollector::inputs() const {
  static const std::vector<std::string> kDirs = [] {
    std::vector<std::string> t;
    for (auto d : paths::kRcDirs) t.push_back(std::string(d) + "/*");
    t.push_back(std::string(paths::kInitD) + "/*");
    t.push_back(std::string(paths::kOpenRcRunlevels) + "/");
    return t;
  }();
  auto out = unit_inputs();
  out.insert(out.end(), kDirs.begin(), kDirs.end());
  out.push_back(paths::kRcLocal);
  out.push_back(paths::kRcDRcLocal);
  out.push_back(paths::kProcTree);  // live only: /proc/<pid>/cgroup
  return out;
}

Outcome ServicesCollector::collect(const Context& ctx, Sink& sink) noexcept {
  const bool live = ctx.live() != nullptr;
  std::map<RuntimeKey, RuntimeUnit> runtime;
  if (live) runtime = read_runtime(ctx, sink);

  UnitLoader loader(ctx, sink);
  for (const auto& scope : unit_scopes(ctx, sink)) {
    for (const auto& u : loader.load(scope)) {
      if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped"};
      v1::Record r;
      auto* s = r.mutable_systemd_unit();
      emit_unit(u, s);
      if (!live) {
        s->set_runtime(v1::UNIT_RUNTIME_UNKNOWN);
      } else {
        std::vector<std::int32_t> pids;
        for (auto& [key, ru] : runtime) {
          if (key.second != u.name) continue;
          bool match = (u.scope == v1::UNIT_SCOPE_SYSTEM && key.first < 0) ||
                       (u.scope == v1::UNIT_SCOPE_USER_HOME && key.first == static_cast<std::int64_t>(u.uid)) ||
                       (u.scope == v1::UNIT_SCOPE_USER_GLOBAL && key.first >= 0);
          if (!match) continue;
          ru.matched = true;
          pids.insert(pids.end(), ru.pids.begin(), ru.pids.end());
        }
        std::sort(pids.begin(), pids.end());
        for (auto p : pids) s->add_pids(p);
        s->set_runtime(pids.empty() ? v1::UNIT_RUNTIME_NO_PROCESSES : v1::UNIT_RUNTIME_RUNNING);
      }
      if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
    }
  }
  for (const auto& [key, ru] : runtime) {
    if (ru.matched) continue;
    v1::Record r;
    auto* s = r.mutable_systemd_runtime_unit();
    s->set_name(key.second);
    s->set_cgroup(ru.cgroup);
    s->set_user_manager_uid(static_cast<std::int32_t>(key.first));
    for (auto p : ru.pids) s->add_pids(p);
    if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
  }
  if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped"};
  return collect_init(ctx, sink);
}

}  // namespace hozen::collectors::services
