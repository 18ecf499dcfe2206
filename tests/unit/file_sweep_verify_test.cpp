// --verify-packages: every packaged file the sweep meets is read and its MD5 checked against
// dpkg's md5sums, wherever it lies (by default only packaged files in system binary dirs are).
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <map>

#include "collectors/file_sweep/file_sweep_collector.h"
#include "collectors/file_sweep/package_index.h"
#include "platform/sha256.h"
#include "tests/support/fixture_root.h"

using namespace hozen;

namespace {

std::string md5_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, EVP_md5(), nullptr);
  return platform::to_hex(std::string_view(reinterpret_cast<const char*>(out), n));
}

std::map<std::string, v1::FileEntry> sweep(const std::string& root, bool verify) {
  collectors::file_sweep::FileSweepCollector c;
  collectors::Config config;
  config.sweep.recent_days = 0;  // nothing counts as recently changed
  config.sweep.verify_packages = verify;
  auto sink = testing::run_on_root(c, root, {}, config);
  INFO(sink.outcome.detail);
  CHECK(sink.outcome.status == v1::RUN_OK);
  std::map<std::string, v1::FileEntry> files;
  for (const auto& r : sink.records) {
    if (r.has_file_entry()) files[r.file_entry().path()] = r.file_entry();
  }
  return files;
}

}  // namespace

TEST_CASE("file_sweep --verify-packages: packaged data files outside bin dirs are verified", "[file_sweep_verify]") {
  testing::TempDir dir;
  const std::string root = dir / "root";
  testing::apply_manifest(root,
                          "write usr/lib/libx/data.txt original\\n\n"
                          "write usr/lib/libx/changed.py tampered\\n\n"
                          "write usr/lib/libx/unlisted.txt whatever\\n\n"
                          "write usr/bin/tool tool\\n\n"
                          "mode usr/bin/tool 755\n"
                          "mkdir var/lib/dpkg/info\n");
  testing::write_all(root + "/var/lib/dpkg/info/libx.md5sums",
                     md5_hex("original\n") + "  usr/lib/libx/data.txt\n" + md5_hex("the shipped one\n") +
                         "  usr/lib/libx/changed.py\n" + md5_hex("tool\n") + "  usr/bin/tool\n");

  SECTION("by default a packaged file outside the bin dirs is recorded, not read") {
    auto files = sweep(root, false);
    CHECK(files.at("/usr/lib/libx/data.txt").hash_status() == v1::ITEM_NOT_ATTEMPTED);
    CHECK(files.at("/usr/lib/libx/changed.py").package_check() == v1::PACKAGE_CHECK_UNSPECIFIED);
    CHECK(files.at("/usr/lib/libx/changed.py").package() == "libx");
    CHECK(files.at("/usr/bin/tool").package_check() == v1::PACKAGE_MD5_MATCH);
  }
  SECTION("with it every packaged file is read: MD5 checked, SHA-256 kept") {
    auto files = sweep(root, true);
    const auto& data = files.at("/usr/lib/libx/data.txt");
    CHECK(data.hash_status() == v1::ITEM_OK);
    CHECK(data.package_check() == v1::PACKAGE_MD5_MATCH);
    CHECK(data.sha256() == platform::as_bytes(platform::Sha256::of("original\n")));
    const auto& changed = files.at("/usr/lib/libx/changed.py");
    CHECK(changed.package_check() == v1::PACKAGE_MD5_MISMATCH);
    CHECK(std::find(changed.flags().begin(), changed.flags().end(), "package_md5_mismatch") != changed.flags().end());
    // Unpackaged files outside the bin dirs are still left alone.
    CHECK(files.at("/usr/lib/libx/unlisted.txt").hash_status() == v1::ITEM_NOT_ATTEMPTED);
    CHECK(files.at("/usr/lib/libx/unlisted.txt").package_check() == v1::PACKAGE_CHECK_UNSPECIFIED);
    CHECK(files.at("/usr/bin/tool").package_check() == v1::PACKAGE_MD5_MATCH);
  }
}

TEST_CASE("PackageIndex: compact md5sums lookup", "[file_sweep_verify]") {
  using collectors::file_sweep::PackageIndex;
  PackageIndex idx;
  const std::string a(16, 'a'), b(16, 'b'), c(16, 'c');
  idx.add("/usr/bin/ls", a, "coreutils");
  idx.add("/usr/bin/cat", b, "coreutils");
  idx.add("/usr/lib/x", b, "libx");
  idx.add("/usr/bin/ls", c, "busybox-ls");       // a later package listing it wins
  idx.add("/usr/bin/short", "0123", "broken");     // not a 16-byte MD5: ignored
  const std::string long_path = "/" + std::string(600'000, 'p');  // longer than a quarter block
  idx.add(long_path, a, "libx");
  idx.add("/usr/share/after-long", c, "libx");
  idx.freeze();
  CHECK(idx.size() == 5);
  auto ls = idx.find("/usr/bin/ls");
  REQUIRE(ls);
  CHECK(ls->md5 == c);
  CHECK(ls->package == "busybox-ls");
  CHECK(idx.find("/usr/bin/cat")->package == "coreutils");
  CHECK(idx.find("/usr/lib/x")->md5 == b);
  CHECK(idx.find(long_path)->md5 == a);
  CHECK(idx.find("/usr/share/after-long")->package == "libx");
  CHECK_FALSE(idx.find("/usr/bin/short"));
  CHECK_FALSE(idx.find("/usr/bin/l"));
  CHECK_FALSE(idx.find(""));
  PackageIndex empty;
  empty.freeze();
  CHECK(empty.empty());
  CHECK_FALSE(empty.find("/usr/bin/ls"));
}
