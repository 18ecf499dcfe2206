// libFuzzer target: the TZif parser, its POSIX TZ footer, and local-to-UTC conversion.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/tzif.h"

namespace parsers = hozen::platform::parsers;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)parsers::parse_posix_tz(bytes);
  auto tz = parsers::parse_tzif(bytes);
  if (!tz) return 0;
  if (tz->transitions.size() != tz->transition_type.size()) __builtin_trap();
  // Times a syslog line can name: years 0..9999.
  for (std::int64_t t :
       {-62'167'219'200ll, 0ll, 1'767'225'600ll, 4'102'444'800ll, 253'402'300'799ll}) {
    auto u = parsers::local_to_utc(*tz, t);
    if (u.utc_secs > t + 2 * 86400 || u.utc_secs < t - 2 * 86400)
      __builtin_trap();  // offsets < 26 h
  }
  return 0;
}
