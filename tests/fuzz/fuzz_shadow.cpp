// libFuzzer target: the shadow parser and the redaction of shadow, passwd and group text.
// Invariant: after redaction no byte after a line's first ':' is a '$' (every crypt(5) hash
// scheme starts with '$' or is replaced whole), and redaction keeps the line count.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/shadow.h"

namespace {

void check_redacted_line(std::string_view line) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  if (line.substr(colon).find('$') != std::string_view::npos) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = hozen::platform::parsers;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = p::parse_shadow(text);
  for (const auto& e : parsed.entries) {
    if (e.line == 0 || e.name.empty()) __builtin_trap();
    if (e.password.token.find('$') != std::string::npos) __builtin_trap();
  }
  for (const auto& m : parsed.malformed) check_redacted_line(m.raw);
  auto red = p::redact_shadow(text);
  if (std::count(red.begin(), red.end(), '\n') != std::count(text.begin(), text.end(), '\n'))
    __builtin_trap();
  hozen::platform::for_each_line(red,
                                 [](std::uint64_t, std::string_view l) { check_redacted_line(l); });
  if (auto pw = p::redact_field2_hashes(text)) {
    if (std::count(pw->begin(), pw->end(), '\n') != std::count(text.begin(), text.end(), '\n'))
      __builtin_trap();
  }
  return 0;
}
