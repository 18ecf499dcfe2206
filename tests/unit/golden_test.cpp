// Golden outputs for FakeProc scenarios (STYLE §9, tier 2). Run with HOZEN_UPDATE_GOLDEN=1 to
// rewrite tests/golden/*.jsonl after a deliberate change; review the diff like code.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "agent/export/json.h"
#include "platform/parse_util.h"
#include "collectors/network/network_collector.h"
#include "collectors/processes/processes_collector.h"
#include "tests/support/capture_sink.h"
#include "tests/support/fake_proc.h"
#include "tests/support/golden.h"

using namespace hozen;

namespace {

const char* kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const char* kUdpHeader =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";

// Replaces values that differ from run to run (fixture inodes, temp paths) by stable names.
class Normalizer {
 public:
  explicit Normalizer(std::string tmp) : tmp_(std::move(tmp)) {}
  std::uint64_t ns(std::uint64_t ino) { return ids_.emplace(ino, ids_.size() + 1).first->second; }
  std::string path(std::string p) {
    if (p.starts_with(tmp_)) p = "<fixture>" + p.substr(tmp_.size());
    return p;
  }
  void fix(v1::Record& r) {
    r.clear_utc_ns();
    r.clear_index();
    if (r.has_process()) {
      auto& p = *r.mutable_process();
      p.clear_exe_dev();
      p.clear_exe_inode();
      p.set_exe_path(path(p.exe_path()));
      for (auto& n : *p.mutable_namespaces()) n.set_inode(ns(n.inode()));
    }
    if (r.has_socket()) r.mutable_socket()->set_netns(ns(r.socket().netns()));
    if (r.has_network_namespace()) {
      auto& n = *r.mutable_network_namespace();
      n.set_inode(ns(n.inode()));
    }
    if (r.has_process_cross_check()) r.mutable_process_cross_check()->clear_duration_ns();
  }

 private:
  std::string tmp_;
  std::map<std::uint64_t, std::uint64_t> ids_;
};

}  // namespace

TEST_CASE("golden: processes and network on a FakeProc scenario", "[golden]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::put_file(dir / "bin/httpd", "httpd binary bytes");
  testing::put_file(dir / "tmp/.x/implant", "implant binary bytes");

  // A clean daemon in the first namespace: listener on [::]:80 and on a v4-mapped address.
  testing::FakeProcess web{.pid = 100};
  web.comm = "httpd";
  web.cmdline = std::string("/usr/sbin/httpd\0-k\0start\0", 25);
  web.environ = std::string("LANG=C\0", 7);
  web.exe_target = dir / "bin/httpd";
  web.fds = {{0, "/dev/null"}, {3, "socket:[1001]"}, {4, "socket:[1002]"}};
  web.netns = "net:[4026532001]";
  proc.add(web);
  const std::string ns_one_tcp6 =
           std::string(kTcpHeader) +
               "   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0 100 0 0 10 0\n"
               "   1: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0 100 0 0 10 0\n"
               "   2: 0000000000000000FFFF00000100007F:D431 0000000000000000FFFF00000100007F:0016 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0 0 0 0 0\n";
  // Every member of a namespace shows the same tables.
  proc.put("100/net/tcp6", ns_one_tcp6);
  proc.put("2/net/tcp6", ns_one_tcp6);
  // An implant in a second namespace: odd argv and comm, connected UDP, and an orphan socket.
  testing::FakeProcess implant{.pid = 200};
  implant.comm = "a) (b\nc";
  implant.ppid = 100;
  implant.starttime = 5000;
  implant.cmdline = std::string("./implant\0two words\0\0\xff\xfe-bytes\0", 30);
  implant.exe_target = dir / "tmp/.x/implant";
  implant.fds = {{5, "socket:[2001]"}};
  implant.netns = "net:[4026532002]";
  proc.add(implant);
  proc.put("200/net/udp", std::string(kUdpHeader) +
                              "  7: 0500000A:A000 097100CB:0035 01 00000000:00000000 00:00000000 00000000  1000        0 2001 2 0 0\n"
                              "  8: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 2002 2 0 0\n");
  // A kernel thread.
  testing::FakeProcess kt{.pid = 2};
  kt.comm = "kthreadd";
  kt.ppid = 0;
  kt.flags = 0x00208040;
  kt.netns = "net:[4026532001]";  // kthreadd and httpd share a namespace
  proc.add(kt);

  auto host = platform::RootedFileSystem::open(dir.path());
  collectors::PlatformFacts facts;
  facts.proc_root = proc.root();
  facts.boot_time_utc_ns = 1'764'000'000'000'000'000;
  facts.clock_ticks = 100;
  std::atomic<bool> stop{false};
  collectors::Context ctx(**host, host->get(), facts, {}, {}, stop, 0);
  testing::CaptureSink sink;
  collectors::network::NetworkCollector().collect(ctx, sink);
  collectors::processes::ProcessesCollector().collect(ctx, sink);

  Normalizer norm(dir.path());
  // Records in a stable order: network first (deterministic), then processes sorted by pid (the
  // collector reads with several threads and emits in completion order).
  std::vector<std::string> lines;
  for (auto r : sink.records) {
    if (r.has_preserved_file() || r.has_process_cross_check() || r.has_hidden_process()) continue;
    norm.fix(r);
    lines.push_back(exporter::to_json(r));
  }
  std::stable_sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
    bool pa = a.starts_with("{\"process\""), pb = b.starts_with("{\"process\"");
    if (pa != pb) return pb;  // non-process records first, in emission order
    if (!pa) return false;
    auto pid = [](const std::string& s) { return std::stoll(s.substr(s.find("\"pid\":") + 6)); };
    return pid(a) < pid(b);
  });
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  for (const auto& a : sink.anomalies) out += "anomaly " + a.kind + " " + a.path + " line " + std::to_string(a.line) + "\n";
  testing::check_golden("fakeproc_scenario", out);
}
