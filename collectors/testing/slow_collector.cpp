#include "collectors/testing/slow_collector.h"

#include <time.h>

namespace hozen::collectors::testing {

Outcome SlowCollector::collect(const Context& ctx, Sink& sink) noexcept {
  const auto& cfg = ctx.config();
  std::string data(cfg.test_record_bytes, '\0');
  for (std::uint64_t i = 0; i < cfg.test_records; ++i) {
    if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped at record " + std::to_string(i)};
    for (std::size_t k = 0; k < data.size(); ++k) {
      data[k] = static_cast<char>((i * 131 + k * 7) & 0xff);  // deterministic, not compressible
    }
    v1::Record r;
    r.mutable_test_payload()->set_n(i);
    r.mutable_test_payload()->set_data(data);
    sink.item(v1::ITEM_OK);
    if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
    if (cfg.test_interval_ms > 0) {
      struct timespec ts {static_cast<time_t>(cfg.test_interval_ms / 1000),
                          static_cast<long>(cfg.test_interval_ms % 1000) * 1'000'000};
      ::nanosleep(&ts, nullptr);
    }
  }
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::testing
