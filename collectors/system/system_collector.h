// `system`: host identity, clocks, uptime, load, kernel command line and taint, OS release, mounts.
#pragma once

#include "collectors/framework/collector.h"

namespace hozen::collectors::system {

class SystemCollector final : public Collector {
 public:
  std::string_view id() const override { return "system"; }
  std::string_view description() const override {
    return "host identity, clocks, uptime, load, kernel cmdline and taint, OS release, mounts";
  }
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

}  // namespace hozen::collectors::system
