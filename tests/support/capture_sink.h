// A Sink that keeps everything in memory, for collector tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "collectors/framework/collector.h"

namespace hozen::testing {

struct CapturedAnomaly {
  std::string kind, path;
  std::uint64_t line;
  std::string detail, raw;
};
struct CapturedError {
  std::string item;
  v1::ItemStatus status;
  int err;
};

class CaptureSink final : public collectors::Sink {
 public:
  bool emit(v1::Record&& r) override {
    records.push_back(std::move(r));
    return true;
  }
  bool anomaly(std::string_view kind, std::string_view path, std::uint64_t line,
               std::string_view detail, std::string_view raw) override {
    anomalies.push_back({std::string(kind), std::string(path), line, std::string(detail), std::string(raw)});
    return true;
  }
  bool item_error(std::string_view item, const platform::Error& e) override {
    errors.push_back({std::string(item), collectors::status_for(e), e.err});
    items[collectors::status_for(e)]++;
    return true;
  }
  void item(v1::ItemStatus s) override { items[s]++; }

  template <class Pred>
  std::vector<const v1::Record*> where(Pred p) const {
    std::vector<const v1::Record*> out;
    for (const auto& r : records) {
      if (p(r)) out.push_back(&r);
    }
    return out;
  }

  std::vector<v1::Record> records;
  std::vector<CapturedAnomaly> anomalies;
  std::vector<CapturedError> errors;
  std::map<int, std::uint64_t> items;
  collectors::Outcome outcome;  // set by helpers that run the collector (run_on_root)
};

}  // namespace hozen::testing
