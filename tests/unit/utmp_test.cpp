// Tests of the utmp/wtmp record parser (utmp(5)), against records built with glibc's struct utmp.
#include "platform/procfs/utmp.h"

#include <arpa/inet.h>
#include <utmp.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

using hozen::platform::procfs::kUtmpRecordSize;
using hozen::platform::procfs::parse_utmp;

static_assert(sizeof(struct utmp) == 384, "glibc x86_64 struct utmp");
static_assert(sizeof(struct utmp) == kUtmpRecordSize);

namespace {

std::string as_bytes(const struct utmp& u) {
  return std::string(reinterpret_cast<const char*>(&u), sizeof u);
}

struct utmp user_record() {
  struct utmp u;
  std::memset(&u, 0, sizeof u);
  u.ut_type = USER_PROCESS;
  u.ut_pid = 4242;
  std::strncpy(u.ut_line, "pts/3", sizeof u.ut_line);
  std::memcpy(u.ut_id, "ts/3", 4);  // fills the array: no NUL
  std::strncpy(u.ut_user, "alice", sizeof u.ut_user);
  std::strncpy(u.ut_host, "203.0.113.9", sizeof u.ut_host);
  u.ut_exit.e_termination = 1;
  u.ut_exit.e_exit = -2;
  u.ut_session = 4240;
  u.ut_tv.tv_sec = 1700000000;
  u.ut_tv.tv_usec = 123456;
  REQUIRE(::inet_pton(AF_INET, "203.0.113.9", &u.ut_addr_v6[0]) == 1);
  return u;
}

}  // namespace

TEST_CASE("utmp: a record built with glibc's struct utmp parses back", "[utmp]") {
  auto p = parse_utmp(as_bytes(user_record()));
  CHECK(p.trailing_bytes == 0);
  REQUIRE(p.entries.size() == 1);
  const auto& e = p.entries[0];
  CHECK(e.type == USER_PROCESS);
  CHECK(e.pid == 4242);
  CHECK(e.line == "pts/3");
  CHECK(e.id == "ts/3");
  CHECK(e.user == "alice");
  CHECK(e.host == "203.0.113.9");
  CHECK(e.exit_termination == 1);
  CHECK(e.exit_status == -2);
  CHECK(e.session == 4240);
  CHECK(e.tv_sec == 1700000000);
  CHECK(e.tv_usec == 123456);
  CHECK(e.addr_v6 == std::array<std::uint8_t, 16>{203, 0, 113, 9});
}

TEST_CASE("utmp: named variants", "[utmp]") {
  SECTION("utmp-empty") {
    auto p = parse_utmp("");
    CHECK(p.entries.empty());
    CHECK(p.trailing_bytes == 0);
  }
  SECTION("utmp-short-record") {
    std::string b = as_bytes(user_record());
    auto p = parse_utmp(std::string_view(b).substr(0, 383));
    CHECK(p.entries.empty());
    CHECK(p.trailing_bytes == 383);
  }
  SECTION("utmp-two-records-and-a-short-one") {
    std::string b = as_bytes(user_record());
    struct utmp boot;
    std::memset(&boot, 0, sizeof boot);
    boot.ut_type = BOOT_TIME;
    std::strncpy(boot.ut_user, "reboot", sizeof boot.ut_user);
    std::strncpy(boot.ut_line, "~", sizeof boot.ut_line);
    boot.ut_tv.tv_sec = 1699990000;
    b += as_bytes(boot) + b.substr(0, 17);
    auto p = parse_utmp(b);
    REQUIRE(p.entries.size() == 2);
    CHECK(p.trailing_bytes == 17);
    CHECK(p.entries[1].type == BOOT_TIME);
    CHECK(p.entries[1].user == "reboot");
    CHECK(p.entries[1].line == "~");
    CHECK(p.entries[1].host.empty());
  }
  SECTION("utmp-fields-fill-their-arrays-without-nul") {
    struct utmp u = user_record();
    std::memset(u.ut_user, 'u', sizeof u.ut_user);
    std::memset(u.ut_line, 'l', sizeof u.ut_line);
    std::memset(u.ut_host, 'h', sizeof u.ut_host);
    auto p = parse_utmp(as_bytes(u));
    REQUIRE(p.entries.size() == 1);
    // Each field stops at its array's end, not in the next field.
    CHECK(p.entries[0].user == std::string(32, 'u'));
    CHECK(p.entries[0].line == std::string(32, 'l'));
    CHECK(p.entries[0].host == std::string(256, 'h'));
    CHECK(p.entries[0].id == "ts/3");
  }
  SECTION("utmp-bytes-after-nul-are-dropped") {
    struct utmp u = user_record();
    std::memcpy(u.ut_user, "bob\0hidden", 10);
    auto p = parse_utmp(as_bytes(u));
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].user == "bob");
  }
  SECTION("utmp-invalid-utf8-user-and-host") {
    struct utmp u = user_record();
    std::memcpy(u.ut_user, "\xff\xfe\x80", 4);
    std::memcpy(u.ut_host, "h\xc3\x28", 4);
    auto p = parse_utmp(as_bytes(u));
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].user == "\xff\xfe\x80");
    CHECK(p.entries[0].host == "h\xc3\x28");
  }
  SECTION("utmp-negative-and-extreme-integers") {
    struct utmp u = user_record();
    u.ut_type = -1;
    u.ut_pid = -2147483647 - 1;
    u.ut_tv.tv_sec = -1;
    u.ut_session = 2147483647;
    auto p = parse_utmp(as_bytes(u));
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].type == -1);
    CHECK(p.entries[0].pid == -2147483647 - 1);
    CHECK(p.entries[0].tv_sec == -1);
    CHECK(p.entries[0].session == 2147483647);
  }
  SECTION("utmp-ipv6-address") {
    struct utmp u = user_record();
    REQUIRE(::inet_pton(AF_INET6, "2001:db8::1", &u.ut_addr_v6[0]) == 1);
    auto p = parse_utmp(as_bytes(u));
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].addr_v6 ==
          std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  }
  SECTION("utmp-all-0xff-record") {
    auto p = parse_utmp(std::string(384, '\xff'));
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].type == -1);
    CHECK(p.entries[0].user == std::string(32, '\xff'));
    CHECK(p.entries[0].tv_usec == -1);
  }
  SECTION("utmp-unaligned-input") {
    // The parser reads bytes, so a record at an odd address decodes the same.
    std::string b = "x" + as_bytes(user_record());
    auto p = parse_utmp(std::string_view(b).substr(1));
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].pid == 4242);
  }
}
