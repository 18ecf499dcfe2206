// The packages collector and the dpkg parsers: stanzas with continuations and conffiles, odd
// status values, md5sums lines; the collector over the packages_basic fixture (golden), with
// injected failures and declared inputs.
#include <catch2/catch.hpp>
#include <map>

#include "collectors/packages/packages_collector.h"
#include "platform/fault_fs.h"
#include "platform/parsers/dpkg.h"
#include "tests/support/evidence_check.h"
#include "tests/support/fixture_root.h"
#include "tests/support/golden.h"
#include "tests/support/render.h"

using namespace hozen;
namespace parsers = platform::parsers;

namespace {

std::map<std::string, const v1::Package*> packages(const testing::CaptureSink& s) {
  std::map<std::string, const v1::Package*> out;
  for (const auto& r : s.records) {
    if (r.has_package()) out[r.package().name()] = &r.package();
  }
  return out;
}

}  // namespace

TEST_CASE("dpkg status: stanzas, continuations, conffiles and bad lines", "[packages][dpkg]") {
  auto p = parsers::parse_dpkg_status(
      "Package: a\n"
      "Status: install ok installed\n"
      "Installed-Size: 12\n"
      "Description: short\n"
      " long line one\n"
      " .\n"
      "Conffiles:\n"
      " /etc/a.conf 0123456789abcdef0123456789abcdef\n"
      " /etc/b.conf newconffile obsolete\n"
      " /etc/c.conf\n"
      "\n"
      "\n"
      "package: b\r\n"
      "STATUS: deinstall reinstreq half-installed\r\n"
      "Installed-Size: many\n"
      "no colon here\n"
      " \t \n"
      " orphan continuation\n"
      "Status: install ok installed\n"
      "\n"
      "Package: c\n"
      "Status: install ok\n");
  REQUIRE(p.entries.size() == 3);
  const auto& a = p.entries[0];
  CHECK(a.line == 1);
  CHECK(a.lines == 10);
  CHECK(a.installed_size_kib == 12);
  CHECK(a.description == "short");
  REQUIRE(a.conffiles.size() == 2);
  CHECK(a.conffiles[0].line == 8);
  CHECK(a.conffiles[1].md5_hex == "newconffile");
  CHECK(a.conffiles[1].obsolete);
  const auto& b = p.entries[1];
  CHECK(b.package == "b");  // field names are case-insensitive
  CHECK(b.want == "deinstall");
  CHECK(b.error_flag == "reinstreq");
  CHECK(b.state == "half-installed");
  CHECK_FALSE(b.has_installed_size);
  std::map<std::uint64_t, std::string> bad;
  for (const auto& m : p.malformed) bad[m.line] = m.reason;
  CHECK(bad[10] == "conffile line without a digest");
  CHECK(bad[15] == "Installed-Size is not a number");
  CHECK(bad[16] == "line is neither 'Field: value' nor a continuation");
  CHECK(bad[18] == "continuation line outside a field");
  CHECK(bad[19] == "stanza without a Package field");
  CHECK(bad[22] == "Status is not three words (want flag state)");
  CHECK(bad.size() == 6);
}

TEST_CASE("dpkg status: binary garbage does not stop the parser", "[packages][dpkg]") {
  using namespace std::string_literals;
  std::string text =
      "\xff\xfe\x00garbage\n\x80: \x81\nPackage: ok\nStatus: install ok installed\n"s;
  auto p = parsers::parse_dpkg_status(text);
  REQUIRE(p.entries.size() == 1);
  CHECK(p.entries[0].package == "ok");
  CHECK(p.malformed.size() == 1);
}

TEST_CASE("md5sums lines", "[packages][dpkg]") {
  auto m = parsers::parse_md5sums(
      "0123456789abcdef0123456789ABCDEF  usr/bin/x\n"
      "0123456789abcdef0123456789abcdef *usr/share/with space\n"
      "0123456789abcdef0123456789abcdeg  bad/hex\n"
      "short  x\n"
      "0123456789abcdef0123456789abcdef\n"
      "\n");
  REQUIRE(m.entries.size() == 2);
  CHECK(m.entries[0].md5.size() == 16);
  CHECK(m.entries[1].path == "usr/share/with space");
  CHECK(m.malformed.size() == 3);
  CHECK(parsers::count_list_entries("/.\n/bin\n\n/bin/x") == 3);
}

TEST_CASE("packages: the packages_basic fixture", "[packages]") {
  testing::FixtureRoot fx("packages_basic");
  collectors::packages::PackagesCollector c;
  auto sink = testing::run_on_root(c, fx.root());
  CHECK(sink.outcome.status == v1::RUN_OK);
  CHECK(testing::check_sources_preserved(sink.records) >= 4);
  auto pk = packages(sink);
  REQUIRE(pk.size() == 4);

  const auto& bash = *pk["bash"];
  CHECK(bash.version() == "5.2.15-2+b7");
  CHECK(bash.architecture() == "amd64");
  CHECK_FALSE(bash.not_fully_installed());
  CHECK(bash.list_path() == "/var/lib/dpkg/info/bash.list");
  CHECK(bash.list_mtime_utc_ns() == 1'700'000'000'000'000'000);
  CHECK(bash.file_count() == 6);
  CHECK(bash.md5sums_count() == 2);
  CHECK(bash.conffiles_size() == 3);
  CHECK(bash.conffiles(0).md5().size() == 16);
  CHECK(bash.conffiles(0).source().line() == 14);
  CHECK(bash.description() == "GNU Bourne Again SHell");
  CHECK(bash.source().line() == 1);

  const auto& libc = *pk["libc6"];  // Multi-Arch: same -> info/libc6:amd64.*
  CHECK(libc.list_path() == "/var/lib/dpkg/info/libc6:amd64.list");
  CHECK(libc.source_package() == "glibc");
  CHECK(libc.md5sums_count() == 2);
  CHECK(libc.md5sums_malformed() == 1);

  const auto& ssh = *pk["openssh-server"];
  CHECK(ssh.not_fully_installed());
  CHECK(ssh.state() == "half-configured");
  CHECK(ssh.conffiles(0).md5_text() == "newconffile");
  CHECK(ssh.conffiles(1).obsolete());
  CHECK(ssh.md5sums_path().empty());

  const auto& old = *pk["oldpkg"];
  CHECK(old.not_fully_installed());
  CHECK(old.want() == "deinstall");
  CHECK(old.list_path().empty());

  std::map<std::string, int> kinds;
  for (const auto& a : sink.anomalies) kinds[a.kind]++;
  CHECK(kinds["dpkg_status_malformed_line"] == 3);  // no colon, Installed-Size, no Package
  CHECK(kinds["dpkg_md5sums_malformed_line"] == 1);
  CHECK(kinds["dpkg_list_without_package"] == 1);  // ghost.list
  SECTION("golden") { testing::check_golden("packages_basic", testing::render_run(sink)); }
}

TEST_CASE("packages: failures are item errors; inputs stay declared", "[packages]") {
  testing::FixtureRoot fx("packages_basic");
  auto real = platform::RootedFileSystem::open(fx.root());
  REQUIRE(real);
  platform::FaultFileSystem fs(**real);
  fs.fail("/var/lib/dpkg/info/bash.md5sums", EACCES);
  collectors::packages::PackagesCollector c;
  auto sink = testing::run_on_fs(c, fs);
  REQUIRE(sink.errors.size() == 1);
  CHECK(sink.errors[0].status == v1::ITEM_DENIED);
  auto pk = packages(sink);
  REQUIRE(pk.size() == 4);
  CHECK(pk["bash"]->md5sums_path().empty());
  CHECK(pk["bash"]->file_count() == 6);
  auto inputs = c.inputs();
  CHECK(fs.accessed().size() >= 5);
  for (const auto& p : fs.accessed()) {
    INFO(p);
    CHECK(collectors::input_allowed(p, inputs));
  }

  testing::TempDir empty;
  auto none = testing::run_on_root(c, empty.path());
  CHECK(none.outcome.status == v1::RUN_OK);
  CHECK(none.records.empty());
}
