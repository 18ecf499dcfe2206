// libFuzzer target: /proc/buddyinfo's free-block counts (hozen's heap set-up reads it).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/heap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto nine = hozen::platform::free_blocks_of_order(text, 9);
  const auto ten = hozen::platform::free_blocks_of_order(text, 10);
  // Every order-10 block is two order-9 blocks: never more of the larger (unless saturated).
  if (nine != UINT64_MAX && ten > nine) __builtin_trap();
  (void)hozen::platform::thp_allows_advised(text);
  return 0;
}
