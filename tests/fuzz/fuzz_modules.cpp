// libFuzzer target: the /proc/modules parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/modules.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::procfs::parse_modules(text);
  for (const auto& m : p.entries) {
    if (m.name.empty()) __builtin_trap();
  }
  return 0;
}
