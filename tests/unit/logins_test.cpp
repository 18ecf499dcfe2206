// logins: the auth log and lastlog parsers (tier 1, named bad variants), the sparse-extent reader,
// and the collector on the logins_basic fixture (golden, parse-and-preserve, fault injection,
// declared inputs, caps).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <set>

#include "agent/export/json.h"
#include "collectors/framework/evidence.h"
#include "collectors/logins/logins_collector.h"
#include "platform/fault_fs.h"
#include "platform/parsers/auth_log.h"
#include "platform/parsers/lastlog.h"
#include "platform/parsers/tzif.h"
#include "tests/support/gzip.h"
#include "tests/support/evidence_check.h"
#include "tests/support/fixture_root.h"
#include "tests/support/golden.h"

using namespace hozen;
using hozen::testing::gzip;
using namespace std::string_literals;
namespace parsers = platform::parsers;

namespace {

parsers::AuthEvent event_of(std::string_view line) {
  auto l = parsers::parse_syslog_line(line);
  REQUIRE(l);
  parsers::AuthEvent e;
  INFO(line);
  REQUIRE(parsers::classify_auth_message(l->program, l->message, &e));
  return e;
}

std::vector<const v1::AuthEvent*> auth_events(const testing::CaptureSink& sink, std::string_view kind) {
  std::vector<const v1::AuthEvent*> out;
  for (const auto& r : sink.records) {
    if (r.has_auth_event() && r.auth_event().kind() == kind) out.push_back(&r.auth_event());
  }
  return out;
}


std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A TZif v2 file: `transitions` (UTC seconds) to the types of `types` (offsets east), footer rule.
std::string make_tzif(const std::vector<std::pair<std::int64_t, std::uint8_t>>& transitions,
                      const std::vector<std::int32_t>& types, const std::string& footer) {
  auto header = [&](bool v2) {
    std::string h = "TZif2" + std::string(15, '\0');
    h += be32(0) + be32(0) + be32(0) + be32(v2 ? static_cast<std::uint32_t>(transitions.size()) : 0) +
         be32(static_cast<std::uint32_t>(types.size())) + be32(4);
    return h;
  };
  std::string v1 = header(false);
  for (auto t : types) v1 += be32(static_cast<std::uint32_t>(t)) + std::string("\0\0", 2);
  v1 += std::string("ABC\0", 4);
  std::string v2 = header(true);
  for (auto [t, k] : transitions) v2 += be32(static_cast<std::uint32_t>(static_cast<std::uint64_t>(t) >> 32)) + be32(static_cast<std::uint32_t>(t));
  for (auto [t, k] : transitions) v2 += static_cast<char>(k);
  for (auto t : types) v2 += be32(static_cast<std::uint32_t>(t)) + std::string("\0\0", 2);
  v2 += std::string("ABC\0", 4);
  return v1 + v2 + "\n" + footer + "\n";
}

constexpr std::uint64_t kBigUidOffset = 4'000'000'000ull * 292;  // ~1.17 TB

}  // namespace

TEST_CASE("auth log: sudo success and failures carry invoker, tty, cwd, target, command", "[logins]") {
  auto ok = event_of("Dec 31 10:00:01 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash");
  CHECK(ok.kind == "sudo");
  CHECK(ok.success);
  CHECK(ok.user == "alice");
  CHECK(ok.tty == "pts/0");
  CHECK(ok.cwd == "/home/alice");
  CHECK(ok.target_user == "root");
  CHECK(ok.command == "/bin/bash");

  SECTION("sudo-incorrect-password-command-with-semicolons") {
    auto e = event_of("Dec 31 10:05:09 h sudo:  bob : 3 incorrect password attempts ; TTY=pts/2 ; PWD=/ ; USER=root ; COMMAND=/bin/cat a ; echo x");
    CHECK_FALSE(e.success);
    CHECK(e.failure_reason == "3 incorrect password attempts");
    CHECK(e.command == "/bin/cat a ; echo x");
  }
  SECTION("sudo-not-in-sudoers") {
    auto e = event_of("Dec 31 10:06:00 h sudo: mallory : user NOT in sudoers ; TTY=pts/3 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh");
    CHECK_FALSE(e.success);
    CHECK(e.failure_reason == "user NOT in sudoers");
    CHECK(e.user == "mallory");
  }
  SECTION("sudo-group-and-env-fields") {
    auto e = event_of("Dec 31 10:06:00 h sudo: a : TTY=unknown ; PWD=/ ; USER=root ; GROUP=adm ; ENV=X=1 ; COMMAND=/bin/id");
    CHECK(e.success);
    CHECK(e.tty == "unknown");
    CHECK(e.command == "/bin/id");
  }
  SECTION("sudo-pam-auth-failure") {
    auto e = event_of("Dec 31 10:05:00 h sudo: pam_unix(sudo:auth): authentication failure; logname=bob uid=1001 euid=0 tty=/dev/pts/2 ruser=bob rhost=  user=bob");
    CHECK(e.kind == "pam_auth_failure");
    CHECK(e.service == "sudo");
    CHECK(e.user == "bob");
    CHECK(e.target_user == "bob");
    CHECK(e.uid == 1001u);
    CHECK(e.tty == "/dev/pts/2");
    CHECK(e.source_address.empty());
  }
  SECTION("sudo-pwd-with-semicolon-is-not-a-failure-reason") {
    auto e = event_of("Dec 31 10:07:00 h sudo: eve : TTY=pts/4 ; PWD=/tmp/a ; b ; USER=root ; COMMAND=/bin/bash");
    CHECK(e.success);
    CHECK(e.failure_reason.empty());
    CHECK(e.cwd == "/tmp/a ; b");
    CHECK(e.target_user == "root");
    CHECK(e.command == "/bin/bash");
    CHECK_FALSE(e.ambiguous);
  }
  SECTION("sudo-pwd-forging-user-and-command-is-flagged-ambiguous") {
    // cd "/tmp/x ; USER=nobody ; COMMAND=/bin/true" && sudo /bin/bash. The same bytes arise from
    // sudo -u nobody /bin/true "; USER=root ; COMMAND=/bin/bash": no rule can tell them apart,
    // so sudo's field order (first USER= after PWD=, COMMAND= to the end) is kept, the real
    // fields survive inside the command text, and the event is flagged.
    auto e = event_of("Dec 31 10:08:00 h sudo: eve : TTY=pts/4 ; PWD=/tmp/x ; USER=nobody ; COMMAND=/bin/true ; USER=root ; COMMAND=/bin/bash");
    CHECK(e.success);
    CHECK(e.failure_reason.empty());
    CHECK(e.ambiguous);
    CHECK(e.cwd == "/tmp/x");
    CHECK(e.target_user == "nobody");
    CHECK(e.command == "/bin/true ; USER=root ; COMMAND=/bin/bash");
  }
  SECTION("sudo-reason-text-after-tty-is-not-a-reason") {
    auto e = event_of("Dec 31 10:09:00 h sudo: eve : TTY=pts/4 ; PWD=/ ; USER=root ; ENV=A=1 ; x ; COMMAND=/bin/id");
    CHECK(e.success);
    CHECK(e.command == "/bin/id");
    CHECK(e.target_user == "root");
  }
  SECTION("sudo-failure-with-pwd-semicolons") {
    auto e = event_of("Dec 31 10:10:00 h sudo: eve : command not allowed ; TTY=pts/4 ; PWD=/tmp/a ; b ; USER=root ; COMMAND=/bin/sh");
    CHECK_FALSE(e.success);
    CHECK(e.failure_reason == "command not allowed");
    CHECK(e.cwd == "/tmp/a ; b");
    CHECK(e.target_user == "root");
  }
  SECTION("sudo-unrelated-message-is-not-an-event") {
    auto l = parsers::parse_syslog_line("Dec 31 10:06:00 h sudo: unable to resolve host h");
    parsers::AuthEvent e;
    CHECK_FALSE(parsers::classify_auth_message(l->program, l->message, &e));
  }
}

TEST_CASE("auth log: su in util-linux and shadow formats, PAM sessions", "[logins]") {
  auto e = event_of("Jan  1 00:00:05 h su[2001]: (to root) alice on pts/1");
  CHECK(e.kind == "su");
  CHECK(e.success);
  CHECK(e.user == "alice");
  CHECK(e.target_user == "root");
  CHECK(e.tty == "pts/1");
  auto f = event_of("Jan  1 00:01:00 h su[2002]: FAILED SU (to root) bob on pts/2");
  CHECK_FALSE(f.success);
  CHECK(f.user == "bob");
  auto s = event_of("Jan  1 00:01:00 h su[1]: FAILED su for root by alice");
  CHECK_FALSE(s.success);
  CHECK(s.target_user == "root");
  CHECK(s.user == "alice");
  auto plus = event_of("Jan  1 00:01:00 h su[1]: + pts/3 alice:root");
  CHECK(plus.success);
  CHECK(plus.tty == "pts/3");
  CHECK(plus.target_user == "root");
  auto so = event_of("Jan  1 00:00:05 h su[2001]: pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)");
  CHECK(so.kind == "session_opened");
  CHECK(so.service == "su-l");
  CHECK(so.target_user == "root");
  CHECK(so.target_uid == 0u);
  CHECK(so.user == "alice");
  CHECK(so.uid == 1000u);
  auto old = event_of("Jan  1 00:00:05 h su[2001]: pam_unix(su:session): session opened for user root by alice(uid=1000)");
  CHECK(old.target_user == "root");
  CHECK_FALSE(old.target_uid);
  auto sc = event_of("Jan  2 03:04:05 h CRON[3000]: pam_unix(cron:session): session closed for user root");
  CHECK(sc.kind == "session_closed");
  CHECK(sc.service == "cron");
}

TEST_CASE("auth log: sshd accepted, failed, invalid, preauth", "[logins]") {
  auto k = event_of("Dec 30 23:59:58 h sshd[811]: Accepted publickey for root from 10.0.0.5 port 52344 ssh2: ED25519 SHA256:abcDEF");
  CHECK(k.kind == "ssh_login");
  CHECK(k.success);
  CHECK(k.method == "publickey");
  CHECK(k.target_user == "root");
  CHECK(k.source_address == "10.0.0.5");
  CHECK(k.source_port == 52344u);
  CHECK(k.key_type == "ED25519");
  CHECK(k.key_fingerprint == "SHA256:abcDEF");
  auto p = event_of("Dec 30 23:59:58 h sshd[811]: Accepted password for alice from 2001:db8::7 port 6022 ssh2");
  CHECK(p.method == "password");
  CHECK(p.source_address == "2001:db8::7");
  CHECK(p.key_fingerprint.empty());
  auto f = event_of("Jan  2 03:10:00 h sshd[3100]: Failed password for invalid user admin from 203.0.113.9 port 40022 ssh2");
  CHECK_FALSE(f.success);
  CHECK(f.invalid_user);
  CHECK(f.target_user == "admin");
  SECTION("ssh-user-with-spaces-and-from") {
    auto w = event_of("Jan  2 03:10:00 h sshd[1]: Failed password for invalid user a from b from 198.51.100.1 port 1 ssh2");
    CHECK(w.target_user == "a from b");
    CHECK(w.source_address == "198.51.100.1");
  }
  SECTION("ssh-empty-invalid-user") {
    auto w = event_of("Jan  2 03:10:00 h sshd[1]: Invalid user  from 198.51.100.1 port 22");
    CHECK(w.kind == "ssh_invalid_user");
    CHECK(w.target_user.empty());
  }
  SECTION("ssh-preauth-closed") {
    auto c = event_of("Jan  2 03:10:02 h sshd[3100]: Connection closed by authenticating user root 203.0.113.9 port 40026 [preauth]");
    CHECK(c.kind == "ssh_preauth_closed");
    CHECK(c.target_user == "root");
    CHECK(c.source_port == 40026u);
    auto d = event_of("Jan  2 03:10:02 h sshd-session[1]: Disconnected from invalid user guest 192.0.2.11 port 5001 [preauth]");
    CHECK(d.invalid_user);
    CHECK(d.target_user == "guest");
  }
  SECTION("ssh-bad-port-is-kept-without-port") {
    auto c = event_of("Jan  2 03:10:02 h sshd[1]: Accepted password for root from 10.0.0.1 port 99999999999 ssh2");
    CHECK_FALSE(c.source_port);
  }
}

TEST_CASE("auth log: user and group changes from the shadow tools", "[logins]") {
  auto u = event_of("Dec 20 08:00:00 h useradd[1500]: new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0");
  CHECK(u.kind == "user_added");
  CHECK(u.target_user == "bob");
  CHECK(u.target_uid == 1001u);
  CHECK(u.gid == 1001u);
  CHECK(u.home == "/home/bob");
  CHECK(u.shell == "/bin/bash");
  CHECK(u.tty == "/dev/pts/0");
  CHECK(event_of("Dec 20 08:01:00 h usermod[1]: add 'bob' to group 'sudo'").group == "sudo");
  CHECK(event_of("Dec 20 08:01:00 h usermod[1]: add 'bob' to shadow group 'sudo'").kind == "group_member_added");
  auto g = event_of("Dec 21 09:00:00 h gpasswd[1]: user bob removed by root from group sudo");
  CHECK(g.kind == "group_member_removed");
  CHECK(g.user == "root");
  CHECK(g.target_user == "bob");
  CHECK(event_of("Dec 21 09:30:00 h groupadd[1]: group added to /etc/group: name=devs, GID=1002").gid == 1002u);
  CHECK(event_of("Dec 22 10:00:00 h groupdel[1]: group 'devs' removed").kind == "group_deleted");
  CHECK(event_of("Dec 23 11:00:00 h userdel[1]: delete user 'carol'").target_user == "carol");
  CHECK(event_of("Dec 23 11:00:00 h userdel[1]: removed group 'carol' owned by 'carol'").group == "carol");
  CHECK(event_of("Dec 24 12:00:00 h chpasswd[1]: pam_unix(chpasswd:chauthtok): password changed for alice").kind == "password_changed");
  CHECK(event_of("Dec 24 12:00:00 h passwd[1]: password for 'bob' changed by 'root'").user == "root");
  CHECK(event_of("Dec 24 12:00:00 h usermod[1]: change user 'bob' shell from '/bin/sh' to '/bin/bash'").kind == "user_modified");
}

TEST_CASE("auth log: timestamps, malformed lines, counts", "[logins]") {
  auto r = parsers::parse_syslog_line("2025-12-19T23:30:01.123456+09:00 web1 sshd[900]: x");
  REQUIRE(r);
  CHECK(r->time.has_year);
  CHECK(r->time.utc_offset_s == 9 * 3600);
  CHECK(r->time.nanos == 123'456'000);
  CHECK(r->pid == 900);
  CHECK(parsers::civil_to_unix(2025, 12, 19, 23, 30, 1) - r->time.utc_offset_s == 1766154601);
  auto z = parsers::parse_syslog_line("2025-12-19T14:31:00Z h p: m");
  REQUIRE(z);
  CHECK(z->time.has_offset);
  CHECK(parsers::civil_to_unix(1970, 1, 1, 0, 0, 0) == 0);
  CHECK(parsers::civil_to_unix(2024, 2, 29, 0, 0, 0) == 1709164800);

  struct Bad {
    const char* name;
    std::string line;
  };
  for (const auto& b : std::vector<Bad>{
           {"binary-garbage", std::string("\x00\x00\x7f\xff binary", 11)},
           {"no-timestamp", "no timestamp at all"},
           {"truncated-timestamp", "Nov 2"},
           {"bad-month", "Foo 27 10:00:01 h p: m"},
           {"hour-25", "Nov 27 25:00:01 h p: m"},
           {"timestamp-only", "Nov 27 10:00:01"},
           {"rfc3339-bad-offset", "2026-11-27T10:00:01+9 h p: m"},
           {"rfc3339-no-offset", "2026-11-27T10:00:01 h p: m"},
           {"rfc3339-empty-fraction", "2026-11-27T10:00:01.Z h p: m"},
       }) {
    INFO(b.name);
    CHECK_FALSE(parsers::parse_syslog_line(b.line));
  }
  std::string text =
      "Nov 27 10:00:01 h sudo: a : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id\r\n"
      "\n"
      "Nov 27 10:00:02 h kernel: [ 1.0] something\n"
      "Nov 27 10:00:03 h no tag here\n"
      "\xff\xfe\x00garbage\n"
      "Nov 27 10:00:04 h su[1]: (to root) a on pts/0"s;  // unterminated last line
  auto p = parsers::parse_auth_log(text, 4);
  CHECK(p.lines == 6);
  REQUIRE(p.entries.size() == 2);
  CHECK(p.entries[0].line == 1);
  CHECK(p.entries[0].event.command == "/bin/id");  // CR stripped
  CHECK(p.entries[1].line == 6);
  CHECK(p.other_lines == 2);
  REQUIRE(p.malformed.size() == 1);
  CHECK(p.malformed[0].line == 5);
  CHECK(p.malformed[0].raw == std::string("\xff\xfe\x00g", 4));  // capped at max_raw
}

TEST_CASE("auth log: years inferred from the file mtime across a new year", "[logins]") {
  auto p = parsers::parse_auth_log(
      "Dec 30 10:00:00 h su[1]: (to root) a on pts/0\n"
      "Jan  2 10:00:00 h su[1]: (to root) a on pts/0\n"
      "Dec 31 10:00:00 h su[1]: (to root) a on pts/0\n");  // clock stepped back: a new rollover
  parsers::infer_years(p.entries, 2027, 1);
  REQUIRE(p.entries.size() == 3);
  CHECK(p.entries[2].time.year == 2026);
  CHECK(p.entries[1].time.year == 2026);
  CHECK(p.entries[0].time.year == 2025);
  SECTION("mtime in January, last line in December") {
    auto q = parsers::parse_auth_log("Dec 31 23:59:59 h su[1]: (to root) a on pts/0\n");
    parsers::infer_years(q.entries, 2027, 1);
    CHECK(q.entries[0].time.year == 2026);
  }
  SECTION("a dated RFC 3339 line anchors the lines before it") {
    auto q = parsers::parse_auth_log(
        "Dec 31 23:59:59 h su[1]: (to root) a on pts/0\n"
        "2020-01-01T00:00:00Z h su[1]: (to root) a on pts/0\n");
    parsers::infer_years(q.entries, 2027, 6);
    CHECK(q.entries[0].time.year == 2019);
  }
}

TEST_CASE("lastlog parser: non-zero records only, extents with holes, cut records", "[logins]") {
  std::string rec(292, '\0');
  rec[0] = '\x10';
  rec.replace(4, 5, "pts/0");
  rec.replace(36, 4, "host");
  std::string flat = std::string(292, '\0') + rec + std::string(100, '\0');
  auto p = parsers::parse_lastlog(flat);
  REQUIRE(p.entries.size() == 1);
  CHECK(p.entries[0].uid == 1);
  CHECK(p.entries[0].offset == 292);
  CHECK(p.entries[0].time == 16);
  CHECK(p.entries[0].line == "pts/0");
  CHECK(p.entries[0].host == "host");
  CHECK(p.partial_records == 1);

  SECTION("lastlog-record-straddling-extent-and-hole") {
    // Record of uid 14 starts at 4088: its first 8 bytes in one extent, the rest in the next.
    // Record of uid 14 spans 4088..4380: ll_time and ll_line[0..3] in the first extent, the rest
    // of ll_line from 4096 in the second.
    std::string a(8, '\0'), b(284, '\0');
    a[0] = '\x01';
    a.replace(4, 4, "pts/");
    b.replace(0, 2, "12");
    std::vector<parsers::LastlogExtent> ex{{4088, a}, {4096, b}};
    auto q = parsers::parse_lastlog(ex, 1ull << 40);
    REQUIRE(q.entries.size() == 1);
    CHECK(q.entries[0].uid == 14);
    CHECK(q.entries[0].time == 1);
    CHECK(q.entries[0].line == "pts/12");
    // Only the first extent: the rest of the record is a hole, read as zeros.
    auto h = parsers::parse_lastlog({{4088, a}}, 1ull << 40);
    REQUIRE(h.entries.size() == 1);
    CHECK(h.entries[0].line == "pts/");
  }
  SECTION("lastlog-full-fields-without-nul") {
    std::string full(292, 'A');
    auto q = parsers::parse_lastlog(full);
    REQUIRE(q.entries.size() == 1);
    CHECK(q.entries[0].line.size() == 32);
    CHECK(q.entries[0].host.size() == 256);
  }
  SECTION("lastlog-index-beyond-uid-range") {
    std::string one(292, '\x01');
    auto q = parsers::parse_lastlog({{(1ull << 32) * 292, one}}, UINT64_MAX);
    CHECK(q.entries.empty());
    CHECK(q.beyond_uid_range == 1);
  }
  SECTION("lastlog-empty-and-all-zero") {
    CHECK(parsers::parse_lastlog("").entries.empty());
    CHECK(parsers::parse_lastlog(std::string(292 * 3, '\0')).entries.empty());
  }
}

TEST_CASE("read_data_extents reads data, never holes, and honours its caps", "[logins][fs]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  const std::uint64_t size = kBigUidOffset + 292;
  testing::apply_manifest(root, "sparse big " + std::to_string(size) + "\n"
                                "pwrite big 0 first\n"
                                "pwrite big " + std::to_string(kBigUidOffset) + " last\n"
                                "write small abc\n"
                                "fifo fifo\n");
  auto fs = platform::RootedFileSystem::open(root);
  REQUIRE(fs);
  auto c = (*fs)->read_data_extents("/big", 1 << 20, 1000);
  REQUIRE(c);
  CHECK(static_cast<std::uint64_t>(c->st.st_size) == size);
  CHECK_FALSE(c->truncated);
  CHECK_FALSE(c->seek_data_unsupported);  // ext4/tmpfs/xfs/btrfs all support SEEK_DATA
  REQUIRE(c->extents.size() == 2);
  CHECK(c->extents[0].offset == 0);
  CHECK(c->extents[0].bytes.starts_with("first"));
  CHECK(c->extents[1].offset <= kBigUidOffset);
  CHECK(c->extents[1].bytes.substr(kBigUidOffset - c->extents[1].offset, 4) == "last");
  CHECK(c->bytes_read < 64 * 1024);  // a few blocks out of ~1.17 TB
  CHECK(c->bytes_read * 1'000'000 < size);

  SECTION("byte cap") {
    auto t = (*fs)->read_data_extents("/big", 10, 1000);
    REQUIRE(t);
    CHECK(t->truncated);
    CHECK(t->bytes_read == 10);
  }
  SECTION("extent cap") {
    auto t = (*fs)->read_data_extents("/big", 1 << 20, 1);
    REQUIRE(t);
    CHECK(t->truncated);
    CHECK(t->extents.size() == 1);
  }
  SECTION("a small dense file is one extent") {
    auto t = (*fs)->read_data_extents("/small", 1 << 20, 10);
    REQUIRE(t);
    REQUIRE(t->extents.size() == 1);
    CHECK(t->extents[0].bytes == "abc");
  }
  SECTION("a FIFO is refused, a missing file is not found") {
    auto f = (*fs)->read_data_extents("/fifo", 100, 10);
    REQUIRE_FALSE(f);
    CHECK(f.error().kind == platform::ErrorKind::kNotRegular);
    auto m = (*fs)->read_data_extents("/none", 100, 10);
    REQUIRE_FALSE(m);
    CHECK(m.error().kind == platform::ErrorKind::kNotFound);
  }
}

TEST_CASE("auth log rotation order", "[logins]") {
  auto o = collectors::logins::auth_log_order(
      {"auth.log.10.gz", "secure", "auth.log.2.gz", "auth.log", "syslog", "auth.log.1", "secure-20261025",
       "secure-20261101.gz", "auth.logx", "auth.log.old", "secure.1", "auth.log.gz"});
  CHECK(o == std::vector<std::string>{"auth.log", "auth.log.gz", "auth.log.1", "auth.log.2.gz", "auth.log.10.gz", "secure",
                                      "secure.1", "secure-20261101.gz", "secure-20261025"});
}

TEST_CASE("logins: fixture golden, sources preserved, A2 query, years, lastlog extents", "[logins]") {
  testing::FixtureRoot fx("logins_basic");
  collectors::logins::LoginsCollector c;
  auto sink = testing::run_on_root(c, fx.root());
  CHECK(sink.outcome.status == v1::RUN_OK);
  CHECK(testing::check_sources_preserved(sink.records) > 30);

  // A2: admin-account authentication from unprivileged users' terminals.
  std::set<std::string> a2;
  for (const auto& r : sink.records) {
    if (!r.has_auth_event()) continue;
    const auto& e = r.auth_event();
    if ((e.kind() == "sudo" || e.kind() == "su") && e.target_user() == "root" && e.user() != "root") {
      a2.insert(e.user() + "@" + e.tty() + (e.success() ? "+" : "-"));
    }
  }
  CHECK(a2 == std::set<std::string>{"alice@pts/0+", "alice@pts/1+", "bob@pts/2-", "mallory@pts/3-"});

  auto sudo = auth_events(sink, "sudo");
  REQUIRE(sudo.size() == 4);
  CHECK(sudo[0]->source().path() == "/var/log/auth.log");
  CHECK(sudo[0]->source().line() == 3);
  CHECK(sudo[0]->year_inferred());
  CHECK(sudo[0]->time_utc_ns() == 1767175201ll * 1'000'000'000);  // 2025-12-31T10:00:01Z
  CHECK(sudo[0]->timezone() == "Etc/UTC");
  CHECK_FALSE(sudo[0]->tz_assumed());
  // From the .gz (RFC 3339, no inference).
  CHECK(sudo[3]->source().path() == "/var/log/auth.log.2.gz");
  CHECK_FALSE(sudo[3]->year_inferred());
  auto su = auth_events(sink, "su");
  REQUIRE(su.size() == 2);
  CHECK(su[0]->time_utc_ns() == 1767225605ll * 1'000'000'000);  // Jan 1 2026: after the rollover

  std::vector<const v1::LastlogEntry*> ll;
  for (const auto& r : sink.records) {
    if (r.has_lastlog_entry()) ll.push_back(&r.lastlog_entry());
  }
  REQUIRE(ll.size() == 3);
  CHECK(ll[2]->uid() == 4'000'000'000u);
  CHECK(ll[2]->host() == "evil.example");
  CHECK(ll[2]->source().offset() == kBigUidOffset);
  for (const auto& r : sink.records) {
    if (!r.has_preserved_file() || r.preserved_file().path() != "/var/log/lastlog") continue;
    std::uint64_t kept = 0;
    for (const auto& x : r.preserved_file().extents()) kept += x.raw().size();
    CHECK(kept < 64 * 1024);
    CHECK(r.preserved_file().size() == kBigUidOffset + 292);
    CHECK(r.preserved_file().raw().empty());
  }

  std::map<std::string, int> kinds;
  for (const auto& a : sink.anomalies) kinds[a.kind]++;
  CHECK(kinds["auth_log_malformed_line"] == 2);
  CHECK(kinds["utmp_trailing_bytes"] == 1);

  std::string out;
  for (auto r : sink.records) {
    r.clear_utc_ns();
    r.clear_index();
    if (r.has_preserved_file()) {
      auto* f = r.mutable_preserved_file();
      f->clear_inode();
      f->clear_ctime_utc_ns();
      f->clear_raw();  // kept short: the digest stands for the bytes
      for (auto& x : *f->mutable_extents()) x.clear_raw();
    }
    out += exporter::to_json(r) + "\n";
  }
  for (const auto& a : sink.anomalies) {
    out += "anomaly " + a.kind + " " + a.path + " line " + std::to_string(a.line) + " " + a.detail + "\n";
  }
  testing::check_golden("logins_basic", out);
}

TEST_CASE("logins: injected failures are item errors; reads stay in declared inputs", "[logins]") {
  testing::FixtureRoot fx("logins_basic");
  auto real = platform::RootedFileSystem::open(fx.root());
  REQUIRE(real);
  platform::FaultFileSystem fs(**real);
  fs.fail("/var/log/auth.log", EACCES);
  fs.fail("/var/log/lastlog", EIO);
  collectors::logins::LoginsCollector c;
  auto sink = testing::run_on_fs(c, fs);
  CHECK(sink.outcome.status == v1::RUN_OK);
  std::map<std::string, v1::ItemStatus> by_item;
  for (const auto& e : sink.errors) by_item[e.item] = e.status;
  CHECK(by_item["/var/log/auth.log"] == v1::ITEM_DENIED);
  CHECK(by_item["/var/log/lastlog"] == v1::ITEM_FAILED);
  CHECK(auth_events(sink, "user_added").size() == 1);  // auth.log.1 still parsed
  auto inputs = c.inputs();
  auto accessed = fs.accessed();
  CHECK(accessed.size() >= 8);
  for (const auto& p : accessed) {
    INFO(p);
    CHECK(collectors::input_allowed(p, inputs));
  }
}

TEST_CASE("logins: hostile inputs (cap, gzip bomb, garbage, unknown zone)", "[logins]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  testing::apply_manifest(root, "mkdir var/log\nwrite etc/timezone Asia/Tokyo\\n\n");
  std::string big;
  for (int i = 0; i < 2000; ++i) big += "Nov 27 10:00:01 h su[1]: (to root) a on pts/0\n";
  testing::write_all(root + "/var/log/auth.log", big);
  testing::write_all(root + "/var/log/auth.log.1.gz", gzip(std::string(64u << 20, 'x')));
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) & 0xff);
  testing::write_all(root + "/var/log/auth.log.2", garbage);
  testing::write_all(root + "/var/log/wtmp", garbage.substr(0, 1000));
  testing::write_all(root + "/var/log/lastlog", garbage.substr(0, 1000));
  collectors::Limits limits;
  limits.max_file_bytes = 10000;
  collectors::logins::LoginsCollector c;
  auto sink = testing::run_on_root(c, root, limits);
  CHECK(sink.outcome.status == v1::RUN_OK);
  std::vector<const v1::AuthLogSummary*> sums;
  for (const auto& r : sink.records) {
    if (r.has_auth_log_summary()) sums.push_back(&r.auth_log_summary());
  }
  REQUIRE(sums.size() == 3);
  CHECK(sums[0]->truncated());         // auth.log over the cap: a prefix parsed
  CHECK(sums[0]->events() < 2000);
  CHECK(sums[0]->tz_assumed());
  CHECK(sums[0]->timezone() == "Asia/Tokyo");
  CHECK(sums[1]->truncated());         // the bomb stopped at the cap
  CHECK(sums[1]->malformed_lines() == 1);
  CHECK(sums[2]->events() == 0);       // garbage: anomalies, no events, no stop
  CHECK(sums[2]->malformed_lines() > 0);
  auto su = auth_events(sink, "su");
  REQUIRE_FALSE(su.empty());
  CHECK(su[0]->tz_assumed());
  CHECK_FALSE(su[0]->timezone_note().empty());
  CHECK(sink.where([](const v1::Record& r) { return r.has_login_record(); }).size() == 2);
}

TEST_CASE("tzif: POSIX rules, transitions, DST gaps and overlaps", "[logins]") {
  using parsers::civil_to_unix;
  auto berlin_rule = parsers::parse_posix_tz("CET-1CEST,M3.5.0,M10.5.0/3");
  REQUIRE(berlin_rule);
  CHECK(berlin_rule->std_offset_s == 3600);
  CHECK(berlin_rule->dst_offset_s == 7200);
  CHECK(parsers::parse_posix_tz("<+07>-7"));
  CHECK(parsers::parse_posix_tz("EST5EDT,M3.2.0,M11.1.0"));
  CHECK(parsers::parse_posix_tz("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1"));
  CHECK(parsers::parse_posix_tz("AEST-10AEDT,M10.1.0,M4.1.0/3"));
  for (const char* bad : {"", "X", "CET", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.5.0", "<+07", "CET-1CEST,M3.5.0,M10.5.0/3junk"}) {
    INFO(bad);
    CHECK_FALSE(parsers::parse_posix_tz(bad));
  }
  // Footer-only zone (like a "slim" TZif): Berlin after its last transition.
  auto tz = parsers::parse_tzif(make_tzif({{0, 0}}, {3600}, "CET-1CEST,M3.5.0,M10.5.0/3"));
  REQUIRE(tz);
  REQUIRE(tz->rule);
  auto local = [&](int y, int mo, int d, int h, int mi) {
    return parsers::local_to_utc(*tz, civil_to_unix(y, mo, d, h, mi, 0));
  };
  CHECK(local(2026, 7, 1, 12, 0).utc_secs == civil_to_unix(2026, 7, 1, 10, 0, 0));
  CHECK(local(2026, 1, 15, 12, 0).utc_secs == civil_to_unix(2026, 1, 15, 11, 0, 0));
  CHECK(local(2040, 7, 1, 12, 0).utc_secs == civil_to_unix(2040, 7, 1, 10, 0, 0));
  auto overlap = local(2026, 10, 25, 2, 30);  // clocks went back at 03:00 CEST
  CHECK(overlap.ambiguous);
  CHECK(overlap.utc_secs == civil_to_unix(2026, 10, 25, 0, 30, 0));
  auto gap = local(2026, 3, 29, 2, 30);  // clocks went forward at 02:00 CET
  CHECK(gap.nonexistent);
  CHECK(gap.utc_secs == civil_to_unix(2026, 3, 29, 1, 30, 0));
  // Southern hemisphere (DST across the new year).
  auto syd = parsers::parse_tzif(make_tzif({}, {36000}, "AEST-10AEDT,M10.1.0,M4.1.0/3"));
  REQUIRE(syd);
  CHECK(parsers::local_to_utc(*syd, civil_to_unix(2026, 1, 15, 12, 0, 0)).utc_secs == civil_to_unix(2026, 1, 15, 1, 0, 0));
  CHECK(parsers::local_to_utc(*syd, civil_to_unix(2026, 7, 15, 12, 0, 0)).utc_secs == civil_to_unix(2026, 7, 15, 2, 0, 0));

  SECTION("explicit transitions") {
    // +9 until 2000, then +10 (type 1), no footer.
    auto t = parsers::parse_tzif(make_tzif({{946684800, 1}}, {32400, 36000}, ""));
    REQUIRE(t);
    CHECK(parsers::utc_offset_at(*t, 0) == 32400);
    CHECK(parsers::utc_offset_at(*t, 946684800) == 36000);
    CHECK(parsers::utc_offset_at(*t, 4'000'000'000) == 36000);
  }
  SECTION("tzif-bad-variants") {
    auto good = make_tzif({{0, 0}}, {3600}, "CET-1");
    CHECK_FALSE(parsers::parse_tzif(""));
    CHECK_FALSE(parsers::parse_tzif("TZif2"));
    CHECK_FALSE(parsers::parse_tzif("XXXX" + good.substr(4)));
    CHECK_FALSE(parsers::parse_tzif(good.substr(0, good.size() - 12)));  // cut in the v2 block
    auto bad_type = make_tzif({{0, 5}}, {3600}, "");  // transition to a type that does not exist
    CHECK_FALSE(parsers::parse_tzif(bad_type));
    auto unsorted = make_tzif({{100, 0}, {50, 0}}, {3600}, "");
    CHECK_FALSE(parsers::parse_tzif(unsorted));
    auto odd_footer = parsers::parse_tzif(make_tzif({{0, 0}}, {3600}, "??"));
    REQUIRE(odd_footer);  // the table is still usable
    CHECK_FALSE(odd_footer->rule);
  }
  SECTION("the host's tzdata, when installed") {
    auto berlin = testing::read_all("/usr/share/zoneinfo/Europe/Berlin");
    if (berlin.empty()) return;
    auto b = parsers::parse_tzif(berlin);
    REQUIRE(b);
    CHECK(parsers::local_to_utc(*b, civil_to_unix(2026, 7, 1, 12, 0, 0)).utc_secs == civil_to_unix(2026, 7, 1, 10, 0, 0));
    CHECK(parsers::local_to_utc(*b, civil_to_unix(2045, 12, 1, 12, 0, 0)).utc_secs == civil_to_unix(2045, 12, 1, 11, 0, 0));
    CHECK(parsers::local_to_utc(*b, civil_to_unix(1990, 7, 1, 12, 0, 0)).utc_secs == civil_to_unix(1990, 7, 1, 10, 0, 0));
  }
}

TEST_CASE("logins: RFC 3164 times converted with /etc/localtime rules", "[logins]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  testing::apply_manifest(root, "mkdir var/log\nmkdir usr/share/zoneinfo/Asia\nwrite etc/timezone Asia/Tokyo\\n\n"
                                "symlink etc/localtime /usr/share/zoneinfo/Asia/Tokyo\n");
  testing::write_all(root + "/usr/share/zoneinfo/Asia/Tokyo", make_tzif({}, {32400}, "JST-9"));
  testing::write_all(root + "/var/log/auth.log", "Nov 27 10:00:01 h su[1]: (to root) a on pts/0\n");
  collectors::logins::LoginsCollector c;
  auto real = platform::RootedFileSystem::open(root);
  REQUIRE(real);
  platform::FaultFileSystem fs(**real);
  auto sink = testing::run_on_fs(c, fs);
  auto su = auth_events(sink, "su");
  REQUIRE(su.size() == 1);
  CHECK_FALSE(su[0]->tz_assumed());
  CHECK(su[0]->timezone() == "Asia/Tokyo");
  CHECK(su[0]->time_utc_ns() == parsers::civil_to_unix(2026, 11, 27, 1, 0, 1) * 1'000'000'000);
  CHECK(testing::check_sources_preserved(sink.records) >= 2);
  auto inputs = c.inputs();
  for (const auto& p : fs.accessed()) {
    INFO(p);
    CHECK(collectors::input_allowed(p, inputs));
  }
}
