#include "platform/walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "platform/fs.h"

namespace hozen::platform {
namespace {

// Directories are opened relative to their parent's fd, never by path: no PATH_MAX, and no
// symlink is followed on any component. O_NONBLOCK keeps a directory on a hung FUSE/NFS server
// from blocking the open itself where the fs honours it.
constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
constexpr int kReadFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
// AT_STATX_DONT_SYNC: a network fs answers from its cache instead of asking the server.
// AT_NO_AUTOMOUNT: statx of an automount point must not mount it (statx(2)).
constexpr int kStatxFlags = AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC | AT_NO_AUTOMOUNT;
constexpr unsigned kStatxMask = STATX_BASIC_STATS | STATX_BTIME;
// getdents64 batch per directory level. Memory is this times the current depth; 32 KiB is what
// glibc's readdir uses and keeps the syscall count near find's.
constexpr std::size_t kDentsBufferSize = 32 * 1024;
constexpr std::size_t kMaxXattrSize = 64 * 1024;  // XATTR_SIZE_MAX
constexpr const char kCapabilityXattr[] = "security.capability";

struct DirId {
  std::uint64_t dev, ino;
  bool operator==(const DirId&) const = default;
};
struct DirIdHash {
  std::size_t operator()(const DirId& id) const noexcept {
    return std::hash<std::uint64_t>{}(id.ino * 0x9E3779B97F4A7C15ULL ^ id.dev);
  }
};

std::int64_t to_ns(const struct statx_timestamp& t) {
  // A hostile image can carry any tv_sec: saturate instead of overflowing.
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(t.tv_sec, std::int64_t{1'000'000'000}, &ns) ||
      __builtin_add_overflow(ns, std::int64_t{t.tv_nsec}, &ns)) {
    return t.tv_sec < 0 ? INT64_MIN : INT64_MAX;
  }
  return ns;
}

FileMeta to_meta(const struct statx& sx) {
  FileMeta m;
  m.mode = sx.stx_mode;
  m.uid = sx.stx_uid;
  m.gid = sx.stx_gid;
  m.nlink = sx.stx_nlink;
  m.size = sx.stx_size;
  m.blocks = sx.stx_blocks;
  m.ino = sx.stx_ino;
  m.dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
  m.rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
  m.atime_ns = to_ns(sx.stx_atime);
  m.mtime_ns = to_ns(sx.stx_mtime);
  m.ctime_ns = to_ns(sx.stx_ctime);
  m.has_btime = (sx.stx_mask & STATX_BTIME) != 0;
  if (m.has_btime) m.btime_ns = to_ns(sx.stx_btime);
  m.attributes = sx.stx_attributes;
  m.attributes_mask = sx.stx_attributes_mask;
  return m;
}

// openat that asks for O_NOATIME and falls back without it: O_NOATIME needs ownership of the
// inode or CAP_FOWNER (open(2)), so EPERM is expected for other users' files when not root.
int open_noatime(int dirfd, const char* name, int flags, bool* refused) {
  int fd;
  do fd = ::openat(dirfd, name, flags | O_NOATIME);
  while (fd < 0 && errno == EINTR);
  if (fd >= 0 || errno != EPERM) return fd;
  do fd = ::openat(dirfd, name, flags);
  while (fd < 0 && errno == EINTR);
  if (fd >= 0) *refused = true;
  return fd;
}

// getxattrat(2) (Linux 6.13): reads an xattr of `name` relative to a directory fd without a
// path through /proc. glibc 2.36 has neither a wrapper nor the number; it is 464 on every
// architecture (the unified syscall table).
#ifndef SYS_getxattrat
#define SYS_getxattrat 464
#endif
struct XattrArgs {  // struct xattr_args, XATTR_ARGS_SIZE_VER0
  std::uint64_t value;
  std::uint32_t size;
  std::uint32_t flags;
};
std::atomic<bool> g_getxattrat_missing{false};

// Reads security.capability of `name` in `dirfd` into `buf`; returns its size or -1 with errno.
// `proc_path` is scratch for the fallback.
ssize_t get_capability(int dirfd, const char* name, char* buf, std::size_t size,
                       std::string& proc_path) {
  if (!g_getxattrat_missing.load(std::memory_order_relaxed)) {
    XattrArgs args{reinterpret_cast<std::uintptr_t>(buf), static_cast<std::uint32_t>(size), 0};
    long n = ::syscall(SYS_getxattrat, dirfd, name, AT_SYMLINK_NOFOLLOW, kCapabilityXattr, &args,
                       sizeof args);
    if (n >= 0 || errno != ENOSYS) return n;
    g_getxattrat_missing.store(true, std::memory_order_relaxed);
  }
  // Older kernels: through the directory fd's magic link. lgetxattr does not follow the final
  // component, and the directory is the one we hold open, so no path component can be swapped.
  proc_path.assign("/proc/self/fd/");
  proc_path += std::to_string(dirfd);
  proc_path += '/';
  proc_path += name;
  return ::lgetxattr(proc_path.c_str(), kCapabilityXattr, buf, size);
}

class Walker {
 public:
  Walker(const WalkOptions& options, const WalkCallbacks& callbacks)
      : options_(options), callbacks_(callbacks) {}

  Result<WalkStats> run(UniqueFd start_fd, std::string_view start_path);

 private:
  struct Level {
    UniqueFd fd;
    std::size_t prefix_len = 0;  // path_[0, prefix_len) is this directory's path plus '/'
    std::uint32_t depth = 0;     // depth of this directory's entries
    bool noatime_refused = false;
    std::unique_ptr<char[]> buf;
    std::size_t pos = 0, end = 0;
    bool eof = false;
  };

  void push_level(UniqueFd fd, std::uint32_t depth, bool noatime_refused);
  void pop_level();
  // Reads the next batch of the top level; false when the level is done (or failed).
  bool refill(Level& level);
  // One entry of the top level; false to stop the walk.
  bool visit(const char* name, std::size_t name_len);
  void enter_directory(const char* name, const FileMeta& meta);
  void read_capability(Level& level, const char* name, WalkEntry& entry);
  void problem(std::string_view path, WalkProblemKind kind, Error error);
  std::string_view dir_path(const Level& level) const;

  const WalkOptions& options_;
  const WalkCallbacks& callbacks_;
  WalkStats stats_;
  std::string path_;
  std::vector<Level> stack_;
  std::vector<std::unique_ptr<char[]>> spare_buffers_;
  std::unordered_set<DirId, DirIdHash> visited_;
  std::uint64_t start_dev_ = 0;
  std::string proc_path_;  // scratch for the lgetxattr fallback of get_capability
  UniqueFd anchor_;        // an O_PATH start fd, kept open while its "." is walked
};

std::string_view Walker::dir_path(const Level& level) const {
  std::string_view p(path_.data(), level.prefix_len);
  if (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  return p;
}

void Walker::problem(std::string_view path, WalkProblemKind kind, Error error) {
  ++stats_.problems;
  if (error.path.empty()) error.path = path;
  if (callbacks_.on_problem) callbacks_.on_problem(WalkProblem{path, kind, std::move(error)});
}

void Walker::push_level(UniqueFd fd, std::uint32_t depth, bool noatime_refused) {
  Level level;
  level.fd = std::move(fd);
  if (!path_.empty() && path_.back() != '/') path_ += '/';
  level.prefix_len = path_.size();
  level.depth = depth;
  level.noatime_refused = noatime_refused;
  if (!spare_buffers_.empty()) {
    level.buf = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
  } else {
    level.buf.reset(new char[kDentsBufferSize]);
  }
  stack_.push_back(std::move(level));
  ++stats_.directories;
}

void Walker::pop_level() {
  spare_buffers_.push_back(std::move(stack_.back().buf));
  stack_.pop_back();
}

bool Walker::refill(Level& level) {
  if (level.eof) return false;
  long n;
  do n = ::syscall(SYS_getdents64, level.fd.get(), level.buf.get(), kDentsBufferSize);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    int e = errno;
    level.eof = true;
    problem(dir_path(level), WalkProblemKind::kDirError,
            Error::from_errno(e, "getdents64", dir_path(level)));
    return false;
  }
  if (n == 0) {
    level.eof = true;
    return false;
  }
  level.pos = 0;
  level.end = static_cast<std::size_t>(n);
  return true;
}

void Walker::read_capability(Level& level, const char* name, WalkEntry& entry) {
  char small[64];  // vfs_ns_cap_data is 24 bytes
  ssize_t n = get_capability(level.fd.get(), name, small, sizeof small, proc_path_);
  if (n >= 0) {
    entry.capability.assign(small, static_cast<std::size_t>(n));
    return;
  }
  if (errno == ERANGE) {
    // Larger than any vfs_cap_data: a hostile or foreign filesystem. Read it all (capped).
    std::string big(kMaxXattrSize, '\0');
    n = get_capability(level.fd.get(), name, big.data(), big.size(), proc_path_);
    if (n >= 0) {
      big.resize(static_cast<std::size_t>(n));
      entry.capability = std::move(big);
      return;
    }
  }
  if (errno == ENODATA || errno == ENOTSUP) return;  // no capability / no xattrs on this fs
  problem(entry.path, WalkProblemKind::kEntryError,
          Error::from_errno(errno, "getxattr", entry.path));
}

bool Walker::visit(const char* name, std::size_t name_len) {
  if (callbacks_.should_stop && callbacks_.should_stop()) {
    stats_.stopped = true;
    return false;
  }
  Level& level = stack_.back();
  path_.resize(level.prefix_len);
  path_.append(name, name_len);
  if (stats_.entries >= options_.max_entries) {
    problem(path_, WalkProblemKind::kEntryLimit,
            Error::make(ErrorKind::kLimit, "walk", path_, "entry limit reached; walk stopped"));
    stats_.stopped = true;
    return false;
  }
  struct statx sx {};
  int rc;
  do rc = ::statx(level.fd.get(), name, kStatxFlags, kStatxMask, &sx);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    // Typically ENOENT: the entry vanished between getdents and statx.
    problem(path_, WalkProblemKind::kEntryError, Error::from_errno(errno, "statx", path_));
    return true;
  }
  WalkEntry entry;
  entry.path = path_;
  entry.name = std::string_view(path_).substr(level.prefix_len);
  entry.parent_fd = level.fd.get();
  entry.depth = level.depth;
  entry.meta = to_meta(sx);
  entry.atime_may_have_changed = level.noatime_refused;
  if (S_ISLNK(sx.stx_mode)) {
    // Never followed: only the target bytes are recorded.
    auto target = read_link_at(level.fd.get(), name, path_);
    if (target) {
      entry.link_target = std::move(*target);
    } else {
      problem(path_, WalkProblemKind::kEntryError, std::move(target.error()));
    }
  } else if (S_ISREG(sx.stx_mode)) {
    read_capability(level, name, entry);
  }
  ++stats_.entries;
  if (callbacks_.on_entry && !callbacks_.on_entry(entry)) {
    stats_.stopped = true;
    return false;
  }
  if (S_ISDIR(sx.stx_mode)) enter_directory(name, entry.meta);
  return true;
}

void Walker::enter_directory(const char* name, const FileMeta& meta) {
  Level& level = stack_.back();
  // on_entry may not change path_, but be robust: rebuild it.
  path_.resize(level.prefix_len);
  path_ += name;
  if (level.depth >= options_.max_depth) {
    problem(path_, WalkProblemKind::kDepthLimit,
            Error::make(ErrorKind::kLimit, "walk", path_, "depth limit reached; not entered"));
    return;
  }
  if ((meta.attributes & STATX_ATTR_AUTOMOUNT) != 0) {
    // Opening it would trigger the automounter (possibly a hung network mount).
    problem(path_, WalkProblemKind::kSkippedFs,
            Error::make(ErrorKind::kUnsupported, "walk", path_, "automount point; not entered"));
    return;
  }
  if (options_.skip_devices.contains(meta.dev)) {
    problem(path_, WalkProblemKind::kSkippedFs,
            Error::make(ErrorKind::kUnsupported, "walk", path_, "skipped filesystem; not entered"));
    return;
  }
  if (options_.one_filesystem && meta.dev != start_dev_) {
    problem(path_, WalkProblemKind::kSkippedFs,
            Error::make(ErrorKind::kUnsupported, "walk", path_,
                        "another filesystem (one_filesystem); not entered"));
    return;
  }
  if (!visited_.insert(DirId{meta.dev, meta.ino}).second) {
    problem(path_, WalkProblemKind::kCycle,
            Error::make(ErrorKind::kLimit, "walk", path_,
                        "directory (dev, ino) already walked (bind mount loop); not entered"));
    return;
  }
  bool refused = false;
  int fd = open_noatime(level.fd.get(), name, kDirFlags, &refused);
  if (fd < 0) {
    // ENOENT: removed since statx; ELOOP/ENOTDIR: replaced by a link or a file.
    problem(path_, WalkProblemKind::kDirError, Error::from_errno(errno, "openat", path_));
    return;
  }
  UniqueFd dir(fd);
  // The name may have been swapped for another directory between statx and openat: what we list
  // must be what we reported and marked visited.
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    problem(path_, WalkProblemKind::kDirError, Error::from_errno(errno, "fstat", path_));
    return;
  }
  if (static_cast<std::uint64_t>(st.st_dev) != meta.dev ||
      static_cast<std::uint64_t>(st.st_ino) != meta.ino) {
    problem(path_, WalkProblemKind::kDirError,
            Error::make(ErrorKind::kNotFound, "openat", path_,
                        "directory replaced between statx and openat; not entered"));
    return;
  }
  push_level(std::move(dir), level.depth + 1, refused);  // invalidates `level`
}

Result<WalkStats> Walker::run(UniqueFd start_fd, std::string_view start_path) {
  const int fl = start_fd.valid() ? ::fcntl(start_fd.get(), F_GETFL) : -1;
  if (fl >= 0 && (fl & O_PATH) != 0) {
    // An O_PATH fd lists nothing. Keep it open: for a detached mount tree (open_noatime_view)
    // closing it would dissolve the tree's submounts under the walk.
    bool refused = false;
    int fd = open_noatime(start_fd.get(), ".", kDirFlags, &refused);
    if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "openat", start_path));
    anchor_ = std::move(start_fd);
    start_fd = UniqueFd(fd);
  }
  struct stat st {};
  if (!start_fd.valid() || ::fstat(start_fd.get(), &st) != 0) {
    return platform::Unexpected(Error::from_errno(start_fd.valid() ? errno : EBADF, "fstat", start_path));
  }
  if (!S_ISDIR(st.st_mode)) {
    return platform::Unexpected(
        Error::make(ErrorKind::kNotRegular, "walk", start_path, "start is not a directory"));
  }
  start_dev_ = static_cast<std::uint64_t>(st.st_dev);
  visited_.insert(DirId{start_dev_, static_cast<std::uint64_t>(st.st_ino)});
  path_.assign(start_path);
  if (options_.max_depth == 0) {
    problem(path_, WalkProblemKind::kDepthLimit,
            Error::make(ErrorKind::kLimit, "walk", path_, "depth limit 0; not entered"));
    return stats_;
  }
  // getdents64 continues from the fd's offset: start at the beginning whatever the caller did.
  ::lseek(start_fd.get(), 0, SEEK_SET);
  push_level(std::move(start_fd), 1, false);
  while (!stack_.empty()) {
    Level& level = stack_.back();
    if (level.pos >= level.end && !refill(level)) {
      pop_level();
      continue;
    }
    const char* rec = level.buf.get() + level.pos;
    unsigned short reclen;
    std::memcpy(&reclen, rec + offsetof(struct dirent64, d_reclen), sizeof reclen);
    if (reclen == 0 || level.pos + reclen > level.end) {  // never trust the kernel into a loop
      level.end = level.pos;
      continue;
    }
    level.pos += reclen;
    const char* name = rec + offsetof(struct dirent64, d_name);
    std::size_t name_len = ::strnlen(name, reclen - offsetof(struct dirent64, d_name));
    if (name_len == 0 || (name[0] == '.' && (name_len == 1 || (name_len == 2 && name[1] == '.')))) {
      continue;
    }
    if (!visit(name, name_len)) break;
  }
  return stats_;
}

}  // namespace

Result<WalkStats> walk_tree(UniqueFd start_fd, std::string_view start_path,
                            const WalkOptions& options, const WalkCallbacks& callbacks) {
  Walker walker(options, callbacks);
  return walker.run(std::move(start_fd), start_path);
}

Result<UniqueFd> open_entry_for_read(int parent_fd, std::string_view name, bool* noatime_refused) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return platform::Unexpected(
        Error::make(ErrorKind::kInvalidArgument, "openat", name, "not a single path component"));
  }
  const std::string n(name);
  // An O_PATH fd first: it opens no device and no FIFO (a name that statx saw as a regular file
  // may have been swapped for a tape device whose open() rewinds it). Only a regular file is then
  // reopened for reading, through its own magic link, which names exactly that inode.
  int pfd;
  do pfd = ::openat(parent_fd, n.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
  while (pfd < 0 && errno == EINTR);
  if (pfd < 0) {
    if (errno == ELOOP) {  // O_NOFOLLOW on a symlink
      return platform::Unexpected(Error::make(ErrorKind::kNotRegular, "openat", name, "symlink"));
    }
    return platform::Unexpected(Error::from_errno(errno, "openat", name));
  }
  UniqueFd path_fd(pfd);
  struct stat st {};
  if (::fstat(pfd, &st) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat", name));
  if (!S_ISREG(st.st_mode)) {
    return platform::Unexpected(
        Error::make(ErrorKind::kNotRegular, "openat", name, "not a regular file"));
  }
  const struct stat first = st;
  bool refused = false;
  std::string magic = "/proc/self/fd/" + std::to_string(pfd);
  // The magic link must be followed here (it is the O_PATH fd itself): no O_NOFOLLOW.
  int fd = open_noatime(AT_FDCWD, magic.c_str(), kReadFlags & ~O_NOFOLLOW, &refused);
  if (fd < 0 && errno == ENOENT) {
    // No /proc (chroot, early boot): open by name as documented; fstat below still refuses
    // anything that is not a regular file.
    refused = false;
    fd = open_noatime(parent_fd, n.c_str(), kReadFlags, &refused);
  }
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "openat", name));
  UniqueFd out(fd);
  if (::fstat(fd, &st) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat", name));
  if (!S_ISREG(st.st_mode)) {
    return platform::Unexpected(
        Error::make(ErrorKind::kNotRegular, "openat", name, "not a regular file"));
  }
  if (st.st_dev != first.st_dev || st.st_ino != first.st_ino) {
    return platform::Unexpected(Error::make(ErrorKind::kNotFound, "openat", name,
                                            "file replaced while it was being opened"));
  }
  if (refused && noatime_refused != nullptr) *noatime_refused = true;
  return out;
}

Result<WalkEntry> stat_entry(int parent_fd, std::string_view path) {
  auto slash = path.rfind('/');
  std::string name(slash == std::string_view::npos ? path : path.substr(slash + 1));
  if (name.empty() || name == "." || name == "..") {
    return platform::Unexpected(Error::make(ErrorKind::kInvalidArgument, "statx", path, "not a path to an entry"));
  }
  struct statx sx {};
  int rc;
  do rc = ::statx(parent_fd, name.c_str(), kStatxFlags, kStatxMask, &sx);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) return platform::Unexpected(Error::from_errno(errno, "statx", path));
  WalkEntry entry;
  entry.path = path;
  entry.name = path.substr(path.size() - name.size());
  entry.parent_fd = parent_fd;
  entry.meta = to_meta(sx);
  if (S_ISLNK(sx.stx_mode)) {
    auto target = read_link_at(parent_fd, name.c_str(), path);
    if (!target) return platform::Unexpected(std::move(target.error()));
    entry.link_target = std::move(*target);
  } else if (S_ISREG(sx.stx_mode)) {
    std::string scratch;
    std::string buf(kMaxXattrSize, '\0');
    ssize_t n = get_capability(parent_fd, name.c_str(), buf.data(), buf.size(), scratch);
    if (n >= 0) {
      buf.resize(static_cast<std::size_t>(n));
      entry.capability = std::move(buf);
    } else if (errno != ENODATA && errno != ENOTSUP) {
      return platform::Unexpected(Error::from_errno(errno, "getxattr", path));
    }
  }
  return entry;
}

namespace {

// open_tree(2) of `path` relative to `dirfd`, then mount_setattr(2) read-only and noatime.
Result<UniqueFd> noatime_view(int dirfd, const char* path, unsigned extra_flags, std::string_view what) {
  // open_tree(2) and mount_setattr(2) have glibc 2.36 wrappers; AT_RECURSIVE may lack a define.
#ifndef AT_RECURSIVE
  constexpr unsigned kRecursive = 0x8000;
#else
  constexpr unsigned kRecursive = AT_RECURSIVE;
#endif
  int fd = ::open_tree(dirfd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | kRecursive | extra_flags);
  if (fd < 0) {
    int e = errno;
    if (e == ENOSYS || e == EINVAL) {
      return platform::Unexpected(Error::make(ErrorKind::kUnsupported, "open_tree", what,
                                              "detached mount copies unsupported"));
    }
    return platform::Unexpected(Error::from_errno(e, "open_tree", what));
  }
  UniqueFd tree(fd);
  struct mount_attr attr {};
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME;
  attr.attr_clr = MOUNT_ATTR__ATIME;  // the atime mode is one field: clear it to set noatime
  if (::mount_setattr(fd, "", AT_EMPTY_PATH | kRecursive, &attr, sizeof attr) != 0) {
    int e = errno;
    if (e == ENOSYS || e == EINVAL) {
      return platform::Unexpected(Error::make(ErrorKind::kUnsupported, "mount_setattr", what,
                                              "mount_setattr unsupported"));
    }
    return platform::Unexpected(Error::from_errno(e, "mount_setattr", what));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat", what));
  if (!S_ISDIR(st.st_mode)) {
    return platform::Unexpected(
        Error::make(ErrorKind::kNotRegular, "open_tree", what, "not a directory"));
  }
  return tree;
}

}  // namespace

Result<UniqueFd> open_noatime_view(const std::string& path) {
  return noatime_view(AT_FDCWD, path.c_str(), 0, path);
}

Result<UniqueFd> open_noatime_view_of(int dir_fd, std::string_view what) {
  return noatime_view(dir_fd, "", AT_EMPTY_PATH, what);
}

}  // namespace hozen::platform
