#include "agent/analysis/analyzer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "agent/analysis/analyzer_state.h"
#include "agent/analysis/patterns.h"
#include "agent/export/text.h"
#include "platform/host.h"
#include "platform/parse_util.h"
#include "platform/sha256.h"

namespace hozen::analysis {

// Defined in ioc_match.cpp: matches one record's host values against the indicator list.
void match_indicators(Analyzer::State& s, const v1::Record& r);

namespace {

constexpr std::int64_t kDayNs = 86'400'000'000'000;
constexpr std::size_t kMaxLogins = 200'000;      // memory bound for the login joins
constexpr std::size_t kMaxEscalations = 200'000;
constexpr std::size_t kMaxEvidencePerFinding = 50;

constexpr std::size_t kMaxFindings = 20'000;  // beyond: counted, not kept
constexpr std::size_t kMaxFileGroups = 5'000;  // places with file findings; more fold into one

// At most n bytes, cut at a UTF-8 character boundary (a cut character would make the whole
// field non-UTF-8, and exports would show it as base64).
std::string capped(std::string_view s, std::size_t n = 240) {
  if (s.size() <= n) return std::string(s);
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

std::string join_argv(const google::protobuf::RepeatedPtrField<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
    if (out.size() > 400) break;
  }
  return capped(out, 400);
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : std::string(sep)) + x;
  return out;
}

std::string endpoint(std::string_view addr, std::uint32_t port) {
  if (addr.find(':') != std::string_view::npos) return "[" + std::string(addr) + "]:" + std::to_string(port);
  return std::string(addr) + ":" + std::to_string(port);
}

bool has_flag(const google::protobuf::RepeatedPtrField<std::string>& flags, std::string_view f) {
  return std::find(flags.begin(), flags.end(), f) != flags.end();
}

// ---- one record at a time --------------------------------------------------------------

void on_process(Analyzer::State& s, const v1::Record& r) {
  const auto& p = r.process();
  if (p.kernel_thread() || p.collector_self()) return;
  ProcInfo info;
  info.index = r.index();
  info.pid = p.pid();
  info.comm = p.comm();
  info.exe = std::string(without_deleted_suffix(p.exe_path()));
  info.memfd = is_memfd_path(p.exe_path());
  info.deleted = p.exe_deleted();
  info.suspect_path = !info.memfd && (in_temp_dir(info.exe) || in_unusual_hidden_dir(info.exe));
  info.upgraded = info.deleted && !info.memfd && !info.suspect_path && in_system_dir(info.exe);
  info.start_utc_ns = p.start_utc_ns();
  if (!info.exe.empty()) s.exe_paths.insert(info.exe);
  const std::string who = "pid " + std::to_string(p.pid()) + " (" + capped(p.comm(), 32) + ")";
  const std::string args = join_argv(p.argv());
  if (info.memfd) {
    s.add("HZ-PROC-MEMFD-EXE", v1::SEVERITY_UNSPECIFIED, who + " runs from memory: " + capped(p.exe_path()) + "; argv: " + args,
          info.exe, info.start_utc_ns, {{r.index(), "process", "process"}});
  } else if (info.deleted) {
    // A binary replaced by a package upgrade keeps running until restarted: lower severity for
    // system paths, where that is the usual reason.
    const auto sev = in_system_dir(info.exe) ? v1::SEVERITY_MEDIUM : v1::SEVERITY_UNSPECIFIED;
    s.add("HZ-PROC-DELETED-EXE", sev, who + " runs " + capped(info.exe) + ", deleted from disk; argv: " + args,
          info.exe, info.start_utc_ns, {{r.index(), "process", "process"}});
  }
  if (info.suspect_path) {
    s.add("HZ-PROC-SUSPECT-PATH", v1::SEVERITY_UNSPECIFIED, who + " runs " + capped(info.exe) + "; argv: " + args,
          info.exe, info.start_utc_ns, {{r.index(), "process", "process"}});
  }
  s.procs[{p.pid(), p.start_ticks()}] = std::move(info);
}

void on_socket(Analyzer::State& s, const v1::Record& r) {
  const auto& k = r.socket();
  if (k.family() != 2 && k.family() != 10) return;
  if (k.classification() != v1::LISTENING && k.classification() != v1::ESTABLISHED) return;
  SockInfo info;
  info.index = r.index();
  info.protocol = k.protocol();
  info.local_address = k.local_address();
  info.remote_address = k.remote_address();
  info.local_port = k.local_port();
  info.remote_port = k.remote_port();
  info.classification = k.classification();
  info.netns = k.netns();
  for (const auto& o : k.owners()) info.owners.emplace_back(o.pid(), o.start_ticks());
  s.sockets.push_back(std::move(info));
}

// The directory a temp-dir finding is grouped by: the first level below the temp root
// ("/tmp/build" for "/tmp/build/a/b"), or the file itself when it lies in the root.
std::string temp_group(std::string_view path) {
  for (std::string_view root : kTempRoots) {
    if (!path.starts_with(root) || path.size() <= root.size() || path[root.size()] != '/') continue;
    auto slash = path.find('/', root.size() + 1);
    return std::string(slash == std::string_view::npos ? path : path.substr(0, slash));
  }
  return std::string(path);
}

// The hidden directory itself ("/var/lib/.x" for "/var/lib/.x/bin/y").
std::string hidden_group(std::string_view path) {
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) break;
    std::string_view comp = path.substr(start, end - start);
    if (comp.size() > 1 && comp[0] == '.' && comp != ".." && in_unusual_hidden_dir(path.substr(0, end + 1))) {
      return std::string(path.substr(0, end));
    }
    start = end + 1;
  }
  return std::string(path);
}

bool in_bin_dir(std::string_view path) {
  auto dir = path.substr(0, path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/'));
  return dir == "/bin" || dir == "/sbin" || dir == "/usr/bin" || dir == "/usr/sbin" || dir == "/usr/local/bin" ||
         dir == "/usr/local/sbin" || dir == "/usr/libexec" || dir.starts_with("/usr/lib/systemd");
}

void group_file(Analyzer::State& s, std::string_view rule_id, std::string place, v1::Severity sev,
                const v1::FileEntry& f, std::uint64_t index) {
  std::pair<std::string, std::string> key{std::string(rule_id), std::move(place)};
  // A tree crafted with an executable in each of a million directories must not grow this
  // without bound: past the cap (per rule, so one rule's flood cannot hide another's), new
  // places of a rule share one group. Root-owned set-uid files are never folded away: users
  // cannot make them, so they cannot flood them.
  const bool root_setid = rule_id == "HZ-FILE-SUID-UNPACKAGED" && f.uid() == 0;
  if (!root_setid && s.file_groups.count(key) == 0 && s.file_group_places[key.first] >= kMaxFileGroups) {
    key.second = "(other places)";
  }
  auto [it, added] = s.file_groups.try_emplace(std::move(key));
  if (added) ++s.file_group_places[it->first.first];
  FileGroup& g = it->second;
  g.severity = std::max(g.severity, sev);
  ++g.files;
  if (f.header_kind() == "elf") ++g.elf;
  std::string example = capped(f.path(), 200);
  if (rule_id == "HZ-FILE-SUID-UNPACKAGED") {
    example += " (uid " + std::to_string(f.uid()) + (f.sha256().empty() ? "" : ", sha256 " + platform::to_hex(f.sha256())) + ")";
  }
  // Root-owned files first among the examples and the evidence (a user's own set-gid files must
  // not crowd out a root set-uid backdoor in the same directory).
  const Ref ref{index, "file_entry", "file"};
  if (g.refs.size() < kMaxEvidencePerFinding) {
    g.refs.push_back(ref);
    g.ref_is_root.push_back(f.uid() == 0);
  } else if (f.uid() == 0) {
    auto slot = std::find(g.ref_is_root.begin(), g.ref_is_root.end(), false);
    if (slot != g.ref_is_root.end()) {
      g.refs[static_cast<std::size_t>(slot - g.ref_is_root.begin())] = ref;
      *slot = true;
    }
  }
  if (g.examples.size() < 3) {
    g.examples.push_back(std::move(example));
    g.example_is_root.push_back(f.uid() == 0);
  } else if (f.uid() == 0) {
    auto slot = std::find(g.example_is_root.begin(), g.example_is_root.end(), false);
    if (slot != g.example_is_root.end()) {
      g.examples[static_cast<std::size_t>(slot - g.example_is_root.begin())] = std::move(example);
      *slot = true;
    }
  }
  g.latest_mtime_utc_ns = std::max(g.latest_mtime_utc_ns, f.mtime_utc_ns());
}

void on_file(Analyzer::State& s, const v1::Record& r) {
  const auto& f = r.file_entry();
  const auto& flags = f.flags();
  if (s.exe_paths.count(f.path()) > 0) s.exe_files[f.path()] = {f.package_check(), r.index(), f.mode()};
  const bool elf = f.header_kind() == "elf";
  if (has_flag(flags, "elf_in_temp") || has_flag(flags, "script_in_temp")) {
    // An ELF binary in a temp dir is the classic dropper; scripts there are common too, but so
    // are installers' and build trees'.
    group_file(s, "HZ-FILE-EXEC-IN-TEMP", temp_group(f.path()), elf ? v1::SEVERITY_HIGH : v1::SEVERITY_MEDIUM, f, r.index());
  } else if ((has_flag(flags, "elf_in_hidden_dir") || has_flag(flags, "script_in_hidden_dir")) &&
             in_unusual_hidden_dir(f.path())) {  // toolchains in ~/.cargo, ~/.pyenv... are not findings
    group_file(s, "HZ-FILE-EXEC-IN-HIDDEN-DIR", hidden_group(f.path()), v1::SEVERITY_MEDIUM, f, r.index());
  }
  if (f.package_check() == v1::PACKAGE_MD5_MISMATCH) {
    // High for a replaced program or library; medium for data and scripts deep in /usr/lib,
    // which package managers of other languages (npm, pip) rewrite in place.
    const bool binary = in_bin_dir(f.path()) || (elf && in_system_dir(f.path()));
    group_file(s, "HZ-FILE-PACKAGE-MODIFIED", f.package().empty() ? "(unknown package)" : f.package(),
               binary ? v1::SEVERITY_HIGH : v1::SEVERITY_MEDIUM, f, r.index());
  }
  const bool setid = has_flag(flags, "suid") || has_flag(flags, "sgid");
  // Unpackaged: dpkg lists no such file in a system binary dir, or the file lies where no
  // package installs (/usr/local, /opt, homes, temp...). Elsewhere under /usr an unknown
  // status means no dpkg database (RHEL, Alpine): not a finding.
  const bool unknown_place = !in_system_dir(f.path()) || f.path().starts_with("/usr/local/");
  const bool unpackaged = f.package_check() == v1::PACKAGE_NOT_PACKAGED ||
                          (f.package_check() == v1::PACKAGE_CHECK_UNSPECIFIED && unknown_place);
  if (setid && unpackaged) {
    // One finding per directory (a tree of 20,000 set-uid files is one problem, not 20,000).
    std::string_view p = f.path();
    auto slash = p.rfind('/');
    group_file(s, "HZ-FILE-SUID-UNPACKAGED", std::string(slash == std::string_view::npos || slash == 0 ? "/" : p.substr(0, slash)),
               v1::SEVERITY_HIGH, f, r.index());
  }
}

void add_with_refs(Analyzer::State& s, std::string_view rule_id, v1::Severity sev, std::string summary,
                   std::string subject, std::int64_t when, const std::vector<Ref>& refs);

void file_group_findings(Analyzer::State& s) {
  for (const auto& [key, g] : s.file_groups) {
    const auto& [rule_id, place] = key;
    std::string what;
    if (rule_id == "HZ-FILE-PACKAGE-MODIFIED") {
      what = std::to_string(g.files) + " file(s) of package " + capped(place, 80) + " differ from its md5sums";
    } else if (rule_id == "HZ-FILE-SUID-UNPACKAGED") {
      what = std::to_string(g.files) + " set-uid/set-gid file(s) that no package installed, in " + capped(place, 200);
    } else {
      what = std::to_string(g.files) + " executable file(s) (" + std::to_string(g.elf) + " ELF) under " + capped(place, 200);
    }
    std::vector<std::string> ex = g.examples;
    add_with_refs(s, rule_id, g.severity, what + ", e.g. " + join(ex, ", "), place, g.latest_mtime_utc_ns, g.refs);
  }
}

void on_user(Analyzer::State& s, const v1::Record& r) {
  const auto& u = r.user_account();
  auto& groups = s.user_groups[u.name()];
  if (!u.primary_group().empty()) groups.insert(u.primary_group());
  for (const auto& g : u.supplementary_groups()) groups.insert(g);
  if (u.uid() == 0) s.uid0_users.insert(u.name());
  s.user_by_uid.emplace(u.uid(), u.name());
  if (u.uid0_not_root()) {
    s.add("HZ-USER-UID0", v1::SEVERITY_UNSPECIFIED, "account " + capped(u.name(), 64) + " has uid 0 (shell " + capped(u.shell(), 64) + ")",
          u.name(), 0, {{r.index(), "user_account", "account"}});
  }
  if (u.password_state() == v1::PASSWORD_EMPTY && u.shell_is_login()) {
    s.add("HZ-USER-EMPTY-PASSWORD", v1::SEVERITY_UNSPECIFIED, "account " + capped(u.name(), 64) + " (uid " + std::to_string(u.uid()) + ") has an empty password",
          u.name(), 0, {{r.index(), "user_account", "account"}});
  }
}

// Admins are the principals sudoers lets run every command as root; a rule for a few commands
// (backups, apt) does not make an account an admin for the escalation rules.
void on_sudoers_rule(Analyzer::State& s, const v1::Record& r) {
  const auto& rule = r.sudoers_rule();
  if (rule.negated() || !rule.all_commands_as_root()) return;
  std::string p = rule.principal();
  const std::string& kind = rule.principal_kind();
  if (kind == "all") {
    s.anyone_may_become_root = true;
  } else if (kind == "user") {
    s.root_users.insert(p);
  } else if (kind == "uid") {  // "#1000", resolved once the accounts are known
    s.root_users.insert(p);
  } else if (kind == "group" || kind == "non_unix_group" || kind == "gid") {
    while (!p.empty() && (p[0] == '%' || p[0] == ':')) p.erase(0, 1);
    s.root_groups.insert(p);  // "#27" for a gid
  }
  for (const auto& u : rule.expanded_users()) {
    if (!u.empty() && u[0] == '%') {
      s.root_groups.insert(u.substr(1));
    } else {
      s.root_users.insert(u);
    }
  }
}

bool looks_like_host(std::string_view h) {
  if (h.empty() || h.front() == ':' || h.size() > 253) return false;
  return std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_';
  });
}

void on_auth_event(Analyzer::State& s, const v1::Record& r) {
  const auto& e = r.auth_event();
  if (e.kind() == "ssh_login" && e.success() && looks_like_host(e.source_address()) && s.logins.size() < kMaxLogins) {
    s.logins.push_back({r.index(), "auth_event", e.target_user().empty() ? e.user() : e.target_user(),
                        e.source_address(), e.time_utc_ns()});
  }
  if (s.escalations.size() >= kMaxEscalations || e.user().empty()) return;
  const bool sudo_fail = e.kind() == "sudo" && !e.success();
  const bool su_fail = e.kind() == "su" && !e.success() && (e.target_user().empty() || e.target_user() == "root");
  // pam_auth_failure lines of sudo and su repeat what their own sudo/su line says: not counted.
  if (!sudo_fail && !su_fail) return;
  std::string detail = e.kind() + (e.failure_reason().empty() ? "" : ": " + capped(e.failure_reason(), 120));
  if (!e.command().empty()) detail += " (command " + capped(e.command(), 120) + ")";
  s.escalations.push_back({r.index(), e.user(), std::move(detail), e.time_utc_ns()});
}


void on_login_record(Analyzer::State& s, const v1::Record& r) {
  const auto& l = r.login_record();
  if (l.log() != "wtmp" || l.entry_type() != "USER_PROCESS" || s.logins.size() >= kMaxLogins) return;
  std::string source = !l.address().empty() ? l.address() : l.host();
  if (!looks_like_host(source)) return;  // a console, X display ":0", "tmux(12).%0", "mosh [4321]"
  s.logins.push_back({r.index(), "login_record", l.user(), std::move(source), l.time_utc_ns()});
}

void command_rule(Analyzer::State& s, std::string_view rule_id, const std::string& what, std::string_view command,
                  Ref ref) {
  auto flags = command_red_flags(command);
  if (flags.empty()) return;
  s.add(rule_id, v1::SEVERITY_UNSPECIFIED, what + ": " + capped(command, 300) + " [" + join(flags, ", ") + "]",
        std::string(command), 0, {ref});
}

std::string exec_text(const v1::ExecCommand& e) {
  std::string out;
  for (const auto& a : e.argv()) out += (out.empty() ? "" : " ") + a;
  return out.empty() ? e.raw() : out;
}

void on_persistence(Analyzer::State& s, const v1::Record& r) {
  const auto& p = r.persistence_entry();
  const Ref self{r.index(), "persistence_entry", "entry"};
  const std::string where = capped(p.path(), 200) + (p.account().empty() ? "" : " (account " + capped(p.account(), 64) + ")");
  if (p.kind() == "authorized_key") {
    if (has_flag(p.flags(), "forced_command")) {
      s.add("HZ-SSH-KEY-FORCED-COMMAND", v1::SEVERITY_UNSPECIFIED,
            where + ": key " + capped(p.authorized_key().fingerprint(), 64) + " runs " + capped(p.command(), 200), p.path(), 0, {self});
    }
    const std::int64_t mtime = p.file().mtime_utc_ns();
    if (mtime > 0 && s.opt.now_utc_ns > 0 && s.opt.now_utc_ns - mtime < s.opt.recent_days * kDayNs &&
        s.recent_key_files.insert(p.path()).second) {
      s.add("HZ-SSH-KEY-RECENT", v1::SEVERITY_UNSPECIFIED, where + " modified " + platform::format_rfc3339_ns(mtime),
            p.path(), mtime, {self});
    }
  } else if (p.kind() == "ld_preload") {
    s.add("HZ-LD-SO-PRELOAD", v1::SEVERITY_UNSPECIFIED, where + " preloads " + capped(p.command(), 200), p.command(), 0, {self});
  } else if (p.kind() == "pam_rule") {
    const bool outside = has_flag(p.flags(), "module_outside_standard_dirs");
    if (outside || has_flag(p.flags(), "pam_exec")) {
      s.add("HZ-PAM-NONSTANDARD-MODULE", outside ? v1::SEVERITY_UNSPECIFIED : v1::SEVERITY_MEDIUM,
            where + ": " + capped(p.raw(), 200), p.pam().module(), 0, {self});
    }
  } else if (!p.command().empty()) {
    command_rule(s, "HZ-SERVICE-SUSPECT-COMMAND", p.kind() + " in " + where, p.command(), self);
  }
}

void on_hidden_process(Analyzer::State& s, const v1::Record& r) {
  const auto& h = r.hidden_process();
  if (h.collector_self()) return;
  std::vector<std::string> probes(h.probes().begin(), h.probes().end());
  s.add("HZ-PROC-HIDDEN", v1::SEVERITY_UNSPECIFIED,
        "pid " + std::to_string(h.pid()) + ": " + capped(h.finding(), 40) + " (" + capped(h.detail(), 160) + "; seen by " + join(probes, ", ") + ")",
        std::to_string(h.pid()), 0, {{r.index(), "hidden_process", "pid"}});
}

void on_kernel_taint(Analyzer::State& s, const v1::Record& r) {
  const auto& t = r.kernel_taint();
  if (t.value() == 0) return;
  bool module_taint = false;
  std::vector<std::string> flags;
  for (const auto& f : t.flags()) {
    flags.push_back(f);
    if (f.starts_with("O ") || f.starts_with("E ") || f.starts_with("P ")) module_taint = true;
  }
  s.add("HZ-KERNEL-TAINTED", module_taint ? v1::SEVERITY_UNSPECIFIED : v1::SEVERITY_LOW,
        "kernel taint " + std::to_string(t.value()) + ": " + capped(join(flags, "; "), 300), "kernel", 0,
        {{r.index(), "kernel_taint", "taint"}});
}

// ---- joins, once every record was seen -------------------------------------------------

std::set<std::string> admin_accounts(const Analyzer::State& s) {
  std::set<std::string> admins = s.uid0_users;
  admins.insert("root");
  for (const auto& u : s.root_users) {
    admins.insert(u);
    if (u.size() > 1 && u[0] == '#') {  // a uid principal
      if (auto n = platform::parse_uint<std::uint32_t>(std::string_view(u).substr(1))) {
        if (auto it = s.user_by_uid.find(*n); it != s.user_by_uid.end()) admins.insert(it->second);
      }
    }
  }
  std::set<std::string> groups = s.root_groups;
  for (const auto& g : s.root_groups) {
    if (g.size() > 1 && g[0] == '#') {  // a gid principal
      if (auto n = platform::parse_uint<std::uint32_t>(std::string_view(g).substr(1))) {
        if (auto it = s.group_by_gid.find(*n); it != s.group_by_gid.end()) groups.insert(it->second);
      }
    }
  }
  for (const auto& [user, member_of] : s.user_groups) {
    for (const auto& g : member_of) {
      if (groups.count(g) > 0) admins.insert(user);
    }
  }
  for (const auto& g : groups) {
    if (auto it = s.group_members.find(g); it != s.group_members.end()) admins.insert(it->second.begin(), it->second.end());
  }
  return admins;
}

std::string owner_text(const Analyzer::State& s, const SockInfo& k, std::vector<Ref>* refs) {
  std::string out;
  for (const auto& key : k.owners) {
    auto it = s.procs.find(key);
    if (it == s.procs.end()) continue;
    if (refs != nullptr && refs->size() < kMaxEvidencePerFinding) refs->push_back({it->second.index, "process", "owner"});
    if (!out.empty()) out += ", ";
    out += "pid " + std::to_string(it->second.pid) + " " + capped(it->second.exe.empty() ? it->second.comm : it->second.exe, 120);
  }
  return out.empty() ? "no owner found" : out;
}

void add_with_refs(Analyzer::State& s, std::string_view rule_id, v1::Severity sev, std::string summary,
                   std::string subject, std::int64_t when, const std::vector<Ref>& refs) {
  auto& f = s.add(rule_id, sev, std::move(summary), std::move(subject), when, {});
  for (const auto& ref : refs) {
    auto* e = f.add_evidence();
    e->set_record_index(ref.index);
    e->set_record_type(std::string(ref.type));
    e->set_role(std::string(ref.role));
  }
}

// A program anyone can overwrite runs as whoever starts it: a process or a service whose
// executable is world-writable (known when the file sweep saw it).
void world_writable_rules(Analyzer::State& s) {
  auto writable = [&](const std::string& path) {
    auto it = s.exe_files.find(path);
    return it != s.exe_files.end() && S_ISREG(it->second.mode) && (it->second.mode & 0002) != 0 ? &it->second : nullptr;
  };
  for (const auto& [key, p] : s.procs) {
    if (p.suspect_path) continue;  // already reported
    if (const auto* f = writable(p.exe)) {
      add_with_refs(s, "HZ-PROC-SUSPECT-PATH", v1::SEVERITY_UNSPECIFIED,
                    "pid " + std::to_string(p.pid) + " (" + capped(p.comm, 32) + ") runs " + capped(p.exe, 200) + ", which anyone can overwrite",
                    p.exe, p.start_utc_ns, {{p.index, "process", "process"}, {f->index, "file_entry", "binary"}});
    }
  }
  for (const auto& e : s.service_execs) {
    if (const auto* f = writable(e.program)) {
      add_with_refs(s, "HZ-SERVICE-SUSPECT-COMMAND", v1::SEVERITY_UNSPECIFIED,
                    e.what + " runs " + capped(e.program, 200) + ", which anyone can overwrite [world_writable]", e.program, 0,
                    {e.ref, {f->index, "file_entry", "binary"}});
    }
  }
}

void listener_rules(Analyzer::State& s) {
  std::vector<Ref> all;
  std::vector<std::string> ports;
  for (const auto& k : s.sockets) {
    if (k.classification != v1::LISTENING || is_loopback_address(k.local_address)) continue;
    if (all.size() < kMaxEvidencePerFinding) all.push_back({k.index, "socket", "listener"});
    if (ports.size() < 40) ports.push_back(k.protocol + " " + endpoint(k.local_address, k.local_port));
    for (const auto& key : k.owners) {
      auto it = s.procs.find(key);
      if (it == s.procs.end()) continue;
      const ProcInfo& p = it->second;
      std::string why;
      if (p.memfd) why = "running from memory";
      else if (p.deleted && !p.upgraded) why = "deleted";
      else if (p.suspect_path) why = "in a temporary or hidden directory";
      else if (auto f = s.exe_files.find(p.exe); f != s.exe_files.end() && f->second.package_check == v1::PACKAGE_NOT_PACKAGED) why = "not from any package";
      if (why.empty()) continue;
      add_with_refs(s, "HZ-NET-LISTENER-SUSPECT-BINARY", v1::SEVERITY_UNSPECIFIED,
                    k.protocol + " " + endpoint(k.local_address, k.local_port) + " is held by pid " + std::to_string(p.pid) +
                        " " + capped(p.exe, 160) + " (" + why + ")",
                    endpoint(k.local_address, k.local_port), p.start_utc_ns,
                    {{k.index, "socket", "listener"}, {p.index, "process", "owner"}});
    }
  }
  if (!all.empty()) {
    add_with_refs(s, "HZ-NET-LISTENERS", v1::SEVERITY_UNSPECIFIED,
                  std::to_string(all.size()) + (all.size() >= kMaxEvidencePerFinding ? "+" : "") +
                      " listening sockets reachable from other hosts: " + join(ports, ", "),
                  "listeners", 0, all);
  }
}

void connection_rules(Analyzer::State& s) {
  std::set<std::tuple<std::uint64_t, std::string, std::uint32_t>> listening;  // (netns, proto, port)
  for (const auto& k : s.sockets) {
    if (k.classification == v1::LISTENING) listening.insert({k.netns, k.protocol, k.local_port});
  }
  std::vector<Ref> outbound;
  std::vector<std::string> destinations;
  for (const auto& k : s.sockets) {
    if (k.classification != v1::ESTABLISHED || is_loopback_address(k.remote_address) ||
        is_unspecified_address(k.remote_address)) {
      continue;
    }
    const bool inbound = listening.count({k.netns, k.protocol, k.local_port}) > 0;
    if (!inbound) {
      if (outbound.size() < kMaxEvidencePerFinding) outbound.push_back({k.index, "socket", "connection"});
      if (destinations.size() < 40) destinations.push_back(endpoint(k.remote_address, k.remote_port) + " (" + owner_text(s, k, nullptr) + ")");
    }
    for (const auto& key : k.owners) {
      auto it = s.procs.find(key);
      if (it == s.procs.end()) continue;
      const ProcInfo& p = it->second;
      if ((p.deleted && !p.upgraded) || p.memfd || p.suspect_path) {
        add_with_refs(s, "HZ-NET-SUSPECT-BINARY-CONNECTION", v1::SEVERITY_UNSPECIFIED,
                      "pid " + std::to_string(p.pid) + " " + capped(p.exe, 160) + (p.memfd ? " (in memory)" : p.deleted ? " (deleted)" : "") +
                          " holds " + k.protocol + " " + endpoint(k.local_address, k.local_port) + " <-> " +
                          endpoint(k.remote_address, k.remote_port),
                      k.remote_address, p.start_utc_ns, {{k.index, "socket", "connection"}, {p.index, "process", "owner"}});
        continue;
      }
      const std::string_view prog = base_name(p.exe.empty() ? p.comm : p.exe);
      const bool shell = is_shell_or_relay(prog) || is_shell_or_relay(p.comm);
      const bool interp = is_interpreter(prog) || is_interpreter(p.comm);
      if (!shell && !(interp && !inbound)) continue;
      add_with_refs(s, "HZ-NET-SHELL-CONNECTION", shell ? v1::SEVERITY_UNSPECIFIED : v1::SEVERITY_MEDIUM,
                    "pid " + std::to_string(p.pid) + " " + capped(p.exe, 160) + " holds " + k.protocol + " " +
                        endpoint(k.local_address, k.local_port) + " <-> " + endpoint(k.remote_address, k.remote_port),
                    k.remote_address, p.start_utc_ns, {{k.index, "socket", "connection"}, {p.index, "process", "owner"}});
    }
  }
  if (!outbound.empty()) {
    add_with_refs(s, "HZ-NET-OUTBOUND", v1::SEVERITY_UNSPECIFIED,
                  std::to_string(outbound.size()) + (outbound.size() >= kMaxEvidencePerFinding ? "+" : "") +
                      " outbound connections: " + join(destinations, ", "),
                  "outbound", 0, outbound);
  }
}

void escalation_rules(Analyzer::State& s, const std::set<std::string>& admins) {
  if (s.anyone_may_become_root) return;
  std::map<std::string, std::vector<const EscalationAttempt*>> by_user;
  for (const auto& e : s.escalations) {
    if (admins.count(e.user) == 0) by_user[e.user].push_back(&e);
  }
  for (const auto& [user, attempts] : by_user) {
    std::vector<Ref> refs;
    for (const auto* a : attempts) {
      if (refs.size() < kMaxEvidencePerFinding) refs.push_back({a->index, "auth_event", "attempt"});
    }
    add_with_refs(s, "HZ-AUTH-UNPRIVILEGED-ESCALATION", v1::SEVERITY_UNSPECIFIED,
                  "account " + capped(user, 64) + " made " + std::to_string(attempts.size()) +
                      " failed attempt(s) to become root; first: " + attempts.front()->detail,
                  user, attempts.front()->time_utc_ns, refs);
  }
}

void new_source_rules(Analyzer::State& s, const std::set<std::string>& admins) {
  // Baseline: the first week of the logs. With less than two weeks of history nothing is "new".
  std::int64_t first = 0, last = 0;
  for (const auto& l : s.logins) {
    if (l.time_utc_ns == 0) continue;
    first = first == 0 ? l.time_utc_ns : std::min(first, l.time_utc_ns);
    last = std::max(last, l.time_utc_ns);
  }
  if (first == 0 || last - first < 14 * kDayNs) return;
  const std::int64_t baseline_end = first + 7 * kDayNs;
  std::vector<const LoginInfo*> sorted;
  for (const auto& l : s.logins) {
    if (l.time_utc_ns != 0 && (s.anyone_may_become_root || admins.count(l.user) > 0)) sorted.push_back(&l);
  }
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->time_utc_ns < b->time_utc_ns; });
  std::set<std::pair<std::string, std::string>> seen;
  for (const LoginInfo* l : sorted) {
    if (!seen.insert({l->user, l->source}).second || l->time_utc_ns < baseline_end) continue;
    add_with_refs(s, "HZ-AUTH-ADMIN-NEW-SOURCE", v1::SEVERITY_UNSPECIFIED,
                  "account " + capped(l->user, 64) + " logged in from " + capped(l->source, 80) + " at " +
                      platform::format_rfc3339_ns(l->time_utc_ns) + ", a source not seen since the logs begin (" +
                      platform::format_rfc3339_ns(first) + ")",
                  l->source, l->time_utc_ns, {{l->index, l->type, "login"}});
  }
}

}  // namespace

v1::Finding& Analyzer::State::add(std::string_view rule_id, v1::Severity severity, std::string summary,
                                  std::string subject, std::int64_t when, std::initializer_list<Ref> refs) {
  const Rule& rule = analysis::rule(rule_id);
  if (findings.size() >= kMaxFindings) {
    ++findings_left_out;
    overflow.Clear();
    return overflow;
  }
  v1::Finding& f = findings.emplace_back();
  f.set_rule_id(std::string(rule.id));
  f.set_severity(severity == v1::SEVERITY_UNSPECIFIED ? rule.severity : severity);
  f.set_checklist_id(std::string(rule.checklist_id));
  f.set_title_en(std::string(rule.title_en));
  f.set_title_ja(std::string(rule.title_ja));
  f.set_explanation_en(std::string(rule.explanation_en));
  f.set_explanation_ja(std::string(rule.explanation_ja));
  f.set_summary(std::move(summary));
  f.set_subject(capped(subject, 400));
  f.set_event_utc_ns(when);
  for (const auto& ref : refs) {
    auto* e = f.add_evidence();
    e->set_record_index(ref.index);
    e->set_record_type(std::string(ref.type));
    e->set_role(std::string(ref.role));
  }
  return f;
}

Analyzer::Analyzer(AnalysisOptions options) : s_(std::make_unique<State>()) { s_->opt = std::move(options); }
Analyzer::~Analyzer() = default;

void Analyzer::observe(const v1::Record& r) {
  State& s = *s_;
  ++s.records;
  switch (r.body_case()) {
    case v1::Record::kProcess: on_process(s, r); break;
    case v1::Record::kSocket: on_socket(s, r); break;
    case v1::Record::kFileEntry:
      ++s.file_entries;
      on_file(s, r);
      break;
    case v1::Record::kUserAccount: on_user(s, r); break;
    case v1::Record::kUserGroup:
      for (const auto& m : r.user_group().members()) s.group_members[r.user_group().name()].insert(m);
      s.group_by_gid.emplace(r.user_group().gid(), r.user_group().name());
      break;
    case v1::Record::kSudoersRule: on_sudoers_rule(s, r); break;
    case v1::Record::kAuthEvent: on_auth_event(s, r); break;
    case v1::Record::kLoginRecord: on_login_record(s, r); break;
    case v1::Record::kPersistenceEntry: on_persistence(s, r); break;
    case v1::Record::kHiddenProcess: on_hidden_process(s, r); break;
    case v1::Record::kKernelTaint: on_kernel_taint(s, r); break;
    case v1::Record::kKernelModule:
      if (r.kernel_module().hidden_from_proc_modules()) {
        s.add("HZ-KMOD-HIDDEN", v1::SEVERITY_UNSPECIFIED, "module " + capped(r.kernel_module().name(), 64) + " is loaded (sysfs) but not in /proc/modules",
              r.kernel_module().name(), 0, {{r.index(), "kernel_module", "module"}});
      }
      break;
    case v1::Record::kCronEntry: {
      const auto& c = r.cron_entry();
      if (c.line_kind() == v1::CRON_LINE_JOB || c.line_kind() == v1::CRON_LINE_ANACRON_JOB) {
        command_rule(s, "HZ-TASK-SUSPECT-COMMAND",
                     "cron job in " + capped(c.source().path(), 200) + " (runs as " + capped(c.run_as(), 64) + ")",
                     c.command_line(), {r.index(), "cron_entry", "job"});
      }
      break;
    }
    case v1::Record::kSystemdTimer:
      for (const auto& e : r.systemd_timer().exec()) {
        command_rule(s, "HZ-TASK-SUSPECT-COMMAND", "timer " + capped(r.systemd_timer().name(), 120) + " runs", exec_text(e),
                     {r.index(), "systemd_timer", "timer"});
      }
      break;
    case v1::Record::kAtJob:
      for (const auto& c : r.at_job().commands()) {
        command_rule(s, "HZ-TASK-SUSPECT-COMMAND", "at job " + capped(r.at_job().path(), 200), c.text(), {r.index(), "at_job", "job"});
      }
      break;
    case v1::Record::kSystemdUnit:
      for (const auto& e : r.systemd_unit().exec()) {
        if (e.argv_size() > 0 && e.argv(0).starts_with('/')) {
          s.exe_paths.insert(e.argv(0));
          s.service_execs.push_back({e.argv(0), "unit " + capped(r.systemd_unit().name(), 120) + " " + capped(e.directive(), 32),
                                     {r.index(), "systemd_unit", "unit"}});
        }
        command_rule(s, "HZ-SERVICE-SUSPECT-COMMAND",
                     "unit " + capped(r.systemd_unit().name(), 120) + " " + capped(e.directive(), 32), exec_text(e),
                     {r.index(), "systemd_unit", "unit"});
      }
      break;
    case v1::Record::kRcLocal:
      for (const auto& c : r.rc_local().commands()) {
        command_rule(s, "HZ-SERVICE-SUSPECT-COMMAND", capped(r.rc_local().path(), 120), c.text(), {r.index(), "rc_local", "script"});
      }
      break;
    default:
      break;
  }
  if (s.opt.iocs != nullptr) match_indicators(s, r);
}

Analyzer::Result Analyzer::finish() {
  State& s = *s_;
  const auto admins = admin_accounts(s);
  indicator_findings(s);
  file_group_findings(s);
  if (s.file_entries == 0) {
    s.add("HZ-COVERAGE-NO-FILE-SWEEP", v1::SEVERITY_UNSPECIFIED, "no file_entry record in the bundle: H4 and C3's file checks were not made",
          "file_sweep", 0, {});
  }
  world_writable_rules(s);
  listener_rules(s);
  connection_rules(s);
  escalation_rules(s, admins);
  new_source_rules(s, admins);
  Result out;
  out.findings = std::move(s.findings);
  std::stable_sort(out.findings.begin(), out.findings.end(), [](const v1::Finding& a, const v1::Finding& b) {
    if (a.severity() != b.severity()) return a.severity() > b.severity();
    return a.checklist_id() < b.checklist_id();
  });
  auto& sum = out.summary;
  sum.set_ruleset_version(s.opt.ruleset_version);
  sum.set_records_analyzed(s.records);
  sum.set_findings_left_out(s.findings_left_out);
  std::map<int, std::uint64_t> counts;
  for (const auto& f : out.findings) ++counts[f.severity()];
  for (int sev = v1::SEVERITY_CRITICAL; sev >= v1::SEVERITY_INFO; --sev) {
    auto* c = sum.add_counts();
    c->set_severity(static_cast<v1::Severity>(sev));
    c->set_count(counts[sev]);
  }
  for (const auto& r : all_rules()) sum.add_rules_run(std::string(r.id));
  return out;
}

}  // namespace hozen::analysis

namespace hozen::analysis {

std::string terminal_safe(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  auto escape = [&](unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      continue;
    }
    // A valid UTF-8 sequence of 2-4 bytes passes, except C1 controls and the code points that
    // reorder or hide text on a terminal (bidi overrides and isolates, zero-width).
    const std::size_t n = exporter::utf8_sequence_length(s.substr(i));
    if (n > 1) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      const bool c1 = c == 0xc2 && b1 < 0xa0;
      const bool hidden = c == 0xe2 && ((b1 == 0x80 && ((static_cast<unsigned char>(s[i + 2]) >= 0x8b &&
                                                           static_cast<unsigned char>(s[i + 2]) <= 0x8f) ||
                                                          (static_cast<unsigned char>(s[i + 2]) >= 0xaa &&
                                                           static_cast<unsigned char>(s[i + 2]) <= 0xae))) ||
                                        (b1 == 0x81 && static_cast<unsigned char>(s[i + 2]) >= 0xa6 &&
                                         static_cast<unsigned char>(s[i + 2]) <= 0xa9));
      if (!c1 && !hidden) {
        out.append(s.substr(i, n));
        i += n - 1;
        continue;
      }
    }
    escape(c);
  }
  return out;
}

std::string format_summary(const Analyzer::Result& result, std::size_t top) {
  std::string out = "  findings:   ";
  bool first = true;
  for (const auto& c : result.summary.counts()) {
    out += (first ? "" : ", ") + std::string(severity_name(c.severity())) + " " + std::to_string(c.count());
    first = false;
  }
  out += "\n";
  std::size_t shown = 0;
  for (const auto& f : result.findings) {
    if (shown == top || f.severity() <= v1::SEVERITY_INFO) break;
    out += "    [" + std::string(severity_name(f.severity())) + "] " + f.checklist_id() + " " + f.rule_id() + ": " +
           terminal_safe(capped(f.summary(), 160)) + "\n";
    ++shown;
  }
  return out;
}

}  // namespace hozen::analysis
