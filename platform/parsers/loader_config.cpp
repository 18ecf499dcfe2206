#include "platform/parsers/loader_config.h"

namespace hozen::platform::parsers {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view strip_comment(std::string_view s, std::string_view chars) {
  auto h = s.find_first_of(chars);
  return h == std::string_view::npos ? s : s.substr(0, h);
}

void tokens(std::string_view s, std::string_view seps, std::uint64_t n,
            std::vector<LineToken>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && seps.find(s[i]) != std::string_view::npos) ++i;
    std::size_t b = i;
    while (i < s.size() && seps.find(s[i]) == std::string_view::npos) ++i;
    if (i > b) out.push_back({n, std::string(s.substr(b, i - b))});
  }
}

bool key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// One C escape as systemd's cunescape() decodes it, for udev's e"..." values. `i` indexes the
// byte after the backslash; appends the decoded byte(s) and returns how many bytes of `s` after
// the backslash were consumed (at least 1). An unknown escape is kept literally (udev would
// refuse the rule; the collector still shows what it says).
std::size_t c_unescape(std::string_view s, std::size_t i, std::string& out) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  const char c = s[i];
  switch (c) {
    case 'a': out += '\a'; return 1;
    case 'b': out += '\b'; return 1;
    case 'f': out += '\f'; return 1;
    case 'n': out += '\n'; return 1;
    case 'r': out += '\r'; return 1;
    case 't': out += '\t'; return 1;
    case 'v': out += '\v'; return 1;
    case 's': out += ' '; return 1;
    case '\\': case '"': case '\'': case '?': out += c; return 1;
    case 'x':
      if (i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
        out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
        return 3;
      }
      break;
    default:
      if (c >= '0' && c <= '7' && i + 2 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7' &&
          s[i + 2] >= '0' && s[i + 2] <= '7') {
        out += static_cast<char>(((c - '0') << 6) | ((s[i + 1] - '0') << 3) | (s[i + 2] - '0'));
        return 3;
      }
      break;
  }
  out += '\\';
  out += c;
  return 1;
}

}  // namespace

ParsedLines<LineToken> parse_ld_so_preload(std::string_view text) {
  ParsedLines<LineToken> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    tokens(strip_comment(line, "#"), std::string_view(" \t\r:\0", 5), n, out.entries);
  });
  return out;
}

ParsedLines<LdSoConfLine> parse_ld_so_conf(std::string_view text) {
  ParsedLines<LdSoConfLine> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    std::string_view s = trim(strip_comment(line, "#"));
    if (s.empty()) return;
    using K = LdSoConfLine::Kind;
    if (s.starts_with("include") && s.size() > 7 && blank(s[7])) {
      std::vector<LineToken> t;
      tokens(s.substr(8), " \t", n, t);
      for (auto& p : t) out.entries.push_back({n, K::kInclude, std::move(p.value)});
      return;
    }
    if (s.starts_with("hwcap") && s.size() > 5 && blank(s[5])) {
      out.entries.push_back({n, K::kHwcap, std::string(trim(s.substr(6)))});
      return;
    }
    std::vector<LineToken> t;
    tokens(s, " \t:,=", n, t);
    for (auto& p : t) out.entries.push_back({n, K::kDirectory, std::move(p.value)});
  });
  return out;
}

ParsedLines<UdevRule> parse_udev_rules(std::string_view text) {
  ParsedLines<UdevRule> out;
  std::string logical;
  std::uint64_t start = 0;
  auto rule = [&](std::uint64_t n, const std::string& l) {
    std::string_view s = trim(l);
    if (s.empty() || s.front() == '#') return;
    UdevRule r;
    r.line = n;
    r.raw = l;
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (blank(s[i]) || s[i] == ',')) ++i;
      if (i >= s.size()) break;
      UdevAssignment a;
      while (i < s.size() && key_char(s[i])) a.key += s[i++];
      if (i < s.size() && s[i] == '{') {
        auto close = s.find('}', i);
        if (close == std::string_view::npos) {
          out.malformed.push_back({n, l, "unterminated '{' in a key"});
          return;
        }
        a.attr = std::string(s.substr(i + 1, close - i - 1));
        i = close + 1;
      }
      while (i < s.size() && blank(s[i])) ++i;
      std::size_t ob = i;
      while (i < s.size() &&
             (s[i] == '=' || s[i] == '!' || s[i] == '+' || s[i] == '-' || s[i] == ':'))
        ++i;
      a.op = std::string(s.substr(ob, i - ob));
      if (a.key.empty() || a.op.empty()) {
        out.malformed.push_back({n, l, "expected KEY op \"value\""});
        return;
      }
      while (i < s.size() && blank(s[i])) ++i;
      // udev_rule_parse_value(): e"..." is C-unescaped, i"..." matches case-insensitively.
      if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'i') && s[i + 1] == '"') {
        a.escaped = s[i] == 'e';
        a.case_insensitive = s[i] == 'i';
        ++i;
      }
      if (i >= s.size() || s[i] != '"') {
        out.malformed.push_back({n, l, "value is not double-quoted"});
        return;
      }
      ++i;
      bool closed = false;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && a.escaped) {
          std::size_t used = c_unescape(s, i + 1, a.value);
          i += used;  // the loop's ++i steps over the last byte of the escape
        } else if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"') {
          a.value += '"';
          ++i;
        } else if (s[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          a.value += s[i];
        }
      }
      if (!closed) {
        out.malformed.push_back({n, l, "unterminated quoted value"});
        return;
      }
      bool assign = a.op != "==" && a.op != "!=";
      if ((a.key == "RUN" && assign) || a.key == "PROGRAM" ||
          (a.key == "IMPORT" && a.attr == "program")) {
        r.executes = true;
      }
      r.pairs.push_back(std::move(a));
    }
    out.entries.push_back(std::move(r));
  };
  // udev_rules_parse_file(): leading whitespace is skipped and a comment line is dropped BEFORE
  // the continuation test, also inside a continuation, so "# x \" never swallows the next rule.
  // A line whose last byte is '\' continues; the backslash is removed.
  bool continuing = false;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t' ||
                             line.front() == '\r')) {
      line.remove_prefix(1);
    }
    if (!line.empty() && line.front() == '#') return;
    if (!continuing) start = n;
    if (!line.empty() && line.back() == '\\') {
      logical.append(line.substr(0, line.size() - 1));
      continuing = true;
      return;
    }
    continuing = false;
    logical.append(line);
    rule(start, logical);
    logical.clear();
  });
  if (continuing) rule(start, logical);
  return out;
}

ParsedLines<LineToken> parse_modules_load(std::string_view text) {
  ParsedLines<LineToken> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    std::string_view s = trim(line);
    if (s.empty() || s.front() == '#' || s.front() == ';') return;
    out.entries.push_back({n, std::string(s)});
  });
  return out;
}

ParsedLines<DesktopKey> parse_desktop_entry(std::string_view text) {
  ParsedLines<DesktopKey> out;
  bool in_group = false;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    std::string_view s = trim(line);
    if (s.empty() || s.front() == '#') return;
    if (s.front() == '[') {
      in_group = s == "[Desktop Entry]";
      return;
    }
    if (!in_group) return;
    auto eq = s.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      out.malformed.push_back({n, std::string(line), "expected Key=Value"});
      return;
    }
    out.entries.push_back(
        {n, std::string(trim(s.substr(0, eq))), std::string(trim(s.substr(eq + 1)))});
  });
  return out;
}

}  // namespace hozen::platform::parsers
