// libFuzzer target: the os-release parser (T56).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/system/os_release.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)hozen::collectors::system::parse_os_release(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
