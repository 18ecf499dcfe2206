#include "agent/export/text.h"

namespace hozen::exporter {

std::size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  unsigned c = p[0];
  if (c < 0x80) return 1;
  std::size_t n;
  std::uint32_t cp;
  if ((c & 0xe0) == 0xc0) {
    n = 1;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 2;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n >= s.size()) return 0;
  for (std::size_t k = 1; k <= n; ++k) {
    if ((p[k] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3f);
  }
  // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid (RFC 3629 §3).
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
      (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
    return 0;
  }
  return n + 1;
}

std::string escape_text(std::string_view s, std::string_view also) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = utf8_sequence_length(s.substr(i));
    const bool escape = n == 0 || c < 0x20 || c == 0x7f || c == '\\' ||
                        (n == 1 && also.find(static_cast<char>(c)) != std::string_view::npos);
    if (escape) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::int64_t floor_seconds(std::int64_t utc_ns) {
  std::int64_t q = utc_ns / 1'000'000'000;
  return (utc_ns % 1'000'000'000 < 0) ? q - 1 : q;
}

std::int64_t floor_micros(std::int64_t utc_ns) {
  std::int64_t q = utc_ns / 1'000;
  return (utc_ns % 1'000 < 0) ? q - 1 : q;
}

}  // namespace hozen::exporter
