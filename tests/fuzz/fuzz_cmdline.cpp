// libFuzzer target: the NUL-separated cmdline/environ parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/cmdline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = hozen::platform::procfs::split_nul(text);
  // Every byte is either in an element or is one of the separating NULs.
  std::size_t total = 0;
  for (const auto& s : v) total += s.size();
  if (total > size || v.size() > size) __builtin_trap();
  return 0;
}
