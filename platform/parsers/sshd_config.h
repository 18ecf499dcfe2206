// Pure parser of OpenSSH server configuration (sshd_config(5)): `Keyword [=] arguments` per line,
// keywords case-insensitive, arguments optionally double-quoted, '#' comments, `Match` blocks
// that last until the next Match or the end of the file. Include is resolved by the caller.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

struct SshdLine {
  std::uint64_t line = 0;         // 1-based
  std::string keyword;            // lowercased ("permitrootlogin")
  std::string keyword_raw;        // as written ("PermitRootLogin")
  std::vector<std::string> args;  // quotes removed
  std::string value_raw;          // everything after the keyword and separator, as written
  std::string match;              // criteria of the enclosing Match block ("" = global)
};

// `initial_match` is the Match context the text is included from (Include inside a Match block).
// A "Match" line itself is returned (keyword "match") and opens the block for later lines.
// Malformed (kept with bytes): unterminated quote, keyword without arguments, keyword with
// bytes outside [A-Za-z0-9]. Never throws; any bytes.
ParsedLines<SshdLine> parse_sshd_config(std::string_view text, std::string_view initial_match = {});

}  // namespace hozen::platform::parsers
