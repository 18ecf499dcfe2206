// The rooted filesystem: every host path is resolved inside a root directory fd.
//
// Collectors never open host paths themselves. They name absolute *host* paths ("/etc/os-release")
// and a FileSystem resolves them inside its root: "/" on a live host, a mounted image with
// --root, a fixture in tests. Records therefore always carry host paths.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/error.h"
#include "platform/unique_fd.h"

namespace hozen::platform {

struct FileContent {
  std::string bytes;        // exactly the bytes read (at most the cap)
  bool truncated = false;   // the file had more bytes than the cap
  bool atime_may_have_changed = false;  // O_NOATIME was refused (EPERM) and we read without it
  struct stat st {};        // fstat of the opened fd, before reading
};

// One data extent of a sparse file (SEEK_DATA/SEEK_HOLE), with the bytes read from it.
struct DataExtentBytes {
  std::uint64_t offset = 0;
  std::string bytes;  // at most the extent's length; less when the byte budget ran out
};

// The data extents of a file, holes skipped.
struct SparseContent {
  std::vector<DataExtentBytes> extents;  // in file order, non-overlapping
  std::uint64_t bytes_read = 0;          // total bytes read (sum of the extents' sizes)
  bool truncated = false;                // data beyond the byte budget (or extent cap) was not read
  bool seek_data_unsupported = false;    // the fs has no SEEK_DATA: the file was read as one extent
  bool atime_may_have_changed = false;   // O_NOATIME was refused
  struct stat st {};                     // fstat of the opened fd, before reading
};

struct DirEntry {
  std::string name;   // raw bytes
  unsigned char type;  // DT_* from getdents (DT_UNKNOWN possible)
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Reads a regular file at `host_path` (absolute), at most `cap` bytes.
  // Symlinks are followed only inside the root; magic links (/proc/<pid>/exe...) never.
  // Opens with O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC|O_NOATIME (retrying without O_NOATIME on
  // EPERM, flagged). Never reads anything but S_ISREG (kNotRegular). Never sizes buffers from
  // st_size (procfs reports 0). Errors: kNotFound, kDenied, kNotRegular, kIo, kUnsupported.
  // Thread-safe.
  [[nodiscard]] virtual Result<FileContent> read_file(std::string_view host_path,
                                                      std::size_t cap) const = 0;

  // Reads only the data extents of a regular file (lseek SEEK_DATA/SEEK_HOLE on the opened fd),
  // never its holes: for sparse files such as /var/log/lastlog (up to ~1 TB apparent size).
  // At most `cap` bytes in all and `max_extents` extents are read; beyond that `truncated` is set.
  // A filesystem without SEEK_DATA support (EINVAL) makes lseek see the whole file as one extent
  // (flagged seek_data_unsupported; still capped). Same opening rules and errors as read_file.
  // Thread-safe.
  [[nodiscard]] virtual Result<SparseContent> read_data_extents(std::string_view host_path,
                                                                std::size_t cap,
                                                                std::size_t max_extents) const = 0;

  // Target bytes of a symlink (not followed). Errors: kNotFound, kDenied, kInvalidArgument (not a
  // link), kIo.
  [[nodiscard]] virtual Result<std::string> read_link(std::string_view host_path) const = 0;

  // lstat of a host path (final component not followed).
  [[nodiscard]] virtual Result<struct stat> lstat(std::string_view host_path) const = 0;

  // Entries of a directory, without "." and "..", at most `max_entries` (kLimit beyond).
  [[nodiscard]] virtual Result<std::vector<DirEntry>> list_dir(std::string_view host_path,
                                                               std::size_t max_entries) const = 0;

  // Opens a directory for walking (O_RDONLY|O_DIRECTORY|O_NOATIME, symlinks resolved inside the
  // root). Sets *noatime_refused when O_NOATIME had to be dropped. Errors as read_file.
  [[nodiscard]] virtual Result<UniqueFd> open_directory(std::string_view host_path,
                                                        bool* noatime_refused) const = 0;

  // Where the root is, for provenance ("/" on a live host).
  virtual std::string root_description() const = 0;
};

// A FileSystem rooted at a directory on this machine. Uses openat2(RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS); where openat2 is missing, only root "/" is supported.
class RootedFileSystem final : public FileSystem {
 public:
  // Opens `root_dir` (O_PATH|O_DIRECTORY). Errors: kNotFound, kDenied, kNotRegular (not a dir).
  [[nodiscard]] static Result<std::unique_ptr<RootedFileSystem>> open(const std::string& root_dir);

  Result<FileContent> read_file(std::string_view host_path, std::size_t cap) const override;
  Result<SparseContent> read_data_extents(std::string_view host_path, std::size_t cap,
                                          std::size_t max_extents) const override;
  Result<std::string> read_link(std::string_view host_path) const override;
  Result<struct stat> lstat(std::string_view host_path) const override;
  Result<std::vector<DirEntry>> list_dir(std::string_view host_path,
                                         std::size_t max_entries) const override;
  Result<UniqueFd> open_directory(std::string_view host_path, bool* noatime_refused) const override {
    return open_at_root(host_path, O_DIRECTORY, true, noatime_refused);
  }
  std::string root_description() const override { return root_; }

  // Opens a host path inside the root; `extra_flags` adds to O_RDONLY|O_CLOEXEC|O_NOCTTY|O_NONBLOCK.
  // `follow_final`: false adds O_NOFOLLOW. Sets *noatime_refused when the O_NOATIME retry happened.
  [[nodiscard]] Result<UniqueFd> open_at_root(std::string_view host_path, int extra_flags,
                                              bool follow_final, bool* noatime_refused) const;

 private:
  // Opens a regular file for reading without ever opening anything else (see fs.cpp).
  Result<UniqueFd> open_regular(std::string_view host_path, struct stat* st, bool* noatime_refused) const;
  RootedFileSystem(UniqueFd fd, std::string root) : root_fd_(std::move(fd)), root_(std::move(root)) {}
  UniqueFd root_fd_;
  std::string root_;
};

// Reads everything from `fd` up to `cap` bytes (EINTR-safe). Sets *truncated if more remained.
// `complete_below`: a first read() returning fewer bytes than this (and fewer than asked) is the
// whole file, and the read() that would return 0 is skipped. Only for files the kernel generates
// in one piece (see ProcessDir::read_single); 0 (default) always reads to end of file.
// `size_hint`: capacity reserved up front (at most `cap`) for a file expected to be that large,
// so a big table is not copied through every doubling of the string.
[[nodiscard]] Result<std::string> read_capped(int fd, std::size_t cap, bool* truncated,
                                              std::size_t complete_below = 0, std::size_t size_hint = 0);

// readlinkat(dirfd, name) into a buffer that grows as needed (up to 64 KiB, then kLimit).
// `what` names the link in errors. Errors: from_errno of readlinkat, kLimit.
[[nodiscard]] Result<std::string> read_link_at(int dirfd, const char* name, std::string_view what);

// openat(dirfd, name, flags) then read_capped(cap); `what` names the file in errors.
[[nodiscard]] Result<std::string> read_file_at(int dirfd, const char* name, int flags,
                                               std::size_t cap, bool* truncated,
                                               std::string_view what, std::size_t complete_below = 0);

// fstat of an open fd. Errors: kIo.
[[nodiscard]] Result<struct stat> fstat_fd(int fd);

// Joins "/a/b" and "c" into "/a/b/c".
std::string join_path(std::string_view dir, std::string_view name);

}  // namespace hozen::platform
