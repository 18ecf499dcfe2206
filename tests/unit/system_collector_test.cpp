// `system` on a fake root and a fake /proc: parsing, anomalies, injected failures, declared inputs.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "collectors/system/os_release.h"
#include "collectors/system/system_collector.h"
#include "platform/fault_fs.h"
#include "tests/support/capture_sink.h"
#include "tests/support/temp_dir.h"

using namespace hozen;

namespace {

void mkdirs(const std::string& p) {
  std::string cur;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      cur = p.substr(0, i);
      ::mkdir(cur.c_str(), 0755);
    }
  }
}

void put(const testing::TempDir& d, const std::string& rel, const std::string& data) {
  std::string full = d / rel;
  mkdirs(full.substr(0, full.rfind('/')));
  testing::write_all(full, data);
}

struct Fixture {
  testing::TempDir host, live;
  Fixture() {
    put(host, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
    put(host, "etc/hostname", "suspect\xff-host\n");
    put(host, "usr/lib/os-release", "NAME=\"Debian GNU/Linux\"\nID=debian\n# comment\nVERSION_ID=\"12\"\nbroken line\n");
    ::symlink("../usr/lib/os-release", (host / "etc/os-release").c_str());
    mkdirs(host / "usr/share/zoneinfo/Asia");
    ::symlink("/usr/share/zoneinfo/Asia/Tokyo", (host / "etc/localtime").c_str());
    put(live, "proc/sys/kernel/random/boot_id", "c724c30a-42ed-474d-8869-07a240846733\n");
    put(live, "proc/uptime", "615.25 1200.50\n");
    put(live, "proc/loadavg", "1.08 0.31 0.11 1/79 3195\n");
    put(live, "proc/stat", "cpu  1 2 3\nbtime 1764250000\nprocesses 9\n");
    put(live, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1\n");
    put(live, "proc/sys/kernel/tainted", "4096\n");
    put(live, "proc/sys/kernel/pid_max", "32768\n");
    put(live, "proc/self/mountinfo",
        "21 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n"
        "22 21 0:5 / /my\\040mnt rw - tmpfs tmpfs rw\n"
        "not a mount line\n");
  }
};

collectors::Outcome run(const platform::FileSystem& host, const platform::FileSystem* live,
                        testing::CaptureSink& sink) {
  std::atomic<bool> stop{false};
  collectors::Context ctx(host, live, {}, {}, {}, stop, 0);
  return collectors::system::SystemCollector().collect(ctx, sink);
}

}  // namespace

TEST_CASE("system: image mode (--root) reads identity from files only", "[system]") {
  Fixture fx;
  auto host = platform::RootedFileSystem::open(fx.host.path());
  REQUIRE(host);
  testing::CaptureSink sink;
  auto out = run(**host, nullptr, sink);
  CHECK(out.status == v1::RUN_OK);
  auto infos = sink.where([](const v1::Record& r) { return r.has_system_info(); });
  REQUIRE(infos.size() == 1);
  const auto& id = infos[0]->system_info().host();
  CHECK(id.hostname() == "suspect\xff-host");
  CHECK(id.machine_id() == "0123456789abcdef0123456789abcdef");
  CHECK(id.localtime_target() == "/usr/share/zoneinfo/Asia/Tokyo");
  CHECK(id.boot_id().empty());  // no live system in image mode
  CHECK(sink.where([](const v1::Record& r) { return r.has_mount(); }).empty());
  // os-release through an in-root relative symlink, with its malformed line kept.
  auto os = sink.where([](const v1::Record& r) { return r.has_os_release(); });
  REQUIRE(os.size() == 1);
  CHECK(os[0]->os_release().fields_size() == 3);
  CHECK(os[0]->os_release().raw_sha256().size() == 32);
  REQUIRE(sink.anomalies.size() == 1);
  CHECK(sink.anomalies[0].kind == "os_release_malformed_line");
  CHECK(sink.anomalies[0].line == 5);
  CHECK(sink.anomalies[0].raw == "broken line");
}

TEST_CASE("system: live facts from a fake /proc", "[system]") {
  Fixture fx;
  auto host = platform::RootedFileSystem::open(fx.host.path());
  auto live = platform::RootedFileSystem::open(fx.live.path());
  REQUIRE(host);
  REQUIRE(live);
  testing::CaptureSink sink;
  run(**host, live->get(), sink);
  auto infos = sink.where([](const v1::Record& r) { return r.has_system_info(); });
  REQUIRE(infos.size() == 1);
  const auto& si = infos[0]->system_info();
  CHECK(si.uptime_s() == Approx(615.25));
  CHECK(si.load().runnable() == 1);
  CHECK(si.load().entities() == 79);
  CHECK(si.load().last_pid() == 3195);
  CHECK(si.btime_s() == 1764250000);
  CHECK(si.kernel_cmdline() == "BOOT_IMAGE=/vmlinuz root=/dev/vda1");
  CHECK(si.kernel_tainted() == "4096");
  CHECK(si.pid_max() == 32768);
  CHECK(si.host().boot_id() == "c724c30a-42ed-474d-8869-07a240846733");
  auto mounts = sink.where([](const v1::Record& r) { return r.has_mount(); });
  REQUIRE(mounts.size() == 2);
  CHECK(mounts[1]->mount().mount_point() == "/my mnt");
  bool bad_mount_line = false;
  for (const auto& a : sink.anomalies) {
    bad_mount_line |= a.kind == "mountinfo_malformed_line" && a.line == 3 && a.raw == "not a mount line";
  }
  CHECK(bad_mount_line);
}

TEST_CASE("system: injected failures become item errors, never aborts", "[system]") {
  Fixture fx;
  auto host_real = platform::RootedFileSystem::open(fx.host.path());
  auto live_real = platform::RootedFileSystem::open(fx.live.path());
  platform::FaultFileSystem host(**host_real), live(**live_real);
  host.fail("/etc/machine-id", EACCES);
  live.fail("/proc/uptime", ENOENT);
  live.fail("/proc/self/mountinfo", EIO);
  testing::CaptureSink sink;
  auto out = run(host, &live, sink);
  CHECK(out.status == v1::RUN_OK);  // the runner turns item failures into RUN_PARTIAL
  std::map<std::string, v1::ItemStatus> by_item;
  for (const auto& e : sink.errors) by_item[e.item] = e.status;
  CHECK(by_item["/etc/machine-id"] == v1::ITEM_DENIED);
  CHECK(by_item["/proc/uptime"] == v1::ITEM_VANISHED);
  CHECK(by_item["/proc/self/mountinfo"] == v1::ITEM_FAILED);
  CHECK(sink.where([](const v1::Record& r) { return r.has_system_info(); }).size() == 1);
}

TEST_CASE("system: every path it touches is a declared input", "[system]") {
  Fixture fx;
  auto host_real = platform::RootedFileSystem::open(fx.host.path());
  auto live_real = platform::RootedFileSystem::open(fx.live.path());
  platform::FaultFileSystem host(**host_real), live(**live_real);
  testing::CaptureSink sink;
  run(host, &live, sink);
  collectors::system::SystemCollector c;
  auto inputs = c.inputs();
  std::set<std::string> all = host.accessed();
  for (const auto& p : live.accessed()) all.insert(p);
  CHECK(all.size() >= 10);
  for (const auto& p : all) {
    INFO(p);
    CHECK(collectors::input_allowed(p, inputs));
  }
}

TEST_CASE("os-release parser: quoting and malformed lines", "[system]") {
  auto p = collectors::system::parse_os_release(
      "A=plain\nB=\"dq \\\"x\\\" \\\\\"\nC='sq'\n=novalue\nD=\"unterminated\nE-F=1\n  # c\n\n");
  REQUIRE(p.entries.size() == 3);
  CHECK(p.entries[0].second == "plain");
  CHECK(p.entries[1].second == "dq \"x\" \\");
  CHECK(p.entries[2].second == "sq");
  CHECK(p.malformed.size() == 3);
}
