// Runs the selected collectors in order of volatility into a BundleWriter, with per-collector and
// global deadlines, and records every run (including skipped ones).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agent/bundle/writer.h"
#include "collectors/framework/collector.h"

namespace hozen::runner {

struct Selection {
  collectors::Collector* collector;
  bool run;            // false: recorded as skipped
  std::string reason;  // why skipped
};

struct RunSettings {
  const platform::FileSystem* host = nullptr;
  const platform::FileSystem* live = nullptr;
  collectors::PlatformFacts facts;
  collectors::Limits limits;
  collectors::Config config;
  std::int64_t global_deadline_mono_ns = 0;  // 0 = none
  std::int64_t per_collector_ms = 0;         // 0 = none
  // Set asynchronously (signal handler) to stop the run; the runner also sets it when the output
  // is exhausted.
  std::atomic<bool>* stop = nullptr;
  // Set by the signal handler (distinguishes "interrupted" from other stops).
  const std::atomic<bool>* interrupted = nullptr;
  // Counters long collectors publish for a progress line (cmd_collect on a TTY); may be null.
  collectors::Progress* progress = nullptr;
  // Called after each collector (for the terminal summary); may be empty.
  std::function<void(const v1::CollectorRun&)> on_run_end;
  // Called with each record once it is in the bundle (index set), from the emitting thread
  // (collectors with reader threads call it concurrently: it must lock); may be empty.
  std::function<void(const v1::Record&)> observe;
  // start_early() was called for this plan already (run() then does not call it again).
  bool early_started = false;
};

struct RunResult {
  v1::TrailerReason reason = v1::COMPLETE;
  std::vector<v1::CollectorRun> runs;
  std::map<int, std::uint64_t> item_counts;  // ItemStatus -> count, all collectors
  std::uint64_t anomalies = 0;
};

// Never throws: an exception escaping a collector marks that collector failed.
RunResult run(const std::vector<Selection>& plan, const RunSettings& settings,
              bundle::BundleWriter& writer);

// Starts the early work (Collector::start_early) of every collector the plan runs; run() does it
// itself unless settings.early_started. stop_early() stops and joins it (run() calls it at its
// end; calling it again is harmless).
void start_early(const std::vector<Selection>& plan, const RunSettings& settings);
void stop_early(const std::vector<Selection>& plan);

// Builds the plan from the registry: --only (empty = default collectors), --skip, --root.
// Returns an error message for unknown ids.
platform::Result<std::vector<Selection>> plan_run(
    const std::vector<std::unique_ptr<collectors::Collector>>& registry,
    const std::vector<std::string>& only, const std::vector<std::string>& skip, bool have_live);

const char* run_status_name(v1::RunStatus s);

}  // namespace hozen::runner
