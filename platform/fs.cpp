#include "platform/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace hozen::platform {
namespace {

constexpr int kBaseFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

// openat2 has no glibc wrapper in Debian 12.
int sys_openat2(int dirfd, const char* path, std::uint64_t flags, std::uint64_t resolve) {
  struct open_how how {};
  how.flags = flags;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

// "/etc/x" -> "etc/x"; "/" -> ".". Host paths must be absolute.
Result<std::string> relative(std::string_view host_path) {
  if (host_path.empty() || host_path.front() != '/') {
    return platform::Unexpected(Error::make(ErrorKind::kInvalidArgument, "resolve", host_path,
                                       "host path must be absolute"));
  }
  if (host_path.find('\0') != std::string_view::npos) {
    return platform::Unexpected(
        Error::make(ErrorKind::kInvalidArgument, "resolve", host_path, "NUL in path"));
  }
  std::size_t i = host_path.find_first_not_of('/');
  if (i == std::string_view::npos) return std::string(".");
  return std::string(host_path.substr(i));
}

bool g_openat2_missing = false;  // set once if the kernel says ENOSYS; benign race

}  // namespace

Result<std::unique_ptr<RootedFileSystem>> RootedFileSystem::open(const std::string& root_dir) {
  int fd = ::open(root_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "open root", root_dir));
  return std::unique_ptr<RootedFileSystem>(new RootedFileSystem(UniqueFd(fd), root_dir));
}

Result<UniqueFd> RootedFileSystem::open_at_root(std::string_view host_path, int extra_flags,
                                                bool follow_final, bool* noatime_refused) const {
  auto rel = relative(host_path);
  if (!rel) return platform::Unexpected(rel.error());
  int flags = kBaseFlags | extra_flags | (follow_final ? 0 : O_NOFOLLOW);
  auto attempt = [&](int f) -> int {
    if (!g_openat2_missing) {
      int fd = sys_openat2(root_fd_.get(), rel->c_str(), static_cast<std::uint64_t>(f),
                           RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      if (fd >= 0 || errno != ENOSYS) return fd;
      g_openat2_missing = true;
    }
    if (root_ != "/") {
      errno = ENOSYS;  // without openat2 a symlink could escape a non-/ root: refuse
      return -1;
    }
    return ::openat(root_fd_.get(), rel->c_str(), f);
  };
  if ((extra_flags & O_PATH) != 0) {
    // openat2 refuses O_PATH combined with anything but O_DIRECTORY/O_NOFOLLOW/O_CLOEXEC, and an
    // O_PATH fd reads no data, so atime is not at stake.
    int pflags = O_PATH | O_CLOEXEC | (extra_flags & O_DIRECTORY) | (follow_final ? 0 : O_NOFOLLOW);
    int fd = attempt(pflags);
    if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "openat2", host_path));
    return UniqueFd(fd);
  }
  int fd = attempt(flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) {
    // O_NOATIME needs ownership or CAP_FOWNER (open(2)); fall back and say so.
    fd = attempt(flags);
    if (fd >= 0 && noatime_refused != nullptr) *noatime_refused = true;
  }
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "openat2", host_path));
  return UniqueFd(fd);
}

Result<std::string> read_capped(int fd, std::size_t cap, bool* truncated, std::size_t complete_below,
                                std::size_t size_hint) {
  // Reads go through a per-thread scratch buffer and only the bytes read are appended: most host
  // files are a few hundred bytes, and sizing (zero-filling) a large string for each of them cost
  // more than the reads (procfs reports st_size 0, so the size is never known in advance).
  static constexpr std::size_t kScratch = 64 * 1024;
  thread_local std::unique_ptr<char[]> scratch(new char[kScratch]);
  std::string out;
  if (size_hint > 0) out.reserve(std::min(size_hint, cap));
  *truncated = false;
  for (;;) {
    if (out.size() >= cap) {
      // One more byte tells "exactly cap" from "more than cap".
      char probe;
      ssize_t n;
      do n = ::read(fd, &probe, 1);
      while (n < 0 && errno == EINTR);
      if (n < 0) return platform::Unexpected(Error::from_errno(errno, "read"));
      *truncated = n > 0;
      return out;
    }
    std::size_t want = std::min(kScratch, cap - out.size());
    ssize_t n;
    do n = ::read(fd, scratch.get(), want);
    while (n < 0 && errno == EINTR);
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "read"));
    if (n == 0) return out;
    const bool first = out.empty();
    out.append(scratch.get(), static_cast<std::size_t>(n));
    if (first && static_cast<std::size_t>(n) < complete_below && static_cast<std::size_t>(n) < want) return out;
  }
}

Result<UniqueFd> RootedFileSystem::open_regular(std::string_view host_path, struct stat* st,
                                                bool* noatime_refused) const {
  // The type is checked on an O_PATH fd, which opens nothing: opening a device node can have
  // effects (a watchdog arms, a tape rewinds) and opening a FIFO can block. Only a regular file
  // is then re-opened for reading, through the O_PATH fd itself, so it is the same inode.
  auto path_fd = open_at_root(host_path, O_PATH, true, nullptr);
  if (!path_fd) return platform::Unexpected(path_fd.error());
  struct stat pst {};
  if (::fstat(path_fd->get(), &pst) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat", host_path));
  if (!S_ISREG(pst.st_mode)) {
    return platform::Unexpected(Error::make(ErrorKind::kNotRegular, "read", host_path, "not a regular file"));
  }
  char via[40];
  std::snprintf(via, sizeof via, "/proc/self/fd/%d", path_fd->get());
  constexpr int kFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  int fd = ::open(via, kFlags | O_NOATIME);
  if (fd < 0 && errno == EPERM) {
    fd = ::open(via, kFlags);
    if (fd >= 0 && noatime_refused != nullptr) *noatime_refused = true;
  }
  UniqueFd out(fd);
  if (!out.valid()) {
    if (errno != ENOENT) return platform::Unexpected(Error::from_errno(errno, "open", host_path));
    // No /proc mounted: open by path again and check below that it is the same inode.
    auto again = open_at_root(host_path, 0, true, noatime_refused);
    if (!again) return platform::Unexpected(again.error());
    out = std::move(*again);
  }
  if (::fstat(out.get(), st) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat", host_path));
  if (!S_ISREG(st->st_mode) || st->st_dev != pst.st_dev || st->st_ino != pst.st_ino) {
    return platform::Unexpected(Error::make(ErrorKind::kNotFound, "open", host_path, "replaced while being opened"));
  }
  return out;
}

Result<FileContent> RootedFileSystem::read_file(std::string_view host_path,
                                                std::size_t cap) const {
  FileContent content;
  auto fd = open_regular(host_path, &content.st, &content.atime_may_have_changed);
  if (!fd) return platform::Unexpected(fd.error());
  auto bytes = read_capped(fd->get(), cap, &content.truncated);
  if (!bytes) {
    Error e = bytes.error();
    e.path = host_path;
    return platform::Unexpected(e);
  }
  content.bytes = std::move(*bytes);
  return content;
}

namespace {

// pread of exactly `len` bytes at `off` (fewer only at end of file), EINTR-safe.
Result<std::string> pread_all(int fd, std::uint64_t off, std::size_t len) {
  std::string out(len, '\0');
  std::size_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd, out.data() + got, len - got, static_cast<off_t>(off + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "pread"));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

}  // namespace

Result<SparseContent> RootedFileSystem::read_data_extents(std::string_view host_path,
                                                          std::size_t cap,
                                                          std::size_t max_extents) const {
  SparseContent content;
  auto fd = open_regular(host_path, &content.st, &content.atime_may_have_changed);
  if (!fd) return platform::Unexpected(fd.error());
  const auto size = static_cast<std::uint64_t>(content.st.st_size);
  std::uint64_t pos = 0;
  while (pos < size) {
    off_t data = ::lseek(fd->get(), static_cast<off_t>(pos), SEEK_DATA);
    off_t hole = -1;
    if (data < 0) {
      if (errno == ENXIO) break;  // no data after pos: the rest is a hole
      if (errno != EINVAL && errno != EOPNOTSUPP) {
        return platform::Unexpected(Error::from_errno(errno, "lseek", host_path));
      }
      // lseek(2): filesystems without SEEK_DATA may refuse it; read the rest as one extent.
      content.seek_data_unsupported = true;
      data = static_cast<off_t>(pos);
      hole = static_cast<off_t>(size);
    } else {
      hole = ::lseek(fd->get(), data, SEEK_HOLE);
      if (hole < 0) return platform::Unexpected(Error::from_errno(errno, "lseek", host_path));
    }
    // The file may have grown or shrunk since fstat: stay within what fstat said.
    std::uint64_t begin = static_cast<std::uint64_t>(data);
    std::uint64_t end = std::min<std::uint64_t>(static_cast<std::uint64_t>(hole), size);
    if (begin >= end) break;
    if (content.extents.size() >= max_extents || content.bytes_read >= cap) {
      content.truncated = true;
      break;
    }
    std::uint64_t want = std::min<std::uint64_t>(end - begin, cap - content.bytes_read);
    auto bytes = pread_all(fd->get(), begin, static_cast<std::size_t>(want));
    if (!bytes) {
      Error e = bytes.error();
      e.path = host_path;
      return platform::Unexpected(e);
    }
    content.bytes_read += bytes->size();
    bool short_read = bytes->size() < want;
    content.extents.push_back(DataExtentBytes{begin, std::move(*bytes)});
    if (short_read) break;  // end of file came early (the file shrank)
    if (want < end - begin) {
      content.truncated = true;
      break;
    }
    pos = end;
  }
  return content;
}

Result<std::string> RootedFileSystem::read_link(std::string_view host_path) const {
  auto fd = open_at_root(host_path, O_PATH, false, nullptr);
  if (!fd) return platform::Unexpected(fd.error());
  auto target = read_link_at(fd->get(), "", host_path);
  if (!target && target.error().err == ENOENT) {
    // readlinkat with an empty path on something that is not a link: say "not a symlink".
    return platform::Unexpected(Error::from_errno(EINVAL, "readlinkat", host_path));
  }
  return target;
}

Result<std::string> read_link_at(int dirfd, const char* name, std::string_view what) {
  // Most targets are short ("socket:[123]", "/usr/bin/x"): a stack buffer, then a string of the
  // exact size (no heap at all up to 15 bytes), instead of a zeroed 256-byte string each time.
  char small[256];
  const ssize_t len = ::readlinkat(dirfd, name, small, sizeof small);
  if (len < 0) return platform::Unexpected(Error::from_errno(errno, "readlinkat", what));
  if (static_cast<std::size_t>(len) < sizeof small) return std::string(small, static_cast<std::size_t>(len));
  std::string buf(1024, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(dirfd, name, buf.data(), buf.size());
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "readlinkat", what));
    if (static_cast<std::size_t>(n) < buf.size()) {
      buf.resize(static_cast<std::size_t>(n));
      return buf;
    }
    if (buf.size() >= (1u << 16)) {
      return platform::Unexpected(Error::make(ErrorKind::kLimit, "readlinkat", what, "link too long"));
    }
    buf.resize(buf.size() * 4);
  }
}

Result<std::string> read_file_at(int dirfd, const char* name, int flags, std::size_t cap,
                                 bool* truncated, std::string_view what, std::size_t complete_below) {
  int fd = ::openat(dirfd, name, flags);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "openat", what));
  UniqueFd guard(fd);
  auto bytes = read_capped(fd, cap, truncated, complete_below);
  if (!bytes) {
    Error e = bytes.error();
    e.path = what;
    return platform::Unexpected(e);
  }
  return bytes;
}

Result<struct stat> RootedFileSystem::lstat(std::string_view host_path) const {
  auto fd = open_at_root(host_path, O_PATH, false, nullptr);
  if (!fd) return platform::Unexpected(fd.error());
  struct stat st {};
  if (::fstatat(fd->get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
    return platform::Unexpected(Error::from_errno(errno, "fstatat", host_path));
  }
  return st;
}

Result<std::vector<DirEntry>> RootedFileSystem::list_dir(std::string_view host_path,
                                                         std::size_t max_entries) const {
  bool refused = false;
  auto fd = open_at_root(host_path, O_DIRECTORY, true, &refused);
  if (!fd) return platform::Unexpected(fd.error());
  DIR* dir = ::fdopendir(fd->get());
  if (dir == nullptr) return platform::Unexpected(Error::from_errno(errno, "fdopendir", host_path));
  fd->release();
  std::vector<DirEntry> out;
  for (;;) {
    errno = 0;
    struct dirent* de = ::readdir(dir);
    if (de == nullptr) {
      int e = errno;
      ::closedir(dir);
      if (e != 0) return platform::Unexpected(Error::from_errno(e, "readdir", host_path));
      return out;
    }
    if (std::strcmp(de->d_name, ".") == 0 || std::strcmp(de->d_name, "..") == 0) continue;
    if (out.size() >= max_entries) {
      ::closedir(dir);
      return platform::Unexpected(Error::make(ErrorKind::kLimit, "readdir", host_path,
                                         "more entries than the cap"));
    }
    out.push_back(DirEntry{de->d_name, de->d_type});
  }
}

Result<struct stat> fstat_fd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat"));
  return st;
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

}  // namespace hozen::platform
