// `file_sweep`: one walk of the swept trees feeding every file-based check (issue 5): every
// entry recorded (the timeline), selected regular files hashed by a pool, flags for the findings
// (docs/DECISIONS.md "File sweep"), small suspicious files copied into the bundle.
#pragma once

#include "collectors/framework/collector.h"

namespace hozen::collectors::file_sweep {

class FileSweepCollector final : public Collector {
 public:
  std::string_view id() const override { return "file_sweep"; }
  std::string_view description() const override {
    return "one walk of temp dirs, homes, /etc, system binary and library dirs (or all with "
           "--profile full): metadata of every entry, SHA-256 of executables, of suspicious files and "
           "of every file earlier records name as running, dpkg md5sums verification, flags, copies "
           "of small suspicious files";
  }
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// The flags of one entry computable without reading it (exposed for tests).
struct EntryFacts {
  std::string_view path;
  std::uint32_t mode = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0, btime_ns = 0;
  bool has_btime = false;
  bool has_capability = false, immutable = false, append_only = false;
  std::string_view header_kind;  // "elf", "script" or empty
  bool packaged = false;         // listed in a package's md5sums
  std::int64_t now_ns = 0;
  std::uint32_t recent_days = 30;
};
std::vector<std::string> entry_flags(const EntryFacts& f);

}  // namespace hozen::collectors::file_sweep
