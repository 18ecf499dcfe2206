#include "platform/hash_file.h"

#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/heap.h"
#include "platform/sha256.h"

namespace hozen::platform {

Result<FileHash> hash_fd(int fd, std::uint64_t cap, std::size_t keep_up_to) {
  FileHash out;
  if (::fstat(fd, &out.before) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat"));
  if (!S_ISREG(out.before.st_mode)) {
    return platform::Unexpected(Error::make(ErrorKind::kNotRegular, "read", "", "not a regular file"));
  }
  if (static_cast<std::uint64_t>(out.before.st_size) > cap) {
    out.over_cap = true;
    return out;
  }
  Sha256 h;
  std::vector<char> buf(1 << 20);
  if (keep_up_to > 0 && static_cast<std::uint64_t>(out.before.st_size) <= keep_up_to) {
    out.content.emplace();
    out.content->reserve(static_cast<std::size_t>(out.before.st_size));
  }
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(out.bytes_read));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "pread"));
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
    out.bytes_read += static_cast<std::uint64_t>(n);
    if (out.content) {
      if (out.bytes_read > keep_up_to) {
        out.content.reset();  // grew while read: no copy, the digest still stands on its own
      } else {
        out.content->append(buf.data(), static_cast<std::size_t>(n));
      }
    }
    if (out.bytes_read > cap) {  // grew past the cap while we read
      out.over_cap = true;
      return out;
    }
  }
  struct stat after {};
  if (::fstat(fd, &after) == 0) {
    const auto& b = out.before;
    out.changed_during_read =
        b.st_size != after.st_size || b.st_mtim.tv_sec != after.st_mtim.tv_sec ||
        b.st_mtim.tv_nsec != after.st_mtim.tv_nsec || b.st_ctim.tv_sec != after.st_ctim.tv_sec ||
        b.st_ctim.tv_nsec != after.st_ctim.tv_nsec || b.st_mode != after.st_mode ||
        b.st_uid != after.st_uid || b.st_gid != after.st_gid;
  }
  out.sha256 = as_bytes(h.finish());
  return out;
}

namespace {

// Shared by the caller and the worker: whoever finishes last frees it.
struct HashJob {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::optional<Result<FileHash>> result;
  int fd = -1;  // the worker's own dup, closed by the worker
};

}  // namespace

Result<FileHash> BoundedHasher::hash(int fd, std::uint64_t cap, const std::function<bool()>& should_stop,
                                     std::size_t keep_up_to) {
  if (gave_up()) {
    return Unexpected(Error::make(ErrorKind::kTimeout, "read", "",
                                  "not attempted: earlier reads on this run hung"));
  }
  auto job = std::make_shared<HashJob>();
  job->fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (job->fd < 0) return Unexpected(Error::from_errno(errno, "fcntl(F_DUPFD_CLOEXEC)"));
  std::thread([job, cap, keep_up_to, fn = fn_] {
    advise_thread_heap();
    auto r = fn(job->fd, cap, keep_up_to);
    ::close(job->fd);
    std::lock_guard lock(job->mu);
    job->result.emplace(std::move(r));
    job->done = true;
    job->cv.notify_all();
  }).detach();
  const auto deadline = std::chrono::steady_clock::now() + per_item_;
  bool stopping = false;
  std::unique_lock lock(job->mu);
  while (!job->done) {
    auto now = std::chrono::steady_clock::now();
    stopping = should_stop && should_stop();
    if (now >= deadline || stopping) break;
    // Wake up every 100 ms to notice `stop` (signals, the run's deadline).
    job->cv.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(100)));
  }
  if (job->done) return std::move(*job->result);
  abandoned_.fetch_add(1);
  return Unexpected(Error::make(ErrorKind::kTimeout, "read", "",
                                stopping ? "abandoned: the run is stopping"
                                                                : "hashing took longer than the per-item limit"));
}

}  // namespace hozen::platform
