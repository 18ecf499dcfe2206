// libFuzzer target: the sshd_config parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/sshd_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::parsers::parse_sshd_config(text);
  for (const auto& e : p.entries) {
    if (e.line == 0 || e.keyword.empty() || e.args.empty()) __builtin_trap();
  }
  return 0;
}
