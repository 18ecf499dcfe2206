// libFuzzer target: the /proc/<pid>/status parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/status.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = hozen::platform::procfs::parse_status(text);
  if (r && r->name.size() > size) __builtin_trap();
  return 0;
}
