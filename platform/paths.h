// Host paths the collectors may name. Collectors refer to these constants, never to literals,
// and declare them as their inputs.
#pragma once

#include <string_view>

namespace hozen::platform::paths {

inline constexpr std::string_view kMachineId = "/etc/machine-id";
inline constexpr std::string_view kHostnameFile = "/etc/hostname";
inline constexpr std::string_view kOsRelease = "/etc/os-release";
inline constexpr std::string_view kOsReleaseFallback = "/usr/lib/os-release";
inline constexpr std::string_view kLocaltime = "/etc/localtime";
inline constexpr std::string_view kTimezone = "/etc/timezone";
inline constexpr std::string_view kResolvConf = "/etc/resolv.conf";
inline constexpr std::string_view kHosts = "/etc/hosts";
inline constexpr std::string_view kUtmp = "/run/utmp";
inline constexpr std::string_view kUtmpLegacy = "/var/run/utmp";
inline constexpr std::string_view kProcModules = "/proc/modules";
inline constexpr std::string_view kSysModule = "/sys/module";

inline constexpr std::string_view kProcRoot = "/proc";
inline constexpr std::string_view kProcTree = "/proc/";       // declared input: all of /proc
inline constexpr std::string_view kSysModuleTree = "/sys/module/";
inline constexpr std::string_view kBootId = "/proc/sys/kernel/random/boot_id";
inline constexpr std::string_view kPidMax = "/proc/sys/kernel/pid_max";
inline constexpr std::string_view kTainted = "/proc/sys/kernel/tainted";
inline constexpr std::string_view kUptime = "/proc/uptime";
inline constexpr std::string_view kLoadavg = "/proc/loadavg";
inline constexpr std::string_view kProcStat = "/proc/stat";
inline constexpr std::string_view kCmdline = "/proc/cmdline";
inline constexpr std::string_view kSelfMountinfo = "/proc/self/mountinfo";
inline constexpr std::string_view kSelfStatus = "/proc/self/status";
inline constexpr std::string_view kSelfExe = "/proc/self/exe";

inline constexpr std::string_view kDmiProductUuid = "/sys/class/dmi/id/product_uuid";
inline constexpr std::string_view kDmiProductSerial = "/sys/class/dmi/id/product_serial";
inline constexpr std::string_view kDmiProductName = "/sys/class/dmi/id/product_name";

// persistence collector (issue 4)
inline constexpr std::string_view kPasswd = "/etc/passwd";
inline constexpr std::string_view kSshdConfig = "/etc/ssh/sshd_config";
inline constexpr std::string_view kSshConfigDir = "/etc/ssh";  // base of relative Include paths
inline constexpr std::string_view kSshRcSystem = "/etc/ssh/sshrc";
inline constexpr std::string_view kLdSoPreload = "/etc/ld.so.preload";
inline constexpr std::string_view kLdSoConf = "/etc/ld.so.conf";
inline constexpr std::string_view kLdSoConfDir = "/etc/ld.so.conf.d";
inline constexpr std::string_view kPamDir = "/etc/pam.d";
inline constexpr std::string_view kPamConf = "/etc/pam.conf";
// Where libpam looks for a module named without a path (distribution- and arch-dependent).
inline constexpr std::string_view kPamModuleDirs[] = {
    "/lib/x86_64-linux-gnu/security",     "/usr/lib/x86_64-linux-gnu/security",
    "/lib/aarch64-linux-gnu/security",    "/usr/lib/aarch64-linux-gnu/security",
    "/lib/i386-linux-gnu/security",       "/usr/lib/i386-linux-gnu/security",
    "/lib/security",                      "/usr/lib/security",
    "/lib64/security",                    "/usr/lib64/security",
};
inline constexpr std::string_view kUdevRuleDirs[] = {
    "/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"};
inline constexpr std::string_view kUpdateMotdDir = "/etc/update-motd.d";
inline constexpr std::string_view kXdgAutostartDir = "/etc/xdg/autostart";
inline constexpr std::string_view kModulesLoadDirs[] = {
    "/etc/modules-load.d", "/run/modules-load.d", "/usr/lib/modules-load.d", "/lib/modules-load.d"};
inline constexpr std::string_view kEtcModules = "/etc/modules";  // Debian's older list, same format
// System-wide shell start-up files (bash(1) INVOCATION, zsh(1) STARTUP/SHUTDOWN FILES).
inline constexpr std::string_view kShellInitFiles[] = {
    "/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/bash.bash_logout",
    "/etc/zshenv", "/etc/zprofile", "/etc/zshrc", "/etc/zlogin", "/etc/csh.cshrc", "/etc/csh.login"};
inline constexpr std::string_view kProfileDir = "/etc/profile.d";
inline constexpr std::string_view kZshDir = "/etc/zsh";
inline constexpr std::string_view kEnvironment = "/etc/environment";
// Temporary or per-user runtime directories: nothing persistent should run from there.
inline constexpr std::string_view kTempDirs[] = {"/tmp/", "/var/tmp/", "/dev/shm/", "/run/shm/",
                                                 "/run/user/", "/var/run/user/"};
// Account homes are read wherever /etc/passwd puts them; these are the usual places.
inline constexpr std::string_view kHomeTree = "/home/";
inline constexpr std::string_view kRootHomeTree = "/root/";

// packages collector (issue 4)
inline constexpr std::string_view kDpkgStatus = "/var/lib/dpkg/status";
inline constexpr std::string_view kDpkgInfoDir = "/var/lib/dpkg/info";

}  // namespace hozen::platform::paths
