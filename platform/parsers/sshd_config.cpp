#include "platform/parsers/sshd_config.h"

#include <algorithm>

namespace hozen::platform::parsers {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// OpenSSH's argv_split: blanks separate, double quotes group (no escapes inside quotes except
// \" and \\ ), a '#' at the start of an argument ends the line.
bool split_args(std::string_view s, std::vector<std::string>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && blank(s[i])) ++i;
    if (i >= s.size() || s[i] == '#') break;
    std::string a;
    bool quoted = false;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\\' && i + 1 < s.size() &&
          (s[i + 1] == '"' || s[i + 1] == '\\' || (!quoted && blank(s[i + 1])))) {
        a += s[++i];
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && blank(c)) {
        break;
      } else {
        a += c;
      }
    }
    if (quoted) return false;
    out.push_back(std::move(a));
  }
  return true;
}

}  // namespace

ParsedLines<SshdLine> parse_sshd_config(std::string_view text, std::string_view initial_match) {
  ParsedLines<SshdLine> out;
  std::string match(initial_match);
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    std::string_view s = line;
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    if (s.empty() || s.front() == '#') return;
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    std::size_t k = 0;
    while (k < s.size() && !blank(s[k]) && s[k] != '=') ++k;
    SshdLine e;
    e.line = n;
    e.keyword_raw = std::string(s.substr(0, k));
    if (e.keyword_raw.empty()) return bad("no keyword");
    if (!std::all_of(e.keyword_raw.begin(), e.keyword_raw.end(), alnum))
      return bad("keyword with bytes outside [A-Za-z0-9]");
    e.keyword = e.keyword_raw;
    for (auto& c : e.keyword) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    std::string_view rest = s.substr(k);
    while (!rest.empty() && blank(rest.front())) rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == '=') rest.remove_prefix(1);
    while (!rest.empty() && blank(rest.front())) rest.remove_prefix(1);
    e.value_raw = std::string(rest);
    if (!split_args(rest, e.args)) return bad("unterminated quote");
    if (e.args.empty()) return bad("keyword without arguments");
    if (e.keyword == "match") {
      e.match = match;
      match = e.value_raw;
    } else {
      e.match = match;
    }
    out.entries.push_back(std::move(e));
  });
  return out;
}

}  // namespace hozen::platform::parsers
