// Turns the records of one bundle into findings: the built-in rules (catalog.h) and, when an
// indicator list is given, IOC matches. Records are observed one at a time, in any order, while
// a collection writes them or while a bundle is read; the analyzer keeps only the small facts
// its joins need (processes, sockets, accounts, logins), never the records themselves.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hozen/v1/record.pb.h"

namespace hozen::analysis {

class IndicatorSet;

struct AnalysisOptions {
  const IndicatorSet* iocs = nullptr;  // null: built-in rules only
  std::int64_t now_utc_ns = 0;         // the collection's time ("recently changed" is before it)
  std::uint32_t recent_days = 30;
  std::string ruleset_version;
};

class Analyzer {
 public:
  explicit Analyzer(AnalysisOptions options);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // One record with its index set. Findings and summaries of an earlier analysis are ignored.
  void observe(const v1::Record& record);

  struct Result {
    std::vector<v1::Finding> findings;  // most severe first
    v1::AnalysisSummary summary;
  };
  // Runs the rules that join several records; call once, after the last observe().
  Result finish();

  struct State;

 private:
  std::unique_ptr<State> s_;
};

}  // namespace hozen::analysis

namespace hozen::analysis {

// The terminal's view of a result: counts by severity, then the `top` most severe findings
// (info excluded), one line each, host bytes escaped.
std::string format_summary(const Analyzer::Result& result, std::size_t top);
// Host bytes for a terminal line: printable ASCII and valid UTF-8 kept, the rest as \xNN.
std::string terminal_safe(std::string_view s);

}  // namespace hozen::analysis
