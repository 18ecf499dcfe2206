// Hashing many files at the speed of the hardware (issue 5): a small pool of worker threads, a
// bounded queue (bounded memory whatever the number of files), one read pass per file feeding
// SHA-256 (and MD5 / SHA-1 only when asked), hole-aware for sparse files, fstat before and after,
// a size cap with no digest beyond it, a per-item deadline for hung reads, an optional I/O rate.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "platform/error.h"
#include "platform/unique_fd.h"

namespace hozen::platform {

struct HashPoolOptions {
  unsigned threads = 0;                  // 0: hardware concurrency
  std::size_t queue_depth = 256;         // submit() blocks beyond this many pending files
  std::uint64_t max_file_bytes = 512ull << 20;  // larger files: over_cap, nothing read, no digest
  // A read hung longer: kTimeout. Measured per blocking call (fstat, lseek, pread) of the item,
  // so a large file read slowly but steadily, or paced by io_rate, is not cut off. 0: no limit.
  std::chrono::milliseconds per_item_timeout{30'000};
  unsigned max_hung = 2;                 // then every later item fails at once with kTimeout (0 acts as 1)
  std::uint64_t io_rate_bytes_per_s = 0;  // 0: unlimited; else all workers together stay under it
};

struct HashRequest {
  std::uint64_t id = 0;   // the caller's key, returned in the result
  UniqueFd fd;            // an open regular file (the pool owns it and closes it)
  bool md5 = false;       // IOC lists may ask for MD5 / SHA-1; SHA-256 always
  bool sha1 = false;
  std::size_t keep_bytes_up_to = 0;  // also return the bytes hashed when the file is this small (0: never)
};

struct FileDigests {
  std::optional<std::string> sha256, md5, sha1;  // raw bytes; absent unless every byte was read
  std::uint64_t bytes_read = 0;    // bytes actually read from disk (holes are not read)
  std::uint64_t hole_bytes = 0;    // zeros fed to the digests for holes (SEEK_DATA/SEEK_HOLE)
  bool over_cap = false;           // st_size > max_file_bytes: not read, no digest
  bool changed_during_read = false;  // size, mtime, ctime, mode, uid or gid changed: no digest
  struct stat before {};
  std::optional<std::string> content;  // the bytes hashed, when keep_bytes_up_to allowed it
};

struct HashResult {
  std::uint64_t id = 0;
  Result<FileDigests> digests;  // errors: kIo (read failed), kTimeout (hung or given up), kNotRegular
};

class HashPool {
 public:
  // `on_done` is called from worker threads (serialize inside it if needed), once per request;
  // it must not throw nor call submit(). A worker stuck in the kernel is abandoned (its item gets
  // kTimeout from the watchdog thread) and replaced; it never calls `on_done` when it returns.
  // Threads: throws std::system_error if none can be started.
  HashPool(HashPoolOptions options, std::function<void(HashResult&&)> on_done);
  ~HashPool();  // finish()
  HashPool(const HashPool&) = delete;
  HashPool& operator=(const HashPool&) = delete;

  // Queues one file; blocks while queue_depth files are pending.
  void submit(HashRequest&& request);
  // Waits until every submitted file has its result (hung items count as done once timed out).
  void finish();

 private:
  friend struct HashPoolTestSeam;  // tests replace pread/lseek (platform/hash_pool_test_seam.h)
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Hashes one open regular file in the calling thread (what each worker does): pread loop over
// data extents (SEEK_DATA/SEEK_HOLE), zeros fed for holes, so the SHA-256 equals sha256sum's.
// Uses options.max_file_bytes and io_rate_bytes_per_s (paced for this call alone); no time limit
// (a hung read blocks the caller: use HashPool for that). Errors: kNotRegular, kIo, kUnsupported
// (MD5/SHA-1 refused by the OpenSSL provider).
[[nodiscard]] Result<FileDigests> hash_file_extents(int fd, const HashPoolOptions& options, bool md5,
                                                    bool sha1, std::size_t keep_bytes_up_to);

}  // namespace hozen::platform
