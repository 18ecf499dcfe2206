// Table-driven tests of the NUL splitter for /proc/<pid>/cmdline and environ (proc(5)).
#include "platform/procfs/cmdline.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using hozen::platform::procfs::split_nul;
using V = std::vector<std::string>;

namespace {

std::string bytes(const char* s, std::size_t n) { return std::string(s, n); }

}  // namespace

TEST_CASE("split_nul: named variants", "[cmdline]") {
  struct Case {
    const char* name;
    std::string in;
    V out;
  };
  const std::vector<Case> cases = {
      {"cmdline-empty", "", {}},
      {"cmdline-one-arg", bytes("ls\0", 3), {"ls"}},
      {"cmdline-typical", bytes("ls\0-l\0/tmp\0", 11), {"ls", "-l", "/tmp"}},
      {"cmdline-empty-arg-in-the-middle", bytes("a\0\0b\0", 5), {"a", "", "b"}},
      {"cmdline-empty-arg-last", bytes("a\0\0", 3), {"a", ""}},
      {"cmdline-only-empty-arg", bytes("\0", 1), {""}},
      {"cmdline-two-empty-args", bytes("\0\0", 2), {"", ""}},
      {"cmdline-setproctitle-no-trailing-nul", "nginx: worker process", {"nginx: worker process"}},
      {"cmdline-setproctitle-spaces-kept", "sshd: root@pts/0  ", {"sshd: root@pts/0  "}},
      {"cmdline-no-trailing-nul-several", bytes("a\0b", 3), {"a", "b"}},
      {"cmdline-invalid-utf8", bytes("\xff\0\xc3\x28\0", 5), {"\xff", "\xc3\x28"}},
      {"cmdline-newlines-and-tabs", bytes("a\nb\0\tc\0", 7), {"a\nb", "\tc"}},
      {"environ-typical", bytes("HOME=/root\0PATH=/bin\0", 21), {"HOME=/root", "PATH=/bin"}},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(split_nul(c.in) == c.out); }
  }
}

TEST_CASE("split_nul: live argv of a child with odd arguments", "[cmdline][live]") {
  // sh -c SCRIPT ARG0 ARGS...: the shell keeps its argv as given and waits on stdin, which we hold.
  // The arguments: an empty one, one with spaces, one with a newline and invalid UTF-8.
  int out[2], in[2];
  REQUIRE(::pipe(out) == 0);
  REQUIRE(::pipe(in) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(in[0], 0);
    // Only stdin/stdout stay open: a copy of in[1] here would keep `read` from seeing EOF.
    for (int fd : {out[0], out[1], in[0], in[1]}) ::close(fd);
    ::execl("/bin/sh", "sh", "-c", "echo x; read y", "", "a b", "c\nd\xff", nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(in[0]);
  char c = 0;
  REQUIRE(::read(out[0], &c, 1) == 1);  // the exec happened and the shell runs
  auto argv = split_nul(hozen::testing::read_all("/proc/" + std::to_string(pid) + "/cmdline"));
  ::close(in[1]);  // EOF ends `read`
  ::close(out[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  CHECK(argv == V{"sh", "-c", "echo x; read y", "", "a b", "c\nd\xff"});
}

TEST_CASE("split_nul: live argv of this process", "[cmdline][live]") {
  auto argv = split_nul(hozen::testing::read_all("/proc/self/cmdline"));
  REQUIRE_FALSE(argv.empty());
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe);
  REQUIRE(n > 0);
  std::string name(exe, static_cast<std::size_t>(n));
  name = name.substr(name.rfind('/') + 1);
  CHECK(argv[0].find(name) != std::string::npos);
}
