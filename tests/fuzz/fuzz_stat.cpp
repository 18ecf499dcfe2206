// libFuzzer target: the /proc/<pid>/stat parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/stat.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = hozen::platform::procfs::parse_stat(text);
  // Touch the result so the parse is not optimised away; comm must lie inside the input.
  if (r && r->comm.size() > size) __builtin_trap();
  return 0;
}
