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
inline constexpr std::string_view kPasswd = "/etc/passwd";
inline constexpr std::string_view kGroup = "/etc/group";
inline constexpr std::string_view kShadow = "/etc/shadow";
inline constexpr std::string_view kGshadow = "/etc/gshadow";
// Files holding password hashes: never preserved or parsed by anything but the users collector,
// whichever path (symlink, hard link) leads to them.
inline constexpr std::string_view kSecretFiles[] = {"/etc/shadow", "/etc/gshadow", "/etc/shadow-",
                                                    "/etc/gshadow-", "/etc/security/opasswd"};
inline constexpr std::string_view kSudoers = "/etc/sudoers";
inline constexpr std::string_view kSudoersDir = "/etc/sudoers.d";
inline constexpr std::string_view kSudoersDirEntries = "/etc/sudoers.d/*";
inline constexpr std::string_view kUtmp = "/run/utmp";
inline constexpr std::string_view kUtmpLegacy = "/var/run/utmp";
inline constexpr std::string_view kProcModules = "/proc/modules";
inline constexpr std::string_view kSysModule = "/sys/module";

// logins: login history and authentication logs.
inline constexpr std::string_view kVarLog = "/var/log";
inline constexpr std::string_view kVarLogEntries = "/var/log/*";  // declared input: its entries
inline constexpr std::string_view kWtmp = "/var/log/wtmp";
inline constexpr std::string_view kWtmpRotated = "/var/log/wtmp.1";
inline constexpr std::string_view kBtmp = "/var/log/btmp";
inline constexpr std::string_view kBtmpRotated = "/var/log/btmp.1";
inline constexpr std::string_view kLastlog = "/var/log/lastlog";
inline constexpr std::string_view kAuthLogName = "auth.log";  // Debian; rotated auth.log.1, .2.gz
inline constexpr std::string_view kSecureLogName = "secure";  // Red Hat; secure-20261101[.gz]

inline constexpr std::string_view kProcRoot = "/proc";
// hozen's own heap set-up (platform/heap.h): free memory by block size, and the huge-page mode.
inline constexpr std::string_view kBuddyInfo = "/proc/buddyinfo";
inline constexpr std::string_view kThpEnabled = "/sys/kernel/mm/transparent_hugepage/enabled";
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

// systemd unit search paths (systemd.unit(5) "Unit File Load Path"), highest priority first.
inline constexpr std::string_view kSystemdTransient = "/run/systemd/transient";
inline constexpr std::string_view kSystemdGeneratorEarly = "/run/systemd/generator.early";
inline constexpr std::string_view kSystemdEtcSystem = "/etc/systemd/system";
inline constexpr std::string_view kSystemdRunSystem = "/run/systemd/system";
inline constexpr std::string_view kSystemdGenerator = "/run/systemd/generator";
inline constexpr std::string_view kSystemdLocalLibSystem = "/usr/local/lib/systemd/system";
inline constexpr std::string_view kSystemdLibSystem = "/lib/systemd/system";
inline constexpr std::string_view kSystemdUsrLibSystem = "/usr/lib/systemd/system";
inline constexpr std::string_view kSystemdGeneratorLate = "/run/systemd/generator.late";
inline constexpr std::string_view kSystemdEtcUser = "/etc/systemd/user";
inline constexpr std::string_view kSystemdRunUser = "/run/systemd/user";
inline constexpr std::string_view kSystemdLocalLibUser = "/usr/local/lib/systemd/user";
inline constexpr std::string_view kSystemdLibUser = "/lib/systemd/user";
inline constexpr std::string_view kSystemdUsrLibUser = "/usr/lib/systemd/user";
// Relative to a home directory from /etc/passwd.
inline constexpr std::string_view kHomeUserUnits = ".config/systemd/user";
inline constexpr std::string_view kHomeUserUnitsData = ".local/share/systemd/user";
// Declared input: anything under any account's home directory (see Collector::inputs).
inline constexpr std::string_view kAnyHome = "~/";
// Declared input: lstat (existence, owner, mode; never open) of paths that the host's own
// configuration names (libraries in ld.so.preload, PAM modules by absolute path...).
inline constexpr std::string_view kStatNamedPaths = "stat:named-by-host-data";
inline constexpr std::string_view kDevNull = "/dev/null";

// SysV init, OpenRC, rc.local.
inline constexpr std::string_view kInitD = "/etc/init.d";
inline constexpr std::string_view kRcDirs[] = {"/etc/rc0.d", "/etc/rc1.d", "/etc/rc2.d", "/etc/rc3.d",
                                               "/etc/rc4.d", "/etc/rc5.d", "/etc/rc6.d", "/etc/rcS.d"};
inline constexpr std::string_view kOpenRcRunlevels = "/etc/runlevels";
inline constexpr std::string_view kRcLocal = "/etc/rc.local";
inline constexpr std::string_view kRcDRcLocal = "/etc/rc.d/rc.local";

// cron, anacron, at (crontab(5), anacrontab(5), atd(8)).
inline constexpr std::string_view kCrontab = "/etc/crontab";
inline constexpr std::string_view kCronD = "/etc/cron.d";
inline constexpr std::string_view kCronSpoolDebian = "/var/spool/cron/crontabs";
inline constexpr std::string_view kCronSpool = "/var/spool/cron";
inline constexpr std::string_view kCronHourly = "/etc/cron.hourly";
inline constexpr std::string_view kCronDaily = "/etc/cron.daily";
inline constexpr std::string_view kCronWeekly = "/etc/cron.weekly";
inline constexpr std::string_view kCronMonthly = "/etc/cron.monthly";
inline constexpr std::string_view kAnacrontab = "/etc/anacrontab";
inline constexpr std::string_view kAtJobsDebian = "/var/spool/cron/atjobs";
inline constexpr std::string_view kAtSpool = "/var/spool/at";
// persistence collector (issue 4)
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
// Kernel pseudo-filesystems: a path below these in a command line names no file to hash
// (/dev/null, /dev/tcp/..., /proc/self/...).
inline constexpr std::string_view kPseudoFileRoots[] = {"/dev/", "/proc/", "/sys/"};

inline constexpr std::string_view kTempDirs[] = {"/tmp/", "/var/tmp/", "/dev/shm/", "/run/shm/",
                                                 "/run/user/", "/var/run/user/"};

// file sweep (issue 5): the default roots (homes from /etc/passwd are added), the directories
// where an unpackaged file is suspicious, where world-writable files are, and merged-/usr links.
inline constexpr std::string_view kSweepRoots[] = {
    "/tmp", "/var/tmp", "/dev/shm", "/home", "/root", "/etc", "/usr/local", "/opt", "/srv",
    "/var/www", "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/lib", "/lib64", "/usr/lib",
    "/usr/lib64", "/usr/libexec", "/boot"};
inline constexpr std::string_view kSystemBinDirs[] = {"/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"};
inline constexpr std::string_view kSystemPaths[] = {"/etc/", "/usr/", "/bin/", "/sbin/", "/lib/",
                                                    "/lib64/", "/boot/", "/opt/", "/srv/"};
inline constexpr std::string_view kMergedUsrDirs[] = {"/bin", "/sbin", "/lib", "/lib64"};
inline constexpr std::string_view kSweepAll = "/";

// packages collector (issue 4)
inline constexpr std::string_view kDpkgStatus = "/var/lib/dpkg/status";
inline constexpr std::string_view kDpkgInfoDir = "/var/lib/dpkg/info";

}  // namespace hozen::platform::paths
