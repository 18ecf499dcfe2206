// Pure parser of /etc/shadow (shadow(5)) that never lets a password hash out: entries carry only
// the classification of the password field, and malformed lines are kept redacted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

enum class PasswordState {
  kSet,      // a hash
  kLocked,   // "!" alone, or a hash behind "!" / "*" prefixes
  kEmpty,    // "": no password needed
  kNoLogin,  // "*", "!!", "!*", "*LK*", "*NP*", "x": never had a password
};

struct PasswordClass {
  PasswordState state = PasswordState::kNoLogin;
  std::string scheme;  // for a hash: "md5crypt", "sha256crypt", "sha512crypt", "yescrypt",
                       // "bcrypt", "gost-yescrypt", "scrypt", "sunmd5", "bsdicrypt", "des",
                       // "unknown"; empty otherwise
  std::string
      token;  // what replaces the field in redacted text: the field itself when it is a
              // known marker ("", "*", "!", "!!"), else its '!'/'*' prefix + "<hash:scheme>"
};

// Classifies a password field (shadow, or passwd/group on hosts without shadow). Never copies
// any byte of a hash into the result.
PasswordClass classify_password(std::string_view field);

struct ShadowEntry {
  std::uint64_t line = 0;  // 1-based
  std::string name;
  PasswordClass password;
  // Aging fields in days since 1970-01-01 (or days); nullopt when empty.
  std::optional<std::int64_t> last_change, min_days, max_days, warn_days, inactive_days, expire;
};

// Lines of 9 ':'-separated fields (the 9th, reserved, may be absent on old files). Blank lines are
// skipped, and so are '#' lines; every other line that does not parse is malformed (reason given)
// and its `raw` is the line redacted with redact_shadow_line. Non-numeric aging fields are
// malformed.
ParsedLines<ShadowEntry> parse_shadow(std::string_view text);

// The line with field 2 replaced by classify_password(...).token and every later field that is
// not a decimal number (possibly negative) or empty replaced by "<redacted>"; a line without ':'
// becomes "<redacted>". For lines where a hash could sit anywhere (malformed ones).
std::string redact_shadow_line(std::string_view line);

// Redacts a whole shadow file line by line (line count and '\n's kept, so line refs still hold).
std::string redact_shadow(std::string_view text);

// For passwd(5) / group(5) text on hosts that keep hashes there: field 2 of each line replaced
// by its token when it classifies as a hash (kSet/kLocked); other fields untouched. Returns
// nullopt when nothing needed redaction (the file is preserved as is).
std::optional<std::string> redact_field2_hashes(std::string_view text);

}  // namespace hozen::platform::parsers
