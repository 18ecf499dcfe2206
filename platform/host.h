// Facts about the machine the collector runs on: uname, interfaces, clocks, credentials, its own
// executable. Only syscalls and /proc; nothing is executed and NSS is never consulted.
#pragma once

#include <cstdint>
#include <pthread.h>

#include <optional>
#include <string>
#include <vector>

#include "platform/error.h"
#include "platform/fs.h"

namespace hozen::platform {

struct UnameInfo {
  std::string sysname, nodename, release, version, machine, domainname;
};
UnameInfo read_uname();

struct InterfaceInfo {
  std::string name;
  std::uint32_t index = 0;
  std::string mac;  // raw hardware address bytes (AF_PACKET), empty if none
  std::vector<std::string> addresses;  // "192.0.2.1/24", "fe80::1/64"
  std::uint32_t flags = 0;
};
// getifaddrs(3) (netlink underneath); interfaces in kernel index order.
[[nodiscard]] Result<std::vector<InterfaceInfo>> read_interfaces();

struct ClockReading {
  std::int64_t realtime_ns = 0;
  std::int64_t monotonic_ns = 0;
  std::int64_t boottime_ns = 0;
  bool ntp_synchronized = false;
  std::int64_t ntp_max_error_us = 0;
  std::int64_t ntp_est_error_us = 0;
  int adjtimex_state = -1;
};
// All three clocks read back to back, plus adjtimex(2) with modes = 0 (read-only).
ClockReading read_clocks();
std::int64_t monotonic_ns();
std::int64_t realtime_ns();

// Lowers hozen's own CPU (nice 10) and I/O priority (best-effort class, lowest level), so a
// collection disturbs the host's workload as little as possible. Changes nothing but hozen.
void lower_own_priority();

// The calling thread runs only on a core that would otherwise be idle (SCHED_IDLE): for work
// that can be done early, in the gaps of the work before it. False when refused.
bool make_thread_idle();
// Gives `thread` (one of hozen's own, made idle above) the normal policy back, its nice value
// unchanged: once its work is awaited, it must not starve behind the host's load. False when
// refused (an unprivileged process under RLIMIT_NICE cannot leave SCHED_IDLE).
bool restore_thread_policy(pthread_t thread);

struct CredentialsInfo {
  std::uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
  std::uint64_t cap_effective = 0, cap_permitted = 0, cap_inheritable = 0, cap_bounding = 0;
  bool no_new_privs = false;
};
CredentialsInfo read_credentials();

struct SelfExecutable {
  std::string path;                   // readlink /proc/self/exe
  std::optional<std::string> sha256;  // raw digest; absent unless every byte was read
  std::uint64_t size = 0;
  bool statically_linked = false;     // no PT_INTERP in our own ELF header
  // The file hashed (fstat of the opened /proc/self/exe, the same before and after the read, or
  // sha256 is absent): lets the processes collector reuse the digest for hozen's own process.
  std::uint64_t dev = 0, ino = 0;
  std::int64_t mtime_sec = 0, mtime_nsec = 0, ctime_sec = 0, ctime_nsec = 0;
  std::uint64_t nlink = 0;
};
// Hashes the running binary through /proc/self/exe.
[[nodiscard]] Result<SelfExecutable> read_self_executable();

// Inodes in use on the filesystem holding the open file `fd`: fstatfs(2) f_files - f_ffree (for
// an estimate of a walk's size; the count includes what no walk reaches, like orphaned inodes).
// nullopt when fstatfs fails or the filesystem does not count inodes (btrfs reports f_files 0).
std::optional<std::uint64_t> inodes_in_use(int fd);

// "2026-11-27T13:50:59.123456789Z" for ns since the epoch (UTC). Negative values allowed.
std::string format_rfc3339_ns(std::int64_t utc_ns);
// "20261127T135059Z"
std::string format_compact_utc(std::int64_t utc_ns);

}  // namespace hozen::platform
