#include "collectors/persistence/persistence_collector.h"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "collectors/framework/evidence.h"
#include "platform/checked_time.h"
#include "platform/parsers/authorized_keys.h"
#include "platform/parsers/loader_config.h"
#include "platform/parsers/pam.h"
#include "platform/parsers/passwd.h"
#include "platform/parsers/sshd_config.h"
#include "platform/paths.h"

namespace hozen::collectors::persistence {

namespace paths = platform::paths;
namespace parsers = platform::parsers;

std::string expand_authorized_keys_file(std::string_view pattern, std::string_view user,
                                        std::string_view home, std::uint32_t uid) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    switch (pattern[++i]) {
      case 'h':
        out.append(home);
        break;
      case 'u':
        out.append(user);
        break;
      case 'U':
        out += std::to_string(uid);
        break;
      case '%':
        out += '%';
        break;
      default:
        out += '%';
        out += pattern[i];
    }
  }
  if (!out.starts_with('/')) out = platform::join_path(home, out);
  return out;
}

bool in_temp_dir(std::string_view path) {
  for (auto t : paths::kTempDirs) {
    if (path.find(t) != std::string_view::npos) return true;
  }
  return false;
}

namespace {

constexpr int kMaxIncludeDepth = 16;

struct Account {
  std::string name;
  std::uint32_t uid = 0;
  std::string home;
};

// A file time as ns; 0 (unset) when a hostile timestamp does not fit (no signed overflow).
std::int64_t utc_ns(const struct timespec& ts) {
  return platform::seconds_to_ns(ts.tv_sec, ts.tv_nsec).value_or(0);
}

// Line n (1-based) of each file, without copying.
std::vector<std::string_view> index_lines(std::string_view text) {
  std::vector<std::string_view> out;
  platform::for_each_line(text, [&](std::uint64_t, std::string_view l) { out.push_back(l); });
  return out;
}

std::string_view base_name(std::string_view p) {
  auto s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

std::string_view dir_name(std::string_view p) {
  auto s = p.rfind('/');
  if (s == std::string_view::npos) return {};
  return s == 0 ? p.substr(0, 1) : p.substr(0, s);
}

std::uint64_t active_lines(std::string_view text) {
  std::uint64_t n = 0;
  platform::for_each_line(text, [&](std::uint64_t, std::string_view l) {
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    n += !l.empty() && l.front() != '#' && l != "\r";
  });
  return n;
}

// One collection: the context, the sink, and whether output was refused or the run cancelled.
class Run {
 public:
  Run(const Context& ctx, Sink& sink) : ctx_(ctx), sink_(sink) {}

  bool stopped() {
    if (!stopped_ && ctx_.should_stop()) {
      stopped_ = true;
      cancelled_ = true;
    }
    return stopped_;
  }
  bool cancelled() const { return cancelled_; }

  std::optional<Preserved> preserve(std::string_view path, LinkPolicy links = LinkPolicy::kFollow) {
    if (stopped()) return std::nullopt;
    if (!seen_files_.insert(std::string(path)).second) return std::nullopt;  // once per run
    PreserveOptions o;
    o.links = links;
    auto p = preserve_file(ctx_, sink_, path, o);
    if (p && p->truncated) {
      sink_.anomaly("persistence_file_capped", path, 0, "file over the read cap: parsed a prefix",
                    {});
    }
    return p;
  }

  std::vector<std::string> list(std::string_view dir) {
    if (stopped()) return {};
    return list_dir_paths(ctx_, sink_, dir);
  }

  template <class Parsed>
  void malformed(std::string_view kind, const Preserved& f, const Parsed& p) {
    if (!report_malformed(sink_, kind, f, p)) stopped_ = true;
  }

  void anomaly(std::string_view kind, std::string_view path, std::uint64_t line,
               std::string_view detail, std::string_view raw) {
    if (!sink_.anomaly(kind, path, line, detail, cap(raw))) stopped_ = true;
  }

  std::string_view cap(std::string_view raw) const {
    return raw.substr(0, std::min(raw.size(), ctx_.limits().max_anomaly_raw_bytes));
  }

  // A new entry of `kind` found in `f` at `line` (0: the file as a whole).
  v1::PersistenceEntry entry(std::string_view kind, const Preserved& f, std::uint64_t line,
                             const std::vector<std::string_view>& lines,
                             const Account* acct) const {
    v1::PersistenceEntry e;
    e.set_kind(std::string(kind));
    e.set_path(f.path);
    if (acct) {
      e.set_account(acct->name);
      e.set_account_uid(acct->uid);
    }
    set_source(e.mutable_source(), f, line);
    if (line > 0 && line <= lines.size()) e.set_raw(std::string(cap(lines[line - 1])));
    return e;
  }

  void emit(v1::PersistenceEntry&& e) {
    if (stopped()) return;
    if (in_temp_dir(e.command())) e.add_flags("runs_from_tmp");
    v1::Record r;
    *r.mutable_persistence_entry() = std::move(e);
    if (!sink_.emit(std::move(r))) stopped_ = true;
  }

  std::optional<struct stat> lstat(std::string_view path) const {
    auto st = ctx_.host().lstat(path);
    if (!st) return std::nullopt;
    return *st;
  }

  // Expands a pattern whose last component may hold glob characters (glob(3) as sshd and
  // ldconfig use it; a leading '.' is not matched by a wildcard). Directories with wildcards are
  // not expanded (anomaly). Results sorted, like glob(3).
  std::vector<std::string> expand(std::string_view pattern, std::string_view from,
                                  std::uint64_t line) {
    auto has_glob = [](std::string_view s) {
      return s.find_first_of("*?[") != std::string_view::npos;
    };
    std::string_view dir = dir_name(pattern), base = base_name(pattern);
    if (!has_glob(pattern)) return {std::string(pattern)};
    if (has_glob(dir) || dir.empty()) {
      anomaly("include_glob_unsupported", from, line,
              "wildcards in a directory component are not expanded", pattern);
      return {};
    }
    // Each directory is listed once per run: a file with thousands of Include lines (or an
    // Include loop through a glob) would otherwise re-list the same directory every time.
    auto it = glob_dirs_.find(dir);
    if (it == glob_dirs_.end()) it = glob_dirs_.emplace(std::string(dir), list(dir)).first;
    std::vector<std::string> out;
    const std::string b(base);
    for (const auto& p : it->second) {
      const std::string name(base_name(p));
      if (::fnmatch(b.c_str(), name.c_str(), FNM_PERIOD) == 0) out.push_back(p);
    }
    return out;
  }

  const Context& ctx() const { return ctx_; }

 private:
  const Context& ctx_;
  Sink& sink_;
  bool stopped_ = false;
  bool cancelled_ = false;
  std::set<std::string> seen_files_;
  std::map<std::string, std::vector<std::string>, std::less<>> glob_dirs_;  // expand()'s listings
};

void fill_file(v1::PersistenceFileDetail* d, const Preserved& f) {
  d->set_uid(f.st.st_uid);
  d->set_gid(f.st.st_gid);
  d->set_mode(f.st.st_mode);
  d->set_executable((f.st.st_mode & 0111) != 0);
  d->set_size(static_cast<std::uint64_t>(f.st.st_size));
  d->set_mtime_utc_ns(utc_ns(f.st.st_mtim));
  d->set_active_lines(active_lines(f.bytes));
  d->set_is_link(f.is_link);
  d->set_link_target(f.link_target);
  d->set_truncated(f.truncated);
}

// Ownership and permission flags for a file that runs code: system files must be root's;
// per-account files the account's or root's.
void ownership_flags(v1::PersistenceEntry& e, const Preserved& f, const Account* acct) {
  if (f.st.st_mode & 0002) e.add_flags("world_writable");
  if (acct) {
    if (f.st.st_uid != acct->uid && f.st.st_uid != 0) e.add_flags("not_owned_by_account");
  } else if (f.st.st_uid != 0) {
    e.add_flags("not_owned_by_root");
  }
  if (f.is_link) e.add_flags("file_is_symlink");
}

// A whole file that runs as code (shell init, ssh rc, motd script, environment).
void file_entry(Run& run, std::string_view kind, const Preserved& f, const Account* acct) {
  auto e = run.entry(kind, f, 0, {}, acct);
  e.set_command(f.path);
  fill_file(e.mutable_file(), f);
  ownership_flags(e, f, acct);
  if (f.bytes.find("LD_PRELOAD") != std::string::npos) e.add_flags("mentions_ld_preload");
  if (f.bytes.find("LD_LIBRARY_PATH") != std::string::npos) e.add_flags("mentions_ld_library_path");
  run.emit(std::move(e));
}

// Shell start-up file: the file entry, plus one `shell_alias` entry per alias definition
// (an alias over sudo/su/ssh is a classic credential trap).
void shell_file(Run& run, std::string_view path, const Account* acct,
                std::string_view kind = "shell_init") {
  auto f = run.preserve(path);
  if (!f) return;
  file_entry(run, kind, *f, acct);
  auto lines = index_lines(f->bytes);
  for (std::size_t i = 0; i < lines.size() && !run.stopped(); ++i) {
    std::string_view l = lines[i];
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    if (!l.starts_with("alias ") && !l.starts_with("alias\t")) continue;
    auto e = run.entry("shell_alias", *f, i + 1, lines, acct);
    l.remove_prefix(6);
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    e.set_command(std::string(l));
    run.emit(std::move(e));
  }
}

// ---- authorized_keys -------------------------------------------------------------------------

void authorized_keys(Run& run, std::string_view path, const Account* acct) {
  auto f = run.preserve(path);
  if (!f) return;
  auto parsed = parsers::parse_authorized_keys(f->bytes);
  run.malformed("authorized_keys_malformed_line", *f, parsed);
  auto lines = index_lines(f->bytes);
  for (const auto& k : parsed.entries) {
    if (run.stopped()) return;
    auto e = run.entry("authorized_key", *f, k.line, lines, acct);
    auto* d = e.mutable_authorized_key();
    d->set_key_type(k.key_type);
    d->set_blob_type(k.blob_type);
    d->set_type_mismatch(k.type_mismatch);
    d->set_fingerprint(k.fingerprint);
    d->set_comment(k.comment);
    d->set_options_raw(k.options_raw);
    d->set_key_base64(k.key_base64);
    d->set_file_is_symlink(f->is_link);
    d->set_file_link_target(f->link_target);
    for (const auto& o : k.options) {
      auto* x = d->add_options();
      x->set_name(o.name);
      x->set_value(o.value);
      x->set_has_value(o.has_value);
    }
    if (const auto* c = parsers::find_option(k, "command")) {
      e.set_command(c->value);
      e.add_flags("forced_command");
    }
    if (const auto* from = parsers::find_option(k, "from")) {
      d->set_from(from->value);
      e.add_flags("from_restriction");
    }
    if (parsers::find_option(k, "environment")) e.add_flags("sets_environment");
    if (parsers::find_option(k, "cert-authority")) e.add_flags("cert_authority");
    if (parsers::find_option(k, "permitopen") || parsers::find_option(k, "permitlisten") ||
        parsers::find_option(k, "tunnel")) {
      e.add_flags("forwarding_option");
    }
    if (k.type_mismatch) e.add_flags("key_type_mismatch");
    if (k.key_type == "ssh-dss") e.add_flags("weak_key_type");
    if (f->is_link) e.add_flags("file_is_symlink");
    if (acct && acct->uid == 0) e.add_flags("root_account");
    if (f->st.st_mode & 0022) e.add_flags("group_or_world_writable");
    if (acct && f->st.st_uid != acct->uid && f->st.st_uid != 0) e.add_flags("not_owned_by_account");
    run.emit(std::move(e));
  }
}

// ---- sshd_config -----------------------------------------------------------------------------

struct SshdState {
  std::uint32_t order = 0;
  std::set<std::string> visiting;
  std::vector<std::string> authorized_keys_files;  // AuthorizedKeysFile patterns, in order
};

void sshd_file(Run& run, SshdState& st, std::string_view path, int depth,
               std::string_view included_from, std::string_view match) {
  if (depth > kMaxIncludeDepth) {
    run.anomaly("sshd_include_too_deep", included_from, 0, "Include nesting over 16 levels", path);
    return;
  }
  if (!st.visiting.insert(std::string(path)).second) {
    run.anomaly("sshd_include_loop", included_from, 0, "file includes itself", path);
    return;
  }
  auto f = run.preserve(path);
  if (!f) {
    st.visiting.erase(std::string(path));
    return;
  }
  auto parsed = parsers::parse_sshd_config(f->bytes, match);
  run.malformed("sshd_config_malformed_line", *f, parsed);
  auto lines = index_lines(f->bytes);
  for (const auto& l : parsed.entries) {
    if (run.stopped()) break;
    auto e = run.entry("sshd_option", *f, l.line, lines, nullptr);
    auto* d = e.mutable_sshd();
    d->set_keyword(l.keyword);
    d->set_keyword_raw(l.keyword_raw);
    for (const auto& a : l.args) d->add_args(a);
    d->set_value_raw(l.value_raw);
    d->set_match(l.match);
    d->set_order(st.order++);
    d->set_include_depth(static_cast<std::uint32_t>(depth));
    d->set_included_from(std::string(included_from));
    auto first = [&](std::string_view v) {
      std::string a = l.args[0];
      for (auto& c : a) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      return a == v;
    };
    const std::string& k = l.keyword;
    if (k == "permitrootlogin" && first("yes")) e.add_flags("permit_root_login");
    if (k == "passwordauthentication" && first("yes")) e.add_flags("password_authentication");
    if (k == "permitemptypasswords" && first("yes")) e.add_flags("permit_empty_passwords");
    if (k == "permituserenvironment" && !first("no")) e.add_flags("permit_user_environment");
    if (k == "authorizedkeysfile") {
      e.add_flags("authorized_keys_file");
      for (const auto& a : l.args) {
        if (a != "none") st.authorized_keys_files.push_back(a);
      }
    }
    if (k == "authorizedkeyscommand" || k == "authorizedprincipalscommand") {
      e.add_flags(k == "authorizedkeyscommand" ? "authorized_keys_command"
                                               : "authorized_principals_command");
      e.set_command(l.args[0]);
    }
    if (k == "forcecommand") {
      e.add_flags("force_command");
      e.set_command(l.value_raw);
    }
    if (k == "subsystem") {
      e.add_flags("subsystem");
      if (l.args.size() > 1) e.set_command(l.args[1]);
    }
    if (k == "match") e.add_flags("match_block");
    if (k == "include") e.add_flags("include");
    run.emit(std::move(e));
    if (k == "include") {
      for (const auto& a : l.args) {
        std::string pat = a.starts_with('/') ? a : platform::join_path(paths::kSshConfigDir, a);
        for (const auto& p : run.expand(pat, f->path, l.line)) {
          sshd_file(run, st, p, depth + 1, f->path, l.match);
        }
      }
    }
  }
  st.visiting.erase(std::string(path));
}

// ---- loader ----------------------------------------------------------------------------------

void fill_library(Run& run, v1::PersistenceEntry& e, std::string_view target, bool directory) {
  auto* d = e.mutable_library();
  if (!target.starts_with('/')) {
    e.add_flags("relative_name");  // searched in the loader's path; not resolved here
    return;
  }
  d->set_resolved_path(std::string(target));
  auto st = run.lstat(target);
  if (!st) {
    e.add_flags(directory ? "directory_missing" : "library_missing");
    return;
  }
  d->set_exists(true);
  d->set_is_link(S_ISLNK(st->st_mode));
  if (d->is_link()) {
    if (auto t = run.ctx().host().read_link(target)) d->set_link_target(*t);
  }
  d->set_mode(st->st_mode);
  d->set_uid(st->st_uid);
  d->set_size(static_cast<std::uint64_t>(st->st_size));
  d->set_mtime_utc_ns(utc_ns(st->st_mtim));
  if (d->is_link()) return;  // a link's own mode is always 0777; its target is what counts
  if ((st->st_mode & 0002) && !(st->st_mode & S_ISVTX)) e.add_flags("world_writable");
  if (st->st_uid != 0) e.add_flags("not_owned_by_root");
}

void ld_preload(Run& run) {
  auto f = run.preserve(paths::kLdSoPreload);
  if (!f) return;
  // Tokenised exactly as glibc's rtld does: what every dynamically linked program would load.
  auto parsed = parsers::parse_ld_so_preload(f->bytes);
  auto lines = index_lines(f->bytes);
  for (const auto& t : parsed.entries) {
    if (run.stopped()) return;
    auto e = run.entry("ld_preload", *f, t.line, lines, nullptr);
    e.set_command(t.value);
    fill_library(run, e, t.value, false);
    run.emit(std::move(e));
  }
}

void ld_so_conf(Run& run, std::string_view path, int depth, std::string_view included_from,
                std::set<std::string>& visiting) {
  if (depth > kMaxIncludeDepth || !visiting.insert(std::string(path)).second) {
    run.anomaly("ld_so_conf_include_loop", included_from, 0,
                "include loop or nesting over 16 levels", path);
    return;
  }
  auto f = run.preserve(path);
  if (!f) return;
  auto parsed = parsers::parse_ld_so_conf(f->bytes);
  auto lines = index_lines(f->bytes);
  using K = parsers::LdSoConfLine::Kind;
  for (const auto& l : parsed.entries) {
    if (run.stopped()) return;
    if (l.kind == K::kInclude) {
      // ldconfig: a relative include is relative to the including file's directory.
      std::string pat =
          l.value.starts_with('/') ? l.value : platform::join_path(dir_name(f->path), l.value);
      for (const auto& p : run.expand(pat, f->path, l.line))
        ld_so_conf(run, p, depth + 1, f->path, visiting);
      continue;
    }
    auto e = run.entry("ld_so_conf_dir", *f, l.line, lines, nullptr);
    e.set_command(l.value);
    if (l.kind == K::kHwcap) {
      e.add_flags("hwcap_line");
    } else {
      fill_library(run, e, l.value, true);
    }
    e.mutable_library()->set_included_from(std::string(included_from));
    run.emit(std::move(e));
  }
}

// ---- PAM -------------------------------------------------------------------------------------

bool in_standard_pam_dir(std::string_view module) {
  std::string_view dir = dir_name(module);
  return std::any_of(std::begin(paths::kPamModuleDirs), std::end(paths::kPamModuleDirs),
                     [&](std::string_view d) { return d == dir; });
}

bool is_pam_exec_option(std::string_view a) {
  return a == "debug" || a == "expose_authtok" || a == "quiet" || a == "quiet_log" ||
         a == "seteuid" || a == "stdout" || a.starts_with("log=") || a.starts_with("type=");
}

void pam_file(Run& run, std::string_view path, bool with_service) {
  auto f = run.preserve(path);
  if (!f) return;
  auto parsed = parsers::parse_pam(f->bytes, with_service);
  run.malformed("pam_malformed_line", *f, parsed);
  auto lines = index_lines(f->bytes);
  std::map<std::string, std::optional<std::string>> resolved;  // module name -> host path
  for (const auto& r : parsed.entries) {
    if (run.stopped()) return;
    auto e = run.entry("pam_rule", *f, r.line, lines, nullptr);
    auto* d = e.mutable_pam();
    d->set_service(with_service ? r.service : std::string(base_name(path)));
    d->set_rule_type(r.rule_type);
    d->set_ignore_if_missing(r.ignore_if_missing);
    d->set_control(r.control);
    d->set_module(r.module);
    for (const auto& a : r.args) d->add_args(a);
    bool include = !r.at_include.empty() || parsers::pam_control_includes(r.control);
    if (include) {
      std::string target =
          r.module.starts_with('/') ? r.module : platform::join_path(paths::kPamDir, r.module);
      d->set_standard_dir(true);
      if (run.lstat(target)) {
        d->set_module_found(true);
        d->set_module_resolved(target);
      } else {
        e.add_flags("include_missing");
      }
      e.set_command(target);
      run.emit(std::move(e));
      continue;
    }
    if (r.module.starts_with('/')) {
      d->set_standard_dir(in_standard_pam_dir(r.module));
      if (!d->standard_dir()) e.add_flags("module_outside_standard_dirs");
      if (run.lstat(r.module)) {
        d->set_module_found(true);
        d->set_module_resolved(r.module);
      }
    } else {
      d->set_standard_dir(true);
      auto [it, fresh] = resolved.try_emplace(r.module);
      if (fresh) {
        for (auto dir : paths::kPamModuleDirs) {
          std::string p = platform::join_path(dir, r.module);
          if (run.lstat(p)) {
            it->second = p;
            break;
          }
        }
      }
      if (it->second) {
        d->set_module_found(true);
        d->set_module_resolved(*it->second);
      }
    }
    if (!d->module_found() && !r.ignore_if_missing) e.add_flags("module_not_found");
    e.set_command(d->module_found() ? d->module_resolved() : r.module);
    std::string_view mod = base_name(r.module);
    if (mod == "pam_exec.so") {
      e.add_flags("pam_exec");
      for (const auto& a : r.args) {
        if (a == "expose_authtok") e.add_flags("exposes_password");
        if (!is_pam_exec_option(a)) {
          e.set_command(a);  // the program pam_exec runs (its own arguments follow in args)
          break;
        }
      }
    } else if (mod == "pam_python.so" || mod == "pam_script.so" || mod == "pam_perl.so") {
      e.add_flags("runs_script");
    }
    run.emit(std::move(e));
  }
}

// ---- udev, motd, autostart, modules-load ------------------------------------------------------

void udev_file(Run& run, std::string_view path, std::uint64_t& rules, std::uint64_t& running) {
  auto f = run.preserve(path);
  if (!f) return;
  auto parsed = parsers::parse_udev_rules(f->bytes);
  run.malformed("udev_malformed_line", *f, parsed);
  auto lines = index_lines(f->bytes);
  for (const auto& r : parsed.entries) {
    if (run.stopped()) return;
    ++rules;
    if (!r.executes) continue;
    ++running;
    std::string match;
    for (const auto& a : r.pairs) {
      if (a.op != "==" && a.op != "!=") continue;
      if (!match.empty()) match += ", ";
      match += a.key + (a.attr.empty() ? "" : "{" + a.attr + "}") + a.op + "\"" + a.value + "\"";
    }
    for (const auto& a : r.pairs) {
      // PROGRAM runs whatever its operator (it is a match key on the program's result);
      // RUN only as an assignment.
      bool assign = a.op != "==" && a.op != "!=";
      bool runs = (a.key == "RUN" && assign) || a.key == "PROGRAM" ||
                  (a.key == "IMPORT" && a.attr == "program");
      if (!runs) continue;
      auto e = run.entry("udev_rule", *f, r.line, lines, nullptr);
      e.set_raw(std::string(run.cap(r.raw)));  // the whole rule, continuations joined
      e.set_command(a.value);
      auto* d = e.mutable_udev();
      d->set_key(a.key);
      d->set_attr(a.attr);
      d->set_op(a.op);
      d->set_match_keys(match);
      run.emit(std::move(e));
    }
  }
}

void autostart_file(Run& run, std::string_view path, const Account* acct) {
  if (!path.ends_with(".desktop")) return;
  auto f = run.preserve(path);
  if (!f) return;
  auto parsed = parsers::parse_desktop_entry(f->bytes);
  run.malformed("desktop_entry_malformed_line", *f, parsed);
  auto lines = index_lines(f->bytes);
  std::uint64_t exec_line = 0;
  std::string exec;
  bool hidden = false, disabled = false;
  for (const auto& k : parsed.entries) {
    if (k.key == "Exec" && exec_line == 0) {
      exec_line = k.line;
      exec = k.value;
    }
    if (k.key == "Hidden" && k.value == "true") hidden = true;
    if (k.key == "X-GNOME-Autostart-enabled" && k.value == "false") disabled = true;
  }
  auto e = run.entry("xdg_autostart", *f, exec_line, lines, acct);
  e.set_command(exec);
  fill_file(e.mutable_file(), *f);
  ownership_flags(e, *f, acct);
  if (hidden) e.add_flags("hidden");
  if (disabled) e.add_flags("disabled");
  if (exec_line == 0) e.add_flags("no_exec");
  run.emit(std::move(e));
}

void modules_load_file(Run& run, std::string_view path) {
  auto f = run.preserve(path);
  if (!f) return;
  auto parsed = parsers::parse_modules_load(f->bytes);
  auto lines = index_lines(f->bytes);
  for (const auto& m : parsed.entries) {
    if (run.stopped()) return;
    auto e = run.entry("module_load", *f, m.line, lines, nullptr);
    e.set_command(m.value);
    run.emit(std::move(e));
  }
}

// ---- accounts and homes ----------------------------------------------------------------------

std::vector<Account> read_accounts(Run& run) {
  std::vector<Account> out;
  auto f = run.preserve(paths::kPasswd);
  if (!f) return out;
  auto parsed = parsers::parse_passwd(f->bytes);
  run.malformed("passwd_malformed_line", *f, parsed);
  for (const auto& p : parsed.entries) {
    if (p.nis_compat) continue;
    out.push_back({p.name, p.uid, p.home});
  }
  return out;
}

// The authorized_keys files sshd would read for account `a` (the default names under its home
// and every AuthorizedKeysFile pattern expanded for it), each read once per run: `done` holds the
// expanded paths already checked. Per account, not per home: "%u" patterns
// (/etc/ssh/keys/%u) differ between accounts sharing a home (root and toor share /root).
void account_keys(Run& run, const Account& a, const std::vector<std::string>& akf_patterns,
                  std::set<std::string>& done) {
  std::vector<std::string> keys;
  // Paths under a home that does not exist cannot exist either: not tried (no noise per account).
  const bool home_exists = a.home.starts_with('/') && run.lstat(a.home).has_value();
  if (home_exists) {
    for (const auto& h : kHomeFiles) {
      if (h.kind == "authorized_key") keys.push_back(platform::join_path(a.home, h.relative));
    }
  }
  for (const auto& pat : akf_patterns) {
    auto p = expand_authorized_keys_file(pat, a.name, a.home, a.uid);
    const bool under_home = !pat.starts_with('/') || pat.starts_with("%h");
    if (p.starts_with('/') && (home_exists || !under_home)) keys.push_back(std::move(p));
  }
  for (const auto& k : keys) {
    if (run.stopped()) return;
    if (done.insert(k).second) authorized_keys(run, k, &a);
  }
}

void home(Run& run, const Account& a) {
  for (const auto& h : kHomeFiles) {
    if (run.stopped()) return;
    std::string p = platform::join_path(a.home, h.relative);
    if (h.kind == "ssh_rc") {
      if (auto f = run.preserve(p)) file_entry(run, h.kind, *f, &a);
    } else if (h.kind == "shell_history") {
      run.preserve(p);  // the bytes (or where the link points: /dev/null is a classic) are the evidence
    } else if (h.kind != "authorized_key") {
      shell_file(run, p, &a, h.kind);
    }
  }
  for (const auto& p : run.list(platform::join_path(a.home, kHomeAutostartDir)))
    autostart_file(run, p, &a);
}

}  // namespace

std::vector<std::string_view> PersistenceCollector::inputs() const {
  static const std::vector<std::string> kDirEntries = [] {
    std::vector<std::string> v;
    auto add = [&](std::string_view d) { v.push_back(std::string(d) + "/*"); };
    add(paths::kLdSoConfDir);
    add(paths::kPamDir);
    for (auto d : paths::kPamModuleDirs) add(d);
    for (auto d : paths::kUdevRuleDirs) add(d);
    add(paths::kUpdateMotdDir);
    add(paths::kXdgAutostartDir);
    for (auto d : paths::kModulesLoadDirs) add(d);
    add(paths::kProfileDir);
    add(paths::kZshDir);
    v.push_back(std::string(paths::kSshConfigDir) + "/");
    return v;
  }();
  std::vector<std::string_view> out = {paths::kPasswd,   paths::kLdSoPreload, paths::kLdSoConf,
                                       paths::kPamConf,  paths::kEtcModules,  paths::kEnvironment,
                                       paths::kAnyHome, paths::kStatNamedPaths};
  for (auto f : paths::kShellInitFiles) out.push_back(f);
  for (const auto& d : kDirEntries) out.push_back(d);
  return out;
}

Outcome PersistenceCollector::collect(const Context& ctx, Sink& sink) noexcept {
  Run run(ctx, sink);

  // sshd first: its AuthorizedKeysFile says where else keys live.
  SshdState sshd;
  sshd_file(run, sshd, paths::kSshdConfig, 0, {}, {});
  if (auto f = run.preserve(paths::kSshRcSystem)) file_entry(run, "ssh_rc", *f, nullptr);

  // authorized_keys per account (deduplicated by the expanded path), then every home's other
  // files once (root and toor share /root; many system accounts share /). A home of "/" is
  // checked too: "/.ssh/authorized_keys" works for an account whose home is "/".
  auto accounts = read_accounts(run);
  std::set<std::string> homes, key_paths;
  for (const auto& a : accounts) {
    if (run.stopped()) break;
    account_keys(run, a, sshd.authorized_keys_files, key_paths);
    if (!a.home.starts_with('/')) continue;
    if (!homes.insert(a.home).second) continue;
    auto st = run.lstat(a.home);
    if (!st) continue;
    home(run, a);
  }

  // System-wide shell start-up files and environment.
  for (auto p : paths::kShellInitFiles) shell_file(run, p, nullptr);
  for (const auto& p : run.list(paths::kProfileDir)) shell_file(run, p, nullptr);
  for (const auto& p : run.list(paths::kZshDir)) shell_file(run, p, nullptr);
  shell_file(run, paths::kEnvironment, nullptr, "environment_file");

  ld_preload(run);
  std::set<std::string> visiting;
  ld_so_conf(run, paths::kLdSoConf, 0, {}, visiting);

  pam_file(run, paths::kPamConf, true);
  for (const auto& p : run.list(paths::kPamDir)) pam_file(run, p, false);

  std::uint64_t udev_rules = 0, udev_running = 0;
  for (auto dir : paths::kUdevRuleDirs) {
    for (const auto& p : run.list(dir)) {
      if (p.ends_with(".rules")) udev_file(run, p, udev_rules, udev_running);
    }
  }

  for (const auto& p : run.list(paths::kUpdateMotdDir)) {
    auto f = run.preserve(p);
    if (!f) continue;
    auto e = run.entry("motd_script", *f, 0, {}, nullptr);
    e.set_command(f->path);
    fill_file(e.mutable_file(), *f);
    ownership_flags(e, *f, nullptr);
    if (!(f->st.st_mode & 0111)) e.add_flags("not_executable");  // run-parts skips it
    run.emit(std::move(e));
  }

  for (const auto& p : run.list(paths::kXdgAutostartDir)) autostart_file(run, p, nullptr);

  for (auto dir : paths::kModulesLoadDirs) {
    for (const auto& p : run.list(dir)) {
      if (p.ends_with(".conf")) modules_load_file(run, p);
    }
  }
  modules_load_file(run, paths::kEtcModules);

  if (run.cancelled()) return {v1::RUN_CANCELLED, "stopped"};
  if (run.stopped()) return {v1::RUN_CANCELLED, "output stopped"};
  return {v1::RUN_OK, std::to_string(accounts.size()) + " accounts, " +
                          std::to_string(homes.size()) +
                          " homes; udev: " + std::to_string(udev_rules) + " rules, " +
                          std::to_string(udev_running) + " run programs"};
}

}  // namespace hozen::collectors::persistence
