// FakeProc: writes a /proc-like tree with the exact kernel text formats, for collector tests.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "tests/support/temp_dir.h"

namespace hozen::testing {

inline void make_dirs(const std::string& p) {
  for (std::size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') ::mkdir(p.substr(0, i).c_str(), 0755);
  }
}

inline void put_file(const std::string& path, const std::string& data) {
  make_dirs(path.substr(0, path.rfind('/')));
  write_all(path, data);
}

struct FakeProcess {
  int pid;
  std::string comm = "sleep";
  char state = 'S';
  int ppid = 1;
  unsigned long long starttime = 1000;
  unsigned flags = 0x400000;
  std::string cmdline;  // NUL-separated, as the kernel gives it
  std::string environ;
  std::string status_extra;
  std::string exe_target;  // symlink target for exe ("" = none)
  std::string maps;
  std::string cgroup = "0::/user.slice\n";
  std::vector<std::pair<int, std::string>> fds;  // fd number -> link target
  std::string netns = "net:[4026531840]";  // readlink text of ns/net
};

class FakeProc {
 public:
  explicit FakeProc(const TempDir& dir) : root_(dir / "proc") { make_dirs(root_); }
  const std::string& root() const { return root_; }

  static std::string stat_line(const FakeProcess& p) {
    // proc(5) field order; comm in parentheses, fields after it space-separated.
    return std::to_string(p.pid) + " (" + p.comm + ") " + p.state + " " + std::to_string(p.ppid) +
           " " + std::to_string(p.pid) + " " + std::to_string(p.pid) + " 0 -1 " +
           std::to_string(p.flags) + " 100 0 0 0 7 3 0 0 20 0 1 0 " + std::to_string(p.starttime) +
           " 10485760 256 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
  }

  void add(const FakeProcess& p) {
    std::string d = root_ + "/" + std::to_string(p.pid);
    put_file(d + "/stat", stat_line(p));
    put_file(d + "/status", "Name:\t" + p.comm + "\nState:\t" + std::string(1, p.state) +
                                " (sleeping)\nTgid:\t" + std::to_string(p.pid) + "\nPid:\t" +
                                std::to_string(p.pid) + "\nPPid:\t" + std::to_string(p.ppid) +
                                "\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\n"
                                "Groups:\t100 27\nThreads:\t1\nCapEff:\t0000000000000000\n" + p.status_extra);
    put_file(d + "/cmdline", p.cmdline);
    put_file(d + "/environ", p.environ);
    put_file(d + "/maps", p.maps);
    put_file(d + "/cgroup", p.cgroup);
    if (!p.exe_target.empty()) ::symlink(p.exe_target.c_str(), (d + "/exe").c_str());
    ::symlink("/", (d + "/cwd").c_str());
    ::symlink("/", (d + "/root").c_str());
    make_dirs(d + "/fd");
    for (const auto& [fd, target] : p.fds) ::symlink(target.c_str(), (d + "/fd/" + std::to_string(fd)).c_str());
    // ns/net: a link whose text names the namespace inode, as the kernel shows it.
    make_dirs(d + "/ns");
    ::symlink(p.netns.c_str(), (d + "/ns/net").c_str());
  }

  void put(const std::string& rel, const std::string& data) { put_file(root_ + "/" + rel, data); }

 private:
  std::string root_;
};

}  // namespace hozen::testing
