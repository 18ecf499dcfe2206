// Hashing with a per-item time limit: a read that hangs (a dead disk) costs the caller at most
// the limit, and after a few hung reads the run stops touching the disk.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "platform/hash_file.h"
#include "platform/sha256.h"
#include "tests/support/temp_dir.h"

using namespace hozen;
using namespace std::chrono_literals;

namespace {

// A read that blocks until released, standing in for pread on a hung disk.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int calls = 0;
  void release() {
    std::lock_guard l(mu);
    open = true;
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("BoundedHasher: normal files hash as hash_fd does", "[hash][timeout]") {
  testing::TempDir dir;
  testing::write_all(dir / "f", "evidence bytes");
  int fd = ::open((dir / "f").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  platform::BoundedHasher h(5s, 2);
  auto r = h.hash(fd, 1 << 20);
  ::close(fd);
  REQUIRE(r);
  CHECK(*r->sha256 == platform::as_bytes(platform::Sha256::of("evidence bytes")));
  CHECK(h.abandoned() == 0);
}

TEST_CASE("hash_fd: the bytes hashed are kept only for small files, from the same read", "[hash]") {
  testing::TempDir dir;
  testing::write_all(dir / "small", "deleted implant bytes");
  testing::write_all(dir / "large", std::string(5000, 'x'));
  int small = ::open((dir / "small").c_str(), O_RDONLY | O_CLOEXEC);
  int large = ::open((dir / "large").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(small >= 0);
  REQUIRE(large >= 0);
  platform::BoundedHasher h(5s, 2);
  auto s = h.hash(small, 1 << 20, {}, 4096);
  auto l = h.hash(large, 1 << 20, {}, 4096);
  auto none = h.hash(small, 1 << 20, {}, 0);
  ::close(small);
  ::close(large);
  REQUIRE(s);
  REQUIRE(s->content);
  CHECK(*s->content == "deleted implant bytes");
  CHECK(*s->sha256 == platform::as_bytes(platform::Sha256::of(*s->content)));
  REQUIRE(l);
  CHECK(!l->content);  // over the copy size: a digest, no copy
  CHECK(l->sha256);
  REQUIRE(none);
  CHECK(!none->content);
}

TEST_CASE("BoundedHasher: a hung read times out, and the run gives up after max_abandoned", "[hash][timeout]") {
  auto gate = std::make_shared<Gate>();
  platform::BoundedHasher h(50ms, 2, [gate](int, std::uint64_t, std::size_t) -> platform::Result<platform::FileHash> {
    std::unique_lock l(gate->mu);
    ++gate->calls;
    gate->cv.wait(l, [&] { return gate->open; });
    return platform::FileHash{};
  });
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  auto t0 = std::chrono::steady_clock::now();
  auto first = h.hash(fd, 100);
  REQUIRE_FALSE(first);
  CHECK(first.error().kind == platform::ErrorKind::kTimeout);
  CHECK(h.abandoned() == 1);
  CHECK_FALSE(h.gave_up());
  auto second = h.hash(fd, 100);
  REQUIRE_FALSE(second);
  CHECK(h.gave_up());
  // Given up: fails at once without starting another read.
  auto third = h.hash(fd, 100);
  REQUIRE_FALSE(third);
  CHECK(third.error().kind == platform::ErrorKind::kTimeout);
  {
    std::lock_guard l(gate->mu);
    CHECK(gate->calls == 2);
  }
  // Two limits of 50 ms, not the minutes a hung disk would take (generous bound for loaded CI).
  CHECK(std::chrono::steady_clock::now() - t0 < 20s);
  ::close(fd);  // the workers own their dups; the caller's fd is free to close
  gate->release();
}

TEST_CASE("BoundedHasher: a stopping run abandons the wait", "[hash][timeout]") {
  auto gate = std::make_shared<Gate>();
  platform::BoundedHasher h(1h, 4, [gate](int, std::uint64_t, std::size_t) -> platform::Result<platform::FileHash> {
    std::unique_lock l(gate->mu);
    gate->cv.wait(l, [&] { return gate->open; });
    return platform::FileHash{};
  });
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  auto r = h.hash(fd, 100, [] { return true; });
  ::close(fd);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == platform::ErrorKind::kTimeout);
  CHECK(r.error().detail.find("stopping") != std::string::npos);
  gate->release();
}
