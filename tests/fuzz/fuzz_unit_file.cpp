// libFuzzer target: the systemd unit-file parser and the Exec*= command-line splitter.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/unit_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::parsers::parse_unit_file(text);
  for (const auto& e : p.entries) {
    if (e.line == 0 || e.key.empty()) __builtin_trap();
    for (const auto& c : hozen::platform::parsers::parse_exec_value(e.value)) {
      for (const auto& a : c.argv) {
        if (a.size() > e.value.size()) __builtin_trap();  // unescaping never grows a word
      }
    }
  }
  for (const auto& m : p.malformed) {
    if (m.line == 0) __builtin_trap();
  }
  hozen::platform::parsers::parse_exec_value(text);
  hozen::platform::parsers::split_unit_name(text);
  return 0;
}
