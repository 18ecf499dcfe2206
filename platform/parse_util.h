// Small helpers shared by the pure parsers of host data.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hozen::platform {

// A line that did not parse, kept with its bytes for an anomaly record.
struct MalformedLine {
  std::uint64_t line = 0;  // 1-based
  std::string raw;
  std::string reason;
};

template <class T>
struct ParsedLines {
  std::vector<T> entries;
  std::vector<MalformedLine> malformed;
};

// Parses an unsigned decimal number that spans the whole of `s`.
template <class T>
std::optional<T> parse_uint(std::string_view s, int base = 10) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Splits on `sep`, keeping empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);

// Splits on runs of spaces/tabs, dropping empty fields.
std::vector<std::string_view> split_ws(std::string_view s);

// Takes the next space-delimited token off the front of `s` (leading spaces skipped); empty at
// the end. For formats whose last field may itself contain spaces (maps, net/unix paths).
std::string_view take_token(std::string_view& s);

// Calls fn(line_number, line) for each '\n'-terminated line (a last unterminated line included).
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::uint64_t n = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    fn(++n, line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

}  // namespace hozen::platform
