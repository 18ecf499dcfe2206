// libFuzzer target: bounded gunzip of hostile .gz logs (bombs, cut-short and corrupt members).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = hozen::platform::gunzip_bounded(in, 1 << 20);
  if (r && r->bytes.size() > (1u << 20)) __builtin_trap();
  return 0;
}
