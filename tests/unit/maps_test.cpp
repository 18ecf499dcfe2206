// Table-driven tests of the /proc/<pid>/maps parser (proc(5)).
#include "platform/procfs/maps.h"

#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using hozen::platform::procfs::parse_maps;

namespace {

}  // namespace

TEST_CASE("maps: typical lines", "[maps]") {
  auto p = parse_maps(
      "5652550a1000-5652550a6000 r-xp 00002000 fe:00 247134                     /usr/bin/cat\n"
      "5652641fb000-56526421c000 rw-p 00000000 00:00 0                          [heap]\n"
      "7f78f900f000-7f78f9031000 rw-p 00000000 00:00 0 \n"
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n");
  REQUIRE(p.malformed.empty());
  REQUIRE(p.entries.size() == 4);
  const auto& m = p.entries[0];
  CHECK(m.start == 0x5652550a1000ULL);
  CHECK(m.end == 0x5652550a6000ULL);
  CHECK(m.perms == "r-xp");
  CHECK(m.offset == 0x2000);
  CHECK(m.dev_major == 0xfe);
  CHECK(m.dev_minor == 0);
  CHECK(m.inode == 247134);
  CHECK(m.path == "/usr/bin/cat");
  CHECK(p.entries[1].path == "[heap]");
  CHECK(p.entries[2].path.empty());
  CHECK(p.entries[2].inode == 0);
  CHECK(p.entries[3].start == 0xffffffffff600000ULL);
  CHECK(p.entries[3].path == "[vsyscall]");
}

TEST_CASE("maps: named good variants", "[maps]") {
  struct Case {
    const char* name;
    std::string line;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"maps-path-with-spaces", "1000-2000 r--p 00000000 08:01 12 /tmp/my lib.so",
       "/tmp/my lib.so"},
      {"maps-path-deleted", "1000-2000 r-xs 00000000 00:01 12   /memfd:x (deleted)",
       "/memfd:x (deleted)"},
      {"maps-path-escaped-newline-kept", "1000-2000 r--p 00000000 08:01 12  /a\\012b", "/a\\012b"},
      {"maps-path-invalid-utf8", "1000-2000 r--p 00000000 08:01 12  /\xff\xfe", "/\xff\xfe"},
      {"maps-anon-name", "1000-2000 rw-p 00000000 00:00 0  [anon:my heap]", "[anon:my heap]"},
      {"maps-trailing-spaces-in-path-kept", "1000-2000 r--p 00000000 08:01 12  /x  ", "/x  "},
      {"maps-no-padding", "1000-2000 r--p 00000000 08:01 12 /x", "/x"},
      {"maps-no-trailing-space", "1000-2000 rw-p 00000000 00:00 0", ""},
      {"maps-short-addresses", "0-1 ---p 0 0:0 0", ""},
      {"maps-large-device", "1000-2000 r--p 00000000 103:fffff 12 /x", "/x"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto p = parse_maps(c.line + "\n");
      REQUIRE(p.malformed.empty());
      REQUIRE(p.entries.size() == 1);
      CHECK(p.entries[0].path == c.path);
    }
  }
}

TEST_CASE("maps: named bad variants are recorded, the parse goes on", "[maps]") {
  struct Case {
    const char* name;
    std::string line;
  };
  const std::vector<Case> cases = {
      {"maps-too-few-fields", "1000-2000 r--p 00000000 08:01"},
      {"maps-no-dash", "10002000 r--p 00000000 08:01 12 /x"},
      {"maps-address-not-hex", "10g0-2000 r--p 00000000 08:01 12 /x"},
      {"maps-address-overflow", "10000000000000000-10000000000000001 r--p 0 08:01 12 /x"},
      {"maps-end-below-start", "2000-1000 r--p 00000000 08:01 12 /x"},
      {"maps-perms-too-short", "1000-2000 r-p 00000000 08:01 12 /x"},
      {"maps-perms-bad-char", "1000-2000 rwxq 00000000 08:01 12 /x"},
      {"maps-offset-not-hex", "1000-2000 r--p 0000z000 08:01 12 /x"},
      {"maps-device-no-colon", "1000-2000 r--p 00000000 0801 12 /x"},
      {"maps-device-not-hex", "1000-2000 r--p 00000000 0x:01 12 /x"},
      {"maps-inode-not-decimal", "1000-2000 r--p 00000000 08:01 1a /x"},
      {"maps-inode-negative", "1000-2000 r--p 00000000 08:01 -1 /x"},
      {"maps-tab-separated", "1000-2000\tr--p\t00000000\t08:01\t12\t/x"},
      {"maps-binary-garbage", std::string("\x00\x01\xff", 3)},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto p = parse_maps("1000-2000 r--p 00000000 08:01 1 /a\n" + c.line +
                          "\n3000-4000 r--p 00000000 08:01 2 /b\n");
      CHECK(p.entries.size() == 2);
      REQUIRE(p.malformed.size() == 1);
      CHECK(p.malformed[0].line == 2);
      CHECK(p.malformed[0].raw == c.line);
      CHECK_FALSE(p.malformed[0].reason.empty());
    }
  }
}

TEST_CASE("maps: empty input and empty lines", "[maps]") {
  CHECK(parse_maps("").entries.empty());
  auto p = parse_maps("\n\n1000-2000 r--p 00000000 08:01 1 /a");
  CHECK(p.entries.size() == 1);
  CHECK(p.malformed.empty());
}

TEST_CASE("maps: live /proc/self/maps finds a mapping this test made", "[maps][live]") {
  const std::size_t len = 3 * 4096;
  void* a = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(a != MAP_FAILED);
  // Make the middle page read-only so the kernel keeps it as its own VMA.
  REQUIRE(::mprotect(static_cast<char*>(a) + 4096, 4096, PROT_READ) == 0);
  auto p = parse_maps(hozen::testing::read_all("/proc/self/maps"));
  ::munmap(a, len);
  CHECK(p.malformed.empty());
  const auto want = reinterpret_cast<std::uintptr_t>(a) + 4096;
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe);
  REQUIRE(n > 0);
  const std::string self(exe, static_cast<std::size_t>(n));
  bool found = false;
  bool has_exe = false;
  for (const auto& m : p.entries) {
    if (m.start == want) {
      found = true;
      CHECK(m.end == want + 4096);
      CHECK(m.perms == "r--p");
      CHECK(m.inode == 0);
    }
    has_exe = has_exe || m.path == self;
  }
  CHECK(found);
  CHECK(has_exe);
}
