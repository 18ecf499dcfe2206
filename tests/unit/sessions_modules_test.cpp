// `sessions` on a utmp file built with glibc's struct utmp; `kernel_modules` on a fake /proc and
// /sys (a loadable module hidden from /proc/modules, taint flags).
#include <arpa/inet.h>
#include <utmp.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "collectors/kernel_modules/kernel_modules_collector.h"
#include "collectors/sessions/sessions_collector.h"
#include "tests/support/capture_sink.h"
#include "tests/support/fake_proc.h"

using namespace hozen;

namespace {

template <class C>
testing::CaptureSink run(C&& collector, const platform::FileSystem& host, const platform::FileSystem* live) {
  testing::CaptureSink sink;
  std::atomic<bool> stop{false};
  collectors::Context ctx(host, live, {}, {}, {}, stop, 0);
  collector.collect(ctx, sink);
  return sink;
}

}  // namespace

TEST_CASE("sessions: utmp records, remote address, odd bytes, trailing garbage", "[sessions]") {
  testing::TempDir dir;
  struct utmp u1 {};
  u1.ut_type = USER_PROCESS;
  u1.ut_pid = 4321;
  std::strncpy(u1.ut_line, "pts/3", sizeof u1.ut_line);
  std::strncpy(u1.ut_user, "r\xf6ot", sizeof u1.ut_user);
  std::strncpy(u1.ut_host, "198.51.100.7", sizeof u1.ut_host);
  u1.ut_tv.tv_sec = 1764250000;
  u1.ut_tv.tv_usec = 5;
  inet_pton(AF_INET, "198.51.100.7", &u1.ut_addr_v6[0]);
  struct utmp u2 {};
  u2.ut_type = BOOT_TIME;
  std::strncpy(u2.ut_user, "reboot", sizeof u2.ut_user);
  std::string bytes(reinterpret_cast<const char*>(&u1), sizeof u1);
  bytes.append(reinterpret_cast<const char*>(&u2), sizeof u2);
  bytes += "junk";
  testing::put_file(dir / "run/utmp", bytes);
  auto host = platform::RootedFileSystem::open(dir.path());
  auto sink = run(collectors::sessions::SessionsCollector(), **host, host->get());
  std::vector<const v1::Session*> s;
  for (const auto& r : sink.records) {
    if (r.has_session()) s.push_back(&r.session());
  }
  REQUIRE(s.size() == 2);
  CHECK(s[0]->entry_type() == "USER_PROCESS");
  CHECK(s[0]->user() == "r\xf6ot");
  CHECK(s[0]->line() == "pts/3");
  CHECK(s[0]->pid() == 4321);
  CHECK(s[0]->address() == "198.51.100.7");
  CHECK(s[0]->time_utc_ns() == 1764250000LL * 1'000'000'000 + 5000);
  CHECK(s[1]->entry_type() == "BOOT_TIME");
  CHECK(s[1]->record_offset() == 384);
  REQUIRE(sink.anomalies.size() == 1);
  CHECK(sink.anomalies[0].raw == "junk");
}

TEST_CASE("sessions: no utmp at all is not an error", "[sessions]") {
  testing::TempDir dir;
  auto host = platform::RootedFileSystem::open(dir.path());
  auto sink = run(collectors::sessions::SessionsCollector(), **host, host->get());
  CHECK(sink.records.empty());
  CHECK(sink.errors.empty());
}

TEST_CASE("kernel_modules: hidden module, built-ins, taint", "[kernel_modules]") {
  testing::TempDir dir;
  testing::put_file(dir / "proc/modules",
                    "ext4 1015808 2 - Live 0x0000000000000000\n"
                    "vboxdrv 696320 0 - Live 0xffffffffc0a00000 (OE)\n"
                    "this is not a module line\n");
  testing::put_file(dir / "proc/sys/kernel/tainted", "12288\n");
  testing::put_file(dir / "sys/module/ext4/initstate", "live\n");
  testing::put_file(dir / "sys/module/vboxdrv/initstate", "live\n");
  testing::put_file(dir / "sys/module/vboxdrv/taint", "OE\n");
  testing::put_file(dir / "sys/module/diamorphine/initstate", "live\n");  // hidden from /proc/modules
  testing::put_file(dir / "sys/module/printk/parameters/time", "Y\n");   // built in: no initstate
  auto live = platform::RootedFileSystem::open(dir.path());
  auto sink = run(collectors::kernel_modules::KernelModulesCollector(), **live, live->get());
  std::map<std::string, const v1::KernelModule*> m;
  const v1::KernelTaint* taint = nullptr;
  for (const auto& r : sink.records) {
    if (r.has_kernel_module()) m[r.kernel_module().name()] = &r.kernel_module();
    if (r.has_kernel_taint()) taint = &r.kernel_taint();
  }
  REQUIRE(m.size() == 3);
  CHECK_FALSE(m["ext4"]->hidden_from_proc_modules());
  CHECK(m["vboxdrv"]->taint().find("OE") != std::string::npos);
  CHECK(m["vboxdrv"]->sysfs_taint() == "OE");
  CHECK(m["diamorphine"]->hidden_from_proc_modules());
  CHECK_FALSE(m["diamorphine"]->in_proc_modules());
  CHECK(m.count("printk") == 0);
  REQUIRE(taint != nullptr);
  CHECK(taint->value() == 12288);
  REQUIRE(taint->flags_size() == 2);
  CHECK(taint->flags(0).starts_with("O "));
  CHECK(taint->flags(1).starts_with("E "));
  REQUIRE(sink.anomalies.size() == 1);
  CHECK(sink.anomalies[0].line == 3);
}
