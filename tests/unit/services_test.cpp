// `services`: the unit-file parser (named hostile variants), Exec command lines, cgroup -> unit,
// and the collector over tests/fixtures/services_basic (golden, sources preserved, declared
// inputs, injected faults, live cgroups from a fake /proc, size cap).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "collectors/services/services_collector.h"
#include "platform/fault_fs.h"
#include "platform/parsers/passwd.h"
#include "platform/parsers/unit_file.h"
#include "tests/support/evidence_check.h"
#include "tests/support/fixture_root.h"
#include "tests/support/golden.h"
#include "tests/support/persistent_golden.h"

using namespace hozen;
namespace parsers = hozen::platform::parsers;

namespace {

const v1::SystemdUnit* find_unit(const testing::CaptureSink& sink, std::string_view name,
                                 v1::UnitScope scope = v1::UNIT_SCOPE_SYSTEM) {
  for (const auto& r : sink.records) {
    if (r.has_systemd_unit() && r.systemd_unit().name() == name && r.systemd_unit().scope() == scope) {
      return &r.systemd_unit();
    }
  }
  return nullptr;
}

const v1::InitScript* find_script(const testing::CaptureSink& sink, std::string_view name) {
  for (const auto& r : sink.records) {
    if (r.has_init_script() && r.init_script().name() == name) return &r.init_script();
  }
  return nullptr;
}

bool has_anomaly(const testing::CaptureSink& sink, std::string_view kind, std::string_view path) {
  for (const auto& a : sink.anomalies) {
    if (a.kind == kind && a.path == path) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("unit file parser: sections, comments, continuations, resets", "[services][parsers]") {
  auto p = parsers::parse_unit_file(
      "# comment\n"
      "; also a comment\n"
      "[Unit]\n"
      "Description = spaced  \n"
      "[Service]\n"
      "ExecStart=/bin/a \\\n"
      "  --long \\\n"
      "# a comment between continuation lines is skipped\n"
      "  --more\n"
      "ExecStart=\n"
      "Environment=\"A=1\" B=2\r\n");
  REQUIRE(p.malformed.empty());
  REQUIRE(p.entries.size() == 4);
  CHECK(p.entries[0].section == "Unit");
  CHECK(p.entries[0].value == "spaced");
  CHECK(p.entries[1].key == "ExecStart");
  CHECK(p.entries[1].line == 6);
  CHECK(p.entries[1].value == "/bin/a    --long    --more");
  CHECK(p.entries[2].value.empty());  // the reset is kept
  CHECK(p.entries[3].value == "\"A=1\" B=2");
}

TEST_CASE("unit file parser: hostile variants are kept as malformed, parsing goes on", "[services][parsers]") {
  SECTION("assignment-before-any-section") {
    auto p = parsers::parse_unit_file("ExecStart=/tmp/x\n[Service]\nUser=root\n");
    REQUIRE(p.malformed.size() == 1);
    CHECK(p.malformed[0].line == 1);
    CHECK(p.malformed[0].raw == "ExecStart=/tmp/x");
    REQUIRE(p.entries.size() == 1);
  }
  SECTION("header-without-closing-bracket") {
    auto p = parsers::parse_unit_file("[Service\nUser=root\n");
    REQUIRE(p.malformed.size() == 2);  // the header, then an assignment outside a section
    CHECK(p.malformed[0].reason.find("']'") != std::string::npos);
  }
  SECTION("line-without-equals") {
    auto p = parsers::parse_unit_file("[Service]\njust words\nUser=root\n");
    REQUIRE(p.malformed.size() == 1);
    CHECK(p.entries.size() == 1);
  }
  SECTION("empty-key") {
    auto p = parsers::parse_unit_file("[Service]\n=value\n");
    CHECK(p.malformed.size() == 1);
  }
  SECTION("continuation-running-off-the-end") {
    auto p = parsers::parse_unit_file("[Service]\nExecStart=/bin/a \\\n --b \\");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].value == "/bin/a   --b");
  }
  SECTION("binary-garbage-and-nul-bytes") {
    static const char kBin[] = "\xff\xfe\x00\x01[Service]\n\x00\x00=\x01\n[Service]\nUser=\xff\n";
    std::string bin(kBin, sizeof kBin - 1);
    auto p = parsers::parse_unit_file(bin);
    CHECK(p.malformed.size() >= 1);
    REQUIRE_FALSE(p.entries.empty());
    CHECK(p.entries.back().value == "\xff");
  }
  SECTION("huge-line-is-cut") {
    std::string big = "[Service]\nExecStart=" + std::string(parsers::kMaxUnitLine + 100, 'a') + "\n";
    auto p = parsers::parse_unit_file(big);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].value.size() < parsers::kMaxUnitLine);
  }
}

TEST_CASE("unit file parser: comments are dropped before continuations", "[services][parsers]") {
  SECTION("comment-ending-in-backslash-does-not-swallow-next-directive") {
    auto p = parsers::parse_unit_file("[Service]\n# note \\\nExecStartPre=/tmp/.x\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].key == "ExecStartPre");
    CHECK(p.entries[0].value == "/tmp/.x");
    CHECK(p.entries[0].line == 3);
    CHECK(p.malformed.empty());
  }
  SECTION("semicolon-comment-ending-in-backslash") {
    auto p = parsers::parse_unit_file("[Service]\n  ; note \\\nExecStart=/tmp/.y\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].key == "ExecStart");
  }
  SECTION("backslash-followed-by-blanks-is-not-a-continuation") {
    auto p = parsers::parse_unit_file("[Service]\nExecStart=/bin/a \\  \nUser=root\n");
    REQUIRE(p.entries.size() == 2);
    CHECK(p.entries[1].key == "User");
  }
  SECTION("escaped-backslash-at-end-is-not-a-continuation") {
    auto p = parsers::parse_unit_file("[Service]\nExecStart=/bin/a \\\\\nUser=root\n");
    REQUIRE(p.entries.size() == 2);
    CHECK(p.entries[0].value == "/bin/a \\\\");
    CHECK(p.entries[1].key == "User");
  }
  SECTION("crlf-continuation") {
    auto p = parsers::parse_unit_file("[Service]\r\nExecStart=/bin/a \\\r\n --b\r\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].value == "/bin/a   --b");
  }
}

TEST_CASE("exec command lines: prefixes, quoting, escapes, separators", "[services][parsers]") {
  auto c = parsers::parse_exec_value("-@+/bin/sh sh -c 'echo \"a b\"' \\x41\\t x\"y z\"w");
  REQUIRE(c.size() == 1);
  CHECK(c[0].ignore_failure);
  CHECK(c[0].argv0_override);
  CHECK(c[0].full_privileges);
  CHECK_FALSE(c[0].no_env_expansion);
  CHECK(c[0].argv == std::vector<std::string>{"/bin/sh", "sh", "-c", "echo \"a b\"", "A\t", "xy zw"});
  CHECK_FALSE(c[0].parse_error);

  auto two = parsers::parse_exec_value("/bin/a ; !!/bin/b \\; c");
  REQUIRE(two.size() == 2);
  CHECK(two[0].argv == std::vector<std::string>{"/bin/a"});
  CHECK(two[1].ambient_caps);
  CHECK(two[1].argv == std::vector<std::string>{"/bin/b", ";", "c"});

  SECTION("unterminated-quote") {
    auto u = parsers::parse_exec_value("/bin/sh -c 'never closed");
    REQUIRE(u.size() == 1);
    CHECK(u[0].parse_error);
    CHECK(u[0].argv.back() == "never closed");
  }
  SECTION("trailing-backslash-and-unknown-escape") {
    auto u = parsers::parse_exec_value("/bin/x \\q \\");
    REQUIRE(u.size() == 1);
    CHECK(u[0].parse_error);
  }
  SECTION("empty-value-is-a-reset") { CHECK(parsers::parse_exec_value("  ").empty()); }
  SECTION("octal-and-non-utf8-bytes") {
    auto u = parsers::parse_exec_value("/bin/\\101\xff");
    REQUIRE(u.size() == 1);
    CHECK(u[0].argv[0] == "/bin/A\xff");
  }
}

TEST_CASE("unit names and cgroup paths", "[services][parsers]") {
  auto p = parsers::split_unit_name("getty@tty1.service");
  CHECK(p.valid);
  CHECK(p.template_name() == "getty@.service");
  CHECK(p.instance == "tty1");
  CHECK(parsers::split_unit_name("getty@.service").is_template);
  CHECK_FALSE(parsers::split_unit_name("README").valid);
  CHECK_FALSE(parsers::split_unit_name("x.conf").valid);

  collectors::services::CgroupUnit cu;
  REQUIRE(collectors::services::unit_from_cgroup("0::/system.slice/ssh.service\n", &cu));
  CHECK(cu.unit == "ssh.service");
  CHECK(cu.user_manager_uid == -1);
  REQUIRE(collectors::services::unit_from_cgroup(
      "0::/user.slice/user-1000.slice/user@1000.service/app.slice/miner.service\n", &cu));
  CHECK(cu.unit == "miner.service");
  CHECK(cu.user_manager_uid == 1000);
  REQUIRE(collectors::services::unit_from_cgroup(
      "12:pids:/system.slice/x.service\n1:name=systemd:/system.slice/cron.service\n", &cu));
  CHECK(cu.unit == "cron.service");
  CHECK_FALSE(collectors::services::unit_from_cgroup("0::/\n", &cu));
  CHECK_FALSE(collectors::services::unit_from_cgroup("0::/user.slice/user-1000.slice/user@1000.service\n", &cu));
  CHECK_FALSE(collectors::services::unit_from_cgroup("\xff\x00garbage", &cu));
}

TEST_CASE("services: fixture root (merge, drop-ins, masks, links, instances, SysV)", "[services]") {
  testing::FixtureRoot fx("services_basic");
  collectors::services::ServicesCollector c;
  auto sink = testing::run_on_root(c, fx.root());
  CHECK(sink.outcome.status == v1::RUN_OK);

  SECTION("an override drop-in resets ExecStart and is applied after the vendor file") {
    const auto* ssh = find_unit(sink, "ssh.service");
    REQUIRE(ssh != nullptr);
    CHECK(ssh->path() == "/lib/systemd/system/ssh.service");
    REQUIRE(ssh->drop_ins_size() == 2);
    CHECK(ssh->drop_ins(0) == "/usr/lib/systemd/system/service.d/10-timeout.conf");
    CHECK(ssh->drop_ins(1) == "/etc/systemd/system/ssh.service.d/override.conf");
    std::vector<std::string> starts;
    for (const auto& e : ssh->exec()) {
      if (e.directive() == "ExecStart") starts.push_back(e.argv(0));
    }
    REQUIRE(starts.size() == 1);
    const v1::ExecCommand* start = nullptr;
    for (const auto& e : ssh->exec()) {
      if (e.directive() == "ExecStart") start = &e;
    }
    CHECK(start->argv_size() == 6);
    CHECK(start->argv(3) == "ListenAddress 0.0.0.0:2222");
    CHECK(start->source().path() == "/etc/systemd/system/ssh.service.d/override.conf");
    CHECK(start->source().line() == 4);
    CHECK(ssh->state() == v1::UNIT_ENABLE_ENABLED);
    CHECK(ssh->service_type() == "notify");
    CHECK(ssh->runtime() == v1::UNIT_RUNTIME_UNKNOWN);
  }
  SECTION("a copy in /etc shadows the vendor unit") {
    const auto* cron = find_unit(sink, "cron.service");
    REQUIRE(cron != nullptr);
    CHECK(cron->path() == "/etc/systemd/system/cron.service");
    REQUIRE(cron->shadowed_paths_size() == 1);
    CHECK(cron->shadowed_paths(0) == "/lib/systemd/system/cron.service");
    CHECK(cron->user() == "root");
    CHECK(cron->state() == v1::UNIT_ENABLE_DISABLED);
  }
  SECTION("the implant: enabled by a wants link, argv0 spoofed, malformed line kept") {
    const auto* u = find_unit(sink, "dbus-update.service");
    REQUIRE(u != nullptr);
    CHECK(u->state() == v1::UNIT_ENABLE_ENABLED);
    REQUIRE(u->links_size() == 1);
    CHECK(u->links(0).via_unit() == "multi-user.target");
    CHECK(u->links(0).target() == "/etc/systemd/system/dbus-update.service");
    const v1::ExecCommand* start = nullptr;
    int starts = 0;
    for (const auto& e : u->exec()) {
      if (e.directive() == "ExecStart") {
        if (!start) start = &e;
        ++starts;
      }
    }
    REQUIRE(start != nullptr);
    CHECK(starts == 2);  // "... ; /bin/true" is a second command
    CHECK(start->argv0_override());
    CHECK(start->argv(0) == "/tmp/.x/payload");
    CHECK(start->argv(1) == "[kworker/0:1]");
    CHECK(u->source().line() == 10);
    CHECK(has_anomaly(sink, "unit_file_malformed_line", "/etc/systemd/system/dbus-update.service"));
  }
  SECTION("masked, alias, template instance, dangling enable link") {
    const auto* apt = find_unit(sink, "apt-daily.service");
    REQUIRE(apt != nullptr);
    CHECK(apt->state() == v1::UNIT_ENABLE_MASKED);
    CHECK(apt->fragment_link_target() == "/dev/null");
    CHECK(apt->shadowed_paths(0) == "/lib/systemd/system/apt-daily.service");
    const auto* sshd = find_unit(sink, "sshd.service");
    REQUIRE(sshd != nullptr);
    CHECK(sshd->alias_of() == "ssh.service");
    REQUIRE(sshd->drop_ins_size() == 2);  // an alias takes the drop-ins of the unit it names
    CHECK(sshd->drop_ins(1) == "/etc/systemd/system/ssh.service.d/override.conf");
    const auto* getty = find_unit(sink, "getty@tty1.service");
    REQUIRE(getty != nullptr);
    CHECK(getty->template_name() == "getty@.service");
    CHECK(getty->instance() == "tty1");
    CHECK(getty->path() == "/lib/systemd/system/getty@.service");
    CHECK(getty->state() == v1::UNIT_ENABLE_ENABLED);
    REQUIRE(getty->exec_size() == 1);
    CHECK(getty->exec(0).ignore_failure());
    CHECK(getty->exec(0).argv(2) == "-p -- \\u");
    const auto* ghost = find_unit(sink, "ghost.service");
    REQUIRE(ghost != nullptr);
    CHECK(ghost->path().empty());
    CHECK(ghost->links(0).target() == "/opt/gone/ghost.service");
  }
  SECTION("user units: global and in a home from /etc/passwd") {
    const auto* miner = find_unit(sink, "miner.service", v1::UNIT_SCOPE_USER_HOME);
    REQUIRE(miner != nullptr);
    CHECK(miner->home_user() == "alice");
    CHECK(miner->state() == v1::UNIT_ENABLE_ENABLED);
    CHECK(miner->exec(0).argv(0) == "/home/alice/.cache/.m/xmrig");
    CHECK(find_unit(sink, "pulse-helper.service", v1::UNIT_SCOPE_USER_GLOBAL) != nullptr);
    CHECK(has_anomaly(sink, "passwd_malformed_line", "/etc/passwd"));
  }
  SECTION("binary garbage in a unit file") {
    CHECK(has_anomaly(sink, "unit_file_malformed_line", "/etc/systemd/system/garbage.service"));
    CHECK(find_unit(sink, "garbage.service") != nullptr);
  }
  SECTION("SysV script with rc and OpenRC links, an orphan link, rc.local") {
    const auto* s = find_script(sink, "backdoor");
    REQUIRE(s != nullptr);
    CHECK(s->executable());
    CHECK(s->lsb_default_start() == "2 3 4 5");
    REQUIRE(s->links_size() == 3);
    std::set<std::string> levels;
    for (const auto& l : s->links()) levels.insert(l.kind() + ":" + l.runlevel() + (l.start() ? "S" : "K"));
    CHECK(levels == std::set<std::string>{"sysv:0K", "sysv:2S", "openrc:defaultS"});
    const auto* orphan = find_script(sink, "orphan");
    REQUIRE(orphan != nullptr);
    CHECK(orphan->path().empty());
    auto rc = sink.where([](const v1::Record& r) { return r.has_rc_local(); });
    REQUIRE(rc.size() == 1);
    CHECK(rc[0]->rc_local().executable());
    REQUIRE(rc[0]->rc_local().commands_size() == 2);
    CHECK(rc[0]->rc_local().commands(0).source().line() == 3);
  }
  SECTION("every entry points at a preserved file; golden") {
    CHECK(testing::check_sources_preserved(sink.records) > 20);
    testing::check_golden("services_basic", testing::render_for_golden(sink));
  }
}

TEST_CASE("services: every path it touches is a declared input (~/ inputs under passwd homes)", "[services]") {
  testing::FixtureRoot fx("services_basic");
  auto real = platform::RootedFileSystem::open(fx.root());
  REQUIRE(real);
  platform::FaultFileSystem fs(**real);
  collectors::services::ServicesCollector c;
  auto sink = testing::run_on_fs(c, fs);
  auto inputs = c.inputs();
  auto homes = testing::fixture_homes(fx.root());
  auto accessed = fs.accessed();
  CHECK(accessed.size() > 30);
  for (const auto& p : accessed) {
    INFO(p);
    CHECK(collectors::input_allowed(p, inputs, homes));
  }
}

TEST_CASE("services: injected failures become item errors, the rest is collected", "[services]") {
  testing::FixtureRoot fx("services_basic");
  auto real = platform::RootedFileSystem::open(fx.root());
  platform::FaultFileSystem fs(**real);
  fs.fail("/etc/systemd/system/ssh.service.d/override.conf", EACCES);
  fs.fail("/etc/init.d", EIO);
  fs.fail("/etc/passwd", EACCES);
  collectors::services::ServicesCollector c;
  auto sink = testing::run_on_fs(c, fs);
  std::map<std::string, v1::ItemStatus> by_item;
  for (const auto& e : sink.errors) by_item[e.item] = e.status;
  CHECK(by_item["/etc/systemd/system/ssh.service.d/override.conf"] == v1::ITEM_DENIED);
  CHECK(by_item["/etc/init.d"] == v1::ITEM_FAILED);
  CHECK(by_item["/etc/passwd"] == v1::ITEM_DENIED);
  const auto* ssh = find_unit(sink, "ssh.service");
  REQUIRE(ssh != nullptr);
  CHECK(ssh->drop_ins_size() == 1);  // the type-level one only
  CHECK(find_unit(sink, "miner.service", v1::UNIT_SCOPE_USER_HOME) == nullptr);  // no passwd, no homes
  CHECK(find_script(sink, "orphan") != nullptr);  // rc links still read
}

TEST_CASE("services: live cgroups map processes to units; unknown cgroups are reported", "[services]") {
  testing::FixtureRoot fx("services_basic");
  testing::TempDir live_dir;
  testing::apply_manifest(live_dir.path(),
                          "write proc/1/cgroup 0::/init.scope\\n\n"
                          "write proc/100/cgroup 0::/system.slice/dbus-update.service\\n\n"
                          "write proc/101/cgroup 0::/system.slice/dbus-update.service\\n\n"
                          "write proc/200/cgroup 0::/user.slice/user-1000.slice/user@1000.service/app.slice/miner.service\\n\n"
                          "write proc/300/cgroup 0::/system.slice/run-u7.service\\n\n"
                          "write proc/self/cgroup 0::/\\n\n");
  auto host = platform::RootedFileSystem::open(fx.root());
  auto live = platform::RootedFileSystem::open(live_dir.path());
  REQUIRE(host);
  REQUIRE(live);
  std::atomic<bool> stop{false};
  collectors::Context ctx(**host, live->get(), {}, {}, {}, stop, 0);
  testing::CaptureSink sink;
  collectors::services::ServicesCollector c;
  c.collect(ctx, sink);
  const auto* u = find_unit(sink, "dbus-update.service");
  REQUIRE(u != nullptr);
  CHECK(u->runtime() == v1::UNIT_RUNTIME_RUNNING);
  CHECK(std::vector<int>(u->pids().begin(), u->pids().end()) == std::vector<int>{100, 101});
  const auto* miner = find_unit(sink, "miner.service", v1::UNIT_SCOPE_USER_HOME);
  REQUIRE(miner != nullptr);
  CHECK(miner->pids_size() == 1);
  CHECK(find_unit(sink, "cron.service")->runtime() == v1::UNIT_RUNTIME_NO_PROCESSES);
  auto rt = sink.where([](const v1::Record& r) { return r.has_systemd_runtime_unit(); });
  std::set<std::string> names;
  for (const auto* r : rt) names.insert(r->systemd_runtime_unit().name());
  CHECK(names == std::set<std::string>{"init.scope", "run-u7.service"});
}

TEST_CASE("services: a unit file over the size cap is flagged and parsed as a prefix", "[services]") {
  testing::FixtureRoot fx("services_basic");
  collectors::Limits lim;
  lim.max_file_bytes = 64;
  collectors::services::ServicesCollector c;
  auto sink = testing::run_on_root(c, fx.root(), lim);
  const auto* u = find_unit(sink, "dbus-update.service");
  REQUIRE(u != nullptr);
  CHECK(u->fragment_truncated());
  CHECK(sink.items[v1::ITEM_TRUNCATED] > 0);
}

namespace {

void write_file(const std::string& path, std::string_view text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

bool has_link(const v1::SystemdUnit& u, std::string_view kind, std::string_view path) {
  for (const auto& l : u.links()) {
    if (l.kind() == kind && l.path() == path) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("services: symlinked-dropin-and-wants-directories are followed and recorded", "[services]") {
  testing::FixtureRoot fx("services_basic");
  const std::string& r = fx.root();
  write_file(r + "/opt/cron-dropins/evil.conf", "[Service]\nExecStartPre=/tmp/.x\n");
  std::filesystem::create_directory_symlink("/opt/cron-dropins", r + "/etc/systemd/system/cron.service.d");
  std::filesystem::create_directories(r + "/opt/w");
  std::filesystem::create_symlink("/lib/systemd/system/cron.service", r + "/opt/w/cron.service");
  std::filesystem::create_directory_symlink("/opt/w", r + "/etc/systemd/system/sockets.target.wants");
  collectors::services::ServicesCollector c;
  auto sink = testing::run_on_root(c, r);
  const auto* cron = find_unit(sink, "cron.service");
  REQUIRE(cron != nullptr);
  bool applied = false;
  for (const auto& d : cron->drop_ins()) applied |= d == "/etc/systemd/system/cron.service.d/evil.conf";
  CHECK(applied);
  bool pre = false;
  for (const auto& e : cron->exec()) pre |= e.directive() == "ExecStartPre" && e.argv(0) == "/tmp/.x";
  CHECK(pre);
  CHECK(has_link(*cron, "dropin_dir_link", "/etc/systemd/system/cron.service.d"));
  CHECK(has_link(*cron, "wants", "/etc/systemd/system/sockets.target.wants/cron.service"));
  CHECK(has_link(*cron, "wants_dir_link", "/etc/systemd/system/sockets.target.wants"));
  CHECK(cron->state() == v1::UNIT_ENABLE_ENABLED);
  testing::check_sources_preserved(sink.records);
}

TEST_CASE("services: unit-specific-dropin-overrides-type-level-dropin of the same name", "[services]") {
  testing::FixtureRoot fx("services_basic");
  const std::string& r = fx.root();
  // Same file name as ssh.service.d/override.conf, in the type-level dir of the same search dir.
  write_file(r + "/etc/systemd/system/service.d/override.conf", "[Service]\nExecStartPre=/bin/generic\n");
  // Same name in a lower-priority unit dir and a higher-priority type-level dir: the specific
  // one still wins (systemd lists every <name>.d before any <type>.d).
  write_file(r + "/lib/systemd/system/cron.service.d/50-x.conf", "[Service]\nExecStartPre=/bin/specific\n");
  write_file(r + "/etc/systemd/system/service.d/50-x.conf", "[Service]\nExecStartPre=/bin/generic50\n");
  collectors::services::ServicesCollector c;
  auto sink = testing::run_on_root(c, r);
  auto pres = [](const v1::SystemdUnit& u) {
    std::vector<std::string> out;
    for (const auto& e : u.exec()) {
      if (e.directive() == "ExecStartPre") out.push_back(e.argv(0));
    }
    return out;
  };
  const auto* ssh = find_unit(sink, "ssh.service");
  REQUIRE(ssh != nullptr);
  std::vector<std::string> ssh_dropins(ssh->drop_ins().begin(), ssh->drop_ins().end());
  CHECK(std::find(ssh_dropins.begin(), ssh_dropins.end(), "/etc/systemd/system/ssh.service.d/override.conf") !=
        ssh_dropins.end());
  CHECK(std::find(ssh_dropins.begin(), ssh_dropins.end(), "/etc/systemd/system/service.d/override.conf") ==
        ssh_dropins.end());
  auto ssh_pre = pres(*ssh);
  CHECK(std::find(ssh_pre.begin(), ssh_pre.end(), "/bin/generic") == ssh_pre.end());
  const auto* cron = find_unit(sink, "cron.service");
  REQUIRE(cron != nullptr);
  auto cron_pre = pres(*cron);
  CHECK(std::find(cron_pre.begin(), cron_pre.end(), "/bin/specific") != cron_pre.end());
  CHECK(std::find(cron_pre.begin(), cron_pre.end(), "/bin/generic50") == cron_pre.end());
  CHECK(std::find(cron_pre.begin(), cron_pre.end(), "/bin/generic") != cron_pre.end());  // other name
}

TEST_CASE("services: home-user-unit search path continues into the global user dirs", "[services]") {
  testing::FixtureRoot fx("services_basic");
  const std::string& r = fx.root();
  write_file(r + "/etc/systemd/user/miner.service", "[Service]\nExecStart=/usr/bin/global-miner\n");
  write_file(r + "/etc/systemd/user/miner.service.d/env.conf", "[Service]\nExecStartPre=/tmp/.global\n");
  collectors::services::ServicesCollector c;
  auto sink = testing::run_on_root(c, r);
  const auto* miner = find_unit(sink, "miner.service", v1::UNIT_SCOPE_USER_HOME);
  REQUIRE(miner != nullptr);
  CHECK(miner->path() == "/home/alice/.config/systemd/user/miner.service");  // home dirs first
  REQUIRE(miner->shadowed_paths_size() == 1);
  CHECK(miner->shadowed_paths(0) == "/etc/systemd/user/miner.service");
  REQUIRE(miner->drop_ins_size() == 1);
  CHECK(miner->drop_ins(0) == "/etc/systemd/user/miner.service.d/env.conf");
  // A unit only in the global dirs is reported once, in the global scope, not again per home.
  CHECK(find_unit(sink, "pulse-helper.service", v1::UNIT_SCOPE_USER_GLOBAL) != nullptr);
  CHECK(find_unit(sink, "pulse-helper.service", v1::UNIT_SCOPE_USER_HOME) == nullptr);
  CHECK(find_unit(sink, "miner.service", v1::UNIT_SCOPE_USER_GLOBAL) != nullptr);
}

TEST_CASE("services: dash-prefix-dropin-dir applies to foo-*.service, after the unit's own", "[services]") {
  testing::FixtureRoot fx("services_basic");
  const std::string& r = fx.root();
  // systemd >= 246: "dbus-.service.d" applies to dbus-update.service; a file of the same name in
  // the unit's own dir wins.
  write_file(r + "/usr/lib/systemd/system/dbus-.service.d/10-x.conf", "[Service]\nExecStartPre=/tmp/.dash\n");
  write_file(r + "/usr/lib/systemd/system/dbus-.service.d/20-y.conf", "[Service]\nExecStartPre=/tmp/.dash2\n");
  write_file(r + "/usr/lib/systemd/system/dbus-update.service.d/20-y.conf", "[Service]\nExecStartPre=/tmp/.own\n");
  collectors::services::ServicesCollector c;
  auto sink = testing::run_on_root(c, r);
  const auto* u = find_unit(sink, "dbus-update.service");
  REQUIRE(u != nullptr);
  std::vector<std::string> pres;
  for (const auto& e : u->exec()) {
    if (e.directive() == "ExecStartPre") pres.push_back(e.argv(0));
  }
  CHECK(std::find(pres.begin(), pres.end(), "/tmp/.dash") != pres.end());
  CHECK(std::find(pres.begin(), pres.end(), "/tmp/.own") != pres.end());
  CHECK(std::find(pres.begin(), pres.end(), "/tmp/.dash2") == pres.end());
  const auto* cron = find_unit(sink, "cron.service");
  REQUIRE(cron != nullptr);
  for (const auto& d : cron->drop_ins()) CHECK(d.find("dbus-") == std::string::npos);
}
