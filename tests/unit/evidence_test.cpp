// Parse-and-preserve plumbing: bounded gunzip, preserve_file (links, FIFOs, caps), the passwd and
// group parsers, and fixture manifests.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "collectors/framework/evidence.h"
#include "platform/gzip.h"
#include "platform/parsers/passwd.h"
#include "platform/sha256.h"
#include "tests/support/gzip.h"
#include "tests/support/fixture_root.h"

using namespace hozen;
using hozen::testing::gzip;

namespace {


// A file-based collector that preserves one path with given options (exercises the helper the
// way real collectors call it).
class PreserveOne final : public collectors::Collector {
 public:
  PreserveOne(std::string path, collectors::PreserveOptions o) : path_(std::move(path)), o_(o) {}
  std::string_view id() const override { return "preserve_one"; }
  std::string_view description() const override { return "test"; }
  std::vector<std::string_view> inputs() const override { return {path_}; }
  collectors::Outcome collect(const collectors::Context& ctx, collectors::Sink& sink) noexcept override {
    result = collectors::preserve_file(ctx, sink, path_, o_);
    return {};
  }
  std::optional<collectors::Preserved> result;

 private:
  std::string path_;
  collectors::PreserveOptions o_;
};

}  // namespace

TEST_CASE("gunzip: multi-member stream, bomb cap, cut short, corrupt, trailing padding", "[gzip]") {
  std::string a = "first member\n", b = std::string(1000, 'b') + "\n";
  auto two = gzip(a) + gzip(b);
  auto r = platform::gunzip_bounded(two, 1 << 20);
  REQUIRE(r);
  CHECK(r->bytes == a + b);
  CHECK(r->members == 2);
  CHECK_FALSE(r->truncated);
  CHECK_FALSE(r->incomplete);

  SECTION("a bomb stops at the cap") {
    auto bomb = gzip(std::string(50u << 20, '\0'));  // ~50 KiB compressed
    auto big = platform::gunzip_bounded(bomb, 1 << 20);
    REQUIRE(big);
    CHECK(big->truncated);
    CHECK(big->bytes.size() == (1u << 20));
  }
  SECTION("cut short keeps what inflated") {
    auto text = std::string(200000, 'x');
    for (std::size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
    auto z = gzip(text);
    auto cut = platform::gunzip_bounded(std::string_view(z).substr(0, z.size() / 2), 1 << 20);
    REQUIRE(cut);
    CHECK(cut->incomplete);
    CHECK(text.starts_with(cut->bytes));
  }
  SECTION("not gzip / corrupt header") {
    CHECK_FALSE(platform::gunzip_bounded("plain text", 100));
    std::string bad("\x1f\x8b\x09\x00garbage-garbage-garbage", 27);  // unknown method 9
    auto e = platform::gunzip_bounded(bad, 100);
    CHECK_FALSE(e);
    CHECK(e.error().kind == platform::ErrorKind::kMalformed);
  }
  SECTION("zero padding is fine, other trailing bytes are flagged") {
    auto padded = platform::gunzip_bounded(gzip(a) + std::string(512, '\0'), 100);
    REQUIRE(padded);
    CHECK_FALSE(padded->trailing_garbage);
    auto junk = platform::gunzip_bounded(gzip(a) + "junk", 100);
    REQUIRE(junk);
    CHECK(junk->trailing_garbage);
    CHECK(junk->bytes == a);
  }
}

TEST_CASE("passwd and group parsers keep malformed lines and NIS compat entries", "[parsers][passwd]") {
  auto p = platform::parsers::parse_passwd(
      "root:x:0:0:root:/root:/bin/bash\n"
      "# comment\n"
      "\n"
      "toor:x:0:0::/root:/bin/sh\n"
      "bad:x:abc:0::/:/bin/sh\n"
      "short:x:1\n"
      "+@netgroup::::::\n"
      "caf\xc3\xa9:x:1001:1001:Gecos, with: nothing:/home/caf\xc3\xa9:/bin/zsh\n");
  REQUIRE(p.entries.size() == 3);
  CHECK(p.entries[0].name == "root");
  CHECK(p.entries[1].uid == 0);
  CHECK(p.entries[1].line == 4);
  CHECK(p.entries[2].nis_compat);
  REQUIRE(p.malformed.size() == 3);  // bad uid, short, and the gecos with an extra ':'
  CHECK(p.malformed[0].line == 5);
  CHECK(p.malformed[2].raw.starts_with("caf\xc3\xa9"));

  auto g = platform::parsers::parse_group("sudo:x:27:alice,bob\nempty:x:100:\nbroken:x\n");
  REQUIRE(g.entries.size() == 2);
  CHECK(g.entries[0].members == std::vector<std::string>{"alice", "bob"});
  CHECK(g.entries[1].members.empty());
  REQUIRE(g.malformed.size() == 1);
  CHECK(g.malformed[0].line == 3);
}

TEST_CASE("preserve_file keeps exact bytes, links, and refuses what is not a regular file", "[evidence]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  testing::apply_manifest(root,
                          "write etc/conf hello\\nworld\\xff\\n\n"
                          "symlink etc/link conf\n"
                          "symlink etc/escape ../../../../etc/conf\n"
                          "symlink etc/dangling nowhere\n"
                          "fifo etc/fifo\n"
                          "write etc/big 0123456789abcdef\n"
                          "mtime etc/conf 1000000000\n");
  auto run = [&](std::string path, collectors::PreserveOptions o = {}) {
    PreserveOne c(std::move(path), o);
    auto sink = testing::run_on_root(c, root);
    return std::make_pair(std::move(sink), c.result);
  };

  SECTION("regular file: bytes, digest, stat, source ref") {
    auto [sink, res] = run("/etc/conf");
    REQUIRE(res);
    CHECK(res->bytes == "hello\nworld\xff\n");
    REQUIRE(sink.records.size() == 1);
    const auto& f = sink.records[0].preserved_file();
    CHECK(f.raw() == res->bytes);
    CHECK(f.sha256() == platform::as_bytes(platform::Sha256::of(f.raw())));
    CHECK(f.mtime_utc_ns() == 1'000'000'000'000'000'000);
    CHECK(S_ISREG(f.mode()));
    CHECK(f.link_target().empty());
    v1::SourceRef ref;
    collectors::set_source(&ref, *res, 2);
    CHECK(ref.path() == "/etc/conf");
    CHECK(ref.line() == 2);
    CHECK(ref.sha256() == f.sha256());
  }
  SECTION("a link is followed inside the root, or recorded only") {
    auto [sink, res] = run("/etc/escape");  // ../../.. resolves inside the root: /etc/conf
    REQUIRE(res);
    CHECK(res->is_link);
    CHECK(res->bytes == "hello\nworld\xff\n");
    CHECK(sink.records[0].preserved_file().link_target() == "../../../../etc/conf");
    CHECK(sink.records[0].preserved_file().link_followed());

    collectors::PreserveOptions record_only;
    record_only.links = collectors::LinkPolicy::kRecordOnly;
    auto [sink2, res2] = run("/etc/link", record_only);
    CHECK_FALSE(res2);
    REQUIRE(sink2.records.size() == 1);
    CHECK(sink2.records[0].preserved_file().link_target() == "conf");
    CHECK(sink2.records[0].preserved_file().raw().empty());
    CHECK(sink2.records[0].preserved_file().sha256().empty());
    CHECK(sink2.items[v1::ITEM_NOT_ATTEMPTED] == 1);
  }
  SECTION("dangling link: the link is kept, the miss is an item error") {
    auto [sink, res] = run("/etc/dangling");
    CHECK_FALSE(res);
    REQUIRE(sink.records.size() == 1);
    CHECK(sink.records[0].preserved_file().link_target() == "nowhere");
    CHECK_FALSE(sink.records[0].preserved_file().link_followed());
    REQUIRE(sink.errors.size() == 1);
    CHECK(sink.errors[0].status == v1::ITEM_VANISHED);
  }
  SECTION("a FIFO is never opened for reading") {
    auto [sink, res] = run("/etc/fifo");
    CHECK_FALSE(res);
    REQUIRE(sink.errors.size() == 1);
    CHECK(sink.records.empty());
  }
  SECTION("over the cap: truncated, no digest anywhere") {
    collectors::PreserveOptions o;
    o.cap = 4;
    auto [sink, res] = run("/etc/big", o);
    REQUIRE(res);
    CHECK(res->truncated);
    CHECK(res->bytes == "0123");
    CHECK(res->sha256.empty());
    CHECK(sink.records[0].preserved_file().sha256().empty());
    CHECK(sink.records[0].preserved_file().truncated());
    CHECK(sink.items[v1::ITEM_TRUNCATED] == 1);
  }
  SECTION("missing: silent unless asked") {
    auto [sink, res] = run("/etc/none");
    CHECK_FALSE(res);
    CHECK(sink.errors.empty());
    collectors::PreserveOptions o;
    o.report_missing = true;
    auto [sink2, res2] = run("/etc/none", o);
    CHECK(sink2.errors.size() == 1);
  }
}

TEST_CASE("preserve_file inflates .gz for the parser and keeps the compressed bytes", "[evidence][gzip]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  testing::apply_manifest(root, "mkdir var/log\n");
  std::string text = "Jan  1 00:00:01 host sshd[1]: Accepted publickey for root\n";
  auto z = gzip(text);
  testing::write_all(root + "/var/log/auth.log.2.gz", z);
  collectors::PreserveOptions o;
  o.gunzip = true;
  PreserveOne c("/var/log/auth.log.2.gz", o);
  auto sink = testing::run_on_root(c, root);
  REQUIRE(c.result);
  CHECK(c.result->bytes == text);
  CHECK(sink.records[0].preserved_file().raw() == z);
  CHECK(c.result->sha256 == platform::as_bytes(platform::Sha256::of(z)));
}

TEST_CASE("preserve_file refuses a path that leads to a password-hash file", "[evidence][secrets]") {
  testing::TempDir dir;
  std::string root = dir / "root";
  testing::apply_manifest(root,
                          "write etc/shadow root:$6$SECRETHASH$xyz:19000:0:99999:7:::\\n\n"
                          "mkdir var/log\n"
                          "symlink var/log/auth.log.9 /etc/shadow\n");
  ::link((root + "/etc/shadow").c_str(), (root + "/var/log/hard").c_str());
  for (const char* p : {"/var/log/auth.log.9", "/var/log/hard"}) {
    INFO(p);
    PreserveOne c(p, {});
    auto sink = testing::run_on_root(c, root);
    CHECK_FALSE(c.result);
    REQUIRE(sink.errors.size() == 1);
    CHECK(sink.errors[0].status == v1::ITEM_DENIED);
    for (const auto& r : sink.records) CHECK(r.DebugString().find("SECRETHASH") == std::string::npos);
  }
  collectors::PreserveOptions allowed;
  allowed.allow_secret = true;
  PreserveOne users("/etc/shadow", allowed);
  testing::run_on_root(users, root);
  CHECK(users.result);  // the users collector reads it (and redacts it before it is emitted)
}
