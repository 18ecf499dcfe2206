// `packages`: the dpkg database — one record per package of /var/lib/dpkg/status (name, version,
// architecture, status, conffiles with their digests, install/upgrade time from the mtime of
// info/<pkg>.list) with the per-package file lists and md5sums preserved whole (the file sweep
// verifies binaries against them and tells packaged from unpackaged files).
#pragma once

#include "collectors/framework/collector.h"

namespace hozen::collectors::packages {

class PackagesCollector final : public Collector {
 public:
  std::string_view id() const override { return "packages"; }
  std::string_view description() const override {
    return "dpkg packages (status, versions, install times) with their file lists and md5sums";
  }
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

}  // namespace hozen::collectors::packages
