// libFuzzer target: the /etc/passwd and /etc/group parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/passwd.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::parsers::parse_passwd(text);
  for (const auto& e : p.entries) {
    if (e.line == 0) __builtin_trap();
  }
  auto g = hozen::platform::parsers::parse_group(text);
  for (const auto& e : g.entries) {
    if (e.line == 0) __builtin_trap();
  }
  return 0;
}
