#include "agent/analysis/glob.h"

#include <cstddef>

namespace hozen::analysis {
namespace {

constexpr std::size_t kNone = std::string_view::npos;

// Length of the bracket expression starting at pattern[at] == '[' (through its ']'), or 0 when
// it is not closed (the '[' is then literal, as in fnmatch).
std::size_t bracket_length(std::string_view pattern, std::size_t at) {
  std::size_t i = at + 1;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) ++i;
  if (i < pattern.size() && pattern[i] == ']') ++i;  // a leading ']' is a member
  while (i < pattern.size() && pattern[i] != ']') ++i;
  return i < pattern.size() ? i - at + 1 : 0;
}

// Does the set "[...]" (given whole, brackets included) hold byte c?
bool bracket_holds(std::string_view set, unsigned char c) {
  std::size_t i = 1;
  const bool negate = set[i] == '!' || set[i] == '^';
  if (negate) ++i;
  // A leading ']' needs no care here: bracket_length already found the real closing one.
  const std::size_t end = set.size() - 1;
  bool found = false;
  while (i < end) {
    const auto lo = static_cast<unsigned char>(set[i]);
    if (i + 2 < end && set[i + 1] == '-') {
      const auto hi = static_cast<unsigned char>(set[i + 2]);
      if (lo <= c && c <= hi) found = true;
      i += 3;
    } else {
      if (lo == c) found = true;
      i += 1;
    }
  }
  return found != negate;
}

// Matches one pattern element at pattern[p] against byte c; sets `width` to the element's length.
bool element_matches(std::string_view pattern, std::size_t p, char c, std::size_t& width) {
  const char e = pattern[p];
  width = 1;
  if (e == '?') return true;
  if (e == '\\' && p + 1 < pattern.size()) {
    width = 2;
    return pattern[p + 1] == c;
  }
  if (e == '[') {
    const std::size_t n = bracket_length(pattern, p);
    if (n == 0) return c == '[';
    width = n;
    return bracket_holds(pattern.substr(p, n), static_cast<unsigned char>(c));
  }
  return e == c;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star_p = kNone;  // pattern position just after the last '*' seen
  std::size_t star_t = 0;      // text position that star currently stops before
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    std::size_t width = 0;
    if (p < pattern.size() && element_matches(pattern, p, text[t], width)) {
      p += width;
      ++t;
      continue;
    }
    if (star_p == kNone) return false;
    p = star_p;  // let the last star swallow one more byte and retry
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool has_glob_chars(std::string_view pattern) noexcept {
  return pattern.find_first_of("*?[\\") != std::string_view::npos;
}

}  // namespace hozen::analysis
