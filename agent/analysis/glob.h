// Shell-style wildcard matching (the fnmatch(3) syntax without flags), written for host bytes:
// no locale, no allocation, and a bounded cost on any input.
#pragma once

#include <string_view>

namespace hozen::analysis {

// True when `pattern` matches the whole of `text`. Bytes are compared exactly (case-sensitive).
//   *      any run of bytes, including '/' and the empty run
//   ?      any one byte
//   [abc] [a-z] [!a-z] [^a-z]   one byte from (or not from) a set; ']' first in the set is literal;
//          a '[' without a closing ']' is a literal '['
//   \c     the byte c literally (a trailing '\' is a literal '\')
// Cost: O(|pattern| * |text|) in the worst case ('*a*a*a*b' against a long run of 'a'), because
// only the most recent '*' is ever retried (an earlier star can never do better than it).
// Thread-safe, noexcept.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text) noexcept;

// True when `pattern` uses any of the special characters above (else it is compared exactly).
[[nodiscard]] bool has_glob_chars(std::string_view pattern) noexcept;

}  // namespace hozen::analysis
