// libFuzzer target: the PAM configuration parser (pam.d and pam.conf layouts).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/pam.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool with_service : {false, true}) {
    auto p = hozen::platform::parsers::parse_pam(text, with_service);
    for (const auto& r : p.entries) {
      if (r.line == 0 || r.module.empty()) __builtin_trap();
    }
  }
  return 0;
}
