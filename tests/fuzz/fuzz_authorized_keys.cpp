// libFuzzer target: the authorized_keys parser (options, base64, blob type, fingerprint).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/authorized_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::parsers::parse_authorized_keys(text);
  for (const auto& k : p.entries) {
    if (k.line == 0 || k.blob.empty() || !k.fingerprint.starts_with("SHA256:")) __builtin_trap();
  }
  for (const auto& m : p.malformed) {
    if (m.line == 0) __builtin_trap();
  }
  return 0;
}
