// Pure parsers of small configuration formats that make the system run code: the dynamic
// loader's preload list and search path (ld.so(8), ldconfig(8)), udev rules (udev(7)),
// modules-load.d (modules-load.d(5)) and XDG desktop entries (Desktop Entry Specification).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

// One token of a line-oriented list.
struct LineToken {
  std::uint64_t line = 0;
  std::string value;
};

// /etc/ld.so.preload as glibc's rtld reads it: names separated by blanks, newlines or ':'; '#'
// starts a comment to the end of the line. Nothing is malformed (rtld tries every token).
ParsedLines<LineToken> parse_ld_so_preload(std::string_view text);

struct LdSoConfLine {
  std::uint64_t line = 0;
  enum class Kind { kDirectory, kInclude, kHwcap } kind = Kind::kDirectory;
  std::string value;  // directory, or the include pattern
};

// ld.so.conf: '#' comments, `include <pattern>` (one or more patterns), `hwcap ...` (old
// glibc), otherwise directories (ldconfig also splits on ':' ',' and blanks).
ParsedLines<LdSoConfLine> parse_ld_so_conf(std::string_view text);

struct UdevAssignment {
  std::string key;    // "RUN", "PROGRAM", "IMPORT", "ACTION", ...
  std::string attr;   // text inside {} ("program" for IMPORT{program}), may be empty
  std::string op;     // "==", "!=", "=", "+=", "-=", ":="
  std::string value;  // unquoted (and C-unescaped for e"...")
  bool escaped = false;           // e"...": the value was C-unescaped (\n, \xNN, ...)
  bool case_insensitive = false;  // i"...": a case-insensitive match
};

struct UdevRule {
  std::uint64_t line = 0;  // first physical line of the rule
  std::string raw;         // the logical line (continuations joined)
  std::vector<UdevAssignment> pairs;
  bool executes = false;  // has RUN, PROGRAM or IMPORT{program} (code run by udevd)
};

// udev rules as udevd reads them: leading blanks are skipped, a line starting with '#' is dropped
// before continuations are joined (also in the middle of one: "# x \" does not continue), a line
// ending in '\' continues on the next; comma-separated KEY[{attr}]op"value" pairs, where the value
// may carry udev's e"..." (C escapes) or i"..." (case-insensitive) prefix.
// Malformed: a pair without an operator or without a quoted value. Never throws.
ParsedLines<UdevRule> parse_udev_rules(std::string_view text);

// modules-load.d: one module name per line, '#' and ';' comments.
ParsedLines<LineToken> parse_modules_load(std::string_view text);

struct DesktopKey {
  std::uint64_t line = 0;
  std::string key;  // "Exec", "Hidden", "Name[de]"...
  std::string value;
};

// The [Desktop Entry] group of a .desktop file (other groups are skipped). Malformed: lines in
// that group that are not `Key=Value`.
ParsedLines<DesktopKey> parse_desktop_entry(std::string_view text);

}  // namespace hozen::platform::parsers
