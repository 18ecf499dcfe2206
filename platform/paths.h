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

}  // namespace hozen::platform::paths
