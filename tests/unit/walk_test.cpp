// The tree walker on hostile trees: symlink loops and escapes, FIFOs/sockets/devices, odd names,
// paths over PATH_MAX, entries vanishing mid-walk, a bind-mount loop, atime, limits, stopping.
// Tests that mount run on a thread that first unshares its mount namespace and makes "/" private,
// so the host's mount table is never touched; the namespace (and its tmpfs) dies with the thread.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "platform/walk.h"
#include "tests/support/private_mount.h"
#include "tests/support/temp_dir.h"

using namespace hozen;
using platform::ErrorKind;
using platform::WalkProblemKind;

namespace {

struct Seen {
  std::string path, name, target, capability;
  std::uint32_t mode = 0, depth = 0;
  std::uint64_t dev = 0, ino = 0, rdev = 0;
};
struct SeenProblem {
  std::string path;
  WalkProblemKind kind;
  ErrorKind error;
};
struct WalkLog {
  std::vector<Seen> entries;
  std::vector<SeenProblem> problems;
  platform::WalkStats stats;
  bool ok = false;
  std::string error;

  const Seen* find(const std::string& path) const {
    for (const auto& e : entries) {
      if (e.path == path) return &e;
    }
    return nullptr;
  }
  std::size_t count(WalkProblemKind k, ErrorKind ek) const {
    std::size_t n = 0;
    for (const auto& p : problems) n += (p.kind == k && p.error == ek) ? 1 : 0;
    return n;
  }
  std::size_t count(WalkProblemKind k) const {
    std::size_t n = 0;
    for (const auto& p : problems) n += p.kind == k ? 1 : 0;
    return n;
  }
};

platform::UniqueFd open_dir(const std::string& path) {
  return platform::UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME));
}

// Walks `root`; `hook` (optional) runs inside on_entry and may return false to stop.
WalkLog walk(const std::string& root, platform::WalkOptions options = {},
             std::function<bool(const platform::WalkEntry&)> hook = {},
             std::function<bool()> should_stop = {}) {
  WalkLog log;
  platform::WalkCallbacks cb;
  cb.on_entry = [&](const platform::WalkEntry& e) {
    log.entries.push_back(Seen{std::string(e.path), std::string(e.name), e.link_target,
                               e.capability, e.meta.mode, e.depth, e.meta.dev, e.meta.ino,
                               e.meta.rdev});
    return hook ? hook(e) : true;
  };
  cb.on_problem = [&](const platform::WalkProblem& p) {
    log.problems.push_back(SeenProblem{std::string(p.path), p.kind, p.error.kind});
  };
  cb.should_stop = std::move(should_stop);
  auto r = platform::walk_tree(open_dir(root), root, options, cb);
  log.ok = r.has_value();
  if (r) {
    log.stats = *r;
  } else {
    log.error = r.error().message();
  }
  return log;
}

using testing::in_private_tmpfs;

void make_dir(const std::string& p) { REQUIRE(::mkdir(p.c_str(), 0755) == 0); }
void make_file(const std::string& p, const std::string& data = "x") { testing::write_all(p, data); }
void make_link(const std::string& target, const std::string& p) {
  REQUIRE(::symlink(target.c_str(), p.c_str()) == 0);
}

}  // namespace

TEST_CASE("walk: every entry once, directories before their contents, exact paths and depths",
          "[walk]") {
  testing::TempDir d;
  make_dir(d / "a");
  make_dir(d / "a/b");
  make_file(d / "a/b/f", "hello");
  make_file(d / "top");
  auto log = walk(d.path());
  REQUIRE(log.ok);
  CHECK(log.entries.size() == 4);
  CHECK(log.stats.entries == 4);
  CHECK(log.stats.directories == 3);  // the start, a, a/b
  CHECK(log.problems.empty());
  CHECK_FALSE(log.stats.stopped);
  const Seen* f = log.find(d / "a/b/f");
  REQUIRE(f != nullptr);
  CHECK(f->name == "f");
  CHECK(f->depth == 3);
  CHECK(S_ISREG(f->mode));
  CHECK(log.find(d / "top")->depth == 1);
  // a before a/b before a/b/f
  std::map<std::string, std::size_t> order;
  for (std::size_t i = 0; i < log.entries.size(); ++i) order[log.entries[i].path] = i;
  CHECK(order[d / "a"] < order[d / "a/b"]);
  CHECK(order[d / "a/b"] < order[d / "a/b/f"]);

  SECTION("a start path ending in '/' gives no double slash") {
    auto log2 = walk(d.path() + "/");
    REQUIRE(log2.find(d / "top") != nullptr);
  }
  SECTION("a start that is not a directory is an error, not a walk") {
    auto r = platform::walk_tree(platform::UniqueFd(::open((d / "top").c_str(), O_RDONLY)),
                                 d / "top", {}, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::kNotRegular);
  }
}

TEST_CASE("walk T8/T9: symlink loops and escapes are recorded with their targets, never followed",
          "[walk]") {
  testing::TempDir d;
  make_link("b", d / "a");
  make_link("a", d / "b");
  make_link(".", d / "self");
  make_link("/etc/shadow", d / "leak");
  make_link("/", d / "root");
  std::string odd_target = std::string("x\n\xff/../", 7) + std::string(3000, 'y');
  make_link(odd_target, d / "odd");
  auto log = walk(d.path());
  REQUIRE(log.ok);
  CHECK(log.entries.size() == 6);  // the links themselves, nothing behind them
  CHECK(log.problems.empty());
  for (const auto& e : log.entries) CHECK(S_ISLNK(e.mode));
  CHECK(log.find(d / "a")->target == "b");
  CHECK(log.find(d / "b")->target == "a");
  CHECK(log.find(d / "self")->target == ".");
  CHECK(log.find(d / "leak")->target == "/etc/shadow");
  CHECK(log.find(d / "odd")->target == odd_target);

  // The sweep's opener refuses a symlink too, without following it.
  auto dir = open_dir(d.path());
  bool refused = false;
  auto leak = platform::open_entry_for_read(dir.get(), "leak", &refused);
  REQUIRE_FALSE(leak);
  CHECK(leak.error().kind == ErrorKind::kNotRegular);
}

TEST_CASE("walk T12/T13: FIFO without writer, socket, char device: metadata only", "[walk]") {
  testing::TempDir d;
  REQUIRE(::mkfifo((d / "fifo").c_str(), 0600) == 0);
  int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(s >= 0);
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  std::string sp = d / "sock";
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sp.c_str());
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::mknod((d / "zero").c_str(), S_IFCHR | 0600, makedev(1, 5)) == 0);
  auto log = walk(d.path());
  ::close(s);
  REQUIRE(log.ok);
  CHECK(log.problems.empty());
  REQUIRE(log.entries.size() == 3);
  CHECK(S_ISFIFO(log.find(d / "fifo")->mode));
  CHECK(S_ISSOCK(log.find(d / "sock")->mode));
  const Seen* dev = log.find(d / "zero");
  CHECK(S_ISCHR(dev->mode));
  CHECK(dev->rdev == makedev(1, 5));
  // open_entry_for_read refuses each without opening it (an O_PATH fd first): no blocking on the
  // FIFO, no driver open() on the device.
  auto dir = open_dir(d.path());
  for (const char* name : {"fifo", "sock", "zero"}) {
    auto fd = platform::open_entry_for_read(dir.get(), name, nullptr);
    REQUIRE_FALSE(fd);
    CHECK(fd.error().kind == ErrorKind::kNotRegular);
  }
}

TEST_CASE("walk T15: names with control bytes, 0xff, 255 bytes, leading '-' keep exact bytes",
          "[walk]") {
  testing::TempDir d;
  const std::vector<std::string> names = {
      "new\nline", "carriage\rreturn", "esc\x1b[31m", std::string("ff\xff\xfe", 4),
      std::string("\xf0\x80\x80", 3), std::string(255, 'n'), "-rf", "--help", " space", "*"};
  for (const auto& n : names) make_file(d / n);
  make_dir(d / "\n");
  make_file(d / "\n/\r");
  auto log = walk(d.path());
  REQUIRE(log.ok);
  CHECK(log.problems.empty());
  CHECK(log.entries.size() == names.size() + 2);
  for (const auto& n : names) {
    const Seen* e = log.find(d / n);
    REQUIRE(e != nullptr);
    CHECK(e->name == n);
  }
  CHECK(log.find(d.path() + "/\n/\r") != nullptr);
  auto dir = open_dir(d.path());
  auto fd = platform::open_entry_for_read(dir.get(), std::string(255, 'n'), nullptr);
  CHECK(fd);
}

TEST_CASE("walk T17: paths longer than PATH_MAX are walked and recorded in full", "[walk]") {
  testing::TempDir d;
  std::size_t deepest = 0;
  std::string deepest_path, expected;
  bool opened = false;
  std::string failed = in_private_tmpfs(d.path(), 0, [&](const std::string& root) {
    // 30 levels of 200-byte names: 6000+ bytes, built relative to dir fds (mkdir by path would
    // hit ENAMETOOLONG).
    int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
    expected = root;
    for (int i = 0; i < 30; ++i) {
      std::string name(200, static_cast<char>('a' + i % 26));
      if (::mkdirat(fd, name.c_str(), 0755) != 0) return;
      int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY);
      ::close(fd);
      fd = next;
      expected += "/" + name;
    }
    int f = ::openat(fd, "leaf", O_WRONLY | O_CREAT, 0644);
    if (f >= 0 && ::write(f, "deep", 4) == 4) ::close(f);
    ::close(fd);
    expected += "/leaf";
    platform::WalkCallbacks cb;
    cb.on_entry = [&](const platform::WalkEntry& e) {
      if (e.path.size() > deepest) {
        deepest = e.path.size();
        deepest_path = std::string(e.path);
        auto rd = platform::open_entry_for_read(e.parent_fd, e.name, nullptr);
        opened = rd.has_value() && S_ISREG(e.meta.mode);
      }
      return true;
    };
    auto r = platform::walk_tree(open_dir(root), root, {}, cb);
    if (!r) deepest = 0;
  });
  INFO(failed);
  REQUIRE(failed.empty());
  CHECK(deepest > 6000);
  CHECK(deepest_path == expected);
  CHECK(opened);
}

TEST_CASE("walk: entries and directories vanishing during the walk are reported, walk continues",
          "[walk]") {
  testing::TempDir d;
  make_dir(d / "gone");
  make_dir(d / "gone/sub");
  make_file(d / "gone/sub/f");
  make_dir(d / "v");
  for (int i = 0; i < 50; ++i) make_file(d / ("v/f" + std::to_string(i)));
  make_file(d / "stays");
  bool removed_v = false;
  auto log = walk(d.path(), {}, [&](const platform::WalkEntry& e) {
    if (e.name == "gone") {
      // Reported before it is entered: remove it now; opening it must fail with kNotFound.
      ::unlink((d / "gone/sub/f").c_str());
      ::rmdir((d / "gone/sub").c_str());
      ::rmdir((d / "gone").c_str());
    } else if (e.depth == 2 && !removed_v && e.path.starts_with(d / "v/")) {
      // The first entry of v: its 49 siblings are already listed (one getdents batch).
      removed_v = true;
      for (int i = 0; i < 50; ++i) {
        std::string p = d / ("v/f" + std::to_string(i));
        if (p != e.path) ::unlink(p.c_str());
      }
    }
    return true;
  });
  REQUIRE(log.ok);
  CHECK(log.count(WalkProblemKind::kDirError, ErrorKind::kNotFound) == 1);
  CHECK(log.count(WalkProblemKind::kEntryError, ErrorKind::kNotFound) == 49);
  CHECK(log.find(d / "stays") != nullptr);
  CHECK(log.find(d / "gone/sub") == nullptr);
  CHECK_FALSE(log.stats.stopped);
}

TEST_CASE("walk T10: a bind-mount loop is reported once as a cycle and not entered", "[walk]") {
  testing::TempDir d;
  WalkLog log, skipped, one_fs;
  std::string root_path;
  std::string failed = in_private_tmpfs(d.path(), 0, [&](const std::string& root) {
    root_path = root;
    if (::mkdir((root + "/d").c_str(), 0755) != 0 || ::mkdir((root + "/d/sub").c_str(), 0755) != 0)
      return;
    testing::write_all(root + "/d/file", "x");
    if (::mount((root + "/d").c_str(), (root + "/d/sub").c_str(), nullptr, MS_BIND, nullptr) != 0)
      return;
    log = walk(root);
    // A different filesystem below the start: one_filesystem and skip_devices keep out of it.
    if (::mkdir((root + "/other").c_str(), 0755) != 0) return;
    if (::mount("hozen-test2", (root + "/other").c_str(), "tmpfs", 0, nullptr) != 0) return;
    testing::write_all(root + "/other/inside", "x");
    platform::WalkOptions o;
    o.one_filesystem = true;
    one_fs = walk(root, o);
    struct stat st {};
    ::stat((root + "/other").c_str(), &st);
    platform::WalkOptions s;
    s.skip_devices.insert(st.st_dev);
    skipped = walk(root, s);
  });
  INFO(failed);
  REQUIRE(failed.empty());
  REQUIRE(log.ok);
  // d/sub is d again: seen as the same (dev, ino), reported as a cycle, not walked.
  CHECK(log.count(WalkProblemKind::kCycle) == 1);
  CHECK(log.find(root_path + "/d/sub") != nullptr);
  CHECK(log.find(root_path + "/d/sub/file") == nullptr);
  CHECK(log.entries.size() == 3);  // d, d/file, d/sub
  REQUIRE(one_fs.ok);
  CHECK(one_fs.count(WalkProblemKind::kSkippedFs) == 1);
  CHECK(one_fs.find(root_path + "/other") != nullptr);
  CHECK(one_fs.find(root_path + "/other/inside") == nullptr);
  REQUIRE(skipped.ok);
  CHECK(skipped.count(WalkProblemKind::kSkippedFs) == 1);
  CHECK(skipped.find(root_path + "/other/inside") == nullptr);
}

TEST_CASE("walk T5: atime of files and directories unchanged by walk + open + read (strictatime)",
          "[walk]") {
  testing::TempDir d;
  struct Times {
    std::int64_t a, m, c;
    bool operator==(const Times&) const = default;
  };
  std::map<std::string, Times> before, after;
  std::size_t read_files = 0;
  std::string failed = in_private_tmpfs(d.path(), MS_STRICTATIME, [&](const std::string& root) {
    ::mkdir((root + "/dir").c_str(), 0755);
    ::mkdir((root + "/dir/inner").c_str(), 0755);
    testing::write_all(root + "/f1", "one");
    testing::write_all(root + "/dir/f2", "two");
    testing::write_all(root + "/dir/inner/f3", std::string(100000, 'z'));
    const std::vector<std::string> all = {root,           root + "/dir", root + "/dir/inner",
                                          root + "/f1",   root + "/dir/f2",
                                          root + "/dir/inner/f3"};
    // touch -a -d 2001-01-01
    struct timespec ts[2] = {{978307200, 0}, {0, UTIME_OMIT}};
    for (const auto& p : all) ::utimensat(AT_FDCWD, p.c_str(), ts, 0);
    auto snap = [&](std::map<std::string, Times>& out) {
      for (const auto& p : all) {
        struct stat st {};
        ::stat(p.c_str(), &st);
        out[p] = Times{st.st_atim.tv_sec * 1000000000LL + st.st_atim.tv_nsec,
                       st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                       st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec};
      }
    };
    snap(before);
    platform::WalkCallbacks cb;
    cb.on_entry = [&](const platform::WalkEntry& e) {
      if (!S_ISREG(e.meta.mode)) return true;
      auto fd = platform::open_entry_for_read(e.parent_fd, e.name, nullptr);
      if (!fd) return true;
      char buf[65536];
      while (::read(fd->get(), buf, sizeof buf) > 0) {
      }
      ++read_files;
      return true;
    };
    // The start is opened with O_NOATIME as well: the sweep's caller does the same.
    auto r = platform::walk_tree(open_dir(root), root, {}, cb);
    (void)r;
    snap(after);
  });
  INFO(failed);
  REQUIRE(failed.empty());
  CHECK(read_files == 3);
  REQUIRE(before.size() == 6);
  for (const auto& [path, t] : before) {
    INFO(path);
    CHECK(t.a == 978307200LL * 1000000000LL);
    CHECK(after[path] == t);
  }
}

TEST_CASE("walk T5: symlink atimes kept only through open_noatime_view (readlinkat touches them)",
          "[walk]") {
  testing::TempDir d;
  std::int64_t view_atime = 0, view_dir_atime = 0, plain_atime = 0;
  std::string target;
  int create_errno = 0;
  bool view_ok = false, sub_mount_seen = false;
  std::string failed = in_private_tmpfs(d.path(), MS_STRICTATIME, [&](const std::string& root) {
    ::mkdir((root + "/dir").c_str(), 0755);
    if (::symlink("/etc/shadow", (root + "/dir/l").c_str()) != 0) return;
    ::mkdir((root + "/dir/m").c_str(), 0755);
    ::mount("hozen-test3", (root + "/dir/m").c_str(), "tmpfs", MS_STRICTATIME, nullptr);
    testing::write_all(root + "/dir/m/inside", "x");
    struct timespec ts[2] = {{978307200, 0}, {0, UTIME_OMIT}};
    auto set_old = [&] {
      ::utimensat(AT_FDCWD, (root + "/dir/l").c_str(), ts, AT_SYMLINK_NOFOLLOW);
      ::utimensat(AT_FDCWD, (root + "/dir").c_str(), ts, 0);
    };
    auto atime = [&](const std::string& p) {
      struct stat st {};
      ::lstat(p.c_str(), &st);
      return static_cast<std::int64_t>(st.st_atim.tv_sec);
    };
    set_old();
    auto view = platform::open_noatime_view(root);
    if (!view) return;
    platform::WalkCallbacks cb;
    cb.on_entry = [&](const platform::WalkEntry& e) {
      if (e.name == "l") {
        target = e.link_target;
        // Nothing reached through the view can be written.
        int fd = ::openat(e.parent_fd, "new", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        create_errno = fd < 0 ? errno : 0;
        if (fd >= 0) ::close(fd);
      }
      if (e.name == "inside") sub_mount_seen = true;  // submounts are part of the copy
      return true;
    };
    auto r = platform::walk_tree(std::move(*view), root, {}, cb);
    view_ok = r.has_value() && r->problems == 0;
    view_atime = atime(root + "/dir/l");
    view_dir_atime = atime(root + "/dir");
    // The same walk on the plain tree: readlinkat moves the symlink's atime (strictatime).
    set_old();
    auto plain = platform::walk_tree(open_dir(root), root, {}, {});
    (void)plain;
    plain_atime = atime(root + "/dir/l");
  });
  INFO(failed);
  REQUIRE(failed.empty());
  CHECK(view_ok);
  CHECK(target == "/etc/shadow");
  CHECK(create_errno == EROFS);
  CHECK(sub_mount_seen);
  CHECK(view_atime == 978307200);
  CHECK(view_dir_atime == 978307200);
  CHECK(plain_atime != 978307200);  // why the view exists
}

TEST_CASE("walk: security.capability of regular files is recorded raw", "[walk]") {
  testing::TempDir d;
  make_file(d / "ping");
  make_file(d / "plain");
  // vfs_cap_data revision 2: magic_etc, then permitted/inheritable for two 32-bit words.
  // cap_net_raw (13) permitted, effective bit set.
  std::uint32_t cap[5] = {0x02000000u | 0x1u, 1u << 13, 0, 0, 0};
  std::string raw(reinterpret_cast<const char*>(cap), sizeof cap);
  REQUIRE(::setxattr((d / "ping").c_str(), "security.capability", raw.data(), raw.size(), 0) == 0);
  auto log = walk(d.path());
  REQUIRE(log.ok);
  CHECK(log.problems.empty());
  CHECK(log.find(d / "ping")->capability == raw);
  CHECK(log.find(d / "plain")->capability.empty());
}

TEST_CASE("walk: depth limit, entry limit, should_stop and on_entry stopping", "[walk]") {
  testing::TempDir d;
  make_dir(d / "1");
  make_dir(d / "1/2");
  make_dir(d / "1/2/3");
  make_file(d / "1/2/3/f");
  for (int i = 0; i < 10; ++i) make_file(d / ("flat" + std::to_string(i)));

  SECTION("max_depth: directories at the limit are reported, not entered") {
    platform::WalkOptions o;
    o.max_depth = 2;
    auto log = walk(d.path(), o);
    REQUIRE(log.ok);
    CHECK(log.find(d / "1/2") != nullptr);
    CHECK(log.find(d / "1/2/3") == nullptr);
    REQUIRE(log.count(WalkProblemKind::kDepthLimit) == 1);
    CHECK(log.problems[0].path == d / "1/2");
    CHECK(log.entries.size() == 12);
  }
  SECTION("max_entries: exactly that many entries, then kEntryLimit and stop") {
    platform::WalkOptions o;
    o.max_entries = 5;
    auto log = walk(d.path(), o);
    REQUIRE(log.ok);
    CHECK(log.entries.size() == 5);
    CHECK(log.stats.entries == 5);
    CHECK(log.stats.stopped);
    CHECK(log.count(WalkProblemKind::kEntryLimit, ErrorKind::kLimit) == 1);
  }
  SECTION("should_stop is checked between entries") {
    int calls = 0;
    auto log = walk(d.path(), {}, {}, [&] { return ++calls > 3; });
    REQUIRE(log.ok);
    CHECK(log.entries.size() == 3);
    CHECK(log.stats.stopped);
  }
  SECTION("on_entry returning false stops the walk") {
    auto log = walk(d.path(), {}, [](const platform::WalkEntry&) { return false; });
    REQUIRE(log.ok);
    CHECK(log.entries.size() == 1);
    CHECK(log.stats.stopped);
  }
}

TEST_CASE("open_entry_for_read: regular files only, single components only", "[walk]") {
  testing::TempDir d;
  make_file(d / "f", "content");
  make_dir(d / "sub");
  auto dir = open_dir(d.path());
  bool refused = false;
  auto fd = platform::open_entry_for_read(dir.get(), "f", &refused);
  REQUIRE(fd);
  char buf[16] = {};
  CHECK(::read(fd->get(), buf, sizeof buf) == 7);
  CHECK_FALSE(refused);  // root may always use O_NOATIME
  CHECK((::fcntl(fd->get(), F_GETFL) & O_NOATIME) != 0);
  auto sub = platform::open_entry_for_read(dir.get(), "sub", nullptr);
  REQUIRE_FALSE(sub);
  CHECK(sub.error().kind == ErrorKind::kNotRegular);
  for (const char* bad : {"", ".", "..", "sub/../f", "/etc/passwd"}) {
    auto r = platform::open_entry_for_read(dir.get(), bad, nullptr);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::kInvalidArgument);
  }
  auto missing = platform::open_entry_for_read(dir.get(), "nope", nullptr);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::kNotFound);
}

TEST_CASE("walk T59: 200k files are all walked", "[walk]") {
  testing::TempDir d;
  WalkLog log;
  std::size_t created = 0;
  std::uint64_t files = 0;
  std::string failed = in_private_tmpfs(d.path(), 0, [&](const std::string& root) {
    int rootfd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
    for (int i = 0; i < 200; ++i) {
      std::string dn = "d" + std::to_string(i);
      ::mkdirat(rootfd, dn.c_str(), 0755);
      int dfd = ::openat(rootfd, dn.c_str(), O_RDONLY | O_DIRECTORY);
      for (int j = 0; j < 1000; ++j) {
        int f = ::openat(dfd, ("f" + std::to_string(j)).c_str(), O_WRONLY | O_CREAT, 0644);
        if (f >= 0) {
          ::close(f);
          ++created;
        }
      }
      ::close(dfd);
    }
    ::close(rootfd);
    // Only count: keeping 200k paths in the log would measure the test, not the walker.
    platform::WalkCallbacks cb;
    cb.on_entry = [&](const platform::WalkEntry& e) {
      files += S_ISREG(e.meta.mode) ? 1 : 0;
      return true;
    };
    auto r = platform::walk_tree(open_dir(root), root, {}, cb);
    log.ok = r.has_value();
    if (r) log.stats = *r;
  });
  INFO(failed);
  REQUIRE(failed.empty());
  REQUIRE(created == 200000);
  REQUIRE(log.ok);
  CHECK(files == 200000);
  CHECK(log.stats.entries == 200200);
  CHECK(log.stats.directories == 201);
  CHECK(log.stats.problems == 0);
}
