// One walk of a directory tree (issue 5): openat/getdents64/statx with directory fds, never
// following symlinks, cycle-safe, bounded, O_NOATIME where permitted. Every file-based check of
// the sweep is fed from this one walk.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "platform/error.h"
#include "platform/unique_fd.h"

namespace hozen::platform {

struct WalkOptions {
  std::uint32_t max_depth = 64;            // deeper directories are reported (kDepthLimit), not entered
  std::uint64_t max_entries = 20'000'000;  // then the walk stops (kEntryLimit)
  bool one_filesystem = false;             // do not enter directories on another st_dev than the start
  std::set<std::uint64_t> skip_devices;    // st_dev (makedev) of filesystems never entered (proc, sysfs...)
};

// statx(AT_SYMLINK_NOFOLLOW) of one entry.
struct FileMeta {
  std::uint32_t mode = 0;
  std::uint32_t uid = 0, gid = 0;
  std::uint32_t nlink = 0;
  std::uint64_t size = 0, blocks = 0;  // blocks: 512-byte units
  std::uint64_t ino = 0, dev = 0, rdev = 0;  // dev/rdev as makedev()
  std::int64_t atime_ns = 0, mtime_ns = 0, ctime_ns = 0, btime_ns = 0;  // since the epoch, UTC
  bool has_btime = false;
  std::uint64_t attributes = 0;       // stx_attributes (STATX_ATTR_IMMUTABLE, _APPEND, ...)
  std::uint64_t attributes_mask = 0;  // which of them the filesystem reports
};

struct WalkEntry {
  std::string_view path;  // host path bytes: start path + "/" + ... + name (any bytes, any length)
  std::string_view name;
  int parent_fd = -1;     // the open parent directory, valid during the callback only
  std::uint32_t depth = 0;  // 1 for entries of the start directory
  FileMeta meta;
  std::string link_target;  // symlinks: readlinkat bytes
  std::string capability;   // regular files: raw security.capability xattr, empty if none
  bool atime_may_have_changed = false;  // the parent was opened without O_NOATIME (EPERM)
};

enum class WalkProblemKind {
  kDirError,    // a directory could not be opened or listed (error says why)
  kEntryError,  // statx of an entry failed (vanished: kNotFound)
  kCycle,       // a directory (dev, ino) seen before: bind-mount loop; not entered again
  kDepthLimit,
  kEntryLimit,  // max_entries reached: the walk stopped
  kSkippedFs,   // a mount point on a skipped device / another filesystem: not entered
};

struct WalkProblem {
  std::string_view path;
  WalkProblemKind kind;
  Error error;
};

struct WalkStats {
  std::uint64_t directories = 0, entries = 0, problems = 0;
  bool stopped = false;  // should_stop() or on_entry returned false or the entry limit
};

struct WalkCallbacks {
  // Every entry (files, dirs, links, FIFOs, sockets, devices) in depth-first order; return false
  // to stop the walk. Directories are reported before their contents.
  std::function<bool(const WalkEntry&)> on_entry;
  std::function<void(const WalkProblem&)> on_problem;
  std::function<bool()> should_stop;  // checked between entries; may be empty
};

// Walks the directory open at `start_fd` (its host path is `start_path`). Memory is bounded by the
// depth (one open fd and one 32 KiB getdents64 batch per level) plus the visited set (16 bytes per
// directory), not by the tree's size. `start_fd` may be an O_PATH directory fd (as from
// open_noatime_view): it is then kept open until the walk returns and "." is opened for listing.
// Errors (the walk did not start): the start is not a directory (kNotRegular) or cannot be
// opened/statted (from errno). Everything after that is a WalkProblem. Stats: `directories` counts
// the directories listed, the start included. Not thread-safe per call; calls are independent.
[[nodiscard]] Result<WalkStats> walk_tree(UniqueFd start_fd, std::string_view start_path,
                                          const WalkOptions& options, const WalkCallbacks& callbacks);

// Opens entry `name` of the directory `parent_fd` for reading: O_RDONLY|O_NOFOLLOW|O_NONBLOCK|
// O_NOCTTY|O_CLOEXEC|O_NOATIME (retried without O_NOATIME on EPERM, *noatime_refused set), then
// fstat of the opened fd; anything but S_ISREG is closed and refused (kNotRegular).
// (The entry is first opened O_PATH and fstat'ed, so a FIFO or device swapped in after statx is
// never opened at all; a regular file is then reopened through /proc/self/fd, or by name where
// /proc is missing.) Errors: kInvalidArgument (`name` is not one path component), kNotRegular
// (symlink, directory, FIFO, socket, device), kNotFound, kDenied, kIo.
[[nodiscard]] Result<UniqueFd> open_entry_for_read(int parent_fd, std::string_view name,
                                                   bool* noatime_refused);

// An O_PATH fd on the directory `path` (absolute, on this machine) inside a private, detached copy
// of its mount tree (open_tree(2) OPEN_TREE_CLONE|AT_RECURSIVE) made read-only and noatime
// (mount_setattr(2)). Walking through it changes no atime at all: readlinkat(2) updates a
// symlink's atime whatever the open flags (touch_atime), which only a noatime or read-only mount
// prevents; and nothing reached through it can be written. The host's mount table is untouched
// (the copy is attached nowhere; the kernel dissolves it when the fd is closed). Pass it to
// walk_tree. Needs CAP_SYS_ADMIN and Linux 5.12. Errors: kUnsupported (ENOSYS/EINVAL: callers
// walk the plain tree and note that symlink atimes may change), kDenied, kNotFound, kIo.
[[nodiscard]] Result<UniqueFd> open_noatime_view(const std::string& path);
// The same for a directory already open (`dir_fd`, e.g. from FileSystem::open_directory, which
// resolved the path inside its root); `what` names it in errors. The view is of the mount tree
// from that directory down.
[[nodiscard]] Result<UniqueFd> open_noatime_view_of(int dir_fd, std::string_view what);

// The WalkEntry of the single entry `path` (its last component) of the open directory
// `parent_fd`, as walk_tree would report it: for files outside the walked trees. The entry's
// `path` and `name` view `path`; depth is 0. Errors: kInvalidArgument (no last component), and
// from statx, readlinkat, getxattr (kNotFound when it is gone).
[[nodiscard]] Result<WalkEntry> stat_entry(int parent_fd, std::string_view path);

}  // namespace hozen::platform
