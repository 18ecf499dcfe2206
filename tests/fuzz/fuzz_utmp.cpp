// libFuzzer target: the utmp/wtmp record parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/utmp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = hozen::platform::procfs::parse_utmp(text);
  if (p.entries.size() * hozen::platform::procfs::kUtmpRecordSize + p.trailing_bytes != size) {
    __builtin_trap();
  }
  return 0;
}
