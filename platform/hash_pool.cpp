#include "platform/hash_pool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <limits>
#include <list>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "platform/digest.h"
#include "platform/hash_pool_test_seam.h"
#include "platform/heap.h"

namespace hozen::platform {

namespace {

using Clock = std::chrono::steady_clock;

// Large reads keep the per-file cost at a few system calls and let the kernel's readahead work;
// 1 MiB is also the block size `openssl speed` reaches full SHA-256 speed with.
constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
constexpr std::uint64_t kToEof = std::numeric_limits<std::uint64_t>::max();
// Slot::io_since value once the watchdog has given the item up.
constexpr std::int64_t kAbandoned = -1;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Smaller reads when throttled, so the pace is smooth (a sleep per read of about 1/16 s).
std::size_t block_size(const HashPoolOptions& options) {
  if (options.io_rate_bytes_per_s == 0) return kBlockBytes;
  return static_cast<std::size_t>(
      std::clamp<std::uint64_t>(options.io_rate_bytes_per_s / 16, 4096, kBlockBytes));
}

struct IoOps {
  HashPoolTestSeam::PreadFn pread;  // empty: the system call
  HashPoolTestSeam::LseekFn lseek;

  ssize_t do_pread(int fd, void* buf, std::size_t n, off_t offset) const {
    return pread ? pread(fd, buf, n, offset) : ::pread(fd, buf, n, offset);
  }
  off_t do_lseek(int fd, off_t offset, int whence) const {
    return lseek ? lseek(fd, offset, whence) : ::lseek(fd, offset, whence);
  }
};

// Shared pace for all workers: each read is charged after it returns (its exact size), and the
// reader sleeps until the schedule has room for those bytes. Idle time earns no credit, so there
// is no burst beyond one block per worker.
class RateLimiter {
 public:
  explicit RateLimiter(std::uint64_t bytes_per_s) : rate_(bytes_per_s) {}

  void pace(std::uint64_t n) {
    if (rate_ == 0 || n == 0) return;
    Clock::time_point until;
    {
      std::lock_guard lock(mu_);
      const auto now = Clock::now();
      if (next_ < now) next_ = now;
      next_ += std::chrono::nanoseconds(
          static_cast<std::int64_t>(static_cast<double>(n) * 1e9 / static_cast<double>(rate_)));
      until = next_;
    }
    std::this_thread::sleep_until(until);
  }

 private:
  std::uint64_t rate_;
  std::mutex mu_;
  Clock::time_point next_{};
};

// One worker thread as the watchdog sees it.
struct Slot {
  // Stamp (steady ns) of the I/O call in progress, 0 between calls, kAbandoned once the watchdog
  // took the item. Worker and watchdog race on it with compare-exchange: exactly one of them
  // delivers the item's result.
  std::atomic<std::int64_t> io_since{0};
  std::atomic<std::uint64_t> item_id{0};
  std::thread thread;  // guarded by Shared::mu
};

// Publishes a worker's blocking calls to the watchdog. A null slot (hash_file_extents called
// directly) watches nothing.
class IoGuard {
 public:
  explicit IoGuard(Slot* slot) : slot_(slot) {}
  void enter() {
    if (slot_ == nullptr) return;
    // Strictly increasing, so a stale stamp read by the watchdog never matches a later call.
    stamp_ = std::max(now_ns(), stamp_ + 1);
    slot_->io_since.store(stamp_);
  }
  // False when the watchdog gave the item up while the call was blocked.
  bool leave() {
    if (slot_ == nullptr) return true;
    std::int64_t expected = stamp_;
    return slot_->io_since.compare_exchange_strong(expected, 0);
  }

 private:
  Slot* slot_;
  std::int64_t stamp_ = 0;
};

// The system calls of one file, retried on EINTR, each announced to the watchdog.
class FileReader {
 public:
  FileReader(int fd, const IoOps& io, IoGuard& guard) : fd_(fd), io_(io), guard_(guard) {}

  bool abandoned() const { return abandoned_; }
  int fd() const { return fd_; }

  int stat(struct stat* st) {
    guard_.enter();
    int r = ::fstat(fd_, st);
    return leave(r);
  }
  ssize_t pread(void* buf, std::size_t n, std::uint64_t offset) {
    for (;;) {
      guard_.enter();
      ssize_t r = leave(io_.do_pread(fd_, buf, n, static_cast<off_t>(offset)));
      if (r < 0 && errno == EINTR && !abandoned_) continue;
      return r;
    }
  }
  off_t lseek(std::uint64_t offset, int whence) {
    guard_.enter();
    return leave(io_.do_lseek(fd_, static_cast<off_t>(offset), whence));
  }

 private:
  template <class T>
  T leave(T r) {
    const int e = errno;
    if (!guard_.leave()) abandoned_ = true;
    errno = e;
    return r;
  }

  int fd_;
  const IoOps& io_;
  IoGuard& guard_;
  bool abandoned_ = false;
};

Error abandoned_error() {
  return Error::make(ErrorKind::kTimeout, "read", "", "abandoned: the read outlived the per-item limit");
}

bool stat_changed(const struct stat& b, const struct stat& a) {
  return b.st_size != a.st_size || b.st_mtim.tv_sec != a.st_mtim.tv_sec ||
         b.st_mtim.tv_nsec != a.st_mtim.tv_nsec || b.st_ctim.tv_sec != a.st_ctim.tv_sec ||
         b.st_ctim.tv_nsec != a.st_ctim.tv_nsec || b.st_mode != a.st_mode || b.st_uid != a.st_uid ||
         b.st_gid != a.st_gid;
}

const char* zero_block() {
  static const std::vector<char> kZeros(kBlockBytes, 0);
  return kZeros.data();
}

// One pass over one file: the digests asked for, and the bytes when small enough.
class ExtentHasher {
 public:
  ExtentHasher(FileReader& reader, std::uint64_t cap, RateLimiter* limiter, char* buf, std::size_t block)
      : reader_(reader), cap_(cap), limiter_(limiter), buf_(buf), block_(block) {}

  Result<FileDigests> run(bool md5, bool sha1, std::size_t keep_bytes_up_to) {
    FileDigests& out = out_;
    if (reader_.stat(&out.before) != 0 || reader_.abandoned()) return fail("fstat");
    if (!S_ISREG(out.before.st_mode)) {
      return Unexpected(Error::make(ErrorKind::kNotRegular, "read", "", "not a regular file"));
    }
    const auto size = static_cast<std::uint64_t>(out.before.st_size);
    if (size > cap_) {
      out.over_cap = true;  // nothing read, no digest (REQUIREMENTS 18)
      return std::move(out_);
    }
    auto sha256 = Digest::create(DigestAlgorithm::kSha256);
    if (!sha256) return Unexpected(sha256.error());
    sha256_.emplace(std::move(*sha256));
    if (md5) {
      auto d = Digest::create(DigestAlgorithm::kMd5);
      if (!d) return Unexpected(d.error());
      md5_.emplace(std::move(*d));
    }
    if (sha1) {
      auto d = Digest::create(DigestAlgorithm::kSha1);
      if (!d) return Unexpected(d.error());
      sha1_.emplace(std::move(*d));
    }
    if (keep_bytes_up_to > 0 && size <= keep_bytes_up_to) {
      keep_limit_ = keep_bytes_up_to;
      content_.emplace();
      content_->reserve(static_cast<std::size_t>(size));
    }
    if (size > block_) {
      // Advice only: doubles the readahead window on a cold cache; cannot block.
      (void)::posix_fadvise(reader_.fd(), 0, 0, POSIX_FADV_SEQUENTIAL);
    }

    // Holes are looked for only where the blocks allocated do not cover the size (GNU tar's
    // test): a dense file is read sequentially, saving two lseek calls per file.
    const bool sparse = size > 0 && static_cast<std::uint64_t>(out.before.st_blocks) * 512 < size;
    if (sparse) {
      if (auto e = read_extents(size)) return Unexpected(std::move(*e));
    }
    // Whatever the extents did not cover (all of a dense file), then on to EOF: st_size is a
    // snapshot, and sha256sum reads to EOF too.
    if (!eof_ && !out.over_cap) {
      if (auto e = read_range(kToEof)) return Unexpected(std::move(*e));
    }
    if (out.over_cap) return std::move(out_);  // grew past the cap while read: no digest

    struct stat after {};
    if (reader_.stat(&after) != 0) return fail("fstat");
    out.changed_during_read = stat_changed(out.before, after);
    if (!out.changed_during_read) {  // REQUIREMENTS 17: a changed file gets no digest
      out.sha256 = sha256_->finish();
      if (md5_) out.md5 = md5_->finish();
      if (sha1_) out.sha1 = sha1_->finish();
      out.content = std::move(content_);
    }
    return std::move(out_);
  }

 private:
  Unexpected fail(const char* operation) {
    if (reader_.abandoned()) return Unexpected(abandoned_error());
    return Unexpected(Error::from_errno(errno, operation));
  }

  // Data extents up to the size seen by the first fstat, zeros fed for the holes between them.
  std::optional<Error> read_extents(std::uint64_t size) {
    while (pos_ < size && !eof_ && !out_.over_cap) {
      off_t data = reader_.lseek(pos_, SEEK_DATA);
      if (reader_.abandoned()) return abandoned_error();
      if (data < 0) {
        if (errno == ENXIO) {
          data = static_cast<off_t>(size);  // no data after pos_: the file ends with a hole
        } else if (errno == EINVAL || errno == EOPNOTSUPP) {
          return std::nullopt;  // no SEEK_DATA here: the caller reads the rest sequentially
        } else {
          return Error::from_errno(errno, "lseek(SEEK_DATA)");
        }
      }
      const std::uint64_t data_at = std::min(static_cast<std::uint64_t>(data), size);
      if (data_at < pos_) return std::nullopt;  // nonsense from the filesystem: read it all
      feed_zeros(data_at - pos_);
      if (pos_ >= size) break;
      off_t hole = reader_.lseek(pos_, SEEK_HOLE);
      if (reader_.abandoned()) return abandoned_error();
      if (hole < 0) {
        // ENXIO: pos_ is past EOF now (the file shrank; the read below sees EOF at once).
        if (errno == ENXIO || errno == EINVAL || errno == EOPNOTSUPP) return std::nullopt;
        return Error::from_errno(errno, "lseek(SEEK_HOLE)");
      }
      const std::uint64_t end = std::min(static_cast<std::uint64_t>(hole), size);
      if (end <= pos_) return std::nullopt;
      if (auto e = read_range(end)) return e;
    }
    return std::nullopt;
  }

  // Reads [pos_, end) or up to EOF, whichever comes first.
  std::optional<Error> read_range(std::uint64_t end) {
    while (pos_ < end) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(block_, end - pos_));
      ssize_t n = reader_.pread(buf_, want, pos_);
      if (reader_.abandoned()) return abandoned_error();
      if (n < 0) return Error::from_errno(errno, "pread");
      if (n == 0) {
        eof_ = true;  // EOF before st_size means truncated: the fstat after flags it
        return std::nullopt;
      }
      const auto got = static_cast<std::uint64_t>(n);
      feed(buf_, got);
      out_.bytes_read += got;
      if (pos_ > cap_) {
        out_.over_cap = true;
        return std::nullopt;
      }
      if (limiter_ != nullptr) limiter_->pace(got);
    }
    return std::nullopt;
  }

  void feed(const char* p, std::uint64_t n) {
    sha256_->update(p, n);
    if (md5_) md5_->update(p, n);
    if (sha1_) sha1_->update(p, n);
    if (content_) {
      if (content_->size() + n > keep_limit_) {
        content_.reset();  // grew beyond what the caller wanted kept
      } else {
        content_->append(p, n);
      }
    }
    pos_ += n;
  }

  void feed_zeros(std::uint64_t n) {
    out_.hole_bytes += n;
    while (n > 0) {
      const auto chunk = std::min<std::uint64_t>(n, kBlockBytes);
      feed(zero_block(), chunk);
      n -= chunk;
    }
  }

  FileReader& reader_;
  std::uint64_t cap_;
  RateLimiter* limiter_;
  char* buf_;
  std::size_t block_;
  FileDigests out_;
  std::optional<Digest> sha256_, md5_, sha1_;
  std::optional<std::string> content_;
  std::size_t keep_limit_ = 0;
  std::uint64_t pos_ = 0;  // logical offset: bytes fed to the digests so far
  bool eof_ = false;
};

}  // namespace

// ---- the pool ---------------------------------------------------------------------------------

namespace {

// Everything the threads share. Workers and the watchdog hold it by shared_ptr: a worker stuck
// in the kernel is detached and may outlive the HashPool.
struct Shared {
  Shared(HashPoolOptions o, std::function<void(HashResult&&)> done)
      : options(o), on_done(std::move(done)), limiter(o.io_rate_bytes_per_s), block(block_size(o)) {}

  HashPoolOptions options;
  std::function<void(HashResult&&)> on_done;
  IoOps io;  // set before the first submit (test seam), then read-only
  RateLimiter limiter;
  std::size_t block;
  std::atomic<unsigned> hung{0};

  std::mutex mu;
  std::condition_variable work_cv;      // a request queued, or stopping
  std::condition_variable space_cv;     // room in the queue
  std::condition_variable done_cv;      // a result delivered
  std::condition_variable watchdog_cv;  // the watchdog must stop
  std::deque<HashRequest> queue;
  std::list<std::shared_ptr<Slot>> slots;  // live workers (abandoned ones are detached, not here)
  std::uint64_t submitted = 0;
  std::uint64_t delivered = 0;
  bool stopping = false;
  bool watchdog_stopping = false;

  bool gave_up() const {
    return options.per_item_timeout.count() > 0 && hung.load() >= std::max(options.max_hung, 1u);
  }

  void deliver(HashResult&& result) {
    on_done(std::move(result));
    {
      std::lock_guard lock(mu);
      ++delivered;
    }
    done_cv.notify_all();
  }
};

void worker_main(std::shared_ptr<Shared> s, std::shared_ptr<Slot> slot);

void spawn_worker_locked(const std::shared_ptr<Shared>& s) {
  auto slot = std::make_shared<Slot>();
  slot->thread = std::thread(worker_main, s, slot);
  s->slots.push_back(std::move(slot));
}

void worker_main(std::shared_ptr<Shared> s, std::shared_ptr<Slot> slot) {
  advise_thread_heap();
  auto buf = std::make_unique_for_overwrite<char[]>(s->block);
  IoGuard guard(slot.get());
  for (;;) {
    HashRequest request;
    {
      std::unique_lock lock(s->mu);
      s->work_cv.wait(lock, [&] { return !s->queue.empty() || s->stopping; });
      if (s->queue.empty()) return;
      request = std::move(s->queue.front());
      s->queue.pop_front();
    }
    s->space_cv.notify_one();
    Result<FileDigests> result;
    if (s->gave_up()) {
      result = Unexpected(Error::make(ErrorKind::kTimeout, "read", "",
                                      "not attempted: earlier reads in this pool hung"));
    } else {
      slot->item_id.store(request.id);
      FileReader reader(request.fd.get(), s->io, guard);
      ExtentHasher hasher(reader, s->options.max_file_bytes, &s->limiter, buf.get(), s->block);
      result = hasher.run(request.md5, request.sha1, request.keep_bytes_up_to);
      // The watchdog already delivered kTimeout for this item and started a replacement: this
      // thread is detached and ends here (the fd closes with `request`).
      if (reader.abandoned()) return;
    }
    request.fd.reset();
    s->deliver(HashResult{request.id, std::move(result)});
  }
}

// Gives up items whose I/O call has been blocked longer than the limit: delivers kTimeout,
// detaches the stuck worker (it cannot be interrupted) and starts a replacement.
void watchdog_main(std::shared_ptr<Shared> s) {
  const std::int64_t limit_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(s->options.per_item_timeout).count();
  const auto period = std::clamp<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(s->options.per_item_timeout) / 4,
      std::chrono::milliseconds(1), std::chrono::milliseconds(100));
  std::unique_lock lock(s->mu);
  while (!s->watchdog_stopping) {
    s->watchdog_cv.wait_for(lock, period);
    if (s->watchdog_stopping) break;
    std::vector<std::uint64_t> timed_out;
    const std::int64_t now = now_ns();
    for (auto it = s->slots.begin(); it != s->slots.end();) {
      Slot& slot = **it;
      std::int64_t since = slot.io_since.load();
      if (since > 0 && now - since > limit_ns &&
          slot.io_since.compare_exchange_strong(since, kAbandoned)) {
        timed_out.push_back(slot.item_id.load());
        slot.thread.detach();
        it = s->slots.erase(it);
        s->hung.fetch_add(1);
      } else {
        ++it;
      }
    }
    if (timed_out.empty()) continue;
    for (std::size_t i = 0; i < timed_out.size(); ++i) spawn_worker_locked(s);
    lock.unlock();
    for (std::uint64_t id : timed_out) {
      s->deliver(HashResult{id, Unexpected(Error::make(ErrorKind::kTimeout, "read", "",
                                                       "read blocked longer than the per-item limit"))});
    }
    lock.lock();
  }
}

}  // namespace

struct HashPool::Impl {
  std::shared_ptr<Shared> shared;
  std::thread watchdog;
  // Stops the watchdog, then the workers once the queue is empty, and joins them.
  void stop();
};

HashPool::HashPool(HashPoolOptions options, std::function<void(HashResult&&)> on_done)
    : impl_(std::make_unique<Impl>()) {
  if (options.queue_depth == 0) options.queue_depth = 1;
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  impl_->shared = std::make_shared<Shared>(options, std::move(on_done));
  try {
    {
      std::lock_guard lock(impl_->shared->mu);
      for (unsigned i = 0; i < threads; ++i) spawn_worker_locked(impl_->shared);
    }
    if (options.per_item_timeout.count() > 0) impl_->watchdog = std::thread(watchdog_main, impl_->shared);
  } catch (...) {
    impl_->stop();  // joins the threads already started: a joinable std::thread must not be destroyed
    throw;
  }
}

HashPool::~HashPool() {
  finish();
  impl_->stop();
}

void HashPool::Impl::stop() {
  Shared& s = *shared;
  {
    std::lock_guard lock(s.mu);
    s.watchdog_stopping = true;
  }
  s.watchdog_cv.notify_all();
  if (watchdog.joinable()) watchdog.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(s.mu);
    s.stopping = true;
    for (auto& slot : s.slots) threads.push_back(std::move(slot->thread));
    s.slots.clear();
  }
  s.work_cv.notify_all();
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
}

void HashPool::submit(HashRequest&& request) {
  Shared& s = *impl_->shared;
  {
    std::unique_lock lock(s.mu);
    s.space_cv.wait(lock, [&] { return s.queue.size() < s.options.queue_depth; });
    s.queue.push_back(std::move(request));
    ++s.submitted;
  }
  s.work_cv.notify_one();
}

void HashPool::finish() {
  Shared& s = *impl_->shared;
  std::unique_lock lock(s.mu);
  s.done_cv.wait(lock, [&] { return s.delivered == s.submitted; });
}

void HashPoolTestSeam::set_io(HashPool& pool, PreadFn pread_fn, LseekFn lseek_fn) {
  Shared& s = *pool.impl_->shared;
  std::lock_guard lock(s.mu);
  s.io.pread = std::move(pread_fn);
  s.io.lseek = std::move(lseek_fn);
}

Result<FileDigests> hash_file_extents(int fd, const HashPoolOptions& options, bool md5, bool sha1,
                                      std::size_t keep_bytes_up_to) {
  const IoOps io;
  IoGuard guard(nullptr);
  FileReader reader(fd, io, guard);
  RateLimiter limiter(options.io_rate_bytes_per_s);
  const std::size_t block = block_size(options);
  auto buf = std::make_unique_for_overwrite<char[]>(block);
  ExtentHasher hasher(reader, options.max_file_bytes, &limiter, buf.get(), block);
  return hasher.run(md5, sha1, keep_bytes_up_to);
}

}  // namespace hozen::platform
