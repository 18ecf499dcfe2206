// Pure parser of /var/log/lastlog (lastlog(8); glibc <lastlog.h>, struct lastlog on x86_64 and
// every 64-bit glibc target with __WORDSIZE_TIME64_COMPAT32): one fixed-size record per uid,
// record index = uid, so the file is as large as (highest uid + 1) * 292 and mostly holes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hozen::platform::parsers {

// struct lastlog { int32_t ll_time; char ll_line[32]; char ll_host[256]; }
inline constexpr std::size_t kLastlogRecordSize = 292;

struct LastlogEntry {
  std::uint32_t uid = 0;     // record index
  std::uint64_t offset = 0;  // byte offset of the record in the file
  std::int64_t time = 0;     // ll_time, seconds since the epoch (signed 32-bit on disk)
  std::string line;          // ll_line up to its first NUL (the whole array if none)
  std::string host;          // ll_host likewise
};

// A piece of the file: `bytes` found at `offset` (a data extent; everything else is zeros).
struct LastlogExtent {
  std::uint64_t offset = 0;
  std::string_view bytes;
};

struct LastlogParse {
  std::vector<LastlogEntry> entries;   // in file order
  std::uint64_t partial_records = 0;   // records cut by the end of the data given (not decoded)
  std::uint64_t beyond_uid_range = 0;  // records whose index does not fit a uid_t (not decoded)
};

// Decodes every record that is not all zeros and lies wholly inside the data given. Extents must
// be sorted by offset and not overlap; bytes between extents are holes (zeros), so a record that
// straddles an extent and a hole is assembled with zeros for the hole part. A record cut by the
// end of the last extent is counted in `partial_records` when that extent was short (`data_end`
// says where the data stops being known: pass the file size, or the last extent's end when the
// read was capped). `max_entries` bounds the output (the rest is not decoded). Integers are
// little-endian, decoded byte by byte. Pure, thread-safe, never throws.
LastlogParse parse_lastlog(const std::vector<LastlogExtent>& extents, std::uint64_t data_end,
                           std::size_t max_entries = SIZE_MAX);

// Convenience for a flat file read whole (fuzzing, small files): one extent at offset 0.
LastlogParse parse_lastlog(std::string_view bytes);

}  // namespace hozen::platform::parsers
