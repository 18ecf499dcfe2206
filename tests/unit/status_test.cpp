// Table-driven tests of the /proc/<pid>/status parser (proc(5)).
#include "platform/procfs/status.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using hozen::platform::ErrorKind;
using hozen::platform::procfs::parse_status;

namespace {

// An abridged 6.x status file (same keys, order and whitespace as proc_pid_status()).
const std::string kStatus =
    "Name:\tsshd\n"
    "Umask:\t0022\n"
    "State:\tS (sleeping)\n"
    "Tgid:\t812\n"
    "Ngid:\t0\n"
    "Pid:\t812\n"
    "PPid:\t1\n"
    "TracerPid:\t0\n"
    "Uid:\t0\t1000\t0\t1000\n"
    "Gid:\t0\t0\t0\t0\n"
    "FDSize:\t64\n"
    "Groups:\t4 24 27 \n"
    "NStgid:\t812\t1\n"
    "NSpid:\t812\t1\n"
    "VmPeak:\t   15452 kB\n"
    "VmRSS:\t    9216 kB\n"
    "Threads:\t1\n"
    "SigQ:\t0/31335\n"
    "CapInh:\t0000000000000000\n"
    "CapPrm:\t000001ffffffffff\n"
    "CapEff:\t000001ffffffffff\n"
    "CapBnd:\t000001ffffffffff\n"
    "CapAmb:\t0000000000000000\n"
    "NoNewPrivs:\t0\n"
    "Seccomp:\t2\n"
    "Seccomp_filters:\t1\n"
    "Cpus_allowed_list:\t0-1\n";

}  // namespace

TEST_CASE("status: a typical file", "[status]") {
  auto r = parse_status(kStatus);
  REQUIRE(r);
  CHECK(r->name == "sshd");
  CHECK(r->state == 'S');
  CHECK(r->tgid == 812);
  CHECK(r->pid == 812);
  CHECK(r->ppid == 1);
  CHECK(r->tracer_pid == 0);
  CHECK(r->has_ids);
  CHECK(r->uid == std::array<std::uint32_t, 4>{0, 1000, 0, 1000});
  CHECK(r->gid == std::array<std::uint32_t, 4>{0, 0, 0, 0});
  CHECK(r->groups == std::vector<std::uint32_t>{4, 24, 27});
  CHECK(r->cap_inh == 0);
  CHECK(r->cap_prm == 0x1ffffffffffULL);
  CHECK(r->cap_eff == 0x1ffffffffffULL);
  CHECK(r->cap_bnd == 0x1ffffffffffULL);
  CHECK(r->cap_amb == 0);
  CHECK(r->vm_rss_kb == 9216);
  CHECK(r->threads == 1);
  CHECK(r->seccomp == 2);
  CHECK(r->no_new_privs == 0);
  CHECK(r->nspid == std::vector<std::int32_t>{812, 1});
  CHECK(r->malformed.empty());
}

TEST_CASE("status: named good variants", "[status]") {
  SECTION("status-name-with-kernel-escapes-kept-as-written") {
    auto r = parse_status("Name:\tevil\\nName:\\tx\\\\\nPid:\t5\n");
    REQUIRE(r);
    CHECK(r->name == "evil\\nName:\\tx\\\\");
    CHECK(r->pid == 5);
  }
  SECTION("status-name-with-spaces-and-colon") {
    auto r = parse_status("Name:\ta b: c \n");
    REQUIRE(r);
    CHECK(r->name == "a b: c ");
  }
  SECTION("status-name-invalid-utf8") {
    auto r = parse_status("Name:\t\xff\xc3\x28\n");
    REQUIRE(r);
    CHECK(r->name == "\xff\xc3\x28");
  }
  SECTION("status-name-empty") {
    auto r = parse_status("Name:\t\nPid:\t1\n");
    REQUIRE(r);
    CHECK(r->name.empty());
  }
  SECTION("status-only-pid") {
    auto r = parse_status("Pid:\t42\n");
    REQUIRE(r);
    CHECK(r->pid == 42);
    CHECK(r->name.empty());
    CHECK_FALSE(r->has_ids);
    CHECK(r->vm_rss_kb == -1);
  }
  SECTION("status-kernel-thread-no-vm-lines") {
    auto r = parse_status("Name:\tkthreadd\nState:\tS (sleeping)\nPid:\t2\nThreads:\t1\n");
    REQUIRE(r);
    CHECK(r->vm_rss_kb == -1);
    CHECK(r->threads == 1);
  }
  SECTION("status-empty-groups") {
    auto r = parse_status("Name:\tx\nGroups:\t\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
    REQUIRE(r);
    CHECK(r->groups.empty());
    CHECK(r->has_ids);
    CHECK(r->malformed.empty());
  }
  SECTION("status-groups-single-space") {
    auto r = parse_status("Name:\tx\nGroups:\t \n");
    REQUIRE(r);
    CHECK(r->groups.empty());
  }
  SECTION("status-unknown-keys-ignored") {
    auto r = parse_status("Name:\tx\nFutureKey:\t???\nno colon here\n\nPid:\t3\n");
    REQUIRE(r);
    CHECK(r->pid == 3);
    CHECK(r->malformed.empty());
  }
  SECTION("status-no-trailing-newline") {
    auto r = parse_status("Name:\tx\nPid:\t3");
    REQUIRE(r);
    CHECK(r->pid == 3);
  }
  SECTION("status-crlf-is-not-stripped-from-name") {
    auto r = parse_status("Name:\tx\r\n");
    REQUIRE(r);
    CHECK(r->name == "x\r");
  }
}

TEST_CASE("status: malformed values are recorded, the parse goes on", "[status]") {
  struct Case {
    const char* name;
    std::string line;
  };
  const std::vector<Case> cases = {
      {"status-pid-not-a-number", "Pid:\tabc"},
      {"status-uid-three-fields", "Uid:\t0\t0\t0"},
      {"status-uid-five-fields", "Uid:\t0\t0\t0\t0\t0"},
      {"status-uid-negative", "Uid:\t-1\t0\t0\t0"},
      {"status-cap-not-hex", "CapEff:\tzzzz"},
      {"status-cap-overflow", "CapEff:\t1ffffffffffffffff"},
      {"status-vmrss-no-unit", "VmRSS:\t1234"},
      {"status-vmrss-mb", "VmRSS:\t1234 MB"},
      {"status-groups-garbage", "Groups:\t1 x 3"},
      {"status-nspid-garbage", "NSpid:\t1\t-"},
      {"status-state-empty", "State:\t"},
      {"status-threads-overflow", "Threads:\t99999999999"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto r = parse_status("Name:\tx\n" + c.line + "\nNoNewPrivs:\t1\n");
      REQUIRE(r);
      CHECK(r->no_new_privs == 1);  // the line after the bad one is still read
      REQUIRE(r->malformed.size() == 1);
      CHECK(r->malformed[0].line == 2);
      CHECK(r->malformed[0].raw == c.line);
      CHECK_FALSE(r->has_ids);
      CHECK(r->pid == -1);
    }
  }
}

TEST_CASE("status: a repeated key keeps the first value and is recorded", "[status]") {
  auto r = parse_status("Name:\tx\nPid:\t1\nPid:\t2\n");
  REQUIRE(r);
  CHECK(r->pid == 1);
  REQUIRE(r->malformed.size() == 1);
  CHECK(r->malformed[0].line == 3);
}

TEST_CASE("status: named bad variants fail cleanly", "[status]") {
  struct Case {
    const char* name;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"status-empty", ""},
      {"status-no-name-no-pid", "State:\tR (running)\nUid:\t0\t0\t0\t0\n"},
      {"status-binary-garbage", std::string("\x00\xff\x01\n\x02", 5)},
      {"status-name-lowercase", "name:\tx\npid:\t1\n"},
      {"status-name-without-colon", "Name\tx\nPid\t1\n"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto r = parse_status(c.text);
      REQUIRE_FALSE(r);
      CHECK(r.error().kind == ErrorKind::kMalformed);
    }
  }
}

TEST_CASE("status: live /proc/self/status", "[status][live]") {
  auto r = parse_status(hozen::testing::read_all("/proc/self/status"));
  REQUIRE(r);
  CHECK(r->pid == ::getpid());
  CHECK(r->tgid == ::getpid());
  CHECK(r->ppid == ::getppid());
  CHECK(r->has_ids);
  CHECK(r->uid[0] == ::getuid());
  CHECK(r->uid[1] == ::geteuid());
  CHECK(r->gid[0] == ::getgid());
  CHECK(r->vm_rss_kb > 0);
  CHECK(r->threads >= 1);
  REQUIRE_FALSE(r->nspid.empty());
  CHECK(r->nspid.front() == ::getpid());
  CHECK(r->malformed.empty());
}
