// Pure parser of Linux-PAM configuration: /etc/pam.d/<service> files and /etc/pam.conf
// (pam.conf(5)). A rule is `[-]type control module-path [args...]`; pam.conf has the service
// name as an extra first field. `control` is a keyword or a bracketed `[value=action ...]` list;
// arguments may be bracketed to hold spaces (`[` ... `]`, `\]` escapes a bracket).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

struct PamRule {
  std::uint64_t line = 0;          // 1-based line the rule starts on (continuations joined)
  std::string service;             // pam.conf only: first field
  std::string rule_type;           // "auth", "account", "password", "session" (lowercased)
  bool ignore_if_missing = false;  // leading '-': a missing module is not logged (pam.d(5))
  std::string control;             // "required", "[success=1 default=ignore]", "include", ...
  std::string module;              // "pam_unix.so", "/lib/security/x.so", or an included service
  std::vector<std::string> args;   // brackets removed from bracketed arguments
  std::string at_include;          // "@include common-auth" (Debian's pam.d extension): the target
};

// Lines as libpam assembles them: '#' starts a comment and is cut off BEFORE continuations are
// joined, so a line holding a '#' always ends its rule; blank and whole-comment lines are
// skipped (also between continuation lines); an uncut line ending in '\' (trailing blanks
// ignored) continues on the next line; a trailing '\r' is dropped. Malformed (kept with bytes): fewer fields than a rule needs, unknown type,
// unterminated '['. `with_service` selects the pam.conf layout. Never throws; any bytes.
ParsedLines<PamRule> parse_pam(std::string_view text, bool with_service);

// True when `control` hands control to another service file (include, substack).
bool pam_control_includes(std::string_view control);

}  // namespace hozen::platform::parsers
