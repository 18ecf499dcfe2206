// Pure parsers of systemd unit files (systemd.syntax(7), systemd.unit(5)) and of Exec*= command
// lines (systemd.service(5) "COMMAND LINES"). Bytes in, structs out: no I/O, never asks systemd.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

// One key=value assignment. Continuation lines (a trailing backslash) are joined with a space,
// as systemd does; `line` is the first physical line. An empty value is kept: for list settings
// (ExecStart=, WantedBy=...) it resets what earlier files set.
struct UnitAssignment {
  std::uint64_t line = 0;  // 1-based
  std::string section;     // "Service" (without brackets)
  std::string key;
  std::string value;       // whitespace around '=' and at the ends trimmed
};

// Parses a unit file or drop-in. Comments start with '#' or ';' (after leading whitespace) and
// are dropped before continuations are considered, as systemd's config_parse() does: a comment
// ending in '\' does not continue, and comments inside a continuation are skipped. A line
// continues when its last raw byte is an unescaped '\' (trailing blanks after it end the line).
// Malformed (kept with their bytes, parsing continues): an assignment before any section, a line
// that is neither a section header nor key=value, a header without ']'. A continuation running
// off the end of the text still yields its assignment. Never fails: binary garbage only adds
// malformed lines. Lines longer than kMaxUnitLine are cut (systemd's LONG_LINE_MAX is 1 MiB).
ParsedLines<UnitAssignment> parse_unit_file(std::string_view text);

inline constexpr std::size_t kMaxUnitLine = 1u << 20;

// An Exec*= value split into commands ("cmd1 ; cmd2" is two commands: systemd accepts ';' as a
// separate word between commands; "\;" is a literal semicolon).
struct ExecCommandLine {
  bool ignore_failure = false;  // '-'
  bool argv0_override = false;  // '@'
  bool no_env_expansion = false;  // ':'
  bool full_privileges = false;   // '+'
  bool ambient_caps = false;      // '!' or "!!"
  std::vector<std::string> argv;  // words after quote/escape removal; specifiers (%n) unexpanded
  bool parse_error = false;       // unterminated quote or bad escape: argv is best effort
};

// Splits an Exec value into commands. Quoting follows systemd's extract_first_word: "..." and
// '...' group, backslash escapes (\n \t \\ \" \' \s \xNN \NNN) are decoded; a quote may start
// inside a word. An empty value yields no commands (a reset).
std::vector<ExecCommandLine> parse_exec_value(std::string_view value);

// "foo@bar.service" -> {"foo@.service", "bar"}; empty template for a non-instance name.
struct UnitNameParts {
  std::string prefix;     // "foo" (before '@' or the suffix)
  std::string instance;   // "bar"; empty for a template or a plain unit
  std::string suffix;     // "service"
  bool is_template = false;  // "foo@.service"
  bool valid = false;        // has a known-looking suffix and a non-empty prefix
  std::string template_name() const;  // "foo@.service" (empty when not an instance/template)
};
UnitNameParts split_unit_name(std::string_view name);

// True for the suffixes systemd loads as units (service, socket, timer, path, target, mount,
// automount, swap, slice, scope, device).
bool is_unit_suffix(std::string_view suffix);

}  // namespace hozen::platform::parsers
