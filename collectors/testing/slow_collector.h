// `test_slow`: a test-only collector that emits numbered records slowly, so tests can signal,
// kill or starve a run in the middle. Built only with HOZEN_TEST_COLLECTORS; never runs by default.
#pragma once

#include "collectors/framework/collector.h"

namespace hozen::collectors::testing {

class SlowCollector final : public Collector {
 public:
  std::string_view id() const override { return "test_slow"; }
  std::string_view description() const override {
    return "TEST ONLY: emits --test-records records of --test-record-bytes, --test-interval-ms apart";
  }
  std::vector<std::string_view> inputs() const override { return {}; }
  bool default_enabled() const override { return false; }
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

}  // namespace hozen::collectors::testing
