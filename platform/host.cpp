#include "platform/host.h"

#include <arpa/inet.h>
#include <elf.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <pthread.h>
#include <sched.h>
#include <linux/capability.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/auxv.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <ctime>
#include <map>

#include "platform/sha256.h"
#include "platform/unique_fd.h"

namespace hozen::platform {
namespace {

std::int64_t read_clock(clockid_t id) {
  struct timespec ts {};
  ::clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct Civil {
  std::int64_t year;
  int month, day, hour, minute, second;
};

// Proleptic Gregorian calendar from seconds since the epoch, UTC. Done by hand because glibc's
// gmtime_r() calls tzset(), which reads the host's /etc/localtime (a host file, read before the
// volatile collectors, and parsed by libc).
Civil civil_from_seconds(std::int64_t t) {
  std::int64_t days = t / 86400;
  std::int64_t rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // Shift to an era starting 0000-03-01 so leap days fall at the end of each year.
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t doe = days - era * 146097;                                 // [0, 146096]
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              // [0, 365]
  std::int64_t mp = (5 * doy + 2) / 153;                                  // [0, 11], March = 0
  Civil c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  return c;
}

int prefix_len(const struct sockaddr* mask) {
  if (mask == nullptr) return -1;
  const unsigned char* p = nullptr;
  std::size_t n = 0;
  if (mask->sa_family == AF_INET) {
    p = reinterpret_cast<const unsigned char*>(
        &reinterpret_cast<const sockaddr_in*>(mask)->sin_addr);
    n = 4;
  } else if (mask->sa_family == AF_INET6) {
    p = reinterpret_cast<const unsigned char*>(
        &reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr);
    n = 16;
  } else {
    return -1;
  }
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) bits += __builtin_popcount(p[i]);
  return bits;
}

}  // namespace

UnameInfo read_uname() {
  struct utsname u {};
  ::uname(&u);
  return UnameInfo{u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname};
}

Result<std::vector<InterfaceInfo>> read_interfaces() {
  struct ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return platform::Unexpected(Error::from_errno(errno, "getifaddrs"));
  std::map<std::string, InterfaceInfo> by_name;
  for (auto* ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
    if (ifa->ifa_name == nullptr) continue;
    InterfaceInfo& info = by_name[ifa->ifa_name];
    info.name = ifa->ifa_name;
    info.flags = ifa->ifa_flags;
    if (ifa->ifa_addr == nullptr) continue;
    int family = ifa->ifa_addr->sa_family;
    if (family == AF_PACKET) {
      const auto* ll = reinterpret_cast<const sockaddr_ll*>(ifa->ifa_addr);
      info.index = static_cast<std::uint32_t>(ll->sll_ifindex);
      info.mac.assign(reinterpret_cast<const char*>(ll->sll_addr),
                      std::min<std::size_t>(ll->sll_halen, sizeof ll->sll_addr));
    } else if (family == AF_INET || family == AF_INET6) {
      char buf[INET6_ADDRSTRLEN] = {};
      const void* src = family == AF_INET
                            ? static_cast<const void*>(
                                  &reinterpret_cast<const sockaddr_in*>(ifa->ifa_addr)->sin_addr)
                            : static_cast<const void*>(
                                  &reinterpret_cast<const sockaddr_in6*>(ifa->ifa_addr)->sin6_addr);
      if (::inet_ntop(family, src, buf, sizeof buf) == nullptr) continue;
      std::string a = buf;
      int bits = prefix_len(ifa->ifa_netmask);
      if (bits >= 0) a += "/" + std::to_string(bits);
      info.addresses.push_back(a);
    }
  }
  ::freeifaddrs(list);
  std::vector<InterfaceInfo> out;
  for (auto& [name, info] : by_name) {
    if (info.index == 0) info.index = ::if_nametoindex(name.c_str());
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(),
            [](const InterfaceInfo& a, const InterfaceInfo& b) { return a.index < b.index; });
  return out;
}

std::int64_t monotonic_ns() { return read_clock(CLOCK_MONOTONIC); }
std::int64_t realtime_ns() { return read_clock(CLOCK_REALTIME); }

void lower_own_priority() {
  // Failures are harmless (the run just keeps its priority): nothing to report.
  (void)::setpriority(PRIO_PROCESS, 0, 10);
  constexpr int kIoprioWhoProcess = 1, kIoprioClassBestEffort = 2, kIoprioClassShift = 13;
  (void)::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, (kIoprioClassBestEffort << kIoprioClassShift) | 7);
}

bool make_thread_idle() {
  struct sched_param none {};
  return ::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &none) == 0;
}

bool restore_thread_policy(pthread_t thread) {
  struct sched_param none {};
  return ::pthread_setschedparam(thread, SCHED_OTHER, &none) == 0;
}

std::optional<std::uint64_t> inodes_in_use(int fd) {
  struct statfs sf {};
  int rc;
  do {
    rc = ::fstatfs(fd, &sf);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 || sf.f_files == 0 || sf.f_ffree > sf.f_files) return std::nullopt;
  return static_cast<std::uint64_t>(sf.f_files - sf.f_ffree);
}

ClockReading read_clocks() {
  ClockReading c;
  c.realtime_ns = read_clock(CLOCK_REALTIME);
  c.monotonic_ns = read_clock(CLOCK_MONOTONIC);
  c.boottime_ns = read_clock(CLOCK_BOOTTIME);
  struct timex tx {};
  tx.modes = 0;  // read only: never adjusts the clock
  c.adjtimex_state = ::adjtimex(&tx);
  if (c.adjtimex_state >= 0) {
    c.ntp_synchronized = c.adjtimex_state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
    c.ntp_max_error_us = tx.maxerror;
    c.ntp_est_error_us = tx.esterror;
  }
  return c;
}

CredentialsInfo read_credentials() {
  CredentialsInfo c;
  uid_t r, e, s;
  gid_t gr, ge, gs;
  ::getresuid(&r, &e, &s);
  ::getresgid(&gr, &ge, &gs);
  c.uid = r;
  c.euid = e;
  c.gid = gr;
  c.egid = ge;
  struct __user_cap_header_struct hdr {};
  struct __user_cap_data_struct data[2] {};
  hdr.version = _LINUX_CAPABILITY_VERSION_3;
  hdr.pid = 0;
  if (::syscall(SYS_capget, &hdr, data) == 0) {
    c.cap_effective = data[0].effective | (std::uint64_t{data[1].effective} << 32);
    c.cap_permitted = data[0].permitted | (std::uint64_t{data[1].permitted} << 32);
    c.cap_inheritable = data[0].inheritable | (std::uint64_t{data[1].inheritable} << 32);
  }
  for (int cap = 0; cap < 64; ++cap) {
    int r2 = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (r2 < 0) break;  // EINVAL past the last capability the kernel knows
    if (r2 == 1) c.cap_bounding |= std::uint64_t{1} << cap;
  }
  c.no_new_privs = ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
  return c;
}

Result<SelfExecutable> read_self_executable() {
  SelfExecutable self;
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf);
  if (n > 0) self.path.assign(buf, static_cast<std::size_t>(n));
  // Our own program headers: a static binary has no PT_INTERP.
  auto* phdr = reinterpret_cast<const Elf64_Phdr*>(::getauxval(AT_PHDR));
  auto phnum = ::getauxval(AT_PHNUM);
  self.statically_linked = true;
  for (unsigned long i = 0; phdr != nullptr && i < phnum; ++i) {
    if (phdr[i].p_type == PT_INTERP) self.statically_linked = false;
  }
  int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "open", "/proc/self/exe"));
  UniqueFd guard(fd);
  struct stat before {};
  if (::fstat(fd, &before) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat", "/proc/self/exe"));
  Sha256 h;
  // 256 KiB, not zero-filled: stays in cache between read and hash.
  constexpr std::size_t kBlock = 256 * 1024;
  std::unique_ptr<char[]> block(new char[kBlock]);
  for (;;) {
    ssize_t r = ::read(fd, block.get(), kBlock);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return platform::Unexpected(Error::from_errno(errno, "read", "/proc/self/exe"));
    if (r == 0) break;
    h.update(block.get(), static_cast<std::size_t>(r));
    self.size += static_cast<std::uint64_t>(r);
  }
  struct stat after {};
  const bool same = ::fstat(fd, &after) == 0 && after.st_dev == before.st_dev && after.st_ino == before.st_ino &&
                    after.st_size == before.st_size && after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
                    after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && after.st_ctim.tv_sec == before.st_ctim.tv_sec &&
                    after.st_ctim.tv_nsec == before.st_ctim.tv_nsec &&
                    self.size == static_cast<std::uint64_t>(before.st_size);
  if (!same) return self;  // changed while read: no digest (never one for bytes that may mix two versions)
  self.sha256 = as_bytes(h.finish());
  self.dev = before.st_dev;
  self.ino = before.st_ino;
  self.mtime_sec = before.st_mtim.tv_sec;
  self.mtime_nsec = before.st_mtim.tv_nsec;
  self.ctime_sec = before.st_ctim.tv_sec;
  self.ctime_nsec = before.st_ctim.tv_nsec;
  self.nlink = before.st_nlink;
  return self;
}

std::string format_rfc3339_ns(std::int64_t utc_ns) {
  std::int64_t sec = utc_ns / 1'000'000'000;
  std::int64_t ns = utc_ns % 1'000'000'000;
  if (ns < 0) {
    ns += 1'000'000'000;
    sec -= 1;
  }
  Civil c = civil_from_seconds(sec);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%09lldZ",
                static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second,
                static_cast<long long>(ns));
  return buf;
}

std::string format_compact_utc(std::int64_t utc_ns) {
  Civil c = civil_from_seconds(utc_ns / 1'000'000'000);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld%02d%02dT%02d%02d%02dZ", static_cast<long long>(c.year),
                c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

}  // namespace hozen::platform

