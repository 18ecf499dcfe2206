// The rooted filesystem: caps, non-regular files, symlinks that try to leave the root.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "platform/fs.h"
#include "tests/support/temp_dir.h"

using namespace hozen;

TEST_CASE("read_file caps the read and flags truncation; never trusts st_size", "[fs]") {
  testing::TempDir d;
  testing::write_all(d / "f", std::string(1000, 'x'));
  auto fs = platform::RootedFileSystem::open(d.path());
  REQUIRE(fs);
  auto all = (*fs)->read_file("/f", 1000);
  REQUIRE(all);
  CHECK(all->bytes.size() == 1000);
  CHECK_FALSE(all->truncated);
  auto cut = (*fs)->read_file("/f", 999);
  REQUIRE(cut);
  CHECK(cut->bytes.size() == 999);
  CHECK(cut->truncated);
  // procfs files report st_size 0 but have content.
  auto live = platform::RootedFileSystem::open("/");
  auto up = (*live)->read_file("/proc/uptime", 4096);
  REQUIRE(up);
  CHECK(up->st.st_size == 0);
  CHECK_FALSE(up->bytes.empty());
}

TEST_CASE("T12/T13: FIFOs and sockets are never read (and opening does not block)", "[fs]") {
  testing::TempDir d;
  REQUIRE(::mkfifo((d / "fifo").c_str(), 0600) == 0);
  int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  std::string sp = d / "sock";
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sp.c_str());
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  auto fs = platform::RootedFileSystem::open(d.path());
  auto f = (*fs)->read_file("/fifo", 100);
  REQUIRE_FALSE(f);
  CHECK(f.error().kind == platform::ErrorKind::kNotRegular);
  auto so = (*fs)->read_file("/sock", 100);
  REQUIRE_FALSE(so);  // ENXIO on open, or not regular
  ::close(s);
  auto dir = (*fs)->read_file("/", 100);
  REQUIRE_FALSE(dir);
}

TEST_CASE("T9: symlinks resolve inside the root, never outside it", "[fs]") {
  testing::TempDir outside, root;
  testing::write_all(outside / "secret", "outside");
  ::mkdir((root / "etc").c_str(), 0755);
  testing::write_all(root / "etc/shadow", "inside");
  ::symlink("/etc/shadow", (root / "abs").c_str());
  ::symlink("../../../../../../../../etc/shadow", (root / "dotdot").c_str());
  ::symlink((outside / "secret").c_str(), (root / "escape").c_str());
  ::symlink("loop2", (root / "loop1").c_str());
  ::symlink("loop1", (root / "loop2").c_str());
  auto fs = platform::RootedFileSystem::open(root.path());
  REQUIRE(fs);
  CHECK((*fs)->read_file("/abs", 100)->bytes == "inside");
  CHECK((*fs)->read_file("/dotdot", 100)->bytes == "inside");
  CHECK((*fs)->read_file("/../../etc/shadow", 100)->bytes == "inside");
  auto esc = (*fs)->read_file("/escape", 100);
  CHECK_FALSE(esc);  // resolved as <root>/tmp/..., which does not exist
  auto loop = (*fs)->read_file("/loop1", 100);
  REQUIRE_FALSE(loop);
  CHECK(loop.error().err == ELOOP);
  CHECK((*fs)->read_link("/abs").value() == "/etc/shadow");
  auto notlink = (*fs)->read_link("/etc/shadow");
  REQUIRE_FALSE(notlink);
  CHECK(notlink.error().kind == platform::ErrorKind::kInvalidArgument);
}

TEST_CASE("T11: magic links are not traversed", "[fs]") {
  auto live = platform::RootedFileSystem::open("/");
  auto exe = (*live)->read_file("/proc/self/exe", 100);
  CHECK_FALSE(exe);
}

TEST_CASE("names with newlines and invalid UTF-8 are listed and read byte-exact", "[fs]") {
  testing::TempDir d;
  std::string odd = std::string("a\nb\xff") + "-(deleted)";
  testing::write_all(d / odd, "content");
  auto fs = platform::RootedFileSystem::open(d.path());
  auto entries = (*fs)->list_dir("/", 100);
  REQUIRE(entries);
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].name == odd);
  CHECK((*fs)->read_file("/" + odd, 100)->bytes == "content");
  auto capped = (*fs)->list_dir("/", 0);
  REQUIRE_FALSE(capped);
  CHECK(capped.error().kind == platform::ErrorKind::kLimit);
}

TEST_CASE("relative or NUL-containing host paths are refused", "[fs]") {
  auto live = platform::RootedFileSystem::open("/");
  CHECK((*live)->read_file("etc/hostname", 10).error().kind == platform::ErrorKind::kInvalidArgument);
  CHECK((*live)->read_file(std::string("/etc/host\0name", 14), 10).error().kind ==
        platform::ErrorKind::kInvalidArgument);
}

TEST_CASE("T6: O_NOATIME refused (not the owner) falls back and flags the item", "[fs]") {
  if (::geteuid() != 0) {
    WARN("needs root to switch to uid 65534: skipped");
    return;
  }
  testing::TempDir d;
  ::chmod(d.path().c_str(), 0755);
  testing::write_all(d / "roots", "root's world-readable file");
  ::chmod((d / "roots").c_str(), 0644);
  testing::write_all(d / "mine", "nobody's file");
  ::chown((d / "mine").c_str(), 65534, 65534);
  pid_t pid = ::fork();
  if (pid == 0) {
    // As nobody: O_NOATIME on root's file is EPERM (not owner, no CAP_FOWNER); on its own is fine.
    if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
        ::setresuid(65534, 65534, 65534) != 0) {
      ::_exit(10);
    }
    auto fs = platform::RootedFileSystem::open(d.path());
    if (!fs) ::_exit(11);
    auto a = (*fs)->read_file("/roots", 100);
    auto b = (*fs)->read_file("/mine", 100);
    if (!a || !b) ::_exit(12);
    if (a->bytes != "root's world-readable file") ::_exit(13);
    if (!a->atime_may_have_changed) ::_exit(14);
    if (b->atime_may_have_changed) ::_exit(15);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("read_file never opens a FIFO: a writer waiting for a reader stays blocked", "[fs]") {
  testing::TempDir dir;
  const std::string fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::atomic<bool> writer_opened{false};
  std::thread writer([&] {
    int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);  // blocks until someone opens for reading
    writer_opened = true;
    if (fd >= 0) ::close(fd);
  });
  auto fs = platform::RootedFileSystem::open(dir.path());
  REQUIRE(fs);
  auto r = (*fs)->read_file("/fifo", 1024);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == platform::ErrorKind::kNotRegular);
  auto x = (*fs)->read_data_extents("/fifo", 1024, 16);
  REQUIRE_FALSE(x);
  CHECK(x.error().kind == platform::ErrorKind::kNotRegular);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(writer_opened.load());  // had read_file opened it, the writer's open would have returned
  int rd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // release the writer
  writer.join();
  if (rd >= 0) ::close(rd);
  CHECK(writer_opened.load());
}

TEST_CASE("read_capped: complete_below skips the end-of-file read only for a short first read", "[fs]") {
  // A pipe returns exactly what was written so far: a stand-in for a kernel file rendered in one
  // piece. With the writer still open, a second read() would block: the test would hang.
  int p[2];
  REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
  REQUIRE(::write(p[1], "9 (x) S 1", 9) == 9);
  bool truncated = true;
  auto r = platform::read_capped(p[0], 1 << 20, &truncated, 4096);
  REQUIRE(r);
  CHECK(*r == "9 (x) S 1");
  CHECK(!truncated);
  // A first read of a page or more is not taken as the whole file: reading goes on to EOF.
  std::string page(4096, 'a');
  REQUIRE(::write(p[1], page.data(), page.size()) == 4096);
  REQUIRE(::write(p[1], "tail", 4) == 4);
  ::close(p[1]);
  auto all = platform::read_capped(p[0], 1 << 20, &truncated, 4096);
  REQUIRE(all);
  CHECK(all->size() == 4100);
  ::close(p[0]);
}
