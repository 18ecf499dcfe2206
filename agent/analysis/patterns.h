// Pure classifiers the finding rules share: where a path lives, what a command line does, which
// programs are shells. Inputs are host bytes (any bytes); nothing here reads the host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hozen::analysis {

// The directories anyone may write to and nothing should run from.
inline constexpr std::string_view kTempRoots[] = {"/tmp", "/var/tmp", "/dev/shm", "/run/shm"};
// A path in one of kTempRoots or below.
bool in_temp_dir(std::string_view path);
// A directory component (not the last one) starts with '.', other than the dot directories
// every home has (.local, .cache, .config, toolchains such as .cargo, .vscode-server...).
bool in_unusual_hidden_dir(std::string_view path);
// /usr, /bin, /sbin, /lib*, where every file should come from a package.
bool in_system_dir(std::string_view path);
// "/usr/bin/foo (deleted)" -> "/usr/bin/foo": the kernel's suffix on a deleted file's link text.
std::string_view without_deleted_suffix(std::string_view exe_path);
// Executables run from memory: "/memfd:name (deleted)".
bool is_memfd_path(std::string_view exe_path);
std::string_view base_name(std::string_view path);
// sh, bash, dash, zsh, ksh, csh, tcsh, fish, busybox, and network relays (nc, ncat, socat, telnet).
bool is_shell_or_relay(std::string_view program_name);
// python*, perl*, ruby*, php*, node, lua*, tclsh, awk family used as a one-liner runtime.
bool is_interpreter(std::string_view program_name);
bool is_loopback_address(std::string_view address_text);
bool is_unspecified_address(std::string_view address_text);

// What a command line does that scheduled tasks and services should not: each tag names one
// pattern ("download_pipe_shell", "base64_decode", "dev_tcp", "netcat_exec",
// "download_chmod_exec", "runs_from_temp"). Empty when none.
std::vector<std::string> command_red_flags(std::string_view command);
// The program a command line runs, skipping VAR=value assignments and wrappers (env, nohup,
// sudo, exec, nice, timeout N) and, for an interpreter, the script it is given.
std::string program_of(std::string_view command);

}  // namespace hozen::analysis
