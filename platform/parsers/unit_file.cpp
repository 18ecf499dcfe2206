#include "platform/parsers/unit_file.h"

#include <array>

namespace hozen::platform::parsers {

namespace {

// systemd's WHITESPACE set.
bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

bool is_comment(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed.front() == '#' || trimmed.front() == ';');
}

// True when the last byte is a backslash that is not itself escaped (an odd run of trailing
// backslashes), as config_parse() decides it.
bool ends_in_unescaped_backslash(std::string_view s) {
  std::size_t run = 0;
  while (run < s.size() && s[s.size() - 1 - run] == '\\') ++run;
  return run % 2 == 1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one backslash escape at s[i] (s[i] is the char after '\'); appends to out and returns
// the number of chars consumed, 0 if the escape is not one systemd knows.
std::size_t decode_escape(std::string_view s, std::size_t i, std::string& out) {
  char c = s[i];
  switch (c) {
    case 'a': out += '\a'; return 1;
    case 'b': out += '\b'; return 1;
    case 'f': out += '\f'; return 1;
    case 'n': out += '\n'; return 1;
    case 'r': out += '\r'; return 1;
    case 't': out += '\t'; return 1;
    case 'v': out += '\v'; return 1;
    case 's': out += ' '; return 1;
    case '\\': case '"': case '\'': case ';': out += c; return 1;
    case 'x': {
      int h = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
      int l = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (h < 0 || l < 0) return 0;
      out += static_cast<char>(h * 16 + l);
      return 3;
    }
    default:
      if (c >= '0' && c <= '7' && i + 2 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7' &&
          s[i + 2] >= '0' && s[i + 2] <= '7') {
        out += static_cast<char>(((c - '0') << 6) | ((s[i + 1] - '0') << 3) | (s[i + 2] - '0'));
        return 3;
      }
      return 0;
  }
}

}  // namespace

ParsedLines<UnitAssignment> parse_unit_file(std::string_view text) {
  ParsedLines<UnitAssignment> out;
  std::string section;
  bool have_section = false;
  // A continuation in progress: the joined text and the first line's number.
  std::string pending;
  std::uint64_t pending_line = 0;
  bool continuing = false;

  auto finish = [&](std::uint64_t n, std::string_view logical, std::string_view raw) {
    std::string_view t = trim(logical);
    if (t.empty() || is_comment(t)) return;
    if (t.front() == '[') {
      if (t.back() != ']' || t.size() < 3) {
        out.malformed.push_back({n, std::string(raw), "section header without a closing ']'"});
        return;
      }
      section = std::string(t.substr(1, t.size() - 2));
      have_section = true;
      return;
    }
    std::size_t eq = t.find('=');
    if (eq == std::string_view::npos) {
      out.malformed.push_back({n, std::string(raw), "not a section header and not key=value"});
      return;
    }
    std::string_view key = trim(t.substr(0, eq));
    if (key.empty()) {
      out.malformed.push_back({n, std::string(raw), "assignment without a key"});
      return;
    }
    if (!have_section) {
      out.malformed.push_back({n, std::string(raw), "assignment outside of any section"});
      return;
    }
    out.entries.push_back({n, section, std::string(key), std::string(trim(t.substr(eq + 1)))});
  };

  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.size() > kMaxUnitLine) line = line.substr(0, kMaxUnitLine);
    // systemd's read_line() ends a line at "\n" or "\r\n".
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // config_parse() drops a comment line before it looks at continuations: "# x \" neither
    // continues itself nor swallows the next line, and a comment inside a continuation is skipped.
    if (is_comment(trim(line))) return;
    // A continuation is a raw line whose last byte is an unescaped backslash ("a \ " and "a\\"
    // are not continuations); the backslash becomes the joining space.
    const bool more = ends_in_unescaped_backslash(line);
    std::string_view body = more ? line.substr(0, line.size() - 1) : line;
    if (!continuing) {
      if (!more) {
        finish(n, body, line);
        return;
      }
      pending.assign(body);
      pending_line = n;
      continuing = true;
      return;
    }
    pending += ' ';
    pending += body;
    if (pending.size() > kMaxUnitLine) pending.resize(kMaxUnitLine);
    if (!more) {
      continuing = false;
      finish(pending_line, pending, pending);
    }
  });
  if (continuing) finish(pending_line, pending, pending);
  return out;
}

std::vector<ExecCommandLine> parse_exec_value(std::string_view value) {
  std::vector<ExecCommandLine> out;
  std::size_t i = 0;
  const std::size_t n = value.size();
  while (true) {
    while (i < n && is_ws(value[i])) ++i;
    if (i >= n) break;
    ExecCommandLine cmd;
    // Prefixes come first, directly before the executable.
    for (; i < n; ++i) {
      char c = value[i];
      if (c == '-') cmd.ignore_failure = true;
      else if (c == '@') cmd.argv0_override = true;
      else if (c == ':') cmd.no_env_expansion = true;
      else if (c == '+') cmd.full_privileges = true;
      else if (c == '!') cmd.ambient_caps = true;
      else break;
    }
    // Words until a lone ';' or the end.
    bool ended_by_separator = false;
    while (true) {
      while (i < n && is_ws(value[i])) ++i;
      if (i >= n) break;
      if (value[i] == ';' && (i + 1 == n || is_ws(value[i + 1]))) {
        ++i;
        ended_by_separator = true;
        break;
      }
      std::string word;
      char quote = 0;
      while (i < n) {
        char c = value[i];
        if (quote == 0 && is_ws(c)) break;
        if (c == '\\') {
          if (i + 1 >= n) {
            cmd.parse_error = true;  // a lone trailing backslash
            ++i;
            break;
          }
          std::size_t used = decode_escape(value, i + 1, word);
          if (used == 0) {
            cmd.parse_error = true;  // unknown escape: keep it literally
            word += value[i + 1];
            used = 1;
          }
          i += 1 + used;
          continue;
        }
        if (quote != 0 && c == quote) {
          quote = 0;
          ++i;
          continue;
        }
        if (quote == 0 && (c == '"' || c == '\'')) {
          quote = c;
          ++i;
          continue;
        }
        word += c;
        ++i;
      }
      if (quote != 0) cmd.parse_error = true;
      cmd.argv.push_back(std::move(word));
    }
    if (!cmd.argv.empty() || cmd.ignore_failure || cmd.argv0_override || cmd.no_env_expansion ||
        cmd.full_privileges || cmd.ambient_caps) {
      out.push_back(std::move(cmd));
    }
    if (!ended_by_separator && i >= n) break;
  }
  return out;
}

bool is_unit_suffix(std::string_view suffix) {
  static constexpr std::array<std::string_view, 11> kSuffixes = {
      "service", "socket", "timer", "path", "target", "mount",
      "automount", "swap", "slice", "scope", "device"};
  for (auto s : kSuffixes) {
    if (s == suffix) return true;
  }
  return false;
}

UnitNameParts split_unit_name(std::string_view name) {
  UnitNameParts p;
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return p;
  p.suffix = std::string(name.substr(dot + 1));
  std::string_view stem = name.substr(0, dot);
  std::size_t at = stem.find('@');
  if (at == std::string_view::npos) {
    p.prefix = std::string(stem);
  } else {
    p.prefix = std::string(stem.substr(0, at));
    p.instance = std::string(stem.substr(at + 1));
    p.is_template = p.instance.empty();
  }
  p.valid = !p.prefix.empty() && is_unit_suffix(p.suffix);
  return p;
}

std::string UnitNameParts::template_name() const {
  if (!is_template && instance.empty()) return {};
  return prefix + "@." + suffix;
}

}  // namespace hozen::platform::parsers
