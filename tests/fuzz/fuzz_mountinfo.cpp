// libFuzzer target: the mountinfo parser (T56).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/mountinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto p = hozen::platform::procfs::parse_mountinfo(
      std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& m : p.entries) {
    if (m.mount_point.empty() && m.root.empty() && m.fs_type.empty()) return 0;
  }
  return 0;
}
