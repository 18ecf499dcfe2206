// `kernel_modules`: /proc/modules, /sys/module (finds loadable modules hidden from
// /proc/modules), and the kernel's taint flags.
#pragma once

#include "collectors/framework/collector.h"

namespace hozen::collectors::kernel_modules {

class KernelModulesCollector final : public Collector {
 public:
  std::string_view id() const override { return "kernel_modules"; }
  std::string_view description() const override {
    return "loaded kernel modules from /proc/modules and /sys/module (hidden-module check), "
           "kernel taint flags";
  }
  std::vector<std::string_view> inputs() const override;
  bool live_only() const override { return true; }
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// Names of the set bits of /proc/sys/kernel/tainted (tainted-kernels.rst).
std::vector<std::string> decode_taint(std::uint64_t value);

}  // namespace hozen::collectors::kernel_modules
