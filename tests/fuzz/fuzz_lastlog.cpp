// libFuzzer target: the lastlog parser, over the input as one flat file and split into two
// extents with a hole between them (the first byte chooses the split and the gap).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "platform/parsers/lastlog.h"

namespace parsers = hozen::platform::parsers;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto flat = parsers::parse_lastlog(bytes);
  for (const auto& e : flat.entries) {
    if (e.offset % parsers::kLastlogRecordSize != 0 ||
        e.offset + parsers::kLastlogRecordSize > size)
      __builtin_trap();
    if (e.line.size() > 32 || e.host.size() > 256) __builtin_trap();
  }
  if (size < 2) return 0;
  std::size_t split = 1 + data[0] % (size - 1);
  std::uint64_t gap = std::uint64_t{data[0]} * 4099;
  std::vector<parsers::LastlogExtent> ex{{0, bytes.substr(1, split - 1)},
                                         {split + gap, bytes.substr(split)}};
  auto sparse = parsers::parse_lastlog(ex, split + gap + (size - split), 4);
  if (sparse.entries.size() > 4) __builtin_trap();
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < sparse.entries.size(); ++i) {
    if (i > 0 && sparse.entries[i].offset <= prev) __builtin_trap();  // ordered, no duplicates
    prev = sparse.entries[i].offset;
  }
  return 0;
}
