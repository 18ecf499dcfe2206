// The one-line progress display of `hozen collect` on a terminal (issue 5, footprint controls):
// what the running collector publishes in collectors::Progress, redrawn in place on stderr.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "collectors/framework/collector.h"

namespace hozen::cli {

struct ProgressSnapshot {
  std::string_view phase;  // "file_sweep"
  std::uint64_t entries = 0;
  std::uint64_t entries_estimate = 0;  // 0: unknown
  std::uint64_t files_hashed = 0;
  std::uint64_t bytes_hashed = 0;
  std::int64_t elapsed_ns = 0;  // since the phase began
};

// "file_sweep: 123,456 entries (~40%), 1,234 files 1.2 GB hashed, 450 MB/s, ETA 0:42".
// The percentage and the ETA appear only while an estimate exists and the count is below it
// (the percentage is capped at 99: it is an estimate); the ETA extrapolates the walk's average
// rate (hashing runs behind the walk, so the true end comes somewhat later) and is left out past
// 100 h (a meaningless number). The rate is the
// phase's average hashing rate, shown from 1 s on. Bytes in decimal units (MB = 10^6, as
// --io-rate). Pure; no terminal codes.
std::string format_progress_line(const ProgressSnapshot& s);

// "1,234,567"
std::string group_thousands(std::uint64_t n);
// "999 B", "1.2 kB", "450 MB", "12 GB" (one decimal below 10 units)
std::string human_bytes(double bytes);
// "0:42", "12:05", "1:02:03"
std::string format_duration(std::int64_t seconds);

// Redraws format_progress_line on `out` every `period` while progress.active is set, from its own
// thread; clear() erases the line (call it before printing anything else on `out`). Disabled
// (no thread, clear() does nothing) unless `enabled`: the caller passes isatty(stderr) && !quiet.
// Lines are cut to `max_columns` (0: no limit): a wrapped line could not be erased in place.
class ProgressDisplay {
 public:
  ProgressDisplay(const collectors::Progress& progress, std::FILE* out, bool enabled,
                  std::size_t max_columns = 0,
                  std::chrono::milliseconds period = std::chrono::milliseconds(500));
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  void clear();

 private:
  void loop();
  void clear_locked();

  const collectors::Progress& progress_;
  std::FILE* out_;
  std::size_t max_columns_;
  std::chrono::milliseconds period_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace hozen::cli
