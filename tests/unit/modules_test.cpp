// Table-driven tests of the /proc/modules parser (proc(5)).
#include "platform/procfs/modules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using hozen::platform::procfs::parse_modules;
using V = std::vector<std::string>;

TEST_CASE("modules: typical lines", "[modules]") {
  auto p = parse_modules(
      "nft_chain_nat 16384 3 - Live 0xffffffffc0a3c000\n"
      "nf_nat 57344 2 nft_chain_nat,xt_MASQUERADE, Live 0xffffffffc0a1a000\n"
      "vboxdrv 696320 2 vboxnetadp,vboxnetflt, Live 0x0000000000000000 (OE)\n");
  REQUIRE(p.malformed.empty());
  REQUIRE(p.entries.size() == 3);
  const auto& a = p.entries[0];
  CHECK(a.name == "nft_chain_nat");
  CHECK(a.size == 16384);
  CHECK(a.refcount == 3);
  CHECK(a.used_by.empty());
  CHECK(a.state == "Live");
  CHECK(a.address == 0xffffffffc0a3c000ULL);
  CHECK(a.taint.empty());
  CHECK_FALSE(a.permanent);
  CHECK(p.entries[1].used_by == V{"nft_chain_nat", "xt_MASQUERADE"});
  CHECK(p.entries[2].taint == "OE");
  CHECK(p.entries[2].address == 0);
}

TEST_CASE("modules: named good variants", "[modules]") {
  SECTION("modules-no-unload-support") {
    // Kernels without CONFIG_MODULE_UNLOAD print " - -" for refcount and users.
    auto p = parse_modules("ext4 999424 - - Live 0xffffffffc0400000\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].refcount == -1);
    CHECK(p.entries[0].used_by.empty());
  }
  SECTION("modules-permanent") {
    auto p = parse_modules("mod 8192 0 [permanent], Live 0xffffffffc0000000\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].permanent);
    CHECK(p.entries[0].used_by.empty());
  }
  SECTION("modules-users-and-permanent") {
    auto p = parse_modules("mod 8192 1 a,[permanent], Live 0xffffffffc0000000\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].permanent);
    CHECK(p.entries[0].used_by == V{"a"});
  }
  SECTION("modules-loading-with-taint-and-state-mark") {
    auto p = parse_modules("rootkit 16384 0 - Loading 0xffffffffc0000000 (POE+)\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].state == "Loading");
    CHECK(p.entries[0].taint == "POE+");
  }
  SECTION("modules-unloading-state-mark-only") {
    auto p = parse_modules("gone 16384 0 - Unloading 0xffffffffc0000000 (-)\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].state == "Unloading");
    CHECK(p.entries[0].taint == "-");
  }
  SECTION("modules-users-without-trailing-comma") {
    auto p = parse_modules("m 1 1 a,b Live 0x1\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].used_by == V{"a", "b"});
  }
  SECTION("modules-invalid-utf8-name") {
    auto p = parse_modules("\xff\xfe 1 0 - Live 0x1\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].name == "\xff\xfe");
  }
  SECTION("modules-empty") {
    auto p = parse_modules("");
    CHECK(p.entries.empty());
    CHECK(p.malformed.empty());
  }
  SECTION("modules-empty-lines-skipped") {
    auto p = parse_modules("\nm 1 0 - Live 0x1\n\n");
    CHECK(p.entries.size() == 1);
    CHECK(p.malformed.empty());
  }
}

TEST_CASE("modules: named bad variants are recorded, the parse goes on", "[modules]") {
  struct Case {
    const char* name;
    std::string line;
  };
  const std::vector<Case> cases = {
      {"modules-too-few-columns", "m 1 0 - Live"},
      {"modules-too-many-columns", "m 1 0 - Live 0x1 (O) extra"},
      {"modules-size-not-a-number", "m big 0 - Live 0x1"},
      {"modules-size-negative", "m -1 0 - Live 0x1"},
      {"modules-refcount-not-a-number", "m 1 x - Live 0x1"},
      {"modules-empty-user", "m 1 0 a,,b, Live 0x1"},
      {"modules-only-comma", "m 1 0 , Live 0x1"},
      {"modules-address-without-0x", "m 1 0 - Live ffffffffc0000000"},
      {"modules-address-not-hex", "m 1 0 - Live 0xzz"},
      {"modules-address-only-prefix", "m 1 0 - Live 0x"},
      {"modules-taint-without-parens", "m 1 0 - Live 0x1 OE"},
      {"modules-truncated", "nf_nat 57344 2 nft_chain_nat,"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto p = parse_modules("a 1 0 - Live 0x1\n" + c.line + "\nb 2 0 - Live 0x2\n");
      CHECK(p.entries.size() == 2);
      REQUIRE(p.malformed.size() == 1);
      CHECK(p.malformed[0].line == 2);
      CHECK(p.malformed[0].raw == c.line);
    }
  }
}
