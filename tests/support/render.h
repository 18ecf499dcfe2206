// Renders a captured collector run as JSON lines for golden files: records (without the
// per-run index/time and the per-checkout inode/ctime of preserved files), then anomalies and
// item errors as records would carry them.
#pragma once

#include <string>

#include "agent/export/json.h"
#include "tests/support/capture_sink.h"

namespace hozen::testing {

inline std::string render_run(const CaptureSink& sink) {
  std::string out;
  for (v1::Record r : sink.records) {
    r.clear_utc_ns();
    r.clear_index();
    if (r.has_preserved_file()) {
      r.mutable_preserved_file()->clear_inode();
      r.mutable_preserved_file()->clear_ctime_utc_ns();
      r.mutable_preserved_file()->clear_atime_may_have_changed();
    }
    out += exporter::to_json(r) + "\n";
  }
  for (const auto& a : sink.anomalies) {
    v1::Record r;
    auto* x = r.mutable_anomaly();
    x->set_kind(a.kind);
    x->set_path(a.path);
    x->set_line(a.line);
    x->set_detail(a.detail);
    x->set_raw(a.raw);
    out += exporter::to_json(r) + "\n";
  }
  for (const auto& e : sink.errors) {
    v1::Record r;
    auto* x = r.mutable_item_error();
    x->set_item(e.item);
    x->set_status(e.status);
    x->set_errno_value(e.err);
    out += exporter::to_json(r) + "\n";
  }
  return out;
}

}  // namespace hozen::testing
