// The explicit list of collectors, in order of volatility (RFC 3227; DESIGN §3). One place to
// look; no static self-registration.
#pragma once

#include <memory>
#include <vector>

#include "collectors/framework/collector.h"

namespace hozen::collectors {

std::vector<std::unique_ptr<Collector>> make_registry();

}  // namespace hozen::collectors
