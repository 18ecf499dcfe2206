// Pure parser of OpenSSH authorized_keys files (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"):
// [options] keytype base64-key [comment], one key per line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

struct KeyOption {
  std::string name;   // as written ("command", "no-pty"); sshd matches names case-insensitively
  std::string value;  // unquoted value with \" unescaped; empty when has_value is false
  bool has_value = false;
};

struct AuthorizedKey {
  std::uint64_t line = 0;   // 1-based
  std::string options_raw;  // the options field exactly as written ("" when none)
  std::vector<KeyOption> options;
  std::string key_type;        // declared type ("ssh-ed25519")
  std::string key_base64;      // the key field as written
  std::string blob;            // decoded key blob
  std::string blob_type;       // the type string inside the blob ("" if unreadable)
  bool type_mismatch = false;  // blob_type differs from key_type (suspicious)
  std::string fingerprint;     // "SHA256:" + unpadded base64 of SHA-256(blob), as ssh-keygen -l
  std::string comment;         // rest of the line after the key (may hold spaces)
};

// True for the key types sshd knows (plain, security-key and certificate variants).
bool is_ssh_key_type(std::string_view s);

// Blank lines and lines whose first non-blank byte is '#' are skipped; a trailing '\r' is
// dropped. Malformed (kept with their bytes): unterminated quote in options, no key type, missing
// or invalid base64 key, SSH1-style "bits exponent modulus" keys. Never throws; any bytes.
ParsedLines<AuthorizedKey> parse_authorized_keys(std::string_view text);

// The value of option `name` (case-insensitive), or nullptr. Options may repeat (from= does not
// combine in sshd: the first counts); this returns the first.
const KeyOption* find_option(const AuthorizedKey& key, std::string_view name);

}  // namespace hozen::platform::parsers
