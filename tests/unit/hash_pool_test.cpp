// HashPool: digests equal the standard tools', each request answered exactly once, sparse files
// hashed without reading their holes, caps and changing files give no digest (REQUIREMENTS 17,
// 18; T18-T21), a hung read times out without holding the pool (T14), the I/O rate is kept.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "platform/digest.h"
#include "platform/hash_pool.h"
#include "platform/hash_pool_test_seam.h"
#include "platform/sha256.h"
#include "tests/support/temp_dir.h"

using namespace hozen;
using namespace std::chrono_literals;
using platform::DigestAlgorithm;
using platform::ErrorKind;
using platform::HashPool;
using platform::HashPoolOptions;
using platform::HashRequest;
using platform::HashResult;
using platform::UniqueFd;

namespace {

using Clock = std::chrono::steady_clock;

UniqueFd open_ro(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  REQUIRE(fd.valid());
  return fd;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::string hex(const std::optional<std::string>& raw) { return raw ? platform::to_hex(*raw) : "<none>"; }

// Collects results from the worker threads; Catch2 assertions stay in the test thread.
struct Collector {
  std::mutex mu;
  std::map<std::uint64_t, std::vector<HashResult>> by_id;
  std::size_t calls = 0;

  std::function<void(HashResult&&)> callback() {
    return [this](HashResult&& r) {
      std::lock_guard lock(mu);
      ++calls;
      by_id[r.id].push_back(std::move(r));
    };
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return calls;
  }
  // The single result of `id` (fails the test if there is not exactly one).
  HashResult& one(std::uint64_t id) {
    std::lock_guard lock(mu);
    auto& v = by_id[id];
    REQUIRE(v.size() == 1);
    return v.front();
  }
};

HashRequest request(std::uint64_t id, const std::string& path, bool md5 = false, bool sha1 = false,
                    std::size_t keep = 0) {
  HashRequest r;
  r.id = id;
  r.fd = open_ro(path);
  r.md5 = md5;
  r.sha1 = sha1;
  r.keep_bytes_up_to = keep;
  return r;
}

// A read that blocks until released, standing in for pread on a hung disk.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int blocked = 0;
  void release() {
    std::lock_guard l(mu);
    open = true;
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("HashPool: digests equal known vectors and OpenSSL one-shot digests", "[hash_pool]") {
  testing::TempDir dir;
  const std::string big = random_bytes((3u << 20) + 12345, 7);  // several 1 MiB reads, odd tail
  testing::write_all(dir / "abc", "abc");
  testing::write_all(dir / "empty", "");
  testing::write_all(dir / "big", big);
  Collector got;
  {
    HashPool pool(HashPoolOptions{.threads = 2}, got.callback());
    pool.submit(request(1, dir / "abc", true, true));
    pool.submit(request(2, dir / "empty", true, true));
    pool.submit(request(3, dir / "big", true, true));
    pool.submit(request(4, dir / "abc"));  // SHA-256 only
    pool.finish();
  }
  auto& abc = got.one(1);
  REQUIRE(abc.digests);
  CHECK(hex(abc.digests->sha256) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(abc.digests->md5) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(hex(abc.digests->sha1) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(abc.digests->bytes_read == 3);
  CHECK(abc.digests->hole_bytes == 0);
  CHECK_FALSE(abc.digests->content);  // not asked for
  auto& empty = got.one(2);
  REQUIRE(empty.digests);
  CHECK(hex(empty.digests->sha256) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex(empty.digests->md5) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hex(empty.digests->sha1) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  auto& b = got.one(3);
  REQUIRE(b.digests);
  CHECK(*b.digests->sha256 == platform::Digest::of(DigestAlgorithm::kSha256, big));
  CHECK(*b.digests->md5 == platform::Digest::of(DigestAlgorithm::kMd5, big));
  CHECK(*b.digests->sha1 == platform::Digest::of(DigestAlgorithm::kSha1, big));
  CHECK(b.digests->bytes_read == big.size());
  CHECK(b.digests->before.st_size == static_cast<off_t>(big.size()));
  auto& only = got.one(4);
  REQUIRE(only.digests);
  CHECK(only.digests->sha256);
  CHECK_FALSE(only.digests->md5);
  CHECK_FALSE(only.digests->sha1);
}

TEST_CASE("HashPool: many files through 2 threads and a queue of 2, each answered once", "[hash_pool]") {
  testing::TempDir dir;
  constexpr int kFiles = 300;
  std::vector<std::string> data;
  for (int i = 0; i < kFiles; ++i) {
    data.push_back(random_bytes(static_cast<std::size_t>(i) * 997 % 70000, static_cast<unsigned>(i)));
    testing::write_all(dir / std::to_string(i), data.back());
  }
  Collector got;
  {
    HashPool pool(HashPoolOptions{.threads = 2, .queue_depth = 2}, got.callback());
    for (int i = 0; i < kFiles; ++i) pool.submit(request(static_cast<std::uint64_t>(i), dir / std::to_string(i)));
    pool.finish();
    CHECK(got.count() == kFiles);
  }
  CHECK(got.count() == kFiles);
  for (int i = 0; i < kFiles; ++i) {
    auto& r = got.one(static_cast<std::uint64_t>(i));
    REQUIRE(r.digests);
    CHECK(*r.digests->sha256 == platform::as_bytes(platform::Sha256::of(data[static_cast<std::size_t>(i)])));
  }
}

TEST_CASE("HashPool: the destructor waits for every result", "[hash_pool]") {
  testing::TempDir dir;
  testing::write_all(dir / "f", "x");
  Collector got;
  {
    HashPool pool(HashPoolOptions{.threads = 1, .queue_depth = 1}, got.callback());
    for (std::uint64_t i = 0; i < 20; ++i) pool.submit(request(i, dir / "f"));
  }
  CHECK(got.count() == 20);
}

// T20 asks for 8 GiB; that is ~15 s of SHA-256 over zeros (pool + reference) on the 2-core CI
// VM, so the default is 1 GiB and HOZEN_SPARSE_TEST_GIB=8 runs the full size.
TEST_CASE("HashPool: a large sparse file hashed hole-aware equals the full-content digest (T20)",
          "[hash_pool][sparse]") {
  testing::TempDir dir;
  const std::string path = dir / "sparse";
  const char* gib_env = std::getenv("HOZEN_SPARSE_TEST_GIB");
  const std::uint64_t gib = gib_env != nullptr ? std::max(1ull, std::strtoull(gib_env, nullptr, 10)) : 1;
  const std::uint64_t size = gib << 30;
  struct Piece {
    std::uint64_t offset;
    std::string bytes;
  };
  const std::vector<Piece> pieces = {
      {0, "hozen sparse start"},
      {size / 8 + 12345, random_bytes((3u << 20) + 7, 1)},  // unaligned, spans extents
      {size / 8 * 5, random_bytes(4096, 2)},
      {size - 5, "tail!"},
  };
  INFO("sparse file size " << gib << " GiB");
  {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    REQUIRE(fd.valid());
    REQUIRE(::ftruncate(fd.get(), static_cast<off_t>(size)) == 0);
    for (const auto& p : pieces) {
      REQUIRE(::pwrite(fd.get(), p.bytes.data(), p.bytes.size(), static_cast<off_t>(p.offset)) ==
              static_cast<ssize_t>(p.bytes.size()));
    }
  }
  // Reference: SHA-256 over the logical content, built here chunk by chunk from the pieces.
  auto reference = platform::Digest::create(DigestAlgorithm::kSha256);
  REQUIRE(reference);
  {
    constexpr std::uint64_t kChunk = 1 << 20;
    std::vector<char> chunk(kChunk);
    for (std::uint64_t at = 0; at < size; at += kChunk) {
      std::memset(chunk.data(), 0, kChunk);
      for (const auto& p : pieces) {
        const std::uint64_t lo = std::max(at, p.offset), hi = std::min(at + kChunk, p.offset + p.bytes.size());
        if (lo < hi) std::memcpy(chunk.data() + (lo - at), p.bytes.data() + (lo - p.offset), hi - lo);
      }
      reference->update(chunk.data(), kChunk);
    }
  }
  const std::string expected = reference->finish();

  Collector got;
  {
    HashPool pool(HashPoolOptions{.threads = 1, .max_file_bytes = size}, got.callback());
    pool.submit(request(1, path));
  }
  auto& r = got.one(1);
  REQUIRE(r.digests);
  CHECK(hex(r.digests->sha256) == platform::to_hex(expected));
  CHECK_FALSE(r.digests->changed_during_read);
  CHECK(r.digests->bytes_read + r.digests->hole_bytes == size);
  CHECK(r.digests->bytes_read < (16u << 20));  // a few data blocks, not the whole size
  CHECK(r.digests->before.st_blocks * 512 < (16 << 20));
}

TEST_CASE("HashPool: without SEEK_DATA the file is read sequentially, same digest", "[hash_pool][sparse]") {
  testing::TempDir dir;
  const std::string path = dir / "sparse";
  const std::string middle = random_bytes(100000, 3);
  {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    REQUIRE(fd.valid());
    REQUIRE(::ftruncate(fd.get(), 64 << 20) == 0);
    REQUIRE(::pwrite(fd.get(), middle.data(), middle.size(), 20 << 20) == static_cast<ssize_t>(middle.size()));
  }
  std::string logical(64 << 20, '\0');
  logical.replace(20 << 20, middle.size(), middle);
  const std::string expected = platform::Digest::of(DigestAlgorithm::kSha256, logical);

  SECTION("hole-aware") {
    Collector got;
    {
      HashPool pool(HashPoolOptions{.threads = 1}, got.callback());
      pool.submit(request(1, path, false, false, 64 << 20));
    }
    auto& r = got.one(1);
    REQUIRE(r.digests);
    CHECK(*r.digests->sha256 == expected);
    CHECK(r.digests->hole_bytes > (60u << 20));
    REQUIRE(r.digests->content);
    CHECK(*r.digests->content == logical);  // holes kept as the zeros they read as
  }
  SECTION("lseek(SEEK_DATA) fails with EINVAL") {
    Collector got;
    std::atomic<int> seeks{0};
    {
      HashPool pool(HashPoolOptions{.threads = 1}, got.callback());
      platform::HashPoolTestSeam::set_io(pool, {}, [&seeks](int, off_t, int) -> off_t {
        ++seeks;
        errno = EINVAL;
        return -1;
      });
      pool.submit(request(1, path));
    }
    auto& r = got.one(1);
    REQUIRE(r.digests);
    CHECK(seeks.load() == 1);
    CHECK(*r.digests->sha256 == expected);
    CHECK(r.digests->hole_bytes == 0);
    CHECK(r.digests->bytes_read == logical.size());
  }
}

TEST_CASE("HashPool: files over the cap are not read and get no digest (T20, T21)", "[hash_pool]") {
  testing::TempDir dir;
  SECTION("1 TiB sparse file, cap below it") {
    const std::string path = dir / "huge";
    {
      UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
      REQUIRE(fd.valid());
      REQUIRE(::ftruncate(fd.get(), static_cast<off_t>(1ull << 40)) == 0);
    }
    Collector got;
    const auto t0 = Clock::now();
    {
      HashPool pool(HashPoolOptions{.threads = 1, .max_file_bytes = 8ull << 30}, got.callback());
      pool.submit(request(1, path, true, true, 1 << 20));
    }
    CHECK(Clock::now() - t0 < 10s);
    auto& r = got.one(1);
    REQUIRE(r.digests);
    CHECK(r.digests->over_cap);
    CHECK_FALSE(r.digests->sha256);
    CHECK_FALSE(r.digests->md5);
    CHECK_FALSE(r.digests->sha1);
    CHECK_FALSE(r.digests->content);
    CHECK(r.digests->bytes_read == 0);
    CHECK(r.digests->before.st_size == static_cast<off_t>(1ull << 40));
  }
  SECTION("cap 1 MiB, file 2 MiB (T21); a file at the cap is hashed") {
    testing::write_all(dir / "two", random_bytes(2 << 20, 4));
    testing::write_all(dir / "one", random_bytes(1 << 20, 5));
    Collector got;
    {
      HashPool pool(HashPoolOptions{.threads = 1, .max_file_bytes = 1 << 20}, got.callback());
      pool.submit(request(1, dir / "two"));
      pool.submit(request(2, dir / "one"));
    }
    auto& over = got.one(1);
    REQUIRE(over.digests);
    CHECK(over.digests->over_cap);
    CHECK_FALSE(over.digests->sha256);
    CHECK(over.digests->bytes_read == 0);
    auto& at = got.one(2);
    REQUIRE(at.digests);
    CHECK_FALSE(at.digests->over_cap);
    CHECK(at.digests->sha256);
  }
}

TEST_CASE("HashPool: a file appended to while hashed is flagged, with no digest (T18)", "[hash_pool]") {
  testing::TempDir dir;
  const std::string path = dir / "log";
  testing::write_all(path, random_bytes(4 << 20, 6));
  Collector got;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    const std::string line(4096, 'a');
    while (!done.load()) {
      if (::write(fd.get(), line.data(), line.size()) < 0) break;
      std::this_thread::sleep_for(10ms);
    }
  });
  {
    // 8 MiB/s: about half a second to read 4 MiB, a wide window for the writer.
    HashPool pool(HashPoolOptions{.threads = 1, .io_rate_bytes_per_s = 8 << 20}, got.callback());
    pool.submit(request(1, path, true, true, 64 << 20));
  }
  done = true;
  writer.join();
  auto& r = got.one(1);
  REQUIRE(r.digests);
  CHECK(r.digests->changed_during_read);
  CHECK_FALSE(r.digests->sha256);
  CHECK_FALSE(r.digests->md5);
  CHECK_FALSE(r.digests->sha1);
  CHECK_FALSE(r.digests->content);
}

TEST_CASE("HashPool: a file truncated during the read is flagged, no crash (T19)", "[hash_pool]") {
  testing::TempDir dir;
  const std::string path = dir / "big";
  testing::write_all(path, random_bytes(4 << 20, 8));
  const off_t new_size = GENERATE(0, 1 << 20);
  Collector got;
  std::atomic<int> truncate_rc{-2};
  std::thread truncator([&] {  // no Catch2 assertion here: they are not thread-safe
    std::this_thread::sleep_for(150ms);
    truncate_rc = ::truncate(path.c_str(), new_size);
  });
  {
    HashPool pool(HashPoolOptions{.threads = 1, .io_rate_bytes_per_s = 8 << 20}, got.callback());
    pool.submit(request(1, path, false, false, 64 << 20));
  }
  truncator.join();
  CHECK(truncate_rc.load() == 0);
  auto& r = got.one(1);
  REQUIRE(r.digests);
  CHECK(r.digests->changed_during_read);
  CHECK_FALSE(r.digests->sha256);
  CHECK_FALSE(r.digests->content);
  CHECK(r.digests->bytes_read < (4u << 20));
}

TEST_CASE("HashPool: a hung read times out, the pool goes on, and gives up after max_hung (T14)",
          "[hash_pool][timeout]") {
  testing::TempDir dir;
  testing::write_all(dir / "hung", "on a dead disk");
  testing::write_all(dir / "fine", "readable");
  struct stat hung_st {};
  REQUIRE(::stat((dir / "hung").c_str(), &hung_st) == 0);
  auto gate = std::make_shared<Gate>();
  Collector got;
  std::chrono::steady_clock::duration elapsed{};
  {
    HashPool pool(HashPoolOptions{.threads = 1, .per_item_timeout = 100ms, .max_hung = 2}, got.callback());
    platform::HashPoolTestSeam::set_io(
        pool,
        [gate, ino = hung_st.st_ino](int fd, void* buf, std::size_t n, off_t off) -> ssize_t {
          struct stat st {};
          if (::fstat(fd, &st) == 0 && st.st_ino == ino) {
            std::unique_lock l(gate->mu);
            ++gate->blocked;
            gate->cv.wait(l, [&] { return gate->open; });
          }
          return ::pread(fd, buf, n, off);
        },
        {});
    const auto t0 = Clock::now();
    pool.submit(request(1, dir / "hung"));
    pool.submit(request(2, dir / "fine"));  // served by the replacement worker
    pool.submit(request(3, dir / "hung"));  // second hung read: the pool gives up
    pool.submit(request(4, dir / "fine"));
    pool.submit(request(5, dir / "hung"));
    pool.finish();
    elapsed = Clock::now() - t0;
    CHECK(got.count() == 5);
  }
  // Two limits of 100 ms, not the minutes a hung disk takes (generous bound for a loaded CI).
  CHECK(elapsed >= 200ms);
  CHECK(elapsed < 20s);
  auto& first = got.one(1);
  REQUIRE_FALSE(first.digests);
  CHECK(first.digests.error().kind == ErrorKind::kTimeout);
  auto& fine = got.one(2);
  REQUIRE(fine.digests);
  CHECK(*fine.digests->sha256 == platform::as_bytes(platform::Sha256::of("readable")));
  auto& second = got.one(3);
  REQUIRE_FALSE(second.digests);
  CHECK(second.digests.error().kind == ErrorKind::kTimeout);
  for (std::uint64_t id : {4, 5}) {  // given up: failed at once, the disk not touched again
    auto& r = got.one(id);
    REQUIRE_FALSE(r.digests);
    CHECK(r.digests.error().kind == ErrorKind::kTimeout);
  }
  {
    std::lock_guard l(gate->mu);
    CHECK(gate->blocked == 2);
  }
  // The stuck reads return after the pool is gone: their results are never delivered again.
  gate->release();
  std::this_thread::sleep_for(200ms);
  CHECK(got.count() == 5);
}

TEST_CASE("HashPool: a steady read paced by io_rate is not mistaken for a hung one", "[hash_pool][timeout]") {
  testing::TempDir dir;
  const std::string data = random_bytes(1 << 20, 9);
  testing::write_all(dir / "f", data);
  Collector got;
  {
    // 2 MiB/s: half a second in 1/16 s reads, each far below the 200 ms limit.
    HashPool pool(HashPoolOptions{.threads = 1, .per_item_timeout = 200ms, .io_rate_bytes_per_s = 2 << 20},
                  got.callback());
    pool.submit(request(1, dir / "f"));
  }
  auto& r = got.one(1);
  REQUIRE(r.digests);
  CHECK(*r.digests->sha256 == platform::as_bytes(platform::Sha256::of(data)));
}

TEST_CASE("HashPool: a read error gives an error result and no digest", "[hash_pool]") {
  testing::TempDir dir;
  testing::write_all(dir / "f", "bad sector");
  Collector got;
  {
    HashPool pool(HashPoolOptions{.threads = 1}, got.callback());
    platform::HashPoolTestSeam::set_io(
        pool,
        [](int, void*, std::size_t, off_t) -> ssize_t {
          errno = EIO;
          return -1;
        },
        {});
    pool.submit(request(1, dir / "f"));
  }
  auto& r = got.one(1);
  REQUIRE_FALSE(r.digests);
  CHECK(r.digests.error().kind == ErrorKind::kIo);
  CHECK(r.digests.error().err == EIO);
}

TEST_CASE("HashPool: keep_bytes_up_to returns the bytes hashed in the same pass", "[hash_pool]") {
  testing::TempDir dir;
  const std::string small = random_bytes(5000, 10);
  testing::write_all(dir / "small", small);
  testing::write_all(dir / "larger", random_bytes(5001, 11));
  Collector got;
  {
    HashPool pool(HashPoolOptions{.threads = 2}, got.callback());
    pool.submit(request(1, dir / "small", false, false, 5000));
    pool.submit(request(2, dir / "larger", false, false, 5000));
  }
  auto& kept = got.one(1);
  REQUIRE(kept.digests);
  REQUIRE(kept.digests->content);
  CHECK(*kept.digests->content == small);
  CHECK(*kept.digests->sha256 == platform::as_bytes(platform::Sha256::of(*kept.digests->content)));
  auto& not_kept = got.one(2);
  REQUIRE(not_kept.digests);
  CHECK(not_kept.digests->sha256);
  CHECK_FALSE(not_kept.digests->content);
}

TEST_CASE("HashPool: non-regular files are refused without reading", "[hash_pool]") {
  int p[2];
  REQUIRE(::pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
  UniqueFd write_end(p[1]);
  testing::TempDir dir;
  Collector got;
  {
    HashPool pool(HashPoolOptions{.threads = 1}, got.callback());
    HashRequest pipe_req;
    pipe_req.id = 1;
    pipe_req.fd = UniqueFd(p[0]);
    pool.submit(std::move(pipe_req));
    HashRequest dir_req;
    dir_req.id = 2;
    dir_req.fd = UniqueFd(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    pool.submit(std::move(dir_req));
  }
  for (std::uint64_t id : {1, 2}) {
    auto& r = got.one(id);
    REQUIRE_FALSE(r.digests);
    CHECK(r.digests.error().kind == ErrorKind::kNotRegular);
  }
}

TEST_CASE("HashPool: io_rate is respected across workers (lower bound only)", "[hash_pool]") {
  testing::TempDir dir;
  testing::write_all(dir / "a", random_bytes(1 << 20, 12));
  testing::write_all(dir / "b", random_bytes(1 << 20, 13));
  Collector got;
  const auto t0 = Clock::now();
  {
    HashPool pool(HashPoolOptions{.threads = 2, .io_rate_bytes_per_s = 4 << 20}, got.callback());
    pool.submit(request(1, dir / "a"));
    pool.submit(request(2, dir / "b"));
  }
  // 2 MiB at 4 MiB/s: at least half a second, whatever the number of workers.
  CHECK(Clock::now() - t0 >= 450ms);
  CHECK(got.one(1).digests);
  CHECK(got.one(2).digests);
}

TEST_CASE("hash_file_extents hashes in the calling thread as the pool does", "[hash_pool]") {
  testing::TempDir dir;
  const std::string data = random_bytes(2500000, 14);
  testing::write_all(dir / "f", data);
  UniqueFd fd = open_ro(dir / "f");
  auto r = platform::hash_file_extents(fd.get(), HashPoolOptions{}, true, false, 0);
  REQUIRE(r);
  CHECK(*r->sha256 == platform::Digest::of(DigestAlgorithm::kSha256, data));
  CHECK(*r->md5 == platform::Digest::of(DigestAlgorithm::kMd5, data));
  CHECK_FALSE(r->sha1);
  CHECK(r->bytes_read == data.size());
}
