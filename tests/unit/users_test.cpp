// The `users` collector: shadow and sudoers parsers (named hostile variants), the fixture root
// tests/fixtures/users_basic with golden output, hash redaction everywhere, fault injection and
// declared inputs.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "agent/export/json.h"
#include "collectors/framework/evidence.h"
#include "collectors/users/users_collector.h"
#include "platform/fault_fs.h"
#include "platform/parsers/shadow.h"
#include "platform/parsers/sudoers.h"
#include "tests/support/evidence_check.h"
#include "tests/support/fixture_root.h"
#include "tests/support/golden.h"

using namespace hozen;
namespace parsers = platform::parsers;

namespace {

testing::CaptureSink run_fixture(const testing::FixtureRoot& fx, collectors::Limits limits = {}) {
  collectors::users::UsersCollector c;
  return testing::run_on_root(c, fx.root(), limits);
}

const v1::UserAccount* account(const testing::CaptureSink& s, std::string_view name) {
  for (const auto& r : s.records) {
    if (r.has_user_account() && r.user_account().name() == name) return &r.user_account();
  }
  return nullptr;
}

std::map<std::string, v1::SudoersFileStatus> file_statuses(const testing::CaptureSink& s) {
  std::map<std::string, v1::SudoersFileStatus> out;
  for (const auto& r : s.records) {
    if (r.has_sudoers_file()) out[r.sudoers_file().path()] = r.sudoers_file().status();
  }
  return out;
}

std::vector<const v1::SudoersRule*> rules_of(const testing::CaptureSink& s,
                                             std::string_view principal) {
  std::vector<const v1::SudoersRule*> out;
  for (const auto& r : s.records) {
    if (r.has_sudoers_rule() && r.sudoers_rule().principal() == principal)
      out.push_back(&r.sudoers_rule());
  }
  return out;
}

// Every byte the collector produced: serialized records and anomaly fields.
std::string everything(const testing::CaptureSink& s) {
  std::string all;
  for (const auto& r : s.records) all += r.SerializeAsString();
  for (const auto& a : s.anomalies) all += a.kind + a.detail + a.raw + "\n";
  return all;
}

}  // namespace

TEST_CASE("classify_password: states, schemes and tokens never holding hash bytes",
          "[users][parsers]") {
  struct Case {
    const char* name;
    std::string_view field;
    parsers::PasswordState state;
    std::string_view scheme, token;
  };
  using S = parsers::PasswordState;
  const Case cases[] = {
      {"empty", "", S::kEmpty, "", ""},
      {"bang-alone", "!", S::kLocked, "", "!"},
      {"star", "*", S::kNoLogin, "", "*"},
      {"double-bang", "!!", S::kNoLogin, "", "!!"},
      {"bang-star", "!*", S::kNoLogin, "", "!*"},
      {"solaris-lk", "*LK*", S::kNoLogin, "", "*LK*"},
      {"x-in-shadow", "x", S::kNoLogin, "", "x"},
      {"many-bangs", "!!!!", S::kNoLogin, "", "!!!!"},
      {"sha512", "$6$salt$hashhash", S::kSet, "sha512crypt", "<hash:sha512crypt>"},
      {"yescrypt", "$y$j9T$salt$hash", S::kSet, "yescrypt", "<hash:yescrypt>"},
      {"gost-yescrypt", "$gy$j9T$s$h", S::kSet, "gost-yescrypt", "<hash:gost-yescrypt>"},
      {"md5", "$1$salt$hash", S::kSet, "md5crypt", "<hash:md5crypt>"},
      {"sha256", "$5$rounds=5000$s$h", S::kSet, "sha256crypt", "<hash:sha256crypt>"},
      {"bcrypt", "$2b$10$abcdefghijklmnopqrstuv", S::kSet, "bcrypt", "<hash:bcrypt>"},
      {"des", "abJnggxhB/yWI", S::kSet, "des", "<hash:des>"},
      {"bsdi", "_J9..CCCCXBrJUJV154M", S::kSet, "bsdicrypt", "<hash:bsdicrypt>"},
      {"locked-sha512", "!$6$salt$hash", S::kLocked, "sha512crypt", "!<hash:sha512crypt>"},
      {"star-locked-yescrypt", "*$y$j9T$s$h", S::kLocked, "yescrypt", "*<hash:yescrypt>"},
      {"garbage", "\xff\xfe\x01zz", S::kSet, "unknown", "<hash:unknown>"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = parsers::classify_password(c.field);
    CHECK(r.state == c.state);
    CHECK(r.scheme == c.scheme);
    CHECK(r.token == c.token);
  }
}

TEST_CASE("shadow parser: aging fields, malformed lines redacted", "[users][parsers]") {
  auto p = parsers::parse_shadow(
      "root:$6$SECRETsalt$SECREThash:20000:0:99999:7:::\n"
      "\n"
      "old:!$y$j9T$SECRET$SECRET:19000:::::19500:\n"
      "eightfields:*:1:2:3:4:5:6\n"
      "bad-aging:$6$SECRETx$SECRETy:notanumber:0:99999:7:::\n"
      "$6$SECRETnocolon\n"
      "short:$6$SECRETshort:1\n"
      ":$6$SECRETnoname:1:::::\n"
      "neg:*:-1:::::\n");
  REQUIRE(p.entries.size() == 4);
  CHECK(p.entries[0].password.state == parsers::PasswordState::kSet);
  CHECK(p.entries[0].last_change == 20000);
  CHECK(p.entries[0].max_days == 99999);
  CHECK_FALSE(p.entries[0].inactive_days);
  CHECK(p.entries[1].line == 3);
  CHECK(p.entries[1].password.state == parsers::PasswordState::kLocked);
  CHECK(p.entries[1].expire == 19500);
  CHECK(p.entries[2].expire == 6);  // old 8-field format
  CHECK(p.entries[3].last_change == -1);
  REQUIRE(p.malformed.size() == 4);
  for (const auto& m : p.malformed) {
    INFO(m.raw);
    CHECK(m.raw.find("SECRET") == std::string::npos);
  }
  CHECK(p.malformed[0].raw == "bad-aging:<hash:sha512crypt>:<redacted>:0:99999:7:::");
  CHECK(p.malformed[1].raw == "<redacted>");
  CHECK(p.malformed[2].line == 7);
}

TEST_CASE("redaction: whole shadow files and passwd/group with hashes", "[users][parsers]") {
  std::string text =
      "a:$6$SECRET$x:1::::::\nb:*:1::::::\n#c:$1$SECRET$y\nnocolon$SECRET\n\nlast:!$y$SECRET:2::::"
      ":";
  auto red = parsers::redact_shadow(text);
  CHECK(red ==
        "a:<hash:sha512crypt>:1::::::\nb:*:1::::::\n#c:<hash:md5crypt>\n<redacted>\n\nlast:!<hash:"
        "yescrypt>:2:::::");
  CHECK(std::count(red.begin(), red.end(), '\n') == std::count(text.begin(), text.end(), '\n'));
  CHECK_FALSE(parsers::redact_field2_hashes("root:x:0:0::/root:/bin/sh\nnologin:*:1:1::/:\n"));
  auto pw = parsers::redact_field2_hashes("root:x:0:0::/:\nold:$1$SECRET$z:5:5:Old: user:/:\n");
  REQUIRE(pw);
  CHECK(*pw == "root:x:0:0::/:\nold:<hash:md5crypt>:5:5:Old: user:/:\n");
}

TEST_CASE("sudoers parser: the grammar sudo answers 'who can become root' with",
          "[users][parsers][sudoers]") {
  SECTION("user spec with runas, tags carried over, several privileges") {
    auto p = parsers::parse_sudoers(
        "alice, %wheel ,+ng host1 = (root:wheel) NOPASSWD: /bin/ls, /bin/cat, PASSWD: /bin/vi : "
        "ALL = (ALL) NOEXEC: SETENV: CWD=/tmp sha256:abcd /usr/bin/x arg\\,1, !/usr/bin/su\n");
    REQUIRE(p.malformed.empty());
    REQUIRE(p.rules.size() == 1);
    const auto& r = p.rules[0];
    CHECK(r.users == std::vector<std::string>{"alice", "%wheel", "+ng"});
    REQUIRE(r.commands.size() == 5);
    CHECK(r.commands[0].hosts == std::vector<std::string>{"host1"});
    CHECK(r.commands[0].runas_users == std::vector<std::string>{"root"});
    CHECK(r.commands[0].runas_groups == std::vector<std::string>{"wheel"});
    CHECK(r.commands[1].tags == std::vector<std::string>{"NOPASSWD"});
    CHECK(r.commands[1].command == "/bin/cat");
    CHECK(r.commands[2].tags == std::vector<std::string>{"PASSWD"});
    CHECK(r.commands[3].hosts == std::vector<std::string>{"ALL"});
    CHECK(r.commands[3].tags ==
          std::vector<std::string>{"NOEXEC", "SETENV"});  // reset per privilege
    CHECK(r.commands[3].options == std::vector<std::string>{"CWD=/tmp"});
    CHECK(r.commands[3].digest == "sha256:abcd");
    CHECK(r.commands[3].command == "/usr/bin/x arg\\,1");
    CHECK(r.commands[4].negated);
    CHECK(r.commands[4].command == "/usr/bin/su");
    CHECK(r.commands[4].runas_users == std::vector<std::string>{"ALL"});
  }
  SECTION("continuations keep the first line; comments vs #uid vs #include") {
    auto p = parsers::parse_sudoers(
        "# a comment\n"
        "#1000 ALL = \\\n"
        "   (ALL) ALL # trailing comment\n"
        "#include /etc/extra\n"
        "#includedir /etc/more.d\n"
        "#includes are described in sudoers(5)\n"
        "@include \"/etc/with space\"\n"
        "%#27 ALL=(#0) /bin/true\n");
    CHECK(p.malformed.empty());
    REQUIRE(p.rules.size() == 2);
    CHECK(p.rules[0].line == 2);
    CHECK(p.rules[0].users == std::vector<std::string>{"#1000"});
    CHECK(p.rules[0].commands[0].command == "ALL");
    CHECK(p.rules[1].users == std::vector<std::string>{"%#27"});
    REQUIRE(p.includes.size() == 3);
    CHECK(p.includes[0].directive == "#include");
    CHECK_FALSE(p.includes[0].is_dir);
    CHECK(p.includes[1].is_dir);
    CHECK(p.includes[1].line == 5);
    CHECK(p.includes[2].path == "/etc/with space");
  }
  SECTION("aliases (several per line), Defaults bindings, quoted values") {
    auto p = parsers::parse_sudoers(
        "User_Alias A = alice, B : B = bob, !carol\n"
        "Cmd_Alias SH = /bin/sh\n"
        "Defaults:A !authenticate\n"
        "Defaults>root !set_logname\n"
        "Defaults!/bin/ls noexec\n"
        "Defaults secure_path=\"/a:/b # not a comment\"\n");
    CHECK(p.malformed.empty());
    REQUIRE(p.aliases.size() == 3);
    CHECK(p.aliases[1].name == "B");
    CHECK(p.aliases[2].kind == "Cmnd_Alias");
    REQUIRE(p.defaults.size() == 4);
    CHECK(p.defaults[0].binding == ":A");
    CHECK(p.defaults[1].binding == ">root");
    CHECK(p.defaults[2].binding == "!/bin/ls");
    CHECK(p.defaults[3].text == "secure_path=\"/a:/b # not a comment\"");
    parsers::SudoersAliases al;
    for (const auto& a : p.aliases) al.add(a);
    CHECK(al.expand("User_Alias", "A") == std::vector<std::string>{"alice", "bob", "!carol"});
    CHECK(al.expand("User_Alias", "!A") == std::vector<std::string>{"!alice", "!bob", "carol"});
  }
  SECTION("runas judgement") {
    parsers::SudoersAliases al;
    al.add({1, "Runas_Alias", "ROOTISH", {"operator", "#0"}});
    al.add({1, "Cmnd_Alias", "EVERY", {"ALL"}});
    auto cmd = [](std::string_view line) {
      return parsers::parse_sudoers(line).rules.at(0).commands.at(0);
    };
    CHECK(parsers::runs_as_root(al, cmd("u ALL = /bin/x")));
    CHECK(parsers::runs_as_root(al, cmd("u ALL = (ALL) /bin/x")));
    CHECK(parsers::runs_as_root(al, cmd("u ALL = (ROOTISH) /bin/x")));
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (ALL, !root) /bin/x")));
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (:wheel) /bin/x")));
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (postgres) /bin/x")));
    CHECK(parsers::is_all_commands(al, cmd("u ALL = EVERY")));
    CHECK_FALSE(parsers::is_all_commands(al, cmd("u ALL = !ALL")));
  }
  SECTION("runas-negated-root-then-all-grants-root") {
    // sudo walks the Runas list from the end: the last matching entry decides.
    parsers::SudoersAliases al;
    al.add({1, "Runas_Alias", "NOTROOT", {"!root"}});
    al.add({1, "Runas_Alias", "ADMINS", {"ALL", "!root"}});
    auto cmd = [](std::string_view line) {
      return parsers::parse_sudoers(line).rules.at(0).commands.at(0);
    };
    CHECK(parsers::runs_as_root(al, cmd("u ALL = (!root, ALL) /bin/x")));
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (ALL, !root) /bin/x")));
    CHECK(parsers::runs_as_root(al, cmd("u ALL = (NOTROOT, ALL) /bin/x")));
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (ALL, NOTROOT) /bin/x")));
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (ADMINS) /bin/x")));
    CHECK(parsers::runs_as_root(al, cmd("u ALL = (!ADMINS) /bin/x")));  // !(!root) matches root
    CHECK(parsers::runs_as_root(al, cmd("u ALL = (root, !root, root) /bin/x")));
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (!postgres) /bin/x")));  // nothing matches
  }
  SECTION("runas-uid0-alias-name-is-root") {
    parsers::SudoersAliases al;
    al.add({1, "Runas_Alias", "OPS", {"toor"}});
    auto cmd = [](std::string_view line) {
      return parsers::parse_sudoers(line).rules.at(0).commands.at(0);
    };
    const std::set<std::string, std::less<>> uid0{"root", "toor"};
    CHECK(parsers::runs_as_root(al, cmd("u ALL = (toor) /bin/x"), uid0));
    CHECK(parsers::runs_as_root(al, cmd("u ALL = (OPS) /bin/x"), uid0));
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (toor) /bin/x")));  // not uid 0 here
    CHECK_FALSE(parsers::runs_as_root(al, cmd("u ALL = (ALL, !toor) /bin/x"), uid0));
  }
  SECTION("many-commands-on-one-line-parse-in-one-pass") {
    // 20k commands after one '=' used to rescan the rest of the line for ':' per command.
    std::string line = "u ALL = ";
    for (int i = 0; i < 20000; ++i) line += "/bin/c" + std::to_string(i) + ", ";
    line += "/bin/last : h2 = (root) /bin/y\n";
    auto p = parsers::parse_sudoers(line, 1u << 20);
    REQUIRE(p.rules.size() == 1);
    CHECK(p.rules[0].commands.size() == 20002);
    CHECK(p.rules[0].commands.back().command == "/bin/y");
    CHECK(p.rules[0].commands.back().hosts == std::vector<std::string>{"h2"});
  }
  SECTION("named bad variants: each is one malformed line, parsing goes on") {
    const std::pair<const char*, std::string_view> bad[] = {
        {"no-equals", "alice ALL\n"},
        {"no-host-list", "alice = ALL\n"},
        {"unterminated-runas", "alice ALL = (root /bin/x\n"},
        {"empty-command", "alice ALL = (root) NOPASSWD:\n"},
        {"empty-command-after-comma", "alice ALL = /bin/x,\n"},
        {"lowercase-alias", "User_Alias admins = alice\n"},
        {"alias-no-members", "Cmnd_Alias X =\n"},
        {"include-no-path", "@include \n"},
        {"defaults-empty", "Defaults:alice\n"},
        {"binary", std::string_view("\x00\x01\xff=(\x7f"
                                    "ELF\n",
                                    10)},
        {"invalid-utf8-user", "caf\xe9 ALL (ALL)\n"},
        {"colon-unescaped-in-command", "alice ALL = /bin/chown root:root /x\n"},
    };
    for (const auto& [name, text] : bad) {
      INFO(name);
      auto p = parsers::parse_sudoers(std::string(text) + "bob ALL=(ALL) ALL\n");
      CHECK(p.malformed.size() == 1);
      CHECK(p.rules.size() == 1);
      if (!p.malformed.empty()) CHECK(p.malformed[0].line == 1);
    }
  }
  SECTION("hostile: overlong lines, continuation at EOF, alias loops and bombs") {
    std::string longline = "alice ALL = /bin/" + std::string(200, 'a') + "\n";
    auto p = parsers::parse_sudoers(longline + "bob ALL=ALL\n", 64);
    REQUIRE(p.malformed.size() == 1);
    CHECK(p.malformed[0].raw.size() <= 64);
    CHECK(p.rules.size() == 1);
    auto eof = parsers::parse_sudoers("alice ALL = ALL \\");
    CHECK(eof.rules.size() == 1);
    parsers::SudoersAliases al;
    al.add({1, "User_Alias", "A", {"B", "x"}});
    al.add({1, "User_Alias", "B", {"A", "y"}});
    CHECK(al.expand("User_Alias", "A") == std::vector<std::string>{"y", "x"});
    for (int i = 0; i < 30; ++i) {  // each alias names the next twice: 2^30 paths without a budget
      std::string next = "N" + std::to_string(i + 1);
      al.add({1, "User_Alias", "N" + std::to_string(i), {next, next, "u" + std::to_string(i)}});
    }
    CHECK(al.expand("User_Alias", "N0").size() <= parsers::SudoersAliases::kExpandBudget);
  }
  CHECK(parsers::sudoers_includedir_skips("README~"));
  CHECK(parsers::sudoers_includedir_skips("x.bak"));
  CHECK(parsers::sudoers_includedir_skips(".hidden"));
  CHECK_FALSE(parsers::sudoers_includedir_skips("90-cloud-init-users"));
}

TEST_CASE("users: users_basic fixture, golden output", "[users][golden]") {
  testing::FixtureRoot fx("users_basic");
  auto sink = run_fixture(fx);
  CHECK(sink.outcome.status == v1::RUN_OK);
  CHECK(testing::check_sources_preserved(sink.records) > 40);

  std::string out;
  for (auto r : sink.records) {
    r.clear_utc_ns();
    r.clear_index();
    if (r.has_preserved_file()) {
      auto* f = r.mutable_preserved_file();
      f->clear_inode();
      f->clear_ctime_utc_ns();
      f->clear_uid();
      f->clear_gid();
    }
    if (r.has_sudoers_file()) {  // depend on who runs the test
      r.mutable_sudoers_file()->clear_owner_uid();
      r.mutable_sudoers_file()->clear_unsafe_owner_or_mode();
    }
    out += exporter::to_json(r) + "\n";
  }
  for (const auto& a : sink.anomalies) {
    out += "anomaly " + a.kind + " " + a.path + " line " + std::to_string(a.line) + " " + a.detail;
    if (exporter::is_valid_utf8(a.raw)) {
      out += " raw=";
      exporter::append_json_string(out, a.raw);
    } else {
      out += " raw_b64=" + exporter::base64(a.raw);
    }
    out += "\n";
  }
  for (const auto& e : sink.errors)
    out += "item_error " + e.item + " " + std::to_string(e.status) + "\n";
  testing::check_golden("users_basic", out);
}

TEST_CASE("users: findings on users_basic", "[users]") {
  testing::FixtureRoot fx("users_basic");
  auto sink = run_fixture(fx);

  SECTION("no byte of any hash leaves the collector") {
    auto all = everything(sink);
    CHECK(all.find("FAKE") == std::string::npos);
    CHECK(all.find("LEAKCHECK") == std::string::npos);
    int redacted = 0;
    for (const auto& r : sink.records) {
      if (!r.has_preserved_file()) continue;
      const auto& f = r.preserved_file();
      if (f.path() == "/etc/shadow" || f.path() == "/etc/passwd") {
        CHECK(f.redacted());
        CHECK_FALSE(f.sha256().empty());  // the real file's digest
        ++redacted;
      } else {
        CHECK_FALSE(f.redacted());
      }
    }
    CHECK(redacted == 2);
  }
  SECTION("accounts") {
    auto* toor = account(sink, "toor");
    REQUIRE(toor);
    CHECK(toor->uid0_not_root());
    CHECK(toor->gid0_not_root());
    CHECK(toor->password_scheme() == "md5crypt");
    auto* root = account(sink, "root");
    REQUIRE(root);
    CHECK_FALSE(root->uid0_not_root());
    CHECK(root->password_state() == v1::PASSWORD_SET);
    CHECK(root->password_scheme() == "yescrypt");
    CHECK(account(sink, "carol")->duplicate_uid());
    CHECK(account(sink, "bob")->duplicate_uid());
    CHECK(account(sink, "bob")->must_change_password());
    CHECK(account(sink, "bob")->supplementary_groups(0) == "admins");
    CHECK(account(sink, "carol")->password_state() == v1::PASSWORD_LOCKED);
    CHECK(account(sink, "carol")->expire_utc_ns() == 20500 * 86'400'000'000'000);
    CHECK(account(sink, "carol")->inactive_days() == 30);
    CHECK(account(sink, "guest")->password_state() == v1::PASSWORD_EMPTY);
    CHECK(account(sink, "old")->password_state() == v1::PASSWORD_LOCKED);
    CHECK(account(sink, "sshd")->password_state() == v1::PASSWORD_LOCKED);
    CHECK(account(sink, "daemon")->password_state() == v1::PASSWORD_NO_LOGIN);
    CHECK_FALSE(account(sink, "daemon")->shell_is_login());
    CHECK_FALSE(account(sink, "svc-backup")->shell_is_login());
    auto* legacy = account(sink, "legacy");
    REQUIRE(legacy);
    CHECK(legacy->password_in_passwd());
    CHECK(legacy->password_scheme() == "md5crypt");
    CHECK(legacy->shell_is_login());  // empty shell: /bin/sh
    CHECK(legacy->primary_group() == "admins");
    CHECK_FALSE(account(sink, "alice")->has_shadow_entry() == false);
    std::set<std::string> kinds;
    for (const auto& a : sink.anomalies) kinds.insert(a.kind + ":" + std::to_string(a.line));
    CHECK(kinds.contains("passwd_malformed_line:17"));
    CHECK(kinds.contains("group_malformed_line:19"));
    CHECK(kinds.contains("shadow_malformed_line:18"));
    CHECK(kinds.contains("shadow_entry_without_passwd:17"));
  }
  SECTION("groups") {
    for (const auto& r : sink.records) {
      if (!r.has_user_group()) continue;
      const auto& g = r.user_group();
      if (g.name() == "wheel") CHECK(g.gid0_not_root());
      if (g.name() == "sudo") CHECK(g.unknown_members(0) == "ghost");
    }
  }
  SECTION("sudoers files: includedir rules, links, FIFOs, loops, outside inputs") {
    auto st = file_statuses(sink);
    CHECK(st["/etc/sudoers"] == v1::SUDOERS_FILE_PARSED);
    CHECK(st["/etc/sudoers.d/README"] == v1::SUDOERS_FILE_PARSED);
    CHECK(st["/etc/sudoers.d/README~"] == v1::SUDOERS_FILE_SKIPPED_NAME);
    CHECK(st["/etc/sudoers.d/x.bak"] == v1::SUDOERS_FILE_SKIPPED_NAME);
    CHECK(st["/etc/sudoers.d/shadowlink"] == v1::SUDOERS_FILE_LINK_NOT_FOLLOWED);
    CHECK(st["/etc/sudoers.d/pipe"] == v1::SUDOERS_FILE_NOT_REGULAR);
    CHECK(st["/etc/sudoers.d/zz-loop"] == v1::SUDOERS_FILE_LOOP);  // the second visit
    CHECK(st["/etc/sudoers.local"] == v1::SUDOERS_FILE_OUTSIDE_INPUTS);
    for (const auto& r : sink.records) {
      if (r.has_sudoers_file() && r.sudoers_file().path() == "/etc/sudoers.d/backdoor") {
        CHECK(r.sudoers_file().unsafe_owner_or_mode());  // 0666
      }
      if (r.has_sudoers_file() && r.sudoers_file().path() == "/etc/sudoers.d/shadowlink") {
        CHECK(r.sudoers_file().link_target() == "../../../../etc/shadow");
      }
    }
    CHECK(rules_of(sink, "dave").size() == 1);  // after the binary garbage in the same file
    CHECK(rules_of(sink, "caf\xe9").size() == 1);
  }
  SECTION("who can become root") {
    auto toor = rules_of(sink, "toor");
    REQUIRE(toor.size() == 2);  // "!toor" in sudoers, then the backdoor
    CHECK(toor[0]->negated());
    CHECK_FALSE(toor[0]->can_become_root());
    CHECK(toor[1]->can_become_root_nopasswd());
    CHECK(toor[1]->all_commands_as_root());  // via Cmnd_Alias EVERYTHING = ALL
    auto alice = rules_of(sink, "alice");
    REQUIRE(alice.size() == 2);
    CHECK_FALSE(alice[0]->can_become_root());  // (ALL, !root)
    CHECK(alice[1]->can_become_root_nopasswd());
    auto ops = rules_of(sink, "OPS");
    REQUIRE(ops.size() == 1);
    CHECK(ops[0]->principal_kind() == "alias");
    CHECK(ops[0]->expanded_users_size() == 3);
    CHECK(ops[0]->can_become_root());                 // (root) SHUTDOWN
    CHECK_FALSE(ops[0]->can_become_root_nopasswd());  // NOPASSWD only for psql as DBA
    auto uid = rules_of(sink, "#1005");
    REQUIRE(uid.size() == 1);
    CHECK(
        uid[0]->can_become_root_nopasswd());  // NOPASSWD tag, and Defaults:svc-backup !authenticate
    auto www = rules_of(sink, "%www-data");
    REQUIRE(www.size() == 1);
    CHECK(www[0]->is_group());
    CHECK(www[0]->can_become_root_nopasswd());
    CHECK_FALSE(www[0]->all_commands_as_root());
    auto guest = rules_of(sink, "guest");
    REQUIRE(guest.size() == 1);
    CHECK_FALSE(guest[0]->can_become_root());  // (:adm): runs as guest
  }
}

TEST_CASE("users: password databases are never read as sudoers files", "[users]") {
  testing::FixtureRoot fx("users_basic");
  std::filesystem::create_hard_link(fx.root() + "/etc/shadow",
                                    fx.root() + "/etc/sudoers.d/hardlink");
  std::filesystem::create_hard_link(fx.root() + "/etc/passwd", fx.root() + "/etc/sudoers.d/pwlink");
  std::filesystem::create_directory_symlink("/", fx.root() + "/etc/sudoers.d/up");
  testing::write_all(
      fx.root() + "/etc/sudoers.d/inc",
      "@include /etc/shadow\n@include ../passwd\n@include /etc/sudoers.d/up/etc/hostname\n");
  testing::write_all(fx.root() + "/etc/hostname", "secret-host\n");
  auto sink = run_fixture(fx);
  auto st = file_statuses(sink);
  CHECK(st["/etc/sudoers.d/hardlink"] == v1::SUDOERS_FILE_SECRET_NOT_READ);
  CHECK(st["/etc/sudoers.d/pwlink"] == v1::SUDOERS_FILE_SECRET_NOT_READ);
  CHECK(st["/etc/shadow"] == v1::SUDOERS_FILE_SECRET_NOT_READ);  // never read, whatever the route
  CHECK(st["/etc/passwd"] == v1::SUDOERS_FILE_OUTSIDE_INPUTS);  // "../passwd" resolved lexically
  CHECK(st["/etc/sudoers.d/up/etc/hostname"] ==
        v1::SUDOERS_FILE_OUTSIDE_INPUTS);  // not through "up"
  CHECK(st["/etc/sudoers.d/up"] == v1::SUDOERS_FILE_LINK_NOT_FOLLOWED);
  CHECK(everything(sink).find("secret-host") == std::string::npos);
  CHECK(everything(sink).find("FAKE") == std::string::npos);
}

TEST_CASE("users: capped files are truncated, flagged and still parsed", "[users]") {
  testing::FixtureRoot fx("users_basic");
  collectors::Limits limits;
  limits.max_file_bytes = 200;
  auto sink = run_fixture(fx, limits);
  for (const auto& r : sink.records) {
    if (r.has_preserved_file() && r.preserved_file().path() == "/etc/shadow") {
      CHECK(r.preserved_file().truncated());
      CHECK(r.preserved_file().sha256().empty());
      CHECK(r.preserved_file().redacted());
    }
  }
  CHECK(account(sink, "root")->password_state() == v1::PASSWORD_SET);
  CHECK(everything(sink).find("FAKE") == std::string::npos);
  testing::check_sources_preserved(sink.records);
}

TEST_CASE("users: injected failures become item errors, never aborts", "[users]") {
  testing::FixtureRoot fx("users_basic");
  auto real = platform::RootedFileSystem::open(fx.root());
  platform::FaultFileSystem fs(**real);
  fs.fail("/etc/shadow", EACCES);
  fs.fail("/etc/sudoers.d", EIO);
  collectors::users::UsersCollector c;
  auto sink = testing::run_on_fs(c, fs);
  CHECK(sink.outcome.status == v1::RUN_OK);
  std::map<std::string, v1::ItemStatus> by_item;
  for (const auto& e : sink.errors) by_item[e.item] = e.status;
  CHECK(by_item["/etc/shadow"] == v1::ITEM_DENIED);
  CHECK(by_item["/etc/sudoers.d"] == v1::ITEM_FAILED);
  CHECK(account(sink, "root")->password_state() == v1::PASSWORD_UNKNOWN);
  CHECK(rules_of(sink, "root").size() == 1);
  testing::check_sources_preserved(sink.records);
}

TEST_CASE("users: every path it touches is a declared input", "[users]") {
  testing::FixtureRoot fx("users_basic");
  auto real = platform::RootedFileSystem::open(fx.root());
  platform::FaultFileSystem fs(**real);
  collectors::users::UsersCollector c;
  auto sink = testing::run_on_fs(c, fs);
  auto inputs = c.inputs();
  auto all = fs.accessed();
  CHECK(all.size() >= 10);
  for (const auto& p : all) {
    INFO(p);
    CHECK(collectors::input_allowed(p, inputs));
  }
  CHECK_FALSE(all.contains("/etc/sudoers.local"));
}

TEST_CASE("users: missing files are fine (a minimal image)", "[users]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  testing::apply_manifest(root, "write etc/passwd root:x:0:0::/root:/bin/sh\\n\n");
  collectors::users::UsersCollector c;
  auto sink = testing::run_on_root(c, root);
  CHECK(sink.outcome.status == v1::RUN_OK);
  CHECK(account(sink, "root")->password_state() == v1::PASSWORD_UNKNOWN);
  CHECK(file_statuses(sink)["/etc/sudoers"] == v1::SUDOERS_FILE_MISSING);
  CHECK(sink.errors.size() == 2);  // group and shadow: report_missing
  testing::check_sources_preserved(sink.records);
}

TEST_CASE("users: live host smoke test (read-only)", "[users][live]") {
  collectors::users::UsersCollector c;
  auto sink = testing::run_on_root(c, "/");
  CHECK(sink.outcome.status == v1::RUN_OK);
  CHECK(account(sink, "root") != nullptr);
  testing::check_sources_preserved(sink.records);
  for (const auto& r : sink.records) {
    if (!r.has_preserved_file() || r.preserved_file().path() != "/etc/shadow") continue;
    CHECK(r.preserved_file().redacted());
    platform::for_each_line(r.preserved_file().raw(), [](std::uint64_t, std::string_view l) {
      auto colon = l.find(':');
      if (colon != std::string_view::npos)
        CHECK(l.substr(colon).find('$') == std::string_view::npos);
    });
  }
}

TEST_CASE("users: Defaults !authenticate makes every rule password-less", "[users]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  testing::apply_manifest(
      root,
      "write etc/passwd root:x:0:0::/root:/bin/sh\\nbob:x:1000:1000::/home/bob:/bin/sh\\n\n"
      "write etc/sudoers Defaults\\s!authenticate\\nbob\\sALL=(ALL)\\s/bin/ls\\n\n"
      "mode etc/sudoers 0440\n");
  collectors::users::UsersCollector c;
  auto sink = testing::run_on_root(c, root);
  auto bob = rules_of(sink, "bob");
  REQUIRE(bob.size() == 1);
  CHECK(bob[0]->can_become_root_nopasswd());
  CHECK(bob[0]->commands(0).nopasswd());
  CHECK(bob[0]->commands(0).tags_size() == 0);
}

TEST_CASE("users: shadow-aging-days-overflowing-ns leave the time unset and flag it", "[users]") {
  // last change / expire are host numbers: days * 86400e9 overflowed int64 (undefined behaviour).
  testing::FixtureRoot fx("users_basic");
  {
    std::ofstream out(fx.root() + "/etc/shadow", std::ios::app | std::ios::binary);
    out << "daemon2:*:9223372036854775807:0:99999:7::-9223372036854775807:\n";
  }
  {
    std::ofstream out(fx.root() + "/etc/passwd", std::ios::app | std::ios::binary);
    out << "daemon2:x:2:2:daemon:/usr/sbin:/usr/sbin/nologin\n";
  }
  auto sink = run_fixture(fx);
  const auto* a = account(sink, "daemon2");
  REQUIRE(a != nullptr);
  CHECK(a->has_last_change_days());
  CHECK_FALSE(a->has_last_change_utc_ns());
  CHECK_FALSE(a->has_expire_utc_ns());
  CHECK(a->aging_time_out_of_range());
  const auto* root = account(sink, "root");
  REQUIRE(root != nullptr);
  CHECK(root->last_change_utc_ns() == std::int64_t{20000} * 86'400'000'000'000);
  CHECK_FALSE(root->aging_time_out_of_range());
}

TEST_CASE("users: sudoers-logical-line-over-64KiB is malformed even with a large file cap", "[users]") {
  testing::FixtureRoot fx("users_basic");
  {
    std::ofstream out(fx.root() + "/etc/sudoers.d/zz-huge", std::ios::binary);
    out << "mallory ALL = /bin/" << std::string(100 << 10, 'a') << "\n";
    out << "mallory2 ALL = (ALL) ALL\n";
  }
  collectors::Limits limits;
  limits.max_file_bytes = 4u << 20;
  auto sink = run_fixture(fx, limits);
  bool flagged = false;
  for (const auto& a : sink.anomalies) {
    if (a.kind == "sudoers_malformed_line" && a.path == "/etc/sudoers.d/zz-huge") {
      flagged = true;
      CHECK(a.raw.size() <= collectors::users::kMaxSudoersLogicalLine);
    }
  }
  CHECK(flagged);
  CHECK(rules_of(sink, "mallory").empty());
  CHECK(rules_of(sink, "mallory2").size() == 1);
}
