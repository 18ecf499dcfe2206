// Escaping of hostile host bytes for the HTML report. Every value that came from a bundle goes
// through one of these before it reaches the page; nothing else may build markup from host bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hozen::report {

// How a value is shown:
//  - well-formed UTF-8 of printable characters is kept, with & < > " ' as character references
//    (so the result is safe in element text and in a double- or single-quoted attribute);
//  - bytes that are not part of a well-formed UTF-8 sequence (stray continuation bytes, overlong
//    forms, surrogates, code points above U+10FFFF, a sequence cut short) become "\xNN";
//  - C0 controls, DEL and C1 controls become "\0", "\n", "\r", "\t" or "\xNN";
//  - characters that reorder or hide text (bidi embeddings/overrides/isolates U+202A..U+202E,
//    U+2066..U+2069, U+200E/U+200F, zero-width U+200B..U+200D, U+2060, U+FEFF, line and
//    paragraph separators U+2028/U+2029) become "\u{XXXX}": a file named "exe.txt" with an RLO
//    cannot pose as another name;
//  - a backslash becomes "\\", so "\x41" written by the host is told apart from an escaped byte.
// html_text() wraps each such escape in <span class="esc"> (shown in a distinct colour);
// html_attr() emits the same escapes as plain text. Pure functions; thread-safe.
std::string html_text(std::string_view raw);
std::string html_attr(std::string_view raw);

// Appends html_text(raw), but of at most `max_bytes` of `raw` (cut at a UTF-8 character
// boundary when the cut falls inside a well-formed sequence), followed by a marker saying how many
// bytes were left out when it was cut.
void append_text_capped(std::string& out, std::string_view raw, std::size_t max_bytes);

// Escapes text that is known not to come from the host (translations, numbers, our own labels);
// still escapes & < > " ' so a mistake cannot open a tag.
std::string html_plain(std::string_view ours);

}  // namespace hozen::report
