// Bounded gzip decompression for rotated logs (auth.log.2.gz): the output is capped, so a
// decompression bomb costs at most `max_out` bytes of memory and the time to inflate them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "platform/error.h"

namespace hozen::platform {

struct Inflated {
  std::string bytes;        // decompressed bytes, at most the cap
  bool truncated = false;   // more output remained beyond the cap
  bool incomplete = false;  // the input ended mid-stream or turned corrupt: bytes hold what inflated
  bool trailing_garbage = false;  // non-zero bytes after the last member
  std::size_t members = 0;  // gzip members decoded (concatenated .gz files are legal)
};

// True if `data` starts with the gzip magic bytes.
bool looks_gzip(std::string_view data);

// Inflates every gzip member in `data`, at most `max_out` bytes. Errors: kMalformed (not gzip, or
// corrupt data before any output).
[[nodiscard]] Result<Inflated> gunzip_bounded(std::string_view data, std::size_t max_out);

}  // namespace hozen::platform
