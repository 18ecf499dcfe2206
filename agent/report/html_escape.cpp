#include "agent/report/html_escape.h"

#include <cstdint>

namespace hozen::report {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the well-formed UTF-8 sequence at s[i] and its code point; 0 when the byte does not
// start one (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t* cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  unsigned c = p[i];
  auto cont = [&](std::size_t k, unsigned lo, unsigned hi) {
    return i + k < n && p[i + k] >= lo && p[i + k] <= hi;
  };
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf) {
    if (!cont(1, 0x80, 0xbf)) return 0;
    *cp = ((c & 0x1fu) << 6) | (p[i + 1] & 0x3fu);
    return 2;
  }
  if (c >= 0xe0 && c <= 0xef) {
    unsigned lo = c == 0xe0 ? 0xa0 : 0x80;
    unsigned hi = c == 0xed ? 0x9f : 0xbf;
    if (!cont(1, lo, hi) || !cont(2, 0x80, 0xbf)) return 0;
    *cp = ((c & 0x0fu) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    unsigned lo = c == 0xf0 ? 0x90 : 0x80;
    unsigned hi = c == 0xf4 ? 0x8f : 0xbf;
    if (!cont(1, lo, hi) || !cont(2, 0x80, 0xbf) || !cont(3, 0x80, 0xbf)) return 0;
    *cp = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3fu) << 12) | ((p[i + 2] & 0x3fu) << 6) |
          (p[i + 3] & 0x3fu);
    return 4;
  }
  return 0;
}

// Characters that are invisible or reorder the text around them.
bool is_deceptive(std::uint32_t cp) {
  return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2060 || cp == 0xfeff || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x061c;
}

void append_escape(std::string& out, std::string_view esc, bool spans) {
  if (spans) out += "<span class=\"esc\">";
  out += esc;
  if (spans) out += "</span>";
}

void append_byte_escape(std::string& out, unsigned char b, bool spans) {
  char buf[4] = {'\\', 'x', kHex[b >> 4], kHex[b & 0xf]};
  append_escape(out, std::string_view(buf, 4), spans);
}

void append_escaped(std::string& out, std::string_view raw, bool spans) {
  out.reserve(out.size() + raw.size());
  std::size_t i = 0;
  while (i < raw.size()) {
    std::uint32_t cp = 0;
    std::size_t len = utf8_sequence(raw, i, &cp);
    if (len == 0) {
      append_byte_escape(out, static_cast<unsigned char>(raw[i]), spans);
      ++i;
      continue;
    }
    if (len == 1) {
      char c = raw[i];
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        case '\\':
          append_escape(out, "\\\\", spans);
          break;
        case '\0':
          append_escape(out, "\\0", spans);
          break;
        case '\n':
          append_escape(out, "\\n", spans);
          break;
        case '\r':
          append_escape(out, "\\r", spans);
          break;
        case '\t':
          append_escape(out, "\\t", spans);
          break;
        default:
          if (cp < 0x20 || cp == 0x7f) {
            append_byte_escape(out, static_cast<unsigned char>(c), spans);
          } else {
            out += c;
          }
      }
    } else if (cp >= 0x80 && cp <= 0x9f) {
      // C1 controls: show the code point's bytes, as the host wrote them.
      for (std::size_t k = 0; k < len; ++k) {
        append_byte_escape(out, static_cast<unsigned char>(raw[i + k]), spans);
      }
    } else if (is_deceptive(cp)) {
      char buf[16];
      int n = 0;
      buf[n++] = '\\';
      buf[n++] = 'u';
      buf[n++] = '{';
      for (int shift = 12; shift >= 0; shift -= 4) buf[n++] = kHex[(cp >> shift) & 0xf];
      buf[n++] = '}';
      append_escape(out, std::string_view(buf, static_cast<std::size_t>(n)), spans);
    } else {
      out.append(raw.substr(i, len));
    }
    i += len;
  }
}

}  // namespace

std::string html_text(std::string_view raw) {
  std::string out;
  append_escaped(out, raw, true);
  return out;
}

std::string html_attr(std::string_view raw) {
  std::string out;
  append_escaped(out, raw, false);
  return out;
}

void append_text_capped(std::string& out, std::string_view raw, std::size_t max_bytes) {
  if (raw.size() <= max_bytes) {
    append_escaped(out, raw, true);
    return;
  }
  // Back off to the start of a well-formed sequence that would be cut.
  std::size_t cut = 0;
  while (cut < max_bytes) {
    std::uint32_t cp = 0;
    std::size_t len = utf8_sequence(raw, cut, &cp);
    if (len == 0) len = 1;
    if (cut + len > max_bytes) break;
    cut += len;
  }
  append_escaped(out, raw.substr(0, cut), true);
  out += "<span class=\"cut\">\xe2\x80\xa6 (+";
  out += std::to_string(raw.size() - cut);
  out += " bytes)</span>";
}

std::string html_plain(std::string_view ours) {
  std::string out;
  out.reserve(ours.size());
  for (char c : ours) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace hozen::report
