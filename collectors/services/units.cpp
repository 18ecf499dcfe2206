#include "collectors/services/units.h"

#include <dirent.h>

#include <algorithm>
#include <set>

#include "platform/parsers/passwd.h"
#include "platform/paths.h"

namespace hozen::collectors::services {

namespace paths = platform::paths;
using platform::parsers::split_unit_name;

namespace {

std::string_view basename_of(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  std::size_t s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

// Debian 12 and others merge /usr: /lib is a symlink to usr/lib, so /lib/systemd/system and
// /usr/lib/systemd/system are one directory. A directory whose first component is a symlink
// resolving to another listed directory is dropped (systemd dedups the same way, by inode).
void drop_aliased_dirs(const Context& ctx, std::vector<UnitScopeDirs::Dir>& dirs) {
  std::set<std::string> all;
  for (const auto& d : dirs) all.insert(d.path);
  std::vector<UnitScopeDirs::Dir> kept;
  for (const auto& d : dirs) {
    std::size_t second = d.path.find('/', 1);
    bool alias = false;
    if (second != std::string::npos) {
      std::string first = d.path.substr(0, second);
      auto st = ctx.host().lstat(first);
      if (st && S_ISLNK(st->st_mode)) {
        if (auto t = ctx.host().read_link(first)) {
          std::string target = *t;
          while (target.size() > 1 && target.back() == '/') target.pop_back();
          if (!target.starts_with('/')) target = "/" + target;
          alias = all.count(target + d.path.substr(second)) > 0;
        }
      }
    }
    if (!alias) kept.push_back(d);
  }
  dirs = std::move(kept);
}

bool is_dir_entry(const Context& ctx, const std::string& path, unsigned char type) {
  if (type == DT_DIR) return true;
  if (type != DT_UNKNOWN) return false;
  auto st = ctx.host().lstat(path);
  return st && S_ISDIR(st->st_mode);
}

bool is_link_entry(const Context& ctx, const std::string& path, unsigned char type) {
  if (type == DT_LNK) return true;
  if (type != DT_UNKNOWN) return false;
  auto st = ctx.host().lstat(path);
  return st && S_ISLNK(st->st_mode);
}

// The names whose "<name>.d" drop-in dirs apply to unit `name` in one search dir, most specific
// first, as systemd's unit_file_find_dirs() walks them: the name, its template, then the dash
// prefixes ("foo-bar-baz.service" -> "foo-bar-.service", "foo-.service"; systemd >= 246).
std::vector<std::string> dropin_names(const std::string& name) {
  std::vector<std::string> out{name};
  auto parts = split_unit_name(name);
  if (!parts.valid) return out;
  auto add = [&](std::string n) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(std::move(n));
  };
  if (!parts.instance.empty()) add(parts.template_name());
  std::string_view prefix = parts.prefix;
  for (auto dash = prefix.rfind('-'); dash != std::string_view::npos && dash > 0;
       dash = prefix.rfind('-')) {
    add(std::string(prefix.substr(0, dash + 1)) + "." + parts.suffix);
    prefix = prefix.substr(0, dash);
  }
  return out;
}

struct Entry {
  std::string name;
  std::string path;
  unsigned char type;
};

std::vector<Entry> list_sorted(const Context& ctx, Sink& sink, const std::string& dir) {
  std::vector<Entry> out;
  auto entries = ctx.host().list_dir(dir, ctx.limits().max_dir_entries);
  if (!entries) {
    // Missing is normal (most search dirs do not exist); "not a directory" too (a file where a
    // drop-in dir could be). Anything else is an item error.
    if (entries.error().kind != platform::ErrorKind::kNotFound &&
        entries.error().kind != platform::ErrorKind::kNotRegular) {
      sink.item_error(dir, entries.error());
    }
    return out;
  }
  for (auto& e : *entries) out.push_back({e.name, platform::join_path(dir, e.name), e.type});
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return out;
}

}  // namespace

std::vector<UnitScopeDirs> unit_scopes(const Context& ctx, Sink& sink,
                                       std::map<std::string, std::uint32_t>* uids) {
  std::vector<UnitScopeDirs> out;
  UnitScopeDirs sys;
  sys.scope = v1::UNIT_SCOPE_SYSTEM;
  sys.dirs = {{std::string(paths::kSystemdTransient), false},
              {std::string(paths::kSystemdGeneratorEarly), true},
              {std::string(paths::kSystemdEtcSystem), false},
              {std::string(paths::kSystemdRunSystem), false},
              {std::string(paths::kSystemdGenerator), true},
              {std::string(paths::kSystemdLocalLibSystem), false},
              {std::string(paths::kSystemdLibSystem), false},
              {std::string(paths::kSystemdUsrLibSystem), false},
              {std::string(paths::kSystemdGeneratorLate), true}};
  drop_aliased_dirs(ctx, sys.dirs);
  out.push_back(std::move(sys));

  UnitScopeDirs user;
  user.scope = v1::UNIT_SCOPE_USER_GLOBAL;
  user.dirs = {{std::string(paths::kSystemdEtcUser), false},
               {std::string(paths::kSystemdRunUser), false},
               {std::string(paths::kSystemdLocalLibUser), false},
               {std::string(paths::kSystemdLibUser), false},
               {std::string(paths::kSystemdUsrLibUser), false}};
  drop_aliased_dirs(ctx, user.dirs);
  std::vector<UnitScopeDirs::Dir> shared = user.dirs;
  for (auto& d : shared) d.shared = true;
  out.push_back(std::move(user));

  auto pw = preserve_file(ctx, sink, paths::kPasswd);
  if (!pw) return out;
  auto parsed = platform::parsers::parse_passwd(pw->bytes);
  report_malformed(sink, "passwd_malformed_line", *pw, parsed);
  std::set<std::string> seen;
  for (const auto& e : parsed.entries) {
    if (uids != nullptr && !e.nis_compat) uids->emplace(e.name, e.uid);
    if (e.nis_compat || !e.home.starts_with('/') || !seen.insert(e.home).second) continue;
    UnitScopeDirs h;
    h.scope = v1::UNIT_SCOPE_USER_HOME;
    h.home_user = e.name;
    h.uid = e.uid;
    // systemd --user: ~/.config/systemd/user, the global user dirs, ~/.local/share/systemd/user
    // come in that order in its search path (config before data); the global dirs are kept after
    // the home ones here, which keeps a home unit ahead of a global one of the same name.
    h.dirs = {{platform::join_path(e.home, paths::kHomeUserUnits), false, false},
              {platform::join_path(e.home, paths::kHomeUserUnitsData), false, false}};
    h.dirs.insert(h.dirs.end(), shared.begin(), shared.end());
    out.push_back(std::move(h));
  }
  return out;
}

const UnitSettingRef* MergedUnit::last(std::string_view section, std::string_view key) const {
  const UnitSettingRef* found = nullptr;
  for (const auto& s : settings) {
    if ((section.empty() || s.section == section) && s.key == key) found = &s;
  }
  return found;
}

std::vector<const UnitSettingRef*> MergedUnit::list(std::string_view section, std::string_view key) const {
  std::vector<const UnitSettingRef*> out;
  for (const auto& s : settings) {
    if ((!section.empty() && s.section != section) || s.key != key) continue;
    if (s.value.empty()) {
      out.clear();  // "ExecStart=" resets the list (systemd.service(5))
    } else {
      out.push_back(&s);
    }
  }
  return out;
}

std::vector<std::string> MergedUnit::words(std::string_view section, std::string_view key) const {
  std::vector<std::string> out;
  for (const auto* s : list(section, key)) {
    for (auto w : platform::split_ws(s->value)) out.emplace_back(w);
  }
  return out;
}

bool MergedUnit::has_install() const {
  return std::any_of(settings.begin(), settings.end(), [](const auto& s) { return s.section == "Install"; });
}

const UnitLoader::Parsed* UnitLoader::parse(const std::string& path, LinkPolicy links) {
  auto it = cache_.find(path);
  if (it == cache_.end()) {
    std::optional<Parsed> p;
    if (auto f = preserve_file(ctx_, sink_, path, {.links = links})) {
      p.emplace();
      p->lines = platform::parsers::parse_unit_file(f->bytes);
      p->file = std::move(*f);
      p->file.bytes.clear();  // parsed: the record holds the bytes; keep memory flat
      p->file.bytes.shrink_to_fit();
      report_malformed(sink_, "unit_file_malformed_line", p->file, p->lines);
    }
    it = cache_.emplace(path, std::move(p)).first;
  }
  return it->second ? &*it->second : nullptr;
}

void UnitLoader::apply(MergedUnit& u, const Parsed& p) {
  for (const auto& a : p.lines.entries) {
    if (u.settings.size() >= kMaxSettingsPerUnit) {
      u.settings_truncated = true;
      return;
    }
    UnitSettingRef s{a.section, a.key, a.value, {}};
    set_source(&s.source, p.file, a.line);
    u.settings.push_back(std::move(s));
  }
}

std::vector<MergedUnit> UnitLoader::load(const UnitScopeDirs& scope,
                                         const std::function<bool(const std::string&)>& want) {
  struct Candidate {
    std::string path;
    std::size_t prio;
    bool is_link;
  };
  struct DropinDir {
    std::size_t prio;
    std::string path;
    std::optional<v1::UnitLink> dir_link;  // the ".d" entry is a symlink to a directory
  };
  std::map<std::string, std::vector<Candidate>> candidates;
  std::map<std::string, std::vector<v1::UnitLink>> links;
  std::map<std::string, std::vector<DropinDir>> dropin_dirs;
  // Names with a fragment, link or drop-in dir in a dir of this scope's own (not `shared`).
  std::set<std::string> own;
  bool has_shared = false;

  auto is_dir_like_name = [](std::string_view n) {
    for (std::string_view suffix : {".d", ".wants", ".requires", ".upholds"}) {
      if (n.ends_with(suffix) && n.size() > suffix.size()) return true;
    }
    return false;
  };

  for (std::size_t prio = 0; prio < scope.dirs.size(); ++prio) {
    const bool shared = scope.dirs[prio].shared;
    has_shared = has_shared || shared;
    for (const auto& e : list_sorted(ctx_, sink_, scope.dirs[prio].path)) {
      if (ctx_.should_stop()) return {};
      // systemd follows a symlinked "foo.service.d", "x.target.wants"... like a directory (the
      // FileSystem resolves it inside the root); the link itself is recorded. list_sorted is
      // silent when the target is missing or not a directory.
      std::optional<v1::UnitLink> dir_link;
      const bool dir = is_dir_entry(ctx_, e.path, e.type);
      if (!dir && is_dir_like_name(e.name) && is_link_entry(ctx_, e.path, e.type)) {
        v1::UnitLink l;
        l.set_path(e.path);
        if (auto t = ctx_.host().read_link(e.path)) l.set_target(*t);
        dir_link = std::move(l);
      }
      if (dir || dir_link) {
        for (std::string_view kind : {"wants", "requires", "upholds"}) {
          std::string suffix = "." + std::string(kind);
          if (!e.name.ends_with(suffix) || e.name.size() == suffix.size()) continue;
          std::string via = e.name.substr(0, e.name.size() - suffix.size());
          for (const auto& l : list_sorted(ctx_, sink_, e.path)) {
            v1::UnitLink link;
            link.set_kind(std::string(kind));
            link.set_path(l.path);
            link.set_via_unit(via);
            if (auto t = ctx_.host().read_link(l.path)) link.set_target(*t);
            links[l.name].push_back(std::move(link));
            if (dir_link) {  // enabled through a symlinked directory: record that link too
              v1::UnitLink d = *dir_link;
              d.set_kind(std::string(kind) + "_dir_link");
              d.set_via_unit(via);
              links[l.name].push_back(std::move(d));
            }
            if (!shared) own.insert(l.name);
          }
        }
        if (e.name.ends_with(".d") && e.name.size() > 2) {
          std::string key = e.name.substr(0, e.name.size() - 2);
          std::optional<v1::UnitLink> dl;
          if (dir_link) {
            dl = *dir_link;
            dl->set_kind("dropin_dir_link");
          }
          dropin_dirs[key].push_back({prio, e.path, std::move(dl)});
          if (!shared) own.insert(key);
        }
        continue;
      }
      if (split_unit_name(e.name).valid) {
        candidates[e.name].push_back({e.path, prio, is_link_entry(ctx_, e.path, e.type)});
        if (!shared) own.insert(e.name);
      }
    }
  }

  std::set<std::string> names;
  for (const auto& [n, _] : candidates) names.insert(n);
  for (const auto& [n, _] : links) {
    if (split_unit_name(n).valid) names.insert(n);
  }

  std::vector<MergedUnit> out;
  for (const auto& name : names) {
    if (ctx_.should_stop()) break;
    if (want && !want(name)) continue;
    // A home scope: a unit nothing in the home dirs touches is the global scope's (reported
    // there once, not again per home).
    if (has_shared) {
      auto keys = dropin_names(name);  // the name, its template, its dash prefixes
      keys.push_back(split_unit_name(name).suffix);  // a home "service.d" changes every service
      if (std::none_of(keys.begin(), keys.end(), [&](const auto& k) { return own.contains(k); })) {
        continue;
      }
    }
    MergedUnit u;
    u.name = name;
    u.scope = scope.scope;
    u.home_user = scope.home_user;
    u.uid = scope.uid;
    auto parts = split_unit_name(name);
    if (!parts.instance.empty()) {
      u.template_name = parts.template_name();
      u.instance = parts.instance;
    }
    if (auto l = links.find(name); l != links.end()) u.links = l->second;

    // The fragment: this name's own file, else its template's, else what an enabling link
    // points at (a link into a directory outside the search path).
    const std::vector<Candidate>* cands = nullptr;
    if (auto c = candidates.find(name); c != candidates.end()) {
      cands = &c->second;
    } else if (!u.template_name.empty()) {
      if (auto t = candidates.find(u.template_name); t != candidates.end()) cands = &t->second;
    }
    if (cands != nullptr) {
      const Candidate& win = cands->front();
      u.generated = scope.dirs[win.prio].generated;
      for (std::size_t i = 1; i < cands->size(); ++i) {
        u.shadowed.push_back((*cands)[i].path);
        if (!(*cands)[i].is_link) parse((*cands)[i].path, LinkPolicy::kRecordOnly);
      }
      u.fragment = win.path;
      if (win.is_link) {
        auto t = ctx_.host().read_link(win.path);
        if (t) u.fragment_link_target = *t;
        v1::UnitLink link;
        link.set_path(win.path);
        link.set_target(u.fragment_link_target);
        if (u.fragment_link_target == paths::kDevNull) {
          u.masked = true;
          // The link and its target are the whole evidence (kept in `links`): nothing to read.
          link.set_kind("mask");
        } else {
          std::string_view target_name = basename_of(u.fragment_link_target);
          if (target_name != basename_of(win.path) && split_unit_name(target_name).valid) {
            u.alias_of = std::string(target_name);
            link.set_kind("alias");
          } else {
            link.set_kind("fragment_link");
          }
        }
        u.links.push_back(std::move(link));
      }
      if (!u.masked) {
        if (const Parsed* p = parse(win.path, LinkPolicy::kFollow)) {
          u.fragment_truncated = p->file.truncated;
          set_source(&u.fragment_source, p->file, 1);
          if (p->file.st.st_size == 0 && !p->file.truncated) u.masked = true;  // an empty file masks
          apply(u, *p);
        }
      }
    } else {
      for (const auto& l : u.links) {
        if (!l.target().starts_with("/") || l.target() == paths::kDevNull) continue;
        if (const Parsed* p = parse(l.path(), LinkPolicy::kFollow)) {
          u.fragment = l.path();
          u.fragment_link_target = l.target();
          set_source(&u.fragment_source, p->file, 1);
          u.fragment_truncated = p->file.truncated;
          apply(u, *p);
        }
        break;
      }
    }
    if (u.masked || u.fragment.empty()) {  // nothing loaded: drop-ins have nothing to apply to
      out.push_back(std::move(u));
      continue;
    }

    // Drop-ins in systemd's order (unit_file_find_dropin_paths): first "<name>.d", "<template>.d"
    // and the dash prefixes ("foo-.service.d") in every search dir (in priority order, most
    // specific first in each), then the aliased unit's, and last the type-level "<type>.d"
    // (service.d/) in every search dir, "the most generic, overridden by more specific
    // drop-ins". A file name seen in an earlier
    // dir of that list hides the same name later (so foo.service.d/x.conf beats service.d/x.conf
    // and /etc beats /usr/lib); the files are then applied in file name order (systemd.unit(5)).
    std::vector<const DropinDir*> dirs;
    auto add_group = [&](const std::vector<std::string>& keys) {
      for (std::size_t prio = 0; prio < scope.dirs.size(); ++prio) {
        for (const std::string& key : keys) {
          auto d = dropin_dirs.find(key);
          if (d == dropin_dirs.end()) continue;
          for (const auto& dd : d->second) {
            if (dd.prio == prio) dirs.push_back(&dd);
          }
        }
      }
    };
    add_group(dropin_names(name));
    if (!u.alias_of.empty()) add_group(dropin_names(u.alias_of));
    add_group({parts.suffix});
    std::map<std::string, std::string> by_name;
    for (const DropinDir* d : dirs) {
      auto entries = list_sorted(ctx_, sink_, d->path);
      if (d->dir_link && !entries.empty()) u.links.push_back(*d->dir_link);
      for (const auto& e : entries) {
        if (e.name.ends_with(".conf")) by_name.emplace(e.name, e.path);
      }
    }
    for (const auto& [file_name, path] : by_name) {
      auto st = ctx_.host().lstat(path);
      if (st && S_ISLNK(st->st_mode)) {
        auto t = ctx_.host().read_link(path);
        if (t && *t == paths::kDevNull) {  // a masked drop-in: hides lower ones, adds nothing
          v1::UnitLink link;
          link.set_kind("mask");
          link.set_path(path);
          link.set_target(*t);
          u.links.push_back(std::move(link));
          continue;
        }
      }
      if (const Parsed* p = parse(path, LinkPolicy::kFollow)) {
        u.drop_ins.push_back(path);
        apply(u, *p);
      }
    }
    out.push_back(std::move(u));
  }
  return out;
}

void fill_exec(const MergedUnit& u, google::protobuf::RepeatedPtrField<v1::ExecCommand>* out) {
  static constexpr std::string_view kDirectives[] = {
      "ExecCondition", "ExecStartPre", "ExecStart",   "ExecStartPost", "ExecReload",
      "ExecStop",      "ExecStopPre",  "ExecStopPost"};
  for (auto d : kDirectives) {
    for (const auto* s : u.list({}, d)) {
      for (auto& c : platform::parsers::parse_exec_value(s->value)) {
        auto* e = out->Add();
        e->set_directive(std::string(d));
        e->set_raw(s->value);
        for (auto& a : c.argv) e->add_argv(std::move(a));
        e->set_ignore_failure(c.ignore_failure);
        e->set_argv0_override(c.argv0_override);
        e->set_no_env_expansion(c.no_env_expansion);
        e->set_full_privileges(c.full_privileges);
        e->set_ambient_caps(c.ambient_caps);
        e->set_parse_error(c.parse_error);
        *e->mutable_source() = s->source;
      }
    }
  }
}

std::string default_trigger(std::string_view name) {
  std::size_t dot = name.rfind('.');
  return std::string(name.substr(0, dot)) + ".service";
}

v1::UnitEnableState enable_state(const MergedUnit& u) {
  if (u.masked) return v1::UNIT_ENABLE_MASKED;
  for (const auto& l : u.links) {
    if (l.kind() == "wants" || l.kind() == "requires" || l.kind() == "upholds") return v1::UNIT_ENABLE_ENABLED;
  }
  if (u.generated) return v1::UNIT_ENABLE_GENERATED;
  return u.has_install() ? v1::UNIT_ENABLE_DISABLED : v1::UNIT_ENABLE_STATIC;
}

}  // namespace hozen::collectors::services
