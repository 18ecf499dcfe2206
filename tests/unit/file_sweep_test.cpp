// The file sweep over a hostile little root: every entry recorded, the right files hashed and
// flagged, packaged files verified against dpkg's md5sums, small suspicious files copied.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <sys/stat.h>

#include <sys/time.h>
#include <unistd.h>

#include <map>

#include "collectors/file_sweep/file_sweep_collector.h"
#include "platform/sha256.h"
#include "tests/support/fixture_root.h"
#include "tests/support/private_mount.h"

using namespace hozen;

namespace {

std::string md5_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, EVP_md5(), nullptr);
  return platform::to_hex(std::string_view(reinterpret_cast<const char*>(out), n));
}

bool has_flag(const v1::FileEntry& f, std::string_view flag) {
  for (const auto& x : f.flags()) {
    if (x == flag) return true;
  }
  return false;
}

constexpr std::string_view kElf = "\x7f" "ELF\x02\x01\x01 payload bytes";

}  // namespace

TEST_CASE("entry_flags: what metadata and headers alone say", "[file_sweep]") {
  collectors::file_sweep::EntryFacts f;
  f.now_ns = 2'000'000'000'000'000'000;
  f.mtime_ns = f.ctime_ns = f.now_ns - 100ll * 86'400'000'000'000;
  f.mode = S_IFREG | 0755;
  f.packaged = true;
  auto flags = [&] { return collectors::file_sweep::entry_flags(f); };
  using V = std::vector<std::string>;

  f.path = "/usr/bin/true";
  CHECK(flags().empty());
  SECTION("ELF in a hidden temp dir") {
    f.path = "/tmp/.x/payload";
    f.header_kind = "elf";
    CHECK(flags() == V{"elf_in_temp", "elf_in_hidden_dir"});
  }
  SECTION("a hidden name in a system path, but not the usual ones") {
    f.path = "/usr/lib/.backdoor";
    CHECK(flags() == V{"hidden_in_system_path"});
    f.path = "/usr/lib/debug/.build-id";
    CHECK(flags().empty());
  }
  SECTION("SUID/SGID, world-writable, capabilities, immutable") {
    f.mode = S_IFREG | S_ISUID | S_ISGID | 0757;
    f.has_capability = true;
    f.immutable = true;
    CHECK(flags() == V{"suid", "sgid", "world_writable_system", "file_capabilities", "immutable"});
    f.path = "/tmp";
    f.mode = S_IFDIR | S_ISVTX | 0777;  // the sticky /tmp is normal
    f.has_capability = f.immutable = false;
    CHECK(flags().empty());
  }
  SECTION("recently changed, unpackaged in a bin dir, born after its mtime") {
    f.path = "/usr/bin/helper";
    f.packaged = false;
    f.ctime_ns = f.now_ns - 86'400'000'000'000;  // yesterday
    f.has_btime = true;
    f.btime_ns = f.ctime_ns;
    CHECK(flags() == V{"recently_changed", "unpackaged_in_system_bin_dir", "btime_after_mtime"});
  }
}

TEST_CASE("file_sweep over a fixture root: records, hashes, package checks, copies", "[file_sweep]") {
  testing::TempDir dir;
  const std::string root = dir / "root";
  const std::string ls = "ls binary contents\n", replaced = "trojaned cat\n";
  testing::apply_manifest(root,
                          "write etc/passwd root:x:0:0:root:/root:/bin/bash\\nalice:x:1000:1000::/home/alice:/bin/bash\\n\n"
                          "write etc/group root:x:0:\\nalice:x:1000:\\n\n"
                          "write usr/bin/ls ls\\sbinary\\scontents\\n\n"
                          "mode usr/bin/ls 755\n"
                          "write usr/bin/cat trojaned\\scat\\n\n"
                          "mode usr/bin/cat 755\n"
                          "write usr/bin/evil \\x7fELF\\x02\\x01\\x01\\spayload\\sbytes\n"
                          "mode usr/bin/evil 4755\n"
                          "write tmp/.x/payload \\x7fELF\\x02\\x01\\x01\\spayload\\sbytes\n"
                          "write tmp/notes.txt hello\\n\n"
                          "fifo tmp/pipe\n"
                          "symlink tmp/loop tmp/loop\n"
                          "symlink tmp/leak /etc/shadow\n"
                          "write home/alice/.bashrc alias\\sls=ls\\n\n"
                          "write home/alice/name\\nwith\\xffbytes x\n"
                          "mkdir var/lib/dpkg/info\n");
  testing::write_all(root + "/var/lib/dpkg/info/coreutils.md5sums",
                     md5_hex(ls) + "  usr/bin/ls\n" + md5_hex("the real cat\n") + "  usr/bin/cat\n");
  collectors::file_sweep::FileSweepCollector c;
  collectors::Config config;
  config.sweep.recent_days = 0;  // the fixture's ctimes are all "now" (ctime cannot be set)
  auto sink = testing::run_on_root(c, root, {}, config);
  INFO(sink.outcome.detail);
  CHECK(sink.outcome.status == v1::RUN_OK);

  std::map<std::string, v1::FileEntry> files;
  std::map<std::string, v1::PreservedFile> copies;
  const v1::SweepSummary* summary = nullptr;
  for (const auto& r : sink.records) {
    if (r.has_file_entry()) files[r.file_entry().path()] = r.file_entry();
    if (r.has_preserved_file()) copies[r.preserved_file().path()] = r.preserved_file();
    if (r.has_sweep_summary()) summary = &r.sweep_summary();
  }
  REQUIRE(summary != nullptr);
  CHECK(summary->packaged_files_known() == 2);

  const auto& payload = files.at("/tmp/.x/payload");
  CHECK(payload.header_kind() == "elf");
  CHECK(has_flag(payload, "elf_in_temp"));
  CHECK(has_flag(payload, "elf_in_hidden_dir"));
  CHECK(payload.hash_status() == v1::ITEM_OK);
  CHECK(payload.sha256() == platform::as_bytes(platform::Sha256::of(kElf)));
  CHECK(payload.content_preserved());
  REQUIRE(copies.count("/tmp/.x/payload"));
  CHECK(copies.at("/tmp/.x/payload").raw() == kElf);
  CHECK(copies.at("/tmp/.x/payload").sha256() == payload.sha256());

  CHECK(files.at("/usr/bin/ls").package_check() == v1::PACKAGE_MD5_MATCH);
  CHECK(files.at("/usr/bin/ls").package() == "coreutils");
  CHECK(files.at("/usr/bin/ls").owner() == "root");
  CHECK(files.at("/usr/bin/cat").package_check() == v1::PACKAGE_MD5_MISMATCH);
  CHECK(has_flag(files.at("/usr/bin/cat"), "package_md5_mismatch"));
  const auto& evil = files.at("/usr/bin/evil");
  CHECK(evil.package_check() == v1::PACKAGE_NOT_PACKAGED);
  CHECK(has_flag(evil, "unpackaged_in_system_bin_dir"));
  CHECK(has_flag(evil, "suid"));
  CHECK(copies.count("/usr/bin/evil"));

  // Not executable, not in a special place: recorded, never opened.
  CHECK(files.at("/home/alice/.bashrc").hash_status() == v1::ITEM_NOT_ATTEMPTED);
  CHECK(files.count("/home/alice/name\nwith\xff" "bytes"));
  // In a temp dir every regular file is hashed; FIFOs and links only recorded.
  CHECK(files.at("/tmp/notes.txt").hash_status() == v1::ITEM_OK);
  CHECK(files.at("/tmp/pipe").file_kind() == v1::FILE_FIFO);
  CHECK(files.at("/tmp/pipe").hash_status() == v1::ITEM_NOT_ATTEMPTED);
  CHECK(files.at("/tmp/leak").file_kind() == v1::FILE_SYMLINK);
  CHECK(files.at("/tmp/leak").link_target() == "/etc/shadow");
  CHECK(files.at("/tmp/loop").link_target() == "tmp/loop");
}

TEST_CASE("file_sweep: --sweep roots, size cap, and the copy budget", "[file_sweep]") {
  testing::TempDir dir;
  const std::string root = dir / "root";
  testing::apply_manifest(root,
                          "write tmp/a \\x7fELF\\sone\n"
                          "write tmp/b \\x7fELF\\stwo\\stwo\n"
                          "write srv/c #!/bin/sh\\n\n"
                          "mode srv/c 755\n"
                          "write srv/big 0123456789\n"
                          "mode srv/big 755\n");
  collectors::Config config;
  config.sweep.recent_days = 0;
  config.sweep.paths = {"/srv"};
  config.sweep.max_hash_bytes = 5;
  collectors::file_sweep::FileSweepCollector c;
  auto sink = testing::run_on_root(c, root, {}, config);
  std::map<std::string, v1::FileEntry> files;
  for (const auto& r : sink.records) {
    if (r.has_file_entry()) files[r.file_entry().path()] = r.file_entry();
  }
  CHECK(files.count("/tmp/a") == 0);  // only /srv was asked for
  CHECK(files.at("/srv/big").hash_status() == v1::ITEM_SKIPPED_SIZE);
  CHECK(files.at("/srv/big").sha256().empty());
  CHECK(files.at("/srv/c").header_kind() == "script");

  collectors::Config budget;
  budget.sweep.recent_days = 0;
  budget.sweep.preserve_budget_bytes = 9;  // room for one of the two ELF files in /tmp
  auto sink2 = testing::run_on_root(c, root, {}, budget);
  int copies = 0;
  bool exhausted = false;
  for (const auto& r : sink2.records) {
    copies += r.has_preserved_file();
    if (r.has_sweep_summary()) exhausted = r.sweep_summary().preserve_budget_exhausted();
  }
  CHECK(copies == 1);
  CHECK(exhausted);
}

TEST_CASE("file_sweep T5: no atime changes, symlinks included (strictatime tmpfs, noatime view)",
          "[file_sweep]") {
  testing::TempDir d;
  ::mkdir((d / "root").c_str(), 0755);
  std::map<std::string, std::int64_t> before, after;
  bool view = false;
  std::size_t hashed = 0;
  std::string failed = testing::in_private_tmpfs(d / "root", MS_STRICTATIME, [&](const std::string& root) {
    ::mkdir((root + "/tmp").c_str(), 0755);
    ::mkdir((root + "/tmp/.x").c_str(), 0755);
    testing::write_all(root + "/tmp/.x/run.sh", "#!/bin/sh\necho\n");
    ::chmod((root + "/tmp/.x/run.sh").c_str(), 0755);
    testing::write_all(root + "/tmp/data", "plain");
    ::symlink("run.sh", (root + "/tmp/.x/link").c_str());
    const std::vector<std::string> all = {"/tmp", "/tmp/.x", "/tmp/.x/run.sh", "/tmp/data", "/tmp/.x/link"};
    struct timespec ts[2] = {{978307200, 0}, {0, UTIME_OMIT}};  // atime 2001-01-01
    for (const auto& p : all) ::utimensat(AT_FDCWD, (root + p).c_str(), ts, AT_SYMLINK_NOFOLLOW);
    auto snap = [&](std::map<std::string, std::int64_t>& out) {
      for (const auto& p : all) {
        struct stat st {};
        ::lstat((root + p).c_str(), &st);
        out[p] = st.st_atim.tv_sec;
      }
    };
    snap(before);
    collectors::Config config;
    config.sweep.paths = {"/tmp"};
    collectors::file_sweep::FileSweepCollector c;
    auto sink = testing::run_on_root(c, root, {}, config);
    for (const auto& r : sink.records) {
      if (r.has_sweep_summary()) view = r.sweep_summary().noatime_view();
      if (r.has_file_entry() && r.file_entry().hash_status() == v1::ITEM_OK) ++hashed;
    }
    snap(after);
  });
  INFO(failed);
  REQUIRE(failed.empty());
  CHECK(view);
  CHECK(hashed == 2);  // run.sh and data (everything in a temp dir is read)
  for (const auto& [p, a] : before) {
    INFO(p);
    CHECK(a == 978307200);
    CHECK(after.at(p) == a);
  }
}
