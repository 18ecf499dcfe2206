// libFuzzer target: the `hozen collect --config` reader (agent/cli/collect_config.h) on any bytes,
// alone and wrapped under each section, and the invariants of what it accepts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/cli/collect_config.h"

namespace {

using hozen::cli::CollectFileConfig;
using hozen::cli::ConfigResult;

const std::vector<std::string> kKnown = {"system", "users", "processes", "file_sweep"};

void check(const ConfigResult<CollectFileConfig>& r, bool ids_checked = true) {
  if (!r) {
    if (r.error().message.empty()) __builtin_trap();
    const std::string d = r.error().describe();
    for (char c : d) {
      if (c == '\n' || c == '\x1b') __builtin_trap();  // escaped for the terminal
    }
    return;
  }
  // What is accepted is within the documented bounds.
  const CollectFileConfig& c = *r;
  if (c.sweep_paths) {
    for (const auto& p : *c.sweep_paths) {
      if (p.empty() || p.front() != '/' || p.find('\0') != std::string::npos) __builtin_trap();
    }
  }
  if (c.profile && *c.profile != "default" && *c.profile != "full") __builtin_trap();
  if (c.recent_days && *c.recent_days > 36'500) __builtin_trap();
  if (c.threads && *c.threads > 1024) __builtin_trap();
  if (c.preserve_max_file_bytes && *c.preserve_max_file_bytes > (7ull << 20)) __builtin_trap();
  for (const auto* d : {&c.deadline_s, &c.collector_deadline_s, &c.io_rate_mb_s}) {
    if (*d && !(**d >= 0 && **d <= 1e7)) __builtin_trap();
  }
  for (const auto* list : {&c.only, &c.skip}) {
    if (!*list || !ids_checked) continue;
    for (const auto& id : **list) {
      bool known = false;
      for (const auto& k : kKnown) known = known || k == id;
      if (!known) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(hozen::cli::parse_collect_config(bytes, "fuzz.yaml", kKnown));
  check(hozen::cli::parse_collect_config(bytes, "fuzz.yaml"), false);
  const std::string s(bytes);
  for (const char* prefix : {"sweep:\n  ", "collectors:\n  only: ", "sweep:\n  paths:\n    - ",
                             "processes: {environ: "}) {
    check(hozen::cli::parse_collect_config(prefix + s + "\n", "wrapped.yaml", kKnown));
  }
  return 0;
}
