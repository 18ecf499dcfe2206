// `processes` on a FakeProc tree (parsing, failures as data, pid reuse) and on the live /proc
// (odd argv, deleted executables T27/T28, hidden-process cross-check).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <thread>

#include "collectors/processes/pid_sweep.h"
#include "collectors/processes/processes_collector.h"
#include "platform/digest.h"
#include "platform/host.h"
#include "platform/procfs/stat.h"
#include "platform/sha256.h"
#include "tests/support/capture_sink.h"
#include "tests/support/fake_proc.h"

using namespace hozen;

namespace {

struct Run {
  testing::CaptureSink sink;
  collectors::Outcome outcome;
};

Run run_processes(const std::string& proc_root, const platform::FileSystem& host,
                  std::int32_t self_pid = 0, bool environ = true) {
  Run r;
  collectors::PlatformFacts facts;
  facts.proc_root = proc_root;
  facts.boot_time_utc_ns = 1'700'000'000'000'000'000;
  facts.clock_ticks = 100;
  facts.self_pid = self_pid;
  collectors::Config cfg;
  cfg.collect_environ = environ;
  std::atomic<bool> stop{false};
  collectors::Context ctx(host, &host, facts, {}, cfg, stop, 0);
  r.outcome = collectors::processes::ProcessesCollector().collect(ctx, r.sink);
  return r;
}

// processes over a FakeProc with executables hashed and a fault injector (errno per (pid, file)).
testing::CaptureSink run_hashing(const std::string& proc_root,
                                 std::function<int(std::int32_t, std::string_view)> fault,
                                 collectors::PlatformFacts::SelfExecutable self_exe = {}) {
  auto host = platform::RootedFileSystem::open("/");
  collectors::PlatformFacts facts;
  facts.proc_root = proc_root;
  facts.self_exe = std::move(self_exe);
  std::atomic<bool> stop{false};
  collectors::Config cfg;
  cfg.hash_executables = true;
  collectors::Context ctx(**host, host->get(), facts, {}, cfg, stop, 0);
  collectors::processes::ProcessesCollector c;
  c.set_fault_injector(std::move(fault));
  testing::CaptureSink sink;
  c.collect(ctx, sink);
  return sink;
}

// Facts of the live system for collectors run on /proc (hozen's own pid: the test process).
collectors::PlatformFacts live_facts() {
  collectors::PlatformFacts facts;
  facts.proc_root = "/proc";
  facts.clock_ticks = 100;
  facts.self_pid = ::getpid();
  return facts;
}

const v1::Process* find(const testing::CaptureSink& s, std::int32_t pid) {
  for (const auto& rec : s.records) {
    if (rec.has_process() && rec.process().pid() == pid) return &rec.process();
  }
  return nullptr;
}

pid_t spawn(const std::string& exe, std::vector<std::string> argv) {
  // A close-on-exec pipe: the parent's read returns (EOF) exactly when the exec has happened,
  // however loaded the machine is (a timed wait was flaky under parallel builds).
  int sync[2];
  if (::pipe2(sync, O_CLOEXEC) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    ::execv(exe.c_str(), a.data());
    char failed = 'f';
    (void)!::write(sync[1], &failed, 1);
    ::_exit(127);
  }
  ::close(sync[1]);
  char c;
  ssize_t n;
  do n = ::read(sync[0], &c, 1);
  while (n < 0 && errno == EINTR);
  ::close(sync[0]);
  return n == 0 ? pid : -1;  // one byte: the exec failed
}

void reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace

TEST_CASE("processes: FakeProc fields, raw argv, container id", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::put_file(dir / "bin/evil", "\x7f" "ELF fake binary");
  testing::FakeProcess p{.pid = 4242};
  p.comm = "we ird) (name";
  p.cmdline = std::string("/bin/evil\0--flag=a b\0\0\xff\xfe\0", 25);
  p.environ = std::string("PATH=/bin\0LD_PRELOAD=/tmp/x.so\0", 31);
  p.exe_target = dir / "bin/evil";
  p.maps = "55d0-55e0 r-xp 00000000 fd:01 1234 " + (dir / "bin/evil") +
           "\n7f00-7f10 r-xp 00000000 fd:01 99 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
           "7f10-7f20 r--p 00000000 fd:01 99 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
           "7ffd-7ffe rw-p 00000000 00:00 0 [stack]\n";
  p.cgroup = "0::/system.slice/docker-" + std::string(64, 'a') + ".scope\n";
  p.fds = {{0, "/dev/null"}, {3, "socket:[777]"}, {4, "pipe:[12]"}, {5, "anon_inode:[eventfd]"}};
  proc.add(p);
  auto host = platform::RootedFileSystem::open("/");
  auto r = run_processes(proc.root(), **host);
  const v1::Process* got = find(r.sink, 4242);
  REQUIRE(got != nullptr);
  CHECK(got->comm() == "we ird) (name");
  REQUIRE(got->argv_size() == 4);
  CHECK(got->argv(1) == "--flag=a b");
  CHECK(got->argv(2).empty());
  CHECK(got->argv(3) == "\xff\xfe");
  CHECK(got->environ_size() == 2);
  CHECK(got->environ(1) == "LD_PRELOAD=/tmp/x.so");
  CHECK(got->exe_path() == dir / "bin/evil");
  CHECK_FALSE(got->exe_deleted());
  CHECK(got->exe_sha256() == platform::as_bytes(platform::Sha256::of("\x7f" "ELF fake binary")));
  REQUIRE(got->libraries_size() == 1);
  CHECK(got->libraries(0) == "/usr/lib/x86_64-linux-gnu/libc.so.6");
  CHECK(got->container_id() == std::string(64, 'a'));
  CHECK(got->fds().total() == 4);
  CHECK(got->fds().sockets() == 1);
  CHECK(got->fds().pipes() == 1);
  CHECK(got->fds().anon() == 1);
  CHECK(got->fds().files() == 1);
  REQUIRE(got->socket_inodes_size() == 1);
  CHECK(got->socket_inodes(0) == 777);
  CHECK(got->uids_size() == 4);
  CHECK(got->uids(1) == 1000);
  CHECK(got->groups_size() == 2);
  CHECK(got->start_utc_ns() == 1'700'000'000'000'000'000 + 10'000'000'000);
  CHECK(got->status() == v1::ITEM_OK);
  CHECK_FALSE(got->kernel_thread());
}

TEST_CASE("processes: failures are fields of the record, not aborts", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::FakeProcess a{.pid = 10};
  a.cmdline = std::string("a\0", 2);
  proc.add(a);  // no exe link, no environ file
  testing::FakeProcess k{.pid = 2};
  k.comm = "kthreadd";
  k.flags = 0x00208040;  // PF_KTHREAD
  proc.add(k);
  testing::FakeProcess gone{.pid = 11};
  proc.add(gone);
  auto host = platform::RootedFileSystem::open("/");
  collectors::PlatformFacts facts;
  facts.proc_root = proc.root();
  std::atomic<bool> stop{false};
  collectors::Context ctx(**host, host->get(), facts, {}, {}, stop, 0);
  collectors::processes::ProcessesCollector c;
  // pid 11 exits between the listing and the open (T23).
  c.set_fault_injector([](std::int32_t pid, std::string_view name) { return pid == 11 && name.empty() ? ENOENT : 0; });
  Run r;
  r.outcome = c.collect(ctx, r.sink);
  CHECK(r.sink.items[v1::ITEM_VANISHED] == 1);
  const v1::Process* pa = find(r.sink, 10);
  REQUIRE(pa != nullptr);
  CHECK(pa->status() == v1::ITEM_PARTIAL);
  std::map<std::string, v1::ItemStatus> errs;
  for (const auto& fe : pa->field_errors()) errs[fe.field()] = fe.status();
  CHECK(errs["exe"] == v1::ITEM_VANISHED);
  const v1::Process* pk = find(r.sink, 2);
  REQUIRE(pk != nullptr);
  CHECK(pk->kernel_thread());
  CHECK(pk->field_errors_size() == 0);  // no exe/cwd/maps expected for kernel threads
  CHECK(find(r.sink, 11) == nullptr);
}

TEST_CASE("processes: injected EACCES and pid reuse (T22, T24)", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::FakeProcess p{.pid = 77};
  p.cmdline = std::string("x\0", 2);
  p.environ = std::string("A=1\0", 4);
  p.exe_target = "/bin/sh";
  proc.add(p);
  testing::FakeProcess reborn = p;
  reborn.starttime = 99999;
  auto host = platform::RootedFileSystem::open("/");
  collectors::PlatformFacts facts;
  facts.proc_root = proc.root();
  std::atomic<bool> stop{false};
  collectors::Context ctx(**host, host->get(), facts, {}, {}, stop, 0);
  collectors::processes::ProcessesCollector c;
  int stat_reads = 0;
  c.set_fault_injector([&](std::int32_t pid, std::string_view name) {
    if (pid != 77) return 0;
    if (name == "environ") return EACCES;
    // After the first read of stat, pid 77 belongs to another process (same pid, new start).
    if (name == "stat" && ++stat_reads == 2) {
      testing::write_all(proc.root() + "/77/stat", testing::FakeProc::stat_line(reborn));
    }
    return 0;
  });
  testing::CaptureSink sink;
  c.collect(ctx, sink);
  const v1::Process* got = find(sink, 77);
  REQUIRE(got != nullptr);
  CHECK(got->pid_reused());
  CHECK(got->start_ticks() == 1000);
  CHECK(got->status() == v1::ITEM_PARTIAL);
  bool denied = false;
  for (const auto& fe : got->field_errors()) denied |= fe.field() == "environ" && fe.status() == v1::ITEM_DENIED && fe.errno_value() == EACCES;
  CHECK(denied);
}

TEST_CASE("processes: an executable replaced between its stat and its open is not hashed as it", "[processes]") {
  // The identity (deleted flag, inode, size) comes from fstatat through the exe link, the bytes
  // from a later open: a process that exec'd in between must not get the new file's digest
  // under the old file's identity.
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  const std::string first = dir / "first", second = dir / "second";
  testing::write_all(first, "the binary that was stat'ed");
  testing::write_all(second, "a different, longer binary that was opened");
  testing::FakeProcess p{.pid = 78};
  p.cmdline = std::string("x\0", 2);
  p.exe_target = first;
  proc.add(p);
  int exe_calls = 0;  // readlink, fstatat, then open
  auto sink = run_hashing(proc.root(), [&](std::int32_t pid, std::string_view name) {
    if (pid == 78 && name == "exe" && ++exe_calls == 3) {
      ::unlink((proc.root() + "/78/exe").c_str());
      if (::symlink(second.c_str(), (proc.root() + "/78/exe").c_str()) != 0) return EIO;
    }
    return 0;
  });
  const v1::Process* got = find(sink, 78);
  REQUIRE(got != nullptr);
  CHECK(exe_calls == 3);
  CHECK(got->exe_size() == std::string("the binary that was stat'ed").size());
  CHECK(got->exe_hash_status() == v1::ITEM_PARTIAL);
  CHECK(got->exe_sha256().empty());
  bool changed = false;
  for (const auto& fe : got->field_errors()) changed |= fe.field() == "exe_sha256" && fe.status() == v1::ITEM_PARTIAL;
  CHECK(changed);
}

TEST_CASE("processes: one executable run by many processes is opened and hashed once", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  const std::string exe = dir / "shared-binary";
  testing::write_all(exe, std::string(100000, 'x'));
  for (int pid = 100; pid < 160; ++pid) {
    testing::FakeProcess p{.pid = pid};
    p.cmdline = std::string("x\0", 2);
    p.exe_target = exe;
    proc.add(p);
  }
  std::atomic<int> exe_calls{0};  // per process: readlink and fstatat; the open only once in all
  auto sink = run_hashing(proc.root(), [&](std::int32_t, std::string_view name) {
    if (name == "exe") ++exe_calls;
    return 0;
  });
  CHECK(exe_calls == 2 * 60 + 1);
  const std::string want = platform::to_hex(platform::Sha256::of(std::string(100000, 'x')));
  int hashed = 0;
  for (int pid = 100; pid < 160; ++pid) {
    const v1::Process* got = find(sink, pid);
    REQUIRE(got != nullptr);
    CHECK(got->exe_hash_status() == v1::ITEM_OK);
    hashed += platform::to_hex(got->exe_sha256()) == want;
  }
  CHECK(hashed == 60);
}

TEST_CASE("container ids from cgroup paths", "[processes]") {
  using collectors::processes::container_id_from_cgroup;
  std::string id(64, 'b');
  CHECK(container_id_from_cgroup("0::/docker/" + id + "\n") == id);
  CHECK(container_id_from_cgroup("0::/system.slice/cri-containerd-" + id + ".scope\n") == id);
  CHECK(container_id_from_cgroup("0::/user.slice/user-1000.slice/session-3.scope\n").empty());
  CHECK(container_id_from_cgroup("0::/" + std::string(65, 'c') + "\n").empty());
}

TEST_CASE("[live] processes: odd argv, deleted and fake-deleted executables (T27, T28)", "[processes][live]") {
  testing::TempDir dir;
  // A copy of sh, started and then deleted. `sh -c 'sleep 60; :' ...` stays alive with its argv.
  std::string copy = dir / "x";
  {
    std::ifstream in("/bin/sh", std::ios::binary);
    std::ofstream out(copy, std::ios::binary);
    out << in.rdbuf();
  }
  ::chmod(copy.c_str(), 0755);
  std::string original = testing::read_all(copy);
  pid_t deleted = spawn(copy, {"x", "-c", "sleep 60; :", std::string("arg with\nnewline"), "\xff"});
  ::unlink(copy.c_str());
  // A file really named "y (deleted)" that is not deleted.
  std::string fake = dir / "y (deleted)";
  {
    std::ifstream in("/bin/sh", std::ios::binary);
    std::ofstream out(fake, std::ios::binary);
    out << in.rdbuf();
  }
  ::chmod(fake.c_str(), 0755);
  pid_t fake_pid = spawn(fake, {"y", "-c", "sleep 60; :"});
  auto host = platform::RootedFileSystem::open("/");
  auto r = run_processes("/proc", **host, ::getpid());
  reap(deleted);
  reap(fake_pid);
  const v1::Process* d = find(r.sink, deleted);
  REQUIRE(d != nullptr);
  CHECK(d->exe_deleted());
  CHECK(d->exe_sha256() == platform::as_bytes(platform::Sha256::of(original)));
  REQUIRE(d->argv_size() == 5);
  CHECK(d->argv(3) == "arg with\nnewline");
  CHECK(d->argv(4) == "\xff");
  const v1::Process* f = find(r.sink, fake_pid);
  REQUIRE(f != nullptr);
  CHECK_FALSE(f->exe_deleted());
  CHECK(f->exe_path() == fake);
  const v1::Process* self = find(r.sink, ::getpid());
  REQUIRE(self != nullptr);
  CHECK(self->collector_self());
  // Our own threads are found by probing but are threads, not hidden processes.
  for (const auto& rec : r.sink.records) {
    if (rec.has_hidden_process()) {
      INFO(rec.hidden_process().pid() << " " << rec.hidden_process().finding());
      CHECK(rec.hidden_process().pid() != ::getpid());
    }
  }
  bool summary = false;
  for (const auto& rec : r.sink.records) summary |= rec.has_process_cross_check();
  CHECK(summary);
}

TEST_CASE("[live] processes: MD5 and SHA-1 of a deleted executable when indicators ask for them", "[processes][live]") {
  // A deleted binary has no path the file sweep could hash: an MD5 or SHA-1 indicator can only
  // match through the bytes read from /proc/<pid>/exe (the same read that copies them).
  testing::TempDir dir;
  std::string copy = dir / "implant";
  {
    std::ifstream in("/bin/sh", std::ios::binary);
    std::ofstream out(copy, std::ios::binary);
    out << in.rdbuf();
  }
  ::chmod(copy.c_str(), 0755);
  const std::string original = testing::read_all(copy);
  pid_t deleted = spawn(copy, {"implant", "-c", "sleep 60; :"});
  ::unlink(copy.c_str());
  auto host = platform::RootedFileSystem::open("/");
  auto run = [&](bool md5, bool sha1) {
    collectors::PlatformFacts facts;
    facts.proc_root = "/proc";
    facts.self_pid = ::getpid();
    collectors::Config cfg;
    cfg.hash_executables = false;  // a deleted executable is read (and copied) regardless
    cfg.sweep.md5 = md5;
    cfg.sweep.sha1 = sha1;
    std::atomic<bool> stop{false};
    collectors::Context ctx(**host, host->get(), facts, {}, cfg, stop, 0);
    testing::CaptureSink sink;
    collectors::processes::ProcessesCollector().collect(ctx, sink);
    return sink;
  };
  auto asked = run(true, true);
  auto not_asked = run(false, false);
  reap(deleted);
  const v1::Process* d = find(asked, deleted);
  REQUIRE(d != nullptr);
  REQUIRE(d->exe_deleted());
  CHECK(d->exe_sha256() == platform::as_bytes(platform::Sha256::of(original)));
  CHECK(d->exe_md5() == platform::Digest::of(platform::DigestAlgorithm::kMd5, original));
  CHECK(d->exe_sha1() == platform::Digest::of(platform::DigestAlgorithm::kSha1, original));
  const v1::Process* n = find(not_asked, deleted);
  REQUIRE(n != nullptr);
  CHECK(n->exe_md5().empty());
  CHECK(n->exe_sha1().empty());
  // Executables that still exist get neither (the sweep hashes them by path).
  const v1::Process* self = find(asked, ::getpid());
  REQUIRE(self != nullptr);
  CHECK(self->exe_md5().empty());
}

TEST_CASE("[live] processes: a /proc/<pid> masked by a bind mount is reported (T25)", "[processes][live]") {
  testing::TempDir dir;
  testing::make_dirs(dir / "empty");
  pid_t victim = spawn("/bin/sleep", {"sleep", "60"});
  std::string target = "/proc/" + std::to_string(victim);
  if (::mount((dir / "empty").c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    reap(victim);
    WARN("cannot bind-mount over /proc/<pid> (not root?): skipped");
    return;
  }
  auto host = platform::RootedFileSystem::open("/");
  auto r = run_processes("/proc", **host, ::getpid());
  ::umount2(target.c_str(), MNT_DETACH);
  reap(victim);
  bool masked = false;
  for (const auto& rec : r.sink.records) {
    if (rec.has_hidden_process() && rec.hidden_process().pid() == victim) {
      masked = rec.hidden_process().finding() == "masked_by_mount";
    }
  }
  CHECK(masked);
}

TEST_CASE("processes: short reads (a process exiting mid-read) give partial, never wrong, records", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::FakeProcess p{.pid = 31};
  p.cmdline = std::string("/usr/bin/python3\0-c\0print(1)\0", 29);
  proc.add(p);
  testing::FakeProcess q{.pid = 32};
  proc.add(q);
  auto host = platform::RootedFileSystem::open("/");
  collectors::PlatformFacts facts;
  facts.proc_root = proc.root();
  std::atomic<bool> stop{false};
  collectors::Context ctx(**host, host->get(), facts, {}, {}, stop, 0);
  collectors::processes::ProcessesCollector c;
  c.set_fault_injector([](std::int32_t pid, std::string_view name) {
    if (pid == 31 && name == "cmdline") return -20;  // ends inside the second argument
    if (pid == 32 && name == "stat") return -12;     // ends inside comm
    return 0;
  });
  testing::CaptureSink sink;
  c.collect(ctx, sink);
  const v1::Process* a = find(sink, 31);
  REQUIRE(a != nullptr);
  REQUIRE(a->argv_size() == 2);
  CHECK(a->argv(0) == "/usr/bin/python3");
  CHECK(a->argv(1) == "-c");  // the bytes that were read, nothing invented
  // A stat cut inside comm does not parse: an anomaly with the raw bytes, no record.
  CHECK(find(sink, 32) == nullptr);
  bool anomaly = false;
  for (const auto& an : sink.anomalies) anomaly |= an.kind == "proc_stat_malformed" && an.raw.size() == 12;
  CHECK(anomaly);
  CHECK(sink.items[v1::ITEM_MALFORMED] == 1);
}

TEST_CASE("processes: the fd table comes from the network scan only for the same /proc/<pid> inode", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::FakeProcess p{.pid = 77};
  p.fds = {{3, "socket:[901]"}, {4, "pipe:[5]"}};
  proc.add(p);
  auto host = platform::RootedFileSystem::open("/");
  collectors::PlatformFacts facts;
  facts.proc_root = proc.root();
  facts.clock_ticks = 100;
  std::atomic<bool> stop{false};
  struct stat dst {};
  REQUIRE(::stat((proc.root() + "/77").c_str(), &dst) == 0);
  auto run = [&](collectors::SharedReads& shared) {
    collectors::Context ctx(**host, host->get(), facts, {}, {}, stop, 0);
    ctx.set_shared(&shared);
    testing::CaptureSink sink;
    collectors::processes::ProcessesCollector().collect(ctx, sink);
    const v1::Process* got = find(sink, 77);
    REQUIRE(got != nullptr);
    return *got;
  };
  SECTION("same directory inode: the shared table is used (it differs from the fixture's)") {
    collectors::SharedReads shared;
    shared.fd_scans[77] = {dst.st_dev, dst.st_ino, {{3, "socket:[901]"}, {9, "socket:[902]"}, {10, "/etc/passwd"}}, true,
                           4026539999};
    v1::Process got = run(shared);
    CHECK(got.fds().from_network_scan());
    // ns/net too, read with the table (the fixture's own link says otherwise).
    bool net_from_scan = false;
    for (const auto& n : got.namespaces()) {
      if (n.type() == "net") net_from_scan = n.inode() == 4026539999 && n.from_network_scan();
      if (n.type() != "net") CHECK_FALSE(n.from_network_scan());
    }
    CHECK(net_from_scan);
    CHECK(got.fds().total() == 3);
    CHECK(got.fds().sockets() == 2);
    CHECK(got.fds().files() == 1);
    CHECK(got.fds().truncated());
    CHECK(got.socket_inodes_size() == 2);
  }
  SECTION("another inode (a reused pid): the table is read again") {
    collectors::SharedReads shared;
    shared.fd_scans[77] = {dst.st_dev, dst.st_ino + 1, {{9, "socket:[902]"}}, false, 4026539999};
    v1::Process got = run(shared);
    CHECK_FALSE(got.fds().from_network_scan());
    for (const auto& n : got.namespaces()) {
      CHECK_FALSE(n.from_network_scan());
      if (n.type() == "net") CHECK(n.inode() != 4026539999);
    }
    CHECK(got.fds().total() == 2);
    CHECK(got.fds().pipes() == 1);
    REQUIRE(got.socket_inodes_size() == 1);
    CHECK(got.socket_inodes(0) == 901);
  }
}

TEST_CASE("processes: namespace inodes are read from the link text; other text is not a namespace", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::FakeProcess good{.pid = 10};
  good.netns = "net:[4026532777]";
  testing::FakeProcess bad{.pid = 11};
  bad.netns = "net:[12x]";
  testing::FakeProcess odd{.pid = 12};
  odd.netns = "/tmp/not a namespace";
  proc.add(good);
  proc.add(bad);
  proc.add(odd);
  auto root = platform::procfs::ProcRoot::open(proc.root());
  REQUIRE(root);
  auto d10 = root->open_process(10);
  REQUIRE(d10);
  auto ino = d10->ns_inode("ns/net");
  REQUIRE(ino);
  CHECK(*ino == 4026532777u);
  for (int pid : {11, 12}) {
    auto d = root->open_process(pid);
    REQUIRE(d);
    auto e = d->ns_inode("ns/net");
    REQUIRE_FALSE(e);
    CHECK(e.error().kind == platform::ErrorKind::kMalformed);
  }
  CHECK_FALSE(d10->ns_inode("ns/mnt"));  // absent link: an error, not a zero inode
}

TEST_CASE("procfs: the fd table in two steps; an fd closed in between has no target", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::FakeProcess p{.pid = 20};
  for (int fd = 0; fd < 40; ++fd) p.fds.push_back({fd, "pipe:[" + std::to_string(1000 + fd) + "]"});
  proc.add(p);
  auto root = platform::procfs::ProcRoot::open(proc.root());
  REQUIRE(root);
  auto d = root->open_process(20);
  REQUIRE(d);
  auto table = d->list_fd_numbers(1000);
  REQUIRE(table);
  CHECK_FALSE(table->truncated);
  REQUIRE(table->fds.size() == 40);
  // fd 7 closes after the listing: its link is gone when the targets are read.
  REQUIRE(::unlink((proc.root() + "/20/fd/7").c_str()) == 0);
  std::vector<std::optional<std::string>> targets(table->fds.size());
  d->read_fd_targets(*table, 0, 25, targets);  // two ranges, as two threads would read them
  d->read_fd_targets(*table, 25, 100, targets);  // an end past the table is clamped
  for (std::size_t i = 0; i < targets.size(); ++i) {
    INFO(table->fds[i]);
    if (table->fds[i] == 7) {
      CHECK_FALSE(targets[i].has_value());
    } else {
      REQUIRE(targets[i].has_value());
      CHECK(*targets[i] == "pipe:[" + std::to_string(1000 + table->fds[i]) + "]");
    }
  }
  // list_fds gives the same table, less the closed fd.
  bool trunc = true;
  auto whole = d->list_fds(1000, &trunc);
  REQUIRE(whole);
  CHECK_FALSE(trunc);
  CHECK(whole->size() == 39);
  auto capped = d->list_fd_numbers(10);
  REQUIRE(capped);
  CHECK(capped->truncated);
  CHECK(capped->fds.size() == 10);
}

TEST_CASE("[live] processes: the hidden-process sweep probes kill always, fstatat in the deep profile", "[processes][live]") {
  auto host = platform::RootedFileSystem::open("/");
  for (bool deep : {false, true}) {
    const collectors::PlatformFacts facts = live_facts();
    collectors::Config cfg;
    cfg.deep_pid_probe = deep;
    cfg.hash_executables = false;
    std::atomic<bool> stop{false};
    collectors::Context ctx(**host, host->get(), facts, {}, cfg, stop, 0);
    testing::CaptureSink sink;
    collectors::processes::ProcessesCollector().collect(ctx, sink);
    const v1::ProcessCrossCheck* cc = nullptr;
    for (const auto& r : sink.records) {
      if (r.has_process_cross_check()) cc = &r.process_cross_check();
    }
    REQUIRE(cc != nullptr);
    CHECK(cc->complete());
    REQUIRE(cc->sweep_probes_size() == (deep ? 2 : 1));
    CHECK(cc->sweep_probes(0) == "kill");
    if (deep) CHECK(cc->sweep_probes(1) == "fstatat");
    // Every listed process answers kill: the probes found at least as many as readdir listed
    // (threads and processes born since add to it).
    CHECK(cc->probe_found() + 5 >= cc->readdir_count());
  }
}

TEST_CASE("[live] processes: the pid sweep started early (idle thread) and finished by the collector", "[processes][live]") {
  pid_t child = spawn("/bin/sleep", {"sleep", "60"});
  auto root = platform::procfs::ProcRoot::open("/proc");
  REQUIRE(root);
  const std::uint64_t pid_max = std::max<std::uint64_t>(static_cast<std::uint64_t>(child) + 1, 4096);
  // The idle thread probes what it can; finish() probes the rest in the caller and waits for
  // the idle thread's last block.
  collectors::processes::PidSweep early(std::move(*root), pid_max, false);
  early.start_background();
  auto hits = early.finish(1, [] { return false; });
  REQUIRE(hits);
  auto has = [&](std::int32_t pid) {
    return std::any_of(hits->begin(), hits->end(), [&](const auto& h) { return h.pid == pid && h.by_kill && h.by_stat; });
  };
  CHECK(has(::getpid()));
  CHECK(has(child));
  CHECK(std::is_sorted(hits->begin(), hits->end(), [](const auto& a, const auto& b) { return a.pid < b.pid; }));
  CHECK(early.background_blocks() <= (pid_max + collectors::processes::PidSweep::kBlock - 1) / collectors::processes::PidSweep::kBlock);
  // No background thread at all: the caller's threads probe every block.
  auto root2 = platform::procfs::ProcRoot::open("/proc");
  REQUIRE(root2);
  collectors::processes::PidSweep plain(std::move(*root2), pid_max, false);
  auto hits2 = plain.finish(2, [] { return false; });
  REQUIRE(hits2);
  CHECK(plain.background_blocks() == 0);
  CHECK(std::any_of(hits2->begin(), hits2->end(), [&](const auto& h) { return h.pid == child; }));
  // Stopped before the end: no result (an incomplete sweep is never reported as complete).
  auto root3 = platform::procfs::ProcRoot::open("/proc");
  REQUIRE(root3);
  collectors::processes::PidSweep stopped(std::move(*root3), pid_max, false);
  CHECK_FALSE(stopped.finish(1, [] { return true; }));
  reap(child);
}

TEST_CASE("[live] processes: start_early then collect uses the early sweep; stop_early alone joins it", "[processes][live]") {
  auto host = platform::RootedFileSystem::open("/");
  const collectors::PlatformFacts facts = live_facts();
  collectors::Config cfg;
  cfg.hash_executables = false;
  std::atomic<bool> stop{false};
  collectors::Context ctx(**host, host->get(), facts, {}, cfg, stop, 0);
  collectors::processes::ProcessesCollector c;
  c.start_early(ctx);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // idle cores (if any): the sweep runs
  const std::int64_t before_collect = platform::monotonic_ns();
  testing::CaptureSink sink;
  CHECK(c.collect(ctx, sink).status == v1::RUN_OK);
  const v1::ProcessCrossCheck* cc = nullptr;
  for (const auto& r : sink.records) {
    if (r.has_process_cross_check()) cc = &r.process_cross_check();
  }
  REQUIRE(cc != nullptr);
  CHECK(cc->complete());
  CHECK(cc->sweep_start_monotonic_ns() < before_collect);  // the early sweep, not a new one
  CHECK(cc->sweep_end_monotonic_ns() >= before_collect);
  CHECK(cc->sweep_background_blocks() <= (cc->probed_max_pid() + 1023) / 1024);
  CHECK(cc->probe_found() + 5 >= cc->readdir_count());
  // A run stopped before the processes collector: the early sweep is stopped and joined.
  collectors::processes::ProcessesCollector d;
  d.start_early(ctx);
  d.stop_early();
  // collect() after stop_early sweeps on its own.
  testing::CaptureSink sink2;
  CHECK(d.collect(ctx, sink2).status == v1::RUN_OK);
  bool complete = false;
  for (const auto& r : sink2.records) {
    if (r.has_process_cross_check()) complete = r.process_cross_check().complete() && r.process_cross_check().sweep_background_blocks() == 0;
  }
  CHECK(complete);
}

TEST_CASE("[live] processes: the kept stat file re-read; an exited process gives an error, not another's text", "[processes][live]") {
  pid_t child = spawn("/bin/sleep", {"sleep", "60"});
  auto root = platform::procfs::ProcRoot::open("/proc");
  REQUIRE(root);
  auto dir = root->open_process(child);
  REQUIRE(dir);
  platform::UniqueFd kept;
  bool trunc = false;
  auto first = dir->read_single_kept("stat", 65536, &trunc, &kept);
  REQUIRE(first);
  REQUIRE(kept.valid());
  auto again = dir->reread(kept, "stat", 65536, &trunc);
  REQUIRE(again);
  // The same process: the same pid, comm and start time (field 22) in both texts.
  auto a = platform::procfs::parse_stat(*first);
  auto b = platform::procfs::parse_stat(*again);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->starttime == b->starttime);
  CHECK(a->pid == b->pid);
  reap(child);  // killed and waited for: the pid may now be anyone's
  auto gone = dir->reread(kept, "stat", 65536, &trunc);
  CHECK_FALSE(gone);
  platform::UniqueFd none;
  CHECK_FALSE(dir->reread(none, "stat", 65536, &trunc));
}

TEST_CASE("processes: hozen's own executable, hashed for the header, is not read again", "[processes]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  const std::string exe = dir / "hozen";
  testing::write_all(exe, std::string(50000, 'h'));
  testing::FakeProcess p{.pid = 90};
  p.cmdline = std::string("hozen\0", 6);
  p.exe_target = exe;
  proc.add(p);
  struct stat st {};
  REQUIRE(::stat(exe.c_str(), &st) == 0);
  // A digest that is not the file's: seen in the record only if the start-up digest was reused.
  const std::string header_digest(32, '\x5a');
  collectors::PlatformFacts::SelfExecutable self{header_digest, st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size),
                                                 st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
  int opens = 0;  // per process: readlink and fstatat; a third call is the open to hash
  auto same = run_hashing(proc.root(), [&](std::int32_t, std::string_view name) { opens += name == "exe"; return 0; }, self);
  const v1::Process* got = find(same, 90);
  REQUIRE(got != nullptr);
  CHECK(got->exe_sha256() == header_digest);
  CHECK(got->exe_hash_status() == v1::ITEM_OK);
  CHECK(opens == 2);
  // Another identity (the file changed since: ctime): hashed from its bytes.
  self.ctime_nsec += 1;
  opens = 0;
  auto changed = run_hashing(proc.root(), [&](std::int32_t, std::string_view name) { opens += name == "exe"; return 0; }, self);
  got = find(changed, 90);
  REQUIRE(got != nullptr);
  CHECK(got->exe_sha256() == platform::as_bytes(platform::Sha256::of(std::string(50000, 'h'))));
  CHECK(opens == 3);
}
