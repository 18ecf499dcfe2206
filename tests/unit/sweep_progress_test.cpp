// The file sweep's progress counters (collectors::Progress, shown by `hozen collect` on a
// terminal): they match the sweep's own summary, the estimate exists while walking (and only
// where it means something), and the line is switched off when the sweep ends.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "collectors/file_sweep/file_sweep_collector.h"
#include "platform/host.h"
#include "tests/support/capture_sink.h"
#include "tests/support/fixture_root.h"

using namespace hozen;

namespace {

// Records what the progress counters said when the first file entry was emitted (mid-walk).
class SamplingSink final : public collectors::Sink {
 public:
  explicit SamplingSink(const collectors::Progress& p) : progress_(p) {}
  bool emit(v1::Record&& r) override {
    if (r.has_file_entry() && !sampled_) {
      sampled_ = true;
      active_mid_walk = progress_.active.load();
      estimate_mid_walk = progress_.entries_estimate.load();
      const char* phase = progress_.phase.load();
      phase_mid_walk = phase != nullptr ? phase : "";
    }
    return inner.emit(std::move(r));
  }
  bool anomaly(std::string_view kind, std::string_view path, std::uint64_t line,
               std::string_view detail, std::string_view raw) override {
    return inner.anomaly(kind, path, line, detail, raw);
  }
  bool item_error(std::string_view item, const platform::Error& e) override { return inner.item_error(item, e); }
  void item(v1::ItemStatus s) override { inner.item(s); }

  testing::CaptureSink inner;
  bool active_mid_walk = false;
  std::uint64_t estimate_mid_walk = 0;
  std::string phase_mid_walk;

 private:
  const collectors::Progress& progress_;
  bool sampled_ = false;
};

struct Run {
  collectors::Outcome outcome;
  const v1::SweepSummary* summary = nullptr;
};

Run sweep(const std::string& root, const collectors::Config& config, collectors::Progress* progress,
          SamplingSink& sink) {
  auto fs = platform::RootedFileSystem::open(root);
  REQUIRE(fs);
  std::atomic<bool> stop{false};
  collectors::Context ctx(**fs, nullptr, {}, {}, config, stop, 0);
  ctx.set_progress(progress);
  collectors::file_sweep::FileSweepCollector c;
  Run run;
  run.outcome = c.collect(ctx, sink);
  for (const auto& r : sink.inner.records) {
    if (r.has_sweep_summary()) run.summary = &r.sweep_summary();
  }
  return run;
}

}  // namespace

TEST_CASE("sweep progress: counters match the summary; the line ends with the sweep", "[sweep_progress]") {
  testing::TempDir dir;
  const std::string root = dir / "root";
  testing::apply_manifest(root,
                          "write etc/passwd root:x:0:0:root:/root:/bin/bash\\n\n"
                          "write usr/bin/tool \\x7fELF\\x02\\x01\\x01\\sbody\n"
                          "mode usr/bin/tool 755\n"
                          "write usr/bin/other #!/bin/sh\\nexit\\s0\\n\n"
                          "mode usr/bin/other 755\n"
                          "write tmp/a plain\n"
                          "mkdir tmp/d\n");
  collectors::Config config;
  config.sweep.recent_days = 0;
  collectors::Progress progress;
  progress.entries = 12345;  // stale values from an earlier collector are reset
  SamplingSink sink(progress);
  const Run run = sweep(root, config, &progress, sink);
  INFO(run.outcome.detail);
  REQUIRE(run.summary != nullptr);
  CHECK(progress.entries.load() == run.summary->entries());
  CHECK(progress.files_hashed.load() == run.summary->files_hashed());
  CHECK(progress.bytes_hashed.load() == run.summary->bytes_hashed());
  CHECK(run.summary->files_hashed() >= 2);
  CHECK_FALSE(progress.active.load());            // the display stops drawing
  CHECK(progress.entries_estimate.load() == 0);   // walked: no ETA while the last files hash
  CHECK(sink.active_mid_walk);
  CHECK(sink.phase_mid_walk == "file_sweep");
  // Default roots: the used inodes of the filesystem the fixture lives on (ext4, tmpfs: both
  // count inodes), far more than the fixture's entries. (0 only on btrfs-like filesystems.)
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const auto used = platform::inodes_in_use(fd);
  ::close(fd);
  if (used) {
    CHECK(sink.estimate_mid_walk >= run.summary->entries());
  } else {
    CHECK(sink.estimate_mid_walk == 0);
  }

  // Explicit paths that are not mount points (and no live mountinfo to tell): no estimate.
  config.sweep.paths = {"/usr"};
  SamplingSink sink2(progress);
  const Run run2 = sweep(root, config, &progress, sink2);
  REQUIRE(run2.summary != nullptr);
  CHECK(sink2.active_mid_walk);
  CHECK(sink2.estimate_mid_walk == 0);
  CHECK(progress.entries.load() == run2.summary->entries());
}

TEST_CASE("sweep progress: no Progress in the context is fine", "[sweep_progress]") {
  testing::TempDir dir;
  const std::string root = dir / "root";
  testing::apply_manifest(root, "write tmp/a plain\n");
  collectors::Config config;
  collectors::Progress unused;
  SamplingSink sink(unused);
  const Run run = sweep(root, config, nullptr, sink);
  REQUIRE(run.summary != nullptr);
  CHECK(run.summary->entries() >= 1);
  CHECK(unused.entries.load() == 0);
  CHECK_FALSE(sink.active_mid_walk);
}
