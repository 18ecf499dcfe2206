// libFuzzer target: the auth log parser (syslog headers, sudo/su/sshd/PAM/shadow messages) and
// year inference over whatever it returns.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/auth_log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::parsers::parse_auth_log(text, 64);
  for (const auto& e : p.entries) {
    if (e.line == 0 || e.line > p.lines || e.event.kind.empty()) __builtin_trap();
    if (e.time.month < 1 || e.time.month > 12) __builtin_trap();
  }
  for (const auto& m : p.malformed) {
    if (m.raw.size() > 64) __builtin_trap();
  }
  hozen::platform::parsers::infer_years(p.entries, 2026, 11);
  for (const auto& e : p.entries) {
    (void)hozen::platform::parsers::civil_to_unix(e.time.year, e.time.month, e.time.day,
                                                  e.time.hour, e.time.minute, e.time.second);
  }
  return 0;
}
