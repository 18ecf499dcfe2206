#include "agent/analysis/patterns.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace hozen::analysis {
namespace {

bool starts_with_dir(std::string_view path, std::string_view dir) {
  return path == dir || (path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Words split on ASCII blanks and shell separators (; & | ( ) ` $( ), kept as separate words.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c) || c == '\'' || c == '"') {
      ++i;
      continue;
    }
    if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '`') {
      out.push_back(s.substr(i, 1));
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[j]);
      if (std::isspace(d) || d == ';' || d == '&' || d == '|' || d == '(' || d == ')' || d == '`' ||
          d == '\'' || d == '"') {
        break;
      }
      ++j;
    }
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_separator(std::string_view w) { return w == ";" || w == "&" || w == "|" || w == "(" || w == ")" || w == "`"; }

bool is_downloader(std::string_view w) {
  auto b = base_name(w);
  return b == "curl" || b == "wget" || b == "fetch" || b == "tftp" || b == "lwp-download";
}

bool is_assignment(std::string_view w) {
  auto eq = w.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  return std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool is_wrapper(std::string_view w) {
  auto b = base_name(w);
  return b == "env" || b == "nohup" || b == "sudo" || b == "exec" || b == "nice" || b == "ionice" ||
         b == "timeout" || b == "setsid" || b == "chroot" || b == "flock" || b == "stdbuf";
}

}  // namespace

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool in_temp_dir(std::string_view path) {
  for (std::string_view d : kTempRoots) {
    if (starts_with_dir(path, d)) return true;
  }
  return false;
}

bool in_unusual_hidden_dir(std::string_view path) {
  static constexpr std::array<std::string_view, 27> kUsual = {
      ".local", ".cache", ".config", ".cargo", ".rustup", ".vscode-server", ".vscode", ".nvm",
      ".npm", ".pyenv", ".rbenv", ".sdkman", ".dotnet", ".bun", ".deno", ".gem", ".m2",
      ".gradle", ".pki", ".mozilla", ".java", ".git", ".build-id", ".cursor-server",
      ".debug", ".github", ".venv"};
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) break;  // the last component is the file itself
    std::string_view comp = path.substr(start, end - start);
    if (comp.size() > 1 && comp[0] == '.' && comp != ".." &&
        std::find(kUsual.begin(), kUsual.end(), comp) == kUsual.end()) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool in_system_dir(std::string_view path) {
  for (std::string_view d : {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    if (starts_with_dir(path, d)) return true;
  }
  return false;
}

std::string_view without_deleted_suffix(std::string_view exe_path) {
  constexpr std::string_view kSuffix = " (deleted)";
  return exe_path.ends_with(kSuffix) ? exe_path.substr(0, exe_path.size() - kSuffix.size()) : exe_path;
}

bool is_memfd_path(std::string_view exe_path) { return exe_path.starts_with("/memfd:"); }

bool is_shell_or_relay(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kNames = {
      "sh", "bash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "ash", "busybox",
      "nc", "ncat", "netcat", "socat", "telnet"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

bool is_interpreter(std::string_view name) {
  for (std::string_view p : {"python", "perl", "ruby", "php", "lua", "node", "nodejs", "tclsh", "pwsh"}) {
    if (name.starts_with(p)) {
      std::string_view rest = name.substr(p.size());
      if (std::all_of(rest.begin(), rest.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; })) {
        return true;
      }
    }
  }
  return false;
}

bool is_loopback_address(std::string_view a) {
  return a.starts_with("127.") || a == "::1" || a.starts_with("::ffff:127.");
}

bool is_unspecified_address(std::string_view a) { return a.empty() || a == "0.0.0.0" || a == "::"; }

namespace {

// The program of one simple command (words up to a separator), skipping assignments and
// wrappers with the arguments they take; for a shell or interpreter, the script it runs.
std::string_view program_in(const std::vector<std::string_view>& w, std::size_t i) {
  while (i < w.size()) {
    if (is_assignment(w[i])) {
      ++i;
      continue;
    }
    if (!is_wrapper(w[i])) break;
    const auto wrapper = base_name(w[i]);
    ++i;
    while (i < w.size() && (w[i].starts_with("-") || std::isdigit(static_cast<unsigned char>(w[i][0])))) ++i;
    // flock LOCKFILE cmd, chroot DIR cmd: the first word after the options is not the program.
    if ((wrapper == "flock" || wrapper == "chroot") && i < w.size() && !is_separator(w[i])) ++i;
  }
  if (i >= w.size() || is_separator(w[i])) return {};
  std::string_view prog = w[i];
  auto b = base_name(prog);
  if (is_shell_or_relay(b) || is_interpreter(b)) {
    // "sh /tmp/x.sh": the script is what runs. ("sh -c '...'" runs a command: keep the shell.)
    std::size_t j = i + 1;
    while (j < w.size() && w[j].starts_with("-") && w[j] != "-c" && w[j] != "-e") ++j;
    if (j < w.size() && !is_separator(w[j]) && !w[j].starts_with("-")) return w[j];
  }
  return prog;
}

}  // namespace

std::string program_of(std::string_view command) {
  auto w = words(command);
  return std::string(program_in(w, 0));
}

// One pass over the words (no rescans: a crafted 4 MB crontab line must not cost n^2).
std::vector<std::string> command_red_flags(std::string_view full) {
  constexpr std::size_t kMaxCommand = 64 * 1024;  // longer commands: the first 64 KiB are judged
  const std::string_view command = full.substr(0, std::min(full.size(), kMaxCommand));
  std::vector<std::string> out;
  const auto w = words(command);  // case kept: nc -C is not nc -c
  bool downloader = false, pipe_to_shell = false, chmod_x = false, base64_decode = false, netcat_exec = false;
  bool shell_word = false, temp_program = false;
  std::string_view current;  // the program of the simple command the word belongs to
  bool at_start = true;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (is_separator(w[i])) {
      at_start = true;
      current = {};
      if (w[i] == "|" && i + 1 < w.size()) {
        std::size_t j = i + 1;
        while (j < w.size() && (w[j] == "sudo" || is_assignment(w[j]))) ++j;
        if (j < w.size()) {
          const std::string b = lower(base_name(w[j]));
          if (is_shell_or_relay(b) || is_interpreter(b)) pipe_to_shell = true;
        }
      }
      continue;
    }
    if (at_start) {
      at_start = false;
      current = base_name(w[i]);
      if (in_temp_dir(program_in(w, i))) temp_program = true;
    }
    const std::string b = lower(base_name(w[i]));
    if (is_downloader(b)) downloader = true;
    if (is_shell_or_relay(b) || is_interpreter(b)) shell_word = true;
    if (b == "chmod" && i + 1 < w.size() &&
        (w[i + 1].find("+x") != std::string_view::npos || w[i + 1].find('7') != std::string_view::npos ||
         w[i + 1].find('5') != std::string_view::npos)) {
      chmod_x = true;
    }
    if (current == "base64" && (w[i] == "-d" || w[i] == "--decode" || w[i] == "-di" || w[i] == "-id" || w[i] == "-D")) {
      base64_decode = true;
    }
    if ((current == "nc" || current == "ncat" || current == "netcat") &&
        (w[i] == "-e" || w[i] == "-c" || w[i].starts_with("--exec") || w[i].starts_with("--sh-exec"))) {
      netcat_exec = true;
    }
    if (current == "socat" && (w[i].starts_with("exec:") || w[i].starts_with("EXEC:") || w[i].starts_with("system:") ||
                               w[i].starts_with("SYSTEM:"))) {
      netcat_exec = true;
    }
  }
  // bash <(curl ...), sh -c "$(curl ...)": a download fed to a shell without a pipe.
  const bool substituted = command.find("<(") != std::string_view::npos || command.find("$(") != std::string_view::npos ||
                           command.find('`') != std::string_view::npos;
  if (downloader && (pipe_to_shell || (shell_word && substituted))) out.emplace_back("download_pipe_shell");
  if (downloader && chmod_x) out.emplace_back("download_chmod_exec");
  if (base64_decode) out.emplace_back("base64_decode");
  if (command.find("/dev/tcp/") != std::string_view::npos || command.find("/dev/udp/") != std::string_view::npos) {
    out.emplace_back("dev_tcp");
  }
  if (netcat_exec) out.emplace_back("netcat_exec");
  if (temp_program) out.emplace_back("runs_from_temp");
  return out;
}

}  // namespace hozen::analysis
