#include "platform/procfs/process_dir.h"

#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "platform/fs.h"
#include "platform/parse_util.h"

namespace hozen::platform::procfs {
namespace {

constexpr int kReadFlags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;

std::string describe(std::int32_t pid, std::string_view name) {
  std::string s = "pid " + std::to_string(pid);
  if (!name.empty()) {
    s += ' ';
    s += name;
  }
  return s;
}

// A NUL-terminated copy of a /proc/<pid>-relative name, on the stack: these calls run tens of
// times per process, and a heap string each (plus an error text built before any error) was a
// measurable part of a collection.
class CName {
 public:
  explicit CName(std::string_view name) {
    if (name.size() < sizeof small_) {
      name.copy(small_, name.size());
      small_[name.size()] = '\0';
      ptr_ = small_;
    } else {
      big_.assign(name);
      ptr_ = big_.c_str();
    }
  }
  CName(const CName&) = delete;
  CName& operator=(const CName&) = delete;
  const char* c_str() const { return ptr_; }

 private:
  char small_[64];
  std::string big_;
  const char* ptr_;
};

}  // namespace

int ProcessDir::injected(std::string_view name) const {
  return (fault_ != nullptr && *fault_) ? (*fault_)(pid_, name) : 0;
}
// (read_link, open_magic, stat_magic and list_fds treat any non-zero injection as an errno.)

Result<std::string> ProcessDir::read(std::string_view name, std::size_t cap, bool* truncated,
                                     std::size_t size_hint) const {
  return read_impl(name, cap, truncated, 0, size_hint);
}

Result<std::string> ProcessDir::read_single(std::string_view name, std::size_t cap, bool* truncated) const {
  return read_impl(name, cap, truncated, 4096);
}

Result<std::string> ProcessDir::read_single_kept(std::string_view name, std::size_t cap, bool* truncated,
                                                 UniqueFd* keep) const {
  return read_impl(name, cap, truncated, 4096, 0, keep);
}

Result<std::string> ProcessDir::reread(const UniqueFd& keep, std::string_view name, std::size_t cap,
                                       bool* truncated) const {
  const int fault = injected(name);
  if (fault > 0) return platform::Unexpected(Error::from_errno(fault, "read", describe(pid_, name)));
  if (fault < 0) cap = std::min<std::size_t>(cap, static_cast<std::size_t>(-fault));
  if (!keep.valid()) return platform::Unexpected(Error::from_errno(EBADF, "read", describe(pid_, name)));
  if (::lseek(keep.get(), 0, SEEK_SET) != 0) {
    const int err = errno;
    return platform::Unexpected(Error::from_errno(err, "lseek", describe(pid_, name)));
  }
  auto bytes = read_capped(keep.get(), cap, truncated, 4096);
  if (!bytes) {
    Error e = bytes.error();
    e.path = describe(pid_, name);
    return platform::Unexpected(std::move(e));
  }
  if (fault < 0) *truncated = false;
  return bytes;
}

Result<std::string> ProcessDir::read_impl(std::string_view name, std::size_t cap, bool* truncated,
                                          std::size_t complete_below, std::size_t size_hint,
                                          UniqueFd* keep) const {
  const int fault = injected(name);
  if (fault > 0) return platform::Unexpected(Error::from_errno(fault, "openat", describe(pid_, name)));
  if (fault < 0) cap = std::min<std::size_t>(cap, static_cast<std::size_t>(-fault));
  const CName n(name);
  const int fd = ::openat(dir_.get(), n.c_str(), kReadFlags);
  if (fd < 0) {
    const int err = errno;  // before describe(), which allocates
    return platform::Unexpected(Error::from_errno(err, "openat", describe(pid_, name)));
  }
  UniqueFd guard(fd);
  auto bytes = read_capped(fd, cap, truncated, complete_below, size_hint);
  if (!bytes) {
    Error e = bytes.error();
    e.path = describe(pid_, name);
    return platform::Unexpected(std::move(e));
  }
  if (fault < 0) *truncated = false;  // a short read looks like the end of the file
  if (keep != nullptr) *keep = std::move(guard);
  return bytes;
}

Result<std::string> ProcessDir::read_link(std::string_view name) const {
  if (int e = injected(name); e > 0) return platform::Unexpected(Error::from_errno(e, "readlinkat", describe(pid_, name)));
  const CName n(name);
  char buf[256];
  const ssize_t len = ::readlinkat(dir_.get(), n.c_str(), buf, sizeof buf);
  if (len < 0) {
    const int err = errno;
    return platform::Unexpected(Error::from_errno(err, "readlinkat", describe(pid_, name)));
  }
  if (static_cast<std::size_t>(len) < sizeof buf) return std::string(buf, static_cast<std::size_t>(len));
  return read_link_at(dir_.get(), n.c_str(), describe(pid_, name));  // a long target
}

Result<std::uint64_t> ProcessDir::ns_inode(std::string_view name) const {
  if (int e = injected(name); e > 0) return platform::Unexpected(Error::from_errno(e, "readlinkat", describe(pid_, name)));
  const CName n(name);
  char buf[128];  // "<type>:[<inode>]": a longer text is not a namespace link either
  const ssize_t len = ::readlinkat(dir_.get(), n.c_str(), buf, sizeof buf);
  if (len < 0) {
    const int err = errno;
    return platform::Unexpected(Error::from_errno(err, "readlinkat", describe(pid_, name)));
  }
  const std::string_view t(buf, static_cast<std::size_t>(len));
  const auto open = t.find(":[");
  auto ino = (open == std::string_view::npos || t.size() < open + 4 || t.back() != ']' ||
              static_cast<std::size_t>(len) == sizeof buf)
                 ? std::nullopt
                 : parse_uint<std::uint64_t>(t.substr(open + 2, t.size() - open - 3));
  if (!ino) {
    return platform::Unexpected(Error::make(ErrorKind::kMalformed, "readlinkat", describe(pid_, name),
                                            "not a namespace link"));
  }
  return *ino;
}

Result<UniqueFd> ProcessDir::open_magic(std::string_view name, bool* noatime_refused) const {
  if (int e = injected(name); e > 0) return platform::Unexpected(Error::from_errno(e, "openat", describe(pid_, name)));
  const CName n(name);
  const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
  int fd = ::openat(dir_.get(), n.c_str(), flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) {
    fd = ::openat(dir_.get(), n.c_str(), flags);
    if (fd >= 0 && noatime_refused != nullptr) *noatime_refused = true;
  }
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "openat", describe(pid_, name)));
  return UniqueFd(fd);
}

Result<struct stat> ProcessDir::stat_magic(std::string_view name) const {
  if (int e = injected(name); e > 0) return platform::Unexpected(Error::from_errno(e, "fstatat", describe(pid_, name)));
  const CName n(name);
  struct stat st {};
  if (::fstatat(dir_.get(), n.c_str(), &st, 0) != 0) {
    return platform::Unexpected(Error::from_errno(errno, "fstatat", describe(pid_, name)));
  }
  return st;
}

Result<ProcessDir::FdNumbers> ProcessDir::list_fd_numbers(std::size_t cap) const {
  if (int e = injected("fd"); e > 0) return platform::Unexpected(Error::from_errno(e, "openat", describe(pid_, "fd")));
  FdNumbers out;
  out.dir = UniqueFd(::openat(dir_.get(), "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!out.dir.valid()) return platform::Unexpected(Error::from_errno(errno, "openat", describe(pid_, "fd")));
  static constexpr std::size_t kBuf = 32 * 1024;
  thread_local std::unique_ptr<char[]> buf(new char[kBuf]);
  for (;;) {
    long n;
    do n = ::syscall(SYS_getdents64, out.dir.get(), buf.get(), kBuf);
    while (n < 0 && errno == EINTR);
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "getdents64", describe(pid_, "fd")));
    if (n == 0) return out;
    for (long off = 0; off < n;) {
      const auto* d = reinterpret_cast<const struct dirent64*>(buf.get() + off);
      off += d->d_reclen;
      auto num = parse_uint<int>(d->d_name);
      if (!num) continue;
      if (out.fds.size() >= cap) {
        out.truncated = true;
        return out;
      }
      out.fds.push_back(*num);
    }
  }
}

void ProcessDir::read_fd_targets(const FdNumbers& table, std::size_t begin, std::size_t end,
                                 std::vector<std::optional<std::string>>& targets) const {
  char name[16];
  const std::string what = describe(pid_, "fd");
  for (std::size_t i = begin; i < end && i < table.fds.size() && i < targets.size(); ++i) {
    *std::to_chars(name, name + sizeof name - 1, table.fds[i]).ptr = '\0';  // printf costs more than the readlink
    auto target = read_link_at(table.dir.get(), name, what);
    if (target) targets[i] = std::move(*target);  // else closed in between: it no longer exists
  }
}

Result<std::vector<FdEntry>> ProcessDir::list_fds(std::size_t cap, bool* truncated) const {
  *truncated = false;
  auto table = list_fd_numbers(cap);
  if (!table) return platform::Unexpected(table.error());
  *truncated = table->truncated;
  std::vector<std::optional<std::string>> targets(table->fds.size());
  read_fd_targets(*table, 0, table->fds.size(), targets);
  std::vector<FdEntry> out;
  out.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i]) out.push_back(FdEntry{table->fds[i], std::move(*targets[i])});
  }
  return out;
}

Result<ProcRoot> ProcRoot::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "open", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return platform::Unexpected(Error::from_errno(e, "fstat", path));
  }
  return ProcRoot(UniqueFd(fd), st, path);
}

Result<std::vector<std::int32_t>> ProcRoot::list_pids(std::size_t cap) const {
  // A fresh fd per listing: readdir state must not be shared between listings.
  int fd = ::openat(dir_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "openat", path_));
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    int e = errno;
    ::close(fd);
    return platform::Unexpected(Error::from_errno(e, "fdopendir", path_));
  }
  std::vector<std::int32_t> out;
  for (;;) {
    errno = 0;
    struct dirent* de = ::readdir(d);
    if (de == nullptr) {
      int e = errno;
      ::closedir(d);
      if (e != 0) return platform::Unexpected(Error::from_errno(e, "readdir", path_));
      return out;
    }
    auto pid = parse_uint<std::int32_t>(de->d_name);
    if (!pid || *pid <= 0) continue;
    if (out.size() >= cap) {
      ::closedir(d);
      return platform::Unexpected(Error::make(ErrorKind::kLimit, "readdir", path_, "more processes than the cap"));
    }
    out.push_back(*pid);
  }
}

Result<ProcessDir> ProcRoot::open_process(std::int32_t pid) const {
  std::string name = std::to_string(pid);
  if (fault_) {
    if (int e = fault_(pid, "")) return platform::Unexpected(Error::from_errno(e, "openat", describe(pid, "")));
  }
  int fd = ::openat(dir_.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "openat", describe(pid, "")));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return platform::Unexpected(Error::from_errno(e, "fstat", describe(pid, "")));
  }
  return ProcessDir(pid, UniqueFd(fd), st, fault_ ? &fault_ : nullptr);
}

Result<std::string> ProcRoot::read(std::string_view rel, std::size_t cap, bool* truncated) const {
  std::string r(rel);
  return read_file_at(dir_.get(), r.c_str(), kReadFlags, cap, truncated, path_ + "/" + r);
}

Result<struct stat> ProcRoot::stat_entry(std::int32_t pid) const {
  struct stat st {};
  const std::string name = std::to_string(pid);
  if (::fstatat(dir_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return platform::Unexpected(Error::from_errno(errno, "fstatat", describe(pid, "")));
  }
  return st;
}

bool ProcRoot::probe_entry(std::int32_t pid, struct stat* st) const noexcept {
  char name[16];
  *std::to_chars(name, name + sizeof name - 1, pid).ptr = '\0';
  return ::fstatat(dir_.get(), name, st, AT_SYMLINK_NOFOLLOW) == 0;
}

bool pid_exists_by_signal(std::int32_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

std::vector<std::string> probe_pid(std::int32_t pid) {
  std::vector<std::string> seen;
  if (pid_exists_by_signal(pid)) seen.emplace_back("kill");
  if (::getsid(pid) >= 0 || errno == EPERM) seen.emplace_back("getsid");
  if (::getpgid(pid) >= 0 || errno == EPERM) seen.emplace_back("getpgid");
  struct sched_param sp {};
  if (::sched_getparam(pid, &sp) == 0 || errno == EPERM) seen.emplace_back("sched_getparam");
  return seen;
}

}  // namespace hozen::platform::procfs
