// Table-driven tests of the /proc/<pid>/stat parser (proc(5)).
#include "platform/procfs/stat.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using hozen::platform::ErrorKind;
using hozen::platform::procfs::parse_stat;

namespace {

// Fields 3..52 of a user process, as a 6.x kernel writes them.
const std::string kTail =
    " S 1 100 100 34816 100 4194560 2161 0 3 0 17 4 0 0 20 0 1 0 123456 10874880 925 "
    "18446744073709551615 94204342185984 94204342894541 140722055044080 0 0 0 65536 3686404 "
    "1266761467 0 0 0 17 1 0 0 0 0 0 94204343149104 94204343176256 94204366557184 "
    "140722055047943 140722055047953 140722055047953 140722055053290 0\n";

}  // namespace

TEST_CASE("stat: a typical line", "[stat]") {
  auto r = parse_stat("100 (bash)" + kTail);
  REQUIRE(r);
  CHECK(r->pid == 100);
  CHECK(r->comm == "bash");
  CHECK(r->state == 'S');
  CHECK(r->ppid == 1);
  CHECK(r->pgrp == 100);
  CHECK(r->session == 100);
  CHECK(r->tty_nr == 34816);
  CHECK(r->tpgid == 100);
  CHECK(r->flags == 4194560);
  CHECK(r->minflt == 2161);
  CHECK(r->majflt == 3);
  CHECK(r->utime == 17);
  CHECK(r->stime == 4);
  CHECK(r->priority == 20);
  CHECK(r->nice == 0);
  CHECK(r->num_threads == 1);
  CHECK(r->starttime == 123456);
  CHECK(r->vsize == 10874880);
  CHECK(r->rss == 925);
  CHECK_FALSE(r->kernel_thread);
}

TEST_CASE("stat: named good variants", "[stat]") {
  struct Case {
    const char* name;
    std::string text;
    std::string comm;
  };
  const std::vector<Case> cases = {
      {"stat-comm-with-space", "7 (my prog)" + kTail, "my prog"},
      {"stat-comm-with-paren-and-newline", "7 (a) R 1 (\nb)" + kTail, "a) R 1 (\nb"},
      {"stat-comm-is-close-paren", "7 ())" + kTail, ")"},
      {"stat-comm-is-open-paren", "7 (()" + kTail, "("},
      {"stat-comm-empty", "7 ()" + kTail, ""},
      {"stat-comm-invalid-utf8", "7 (\xff\xfe\x80)" + kTail, "\xff\xfe\x80"},
      {"stat-comm-looks-like-fields", "7 (x) Z 999 999 999 0 0 0)" + kTail,
       "x) Z 999 999 999 0 0 0"},
      {"stat-no-trailing-newline", "7 (x)" + kTail.substr(0, kTail.size() - 1), "x"},
      {"stat-only-24-fields", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", "x"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto r = parse_stat(c.text);
      REQUIRE(r);
      CHECK(r->pid == 7);
      CHECK(r->comm == c.comm);
    }
  }
}

TEST_CASE("stat: a comm that imitates the fields does not shift them", "[stat]") {
  auto r = parse_stat("7 (x) Z 999 999 999 0 0 0) R 3" + kTail.substr(2));
  REQUIRE(r);
  CHECK(r->state == 'R');
  CHECK(r->ppid == 3);
}

TEST_CASE("stat: kernel thread flag and negative fields", "[stat]") {
  auto r = parse_stat(
      "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 -100 -20 1 0 1 0 0 "
      "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  REQUIRE(r);
  CHECK(r->kernel_thread);
  CHECK(r->tpgid == -1);
  CHECK(r->priority == -100);
  CHECK(r->nice == -20);
  CHECK(r->vsize == 0);
}

TEST_CASE("stat: named bad variants fail cleanly", "[stat]") {
  struct Case {
    const char* name;
    std::string text;
  };
  const std::string full = "7 (x)" + kTail;
  const std::vector<Case> cases = {
      {"stat-empty", ""},
      {"stat-newline-only", "\n"},
      {"stat-truncated", full.substr(0, 40)},
      {"stat-truncated-in-comm", "7 (abc"},
      {"stat-truncated-after-comm", "7 (abc)"},
      {"stat-truncated-before-rss", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0"},
      {"stat-no-parens", "7 x S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"},
      {"stat-close-before-open", "7 )x(" + kTail},
      {"stat-pid-not-a-number", "abc (x)" + kTail},
      {"stat-pid-missing", "(x)" + kTail},
      {"stat-pid-overflow", "99999999999 (x)" + kTail},
      {"stat-no-space-after-comm", "7 (x)S" + kTail.substr(2)},
      {"stat-state-two-chars", "7 (x) SS" + kTail.substr(2)},
      {"stat-ppid-not-a-number", "7 (x) S one" + kTail.substr(4)},
      {"stat-flags-negative", "7 (x) S 1 7 7 0 -1 -5 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"},
      {"stat-utime-overflow",
       "7 (x) S 1 7 7 0 -1 0 0 0 0 0 99999999999999999999999 0 0 0 20 0 1 0 5 0 0"},
      {"stat-binary-garbage", std::string("\x00\x01(\xff)\x00", 6)},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto r = parse_stat(c.text);
      REQUIRE_FALSE(r);
      CHECK(r.error().kind == ErrorKind::kMalformed);
      CHECK(r.error().operation == "parse");
    }
  }
}

TEST_CASE("stat: every prefix of a valid line fails or parses, never crashes", "[stat]") {
  const std::string full = "7 (a) b)" + kTail;
  for (std::size_t n = 0; n <= full.size(); ++n) {
    auto r = parse_stat(std::string_view(full).substr(0, n));
    if (r) CHECK(r->pid == 7);
  }
}

TEST_CASE("stat: live /proc/self/stat", "[stat][live]") {
  auto r = parse_stat(hozen::testing::read_all("/proc/self/stat"));
  REQUIRE(r);
  CHECK(r->pid == ::getpid());
  CHECK(r->ppid == ::getppid());
  CHECK(r->pgrp == ::getpgrp());
  CHECK(r->state == 'R');
  CHECK_FALSE(r->kernel_thread);
  CHECK(r->num_threads >= 1);
  CHECK(r->starttime > 0);
  CHECK(r->vsize > 0);
}

TEST_CASE("stat: live kthreadd (pid 2) is a kernel thread", "[stat][live]") {
  std::string text = hozen::testing::read_all("/proc/2/stat");
  if (text.empty()) return;  // a pid namespace without kthreadd
  auto r = parse_stat(text);
  REQUIRE(r);
  if (r->comm == "kthreadd") CHECK(r->kernel_thread);
}
