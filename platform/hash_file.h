// Hashing an open file: one pass, fstat before and after, a digest only when every byte was read.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "platform/error.h"

namespace hozen::platform {

struct FileHash {
  std::optional<std::string> sha256;  // raw 32 bytes; absent unless all bytes were read
  std::uint64_t bytes_read = 0;
  bool over_cap = false;              // st_size > cap: nothing read, no digest (skipped_size)
  bool changed_during_read = false;   // size, mtime, ctime, mode, uid or gid changed
  struct stat before {};
  std::optional<std::string> content;  // the bytes hashed, when asked for and the file was small enough
};

// Reads `fd` (a regular file) from offset 0 with pread, hashing with SHA-256. Files larger than
// `cap` are not read. With `keep_up_to` > 0, the bytes hashed are also returned in `content` when
// the file (as read) is at most that large: one read for a digest and a copy that match.
// Errors: kNotRegular, kIo (read failed: no digest).
[[nodiscard]] Result<FileHash> hash_fd(int fd, std::uint64_t cap, std::size_t keep_up_to = 0);

// hash_fd with a per-item time limit. A read stuck on a hung disk sleeps uninterruptibly and
// cannot be cancelled, so each file is hashed on a worker thread that owns a dup of the fd; the
// caller waits at most `per_item` (or until should_stop() says so) and then gets kTimeout, abandoning the
// worker, which finishes (or not) on its own. After `max_abandoned` stuck workers the disk is
// taken as hung and later calls fail at once with kTimeout, without touching it. Thread-safe.
class BoundedHasher {
 public:
  using HashFn = std::function<Result<FileHash>(int fd, std::uint64_t cap, std::size_t keep_up_to)>;
  BoundedHasher(std::chrono::milliseconds per_item, unsigned max_abandoned,
                HashFn fn = [](int fd, std::uint64_t cap, std::size_t keep) { return hash_fd(fd, cap, keep); })
      : per_item_(per_item), max_abandoned_(max_abandoned), fn_(std::move(fn)) {}

  [[nodiscard]] Result<FileHash> hash(int fd, std::uint64_t cap,
                                      const std::function<bool()>& should_stop = {},
                                      std::size_t keep_up_to = 0);
  unsigned abandoned() const { return abandoned_.load(); }
  bool gave_up() const { return abandoned_.load() >= max_abandoned_; }

 private:
  std::chrono::milliseconds per_item_;
  unsigned max_abandoned_;
  HashFn fn_;
  std::atomic<unsigned> abandoned_{0};
};

}  // namespace hozen::platform
