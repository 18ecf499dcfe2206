// Table-driven tests of the mountinfo parser (proc(5)).
#include <catch2/catch.hpp>

#include "platform/procfs/mountinfo.h"

using hozen::platform::procfs::parse_mountinfo;
using hozen::platform::procfs::unescape_octal;

TEST_CASE("mountinfo: a typical line", "[mountinfo]") {
  auto p = parse_mountinfo(
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n");
  REQUIRE(p.malformed.empty());
  REQUIRE(p.entries.size() == 1);
  const auto& m = p.entries[0];
  CHECK(m.mount_id == 36);
  CHECK(m.parent_id == 35);
  CHECK(m.major == 98);
  CHECK(m.minor == 0);
  CHECK(m.root == "/mnt1");
  CHECK(m.mount_point == "/mnt2");
  CHECK(m.options == "rw,noatime");
  CHECK(m.optional_fields == std::vector<std::string>{"master:1"});
  CHECK(m.fs_type == "ext3");
  CHECK(m.source == "/dev/root");
  CHECK(m.super_options == "rw,errors=continue");
}

TEST_CASE("mountinfo: named variants", "[mountinfo]") {
  SECTION("mountinfo-octal-escapes-space-tab-newline-backslash") {
    auto p = parse_mountinfo("1 0 0:1 / /a\\040b\\011c\\012d\\134e rw - tmpfs my\\040src rw\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].mount_point == "/a b\tc\nd\\e");
    CHECK(p.entries[0].source == "my src");
  }
  SECTION("mountinfo-no-optional-fields") {
    auto p = parse_mountinfo("1 0 0:1 / / rw - proc proc rw");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].optional_fields.empty());
  }
  SECTION("mountinfo-several-optional-fields") {
    auto p = parse_mountinfo("1 0 0:1 / / rw shared:1 master:2 propagate_from:3 - ext4 /dev/x rw");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].optional_fields.size() == 3);
  }
  SECTION("mountinfo-invalid-utf8-in-path") {
    auto p = parse_mountinfo(std::string("1 0 0:1 / /\xff\xfe rw - ext4 /dev/x rw\n"));
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].mount_point == std::string("/\xff\xfe"));
  }
  SECTION("mountinfo-no-separator") {
    auto p = parse_mountinfo("1 0 0:1 / / rw shared:1 ext4 /dev/x rw x\n");
    CHECK(p.entries.empty());
    REQUIRE(p.malformed.size() == 1);
    CHECK(p.malformed[0].line == 1);
  }
  SECTION("mountinfo-too-few-fields") {
    auto p = parse_mountinfo("1 0 0:1 /\n");
    CHECK(p.entries.empty());
    CHECK(p.malformed.size() == 1);
  }
  SECTION("mountinfo-non-numeric-ids") {
    auto p = parse_mountinfo("x 0 0:1 / / rw - ext4 /dev/x rw\n1 0 a:b / / rw - ext4 /dev/x rw\n");
    CHECK(p.entries.empty());
    CHECK(p.malformed.size() == 2);
    CHECK(p.malformed[1].line == 2);
  }
  SECTION("mountinfo-extra-field-after-super-options") {
    auto p = parse_mountinfo("1 0 0:1 / / rw - ext4 /dev/x rw extra\n");
    CHECK(p.malformed.size() == 1);
  }
  SECTION("mountinfo-bad-line-does-not-stop-the-parse") {
    auto p = parse_mountinfo("garbage\n1 0 0:1 / / rw - ext4 /dev/x rw\n\n\x01\x02\n");
    CHECK(p.entries.size() == 1);
    CHECK(p.malformed.size() == 2);
  }
  SECTION("mountinfo-empty") {
    auto p = parse_mountinfo("");
    CHECK(p.entries.empty());
    CHECK(p.malformed.empty());
  }
}

TEST_CASE("unescape_octal leaves incomplete and out-of-range escapes alone", "[mountinfo]") {
  CHECK(unescape_octal("a\\04") == "a\\04");
  CHECK(unescape_octal("\\") == "\\");
  CHECK(unescape_octal("\\777") == "\\777");
  CHECK(unescape_octal("\\101") == "A");
  CHECK(unescape_octal("\\08x") == "\\08x");
}
