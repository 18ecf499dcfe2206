// libFuzzer target: the /proc/<pid>/maps parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/maps.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::procfs::parse_maps(text);
  for (const auto& m : p.entries) {
    if (m.end < m.start || m.perms.size() != 4) __builtin_trap();
  }
  return 0;
}
