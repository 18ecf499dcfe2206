// libFuzzer target: the dpkg status and md5sums parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/dpkg.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::parsers::parse_dpkg_status(text);
  for (const auto& e : p.entries) {
    if (e.line == 0 || e.package.empty() || e.lines == 0) __builtin_trap();
  }
  auto m = hozen::platform::parsers::parse_md5sums(text);
  for (const auto& e : m.entries) {
    if (e.md5.size() != 16) __builtin_trap();
  }
  (void)hozen::platform::parsers::count_list_entries(text);
  return 0;
}
