#include "platform/parsers/lastlog.h"

#include <algorithm>
#include <cstring>

namespace hozen::platform::parsers {

namespace {

constexpr std::size_t kTime = 0, kLine = 4, kLineLen = 32, kHost = 36, kHostLen = 256;
static_assert(kHost + kHostLen == kLastlogRecordSize);

std::string cstr(std::string_view r, std::size_t off, std::size_t len) {
  std::string_view field = r.substr(off, len);
  return std::string(field.substr(0, field.find('\0')));
}

// Copies the bytes of [begin, begin + out.size()) that the extents hold into `out` (pre-zeroed),
// starting the search at extent `first`.
void assemble(const std::vector<LastlogExtent>& extents, std::size_t first, std::uint64_t begin,
              std::string& out) {
  const std::uint64_t end = begin + out.size();
  for (std::size_t i = first; i < extents.size(); ++i) {
    const auto& e = extents[i];
    std::uint64_t e_end = e.offset + e.bytes.size();
    if (e.offset >= end) break;
    if (e_end <= begin) continue;
    std::uint64_t lo = std::max(begin, e.offset), hi = std::min(end, e_end);
    std::memcpy(out.data() + (lo - begin), e.bytes.data() + (lo - e.offset), hi - lo);
  }
}

}  // namespace

LastlogParse parse_lastlog(const std::vector<LastlogExtent>& extents, std::uint64_t data_end,
                           std::size_t max_entries) {
  LastlogParse out;
  constexpr std::uint64_t kSize = kLastlogRecordSize;
  std::uint64_t next_index = 0;  // records below this were already considered
  std::string rec(kSize, '\0');
  for (std::size_t i = 0; i < extents.size(); ++i) {
    const auto& e = extents[i];
    if (e.bytes.empty()) continue;
    std::uint64_t e_end = e.offset + e.bytes.size();
    std::uint64_t first = std::max(next_index, e.offset / kSize);
    std::uint64_t last = (e_end - 1) / kSize;  // inclusive: the record holding the last byte
    for (std::uint64_t idx = first; idx <= last; ++idx) {
      if (out.entries.size() >= max_entries) return out;
      next_index = idx + 1;
      std::uint64_t off = idx * kSize;
      if (off + kSize > data_end) {
        ++out.partial_records;
        continue;
      }
      std::fill(rec.begin(), rec.end(), '\0');
      assemble(extents, i, off, rec);
      if (std::all_of(rec.begin(), rec.end(), [](char c) { return c == 0; })) continue;
      if (idx > UINT32_MAX) {
        ++out.beyond_uid_range;
        continue;
      }
      LastlogEntry entry;
      entry.uid = static_cast<std::uint32_t>(idx);
      entry.offset = off;
      std::uint32_t t = 0;
      for (int b = 3; b >= 0; --b) t = (t << 8) | static_cast<std::uint8_t>(rec[kTime + b]);
      entry.time = static_cast<std::int32_t>(t);
      entry.line = cstr(rec, kLine, kLineLen);
      entry.host = cstr(rec, kHost, kHostLen);
      out.entries.push_back(std::move(entry));
    }
  }
  return out;
}

LastlogParse parse_lastlog(std::string_view bytes) {
  return parse_lastlog({LastlogExtent{0, bytes}}, bytes.size());
}

}  // namespace hozen::platform::parsers
