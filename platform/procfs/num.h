// Number helpers shared by the procfs parsers (internal; not a public parser).
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

#include "platform/parse_util.h"

namespace hozen::platform::procfs::detail {

// Parses a signed decimal number that spans the whole of `s` ("-1" yes, "+1" and " 1" no).
template <class T>
std::optional<T> parse_int(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Parses unsigned hex that spans the whole of `s`, without a "0x" prefix.
template <class T>
std::optional<T> parse_hex(std::string_view s) {
  return parse_uint<T>(s, 16);
}

// Removes one trailing '\n' (a procfs file normally ends with one).
inline std::string_view chomp(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  return s;
}

}  // namespace hozen::platform::procfs::detail
