// Text helpers shared by the exports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hozen::exporter {

// Length of the valid UTF-8 sequence (RFC 3629) at the start of `s`, or 0 when `s` is empty or
// does not start with one.
std::size_t utf8_sequence_length(std::string_view s);

// `s` as printable UTF-8: valid multi-byte sequences and printable ASCII stay; every byte that is
// a control character (< 0x20, 0x7f), a backslash, not part of a valid UTF-8 sequence, or listed
// in `also` becomes "\xNN" (lowercase hex). Reversible: "\x" always starts an escape. The output
// is at most four times the input.
std::string escape_text(std::string_view s, std::string_view also = {});

// Seconds and microseconds since the epoch, rounded towards negative infinity (a time before
// 1970 keeps the instant it names: -1 ns is second -1).
std::int64_t floor_seconds(std::int64_t utc_ns);
std::int64_t floor_micros(std::int64_t utc_ns);

}  // namespace hozen::exporter
