// Renders a collector's captured output for a golden file: every record (PreservedFile inode and
// ctime cleared: they vary per checkout), then the anomalies and item errors.
#pragma once

#include <string>

#include "agent/export/json.h"
#include "tests/support/capture_sink.h"

namespace hozen::testing {

inline std::string render_for_golden(const CaptureSink& sink) {
  std::string out;
  for (auto r : sink.records) {
    r.clear_utc_ns();
    r.clear_index();
    if (r.has_preserved_file()) {
      r.mutable_preserved_file()->clear_inode();
      r.mutable_preserved_file()->clear_ctime_utc_ns();
    }
    out += exporter::to_json(r) + "\n";
  }
  for (const auto& a : sink.anomalies) {
    out += "anomaly " + a.kind + " " + a.path + " line " + std::to_string(a.line) + "\n";
  }
  for (const auto& e : sink.errors) {
    out += "item_error " + e.item + " status " + std::to_string(e.status) + " errno " + std::to_string(e.err) + "\n";
  }
  return out;
}

}  // namespace hozen::testing
