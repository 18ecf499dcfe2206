#include "collectors/framework/referenced.h"

#include <algorithm>
#include <utility>

#include "platform/paths.h"

namespace hozen::collectors {

std::optional<std::string> normalise_absolute(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view comp = path.substr(i, j - i);
    if (comp == "..") return std::nullopt;  // lexical ".." would be wrong across symlinks
    if (!comp.empty() && comp != ".") {
      out += '/';
      out += comp;
    }
    i = j;
  }
  if (out.empty()) out = "/";
  return out;
}

void ReferencedFiles::add(std::string_view raw, std::string source, std::uint64_t mnt_ns) {
  if (raw.size() > kMaxPathBytes) return;
  auto path = normalise_absolute(raw);
  if (!path || *path == "/") return;
  std::lock_guard lock(mu_);
  auto it = paths_.find(*path);
  if (it == paths_.end()) {
    if (paths_.size() >= kMaxPaths || bytes_ + path->size() + source.size() > kMaxTotalBytes) {
      ++dropped_;
      return;
    }
    bytes_ += path->size();
    it = paths_.emplace(std::move(*path), std::vector<Source>{}).first;
  }
  auto& sources = it->second;
  Source src{std::move(source), mnt_ns};
  if (sources.size() < kMaxSourcesPerPath && bytes_ + src.text.size() <= kMaxTotalBytes &&
      std::find(sources.begin(), sources.end(), src) == sources.end()) {
    bytes_ += src.text.size();
    sources.push_back(std::move(src));
  }
}

std::map<std::string, std::vector<ReferencedFiles::Source>> ReferencedFiles::snapshot() const {
  std::lock_guard lock(mu_);
  return paths_;
}

std::map<std::string, std::vector<ReferencedFiles::Source>> ReferencedFiles::take() {
  std::lock_guard lock(mu_);
  bytes_ = 0;
  return std::exchange(paths_, {});
}

std::size_t ReferencedFiles::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

namespace {

bool ends_word(char c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case ';': case '|': case '&': case '<': case '>':
    case '(': case ')': case '`': case '"': case '\'': case '$': case '\\': case '{': case '}':
      return true;
    default:
      return false;
  }
}

bool pseudo_path(std::string_view p) {
  for (std::string_view d : platform::paths::kPseudoFileRoots) {
    if (p.starts_with(d) || p == d.substr(0, d.size() - 1)) return true;
  }
  return p == "/";
}

std::string source_line(std::string_view what, const v1::SourceRef& s) {
  std::string out(what);
  out += ' ';
  out += s.path();
  if (s.line() > 0) out += ":" + std::to_string(s.line());
  return out;
}

std::string basename_of(std::string_view p) {
  auto slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

// Programs whose first path arguments are the code they run.
bool interpreter(std::string_view name) {
  for (std::string_view i : {"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox", "node", "nodejs", "java"}) {
    if (name == i) return true;
  }
  for (std::string_view i : {"python", "perl", "ruby", "php", "lua", "tclsh", "pypy"}) {
    if (name.starts_with(i)) return true;
  }
  return false;
}

void add_command(ReferencedFiles& out, std::string_view command, const std::string& source) {
  for (auto& p : command_paths(command)) out.add(p, source);
}

void add_exec(ReferencedFiles& out, const v1::ExecCommand& e, const std::string& source) {
  std::string joined;
  for (const auto& a : e.argv()) {
    if (joined.size() > 64 * 1024) break;
    joined += a;
    joined += ' ';
  }
  add_command(out, joined, source);
}

}  // namespace

std::vector<std::string> command_paths(std::string_view command, std::size_t max) {
  std::vector<std::string> out;
  const std::size_t n = command.size();
  std::size_t i = 0;
  bool redirect = false;  // the next word is the target of '>' or '<'
  while (i < n && out.size() < max) {
    char c = command[i];
    if (c == '>' || c == '<') {
      redirect = true;
      ++i;
      continue;
    }
    if (c == '/' && (i == 0 || ends_word(command[i - 1]) || command[i - 1] == '=')) {
      std::size_t j = i;
      while (j < n && !ends_word(command[j])) ++j;
      std::string_view word = command.substr(i, j - i);
      if (!redirect && !pseudo_path(word) && word.size() <= ReferencedFiles::kMaxPathBytes &&
          std::find(out.begin(), out.end(), word) == out.end()) {
        out.emplace_back(word);
      }
      redirect = false;
      i = j;
      continue;
    }
    if (c != ' ' && c != '\t' && c != '&' && c != '"' && c != '\'') redirect = false;
    ++i;
  }
  return out;
}

void note_referenced_files(const v1::Record& r, ReferencedFiles& out) {
  switch (r.body_case()) {
    case v1::Record::kProcess: {
      const auto& p = r.process();
      const std::string source = "process " + std::to_string(p.pid());
      // A process's paths are in its own mount namespace (a container's /usr/bin/python3 is not
      // the host's): the sweep keeps them only for processes in its own.
      std::uint64_t mnt = 0;
      for (const auto& ns : p.namespaces()) {
        if (ns.type() == "mnt") mnt = ns.inode();
      }
      if (mnt == 0) break;  // unknown view: naming a host file after it would be a guess
      // A deleted executable is no longer at its path (the processes collector copies it); one
      // on a FUSE or network filesystem is not touched (opening it can hang).
      if (!p.exe_deleted() && !p.exe_on_remote_fs() && !p.exe_path().empty()) out.add(p.exe_path(), source, mnt);
      if (p.argv_size() > 1 && interpreter(basename_of(p.argv(0)))) {
        for (int k = 1; k < std::min(p.argv_size(), 4); ++k) {
          const auto& a = p.argv(k);
          if (a.starts_with('/') && !pseudo_path(a)) out.add(a, source, mnt);
        }
      }
      break;
    }
    case v1::Record::kSystemdUnit:
      for (const auto& e : r.systemd_unit().exec()) {
        add_exec(out, e, "unit " + r.systemd_unit().name() + " " + e.directive());
      }
      break;
    case v1::Record::kSystemdTimer:
      for (const auto& e : r.systemd_timer().exec()) {
        add_exec(out, e, "timer " + r.systemd_timer().name() + " " + e.directive());
      }
      break;
    case v1::Record::kCronEntry:
      add_command(out, r.cron_entry().command_line(), source_line("cron", r.cron_entry().source()));
      break;
    case v1::Record::kPeriodicScript:
      if (r.periodic_script().runs()) out.add(r.periodic_script().path(), "cron." + r.periodic_script().period());
      break;
    case v1::Record::kAtJob:
      for (const auto& c : r.at_job().commands()) add_command(out, c.text(), source_line("at", c.source()));
      break;
    case v1::Record::kRcLocal:
      out.add(r.rc_local().path(), "rc.local");
      for (const auto& c : r.rc_local().commands()) add_command(out, c.text(), source_line("rc.local", c.source()));
      break;
    case v1::Record::kInitScript:
      if (r.init_script().executable()) out.add(r.init_script().path(), "init.d");
      break;
    case v1::Record::kPersistenceEntry: {
      const auto& e = r.persistence_entry();
      const std::string source = source_line("persistence " + e.kind(), e.source());
      const std::string& kind = e.kind();
      if (kind == "ssh_rc" || kind == "motd_script" || kind == "shell_init" || kind == "xdg_autostart") {
        out.add(e.path(), source);
      }
      if (kind == "ld_preload") {
        out.add(e.command(), source);  // a library path as written
      } else if (kind != "module_load" && kind != "sshd_option" && kind != "environment_file" &&
                 kind != "ld_so_conf_dir") {
        add_command(out, e.command(), source);
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace hozen::collectors
