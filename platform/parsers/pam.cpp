#include "platform/parsers/pam.h"

#include <algorithm>

namespace hozen::platform::parsers {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return o;
}

// Splits a logical line into fields. A field starting with '[' runs to the matching unescaped
// ']' (spaces included); the brackets are kept when `keep_brackets` (control) and removed for
// arguments (libpam's behaviour). Returns false on an unterminated bracket.
bool fields(std::string_view s, std::vector<std::string>& out, std::vector<bool>& bracketed) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && blank(s[i])) ++i;
    if (i >= s.size()) break;
    std::string f;
    if (s[i] == '[') {
      ++i;
      bool closed = false;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == ']') {
          f += ']';
          ++i;
        } else if (s[i] == ']') {
          closed = true;
          ++i;
          break;
        } else {
          f += s[i];
        }
      }
      if (!closed) return false;
      out.push_back(std::move(f));
      bracketed.push_back(true);
      continue;
    }
    while (i < s.size() && !blank(s[i])) f += s[i++];
    out.push_back(std::move(f));
    bracketed.push_back(false);
  }
  return true;
}

bool known_type(std::string_view t) {
  return t == "auth" || t == "account" || t == "password" || t == "session";
}

}  // namespace

bool pam_control_includes(std::string_view control) {
  return control == "include" || control == "substack";
}

ParsedLines<PamRule> parse_pam(std::string_view text, bool with_service) {
  ParsedLines<PamRule> out;
  std::string logical;
  std::uint64_t start = 0;
  auto flush = [&](std::string_view l, std::uint64_t n) {
    std::string_view s = l;
    if (auto h = s.find('#'); h != std::string_view::npos) s = s.substr(0, h);
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    if (s.empty()) return;
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(l), why}); };
    PamRule r;
    r.line = n;
    if (s.starts_with("@include")) {
      auto f = split_ws(s.substr(8));
      if (s.size() > 8 && !blank(s[8])) return bad("unknown @ directive");
      if (f.size() != 1) return bad("@include needs exactly one service name");
      r.at_include = std::string(f[0]);
      r.control = "@include";
      r.module = r.at_include;
      out.entries.push_back(std::move(r));
      return;
    }
    std::vector<std::string> f;
    std::vector<bool> br;
    if (!fields(s, f, br)) return bad("unterminated '['");
    std::size_t base = 0;
    if (with_service) {
      if (f.empty()) return bad("no service field");
      r.service = f[0];
      base = 1;
    }
    if (f.size() < base + 3) return bad("a rule needs type, control and module-path");
    std::string_view type = f[base];
    if (!type.empty() && type.front() == '-') {
      r.ignore_if_missing = true;
      type.remove_prefix(1);
    }
    r.rule_type = lower(type);
    if (!known_type(r.rule_type)) return bad("unknown rule type");
    r.control = br[base + 1] ? "[" + f[base + 1] + "]" : lower(f[base + 1]);
    if (br[base + 2]) return bad("bracketed module-path");
    r.module = f[base + 2];
    for (std::size_t i = base + 3; i < f.size(); ++i) r.args.push_back(std::move(f[i]));
    out.entries.push_back(std::move(r));
  };
  // libpam's line assembly (_pam_assemble_line / _pam_line_assemble): a blank or whole-comment
  // line is skipped, also inside a continuation; otherwise the line is cut at its first '#'
  // BEFORE the continuation test, and a cut line always ends the rule (so "# x \" never
  // swallows the next line). An uncut line continues when, trailing blanks ignored, it ends
  // in '\'; the backslash becomes a space.
  bool continuing = false;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view s = line;
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    if (s.empty() || s.front() == '#') return;
    if (!continuing) start = n;
    const std::size_t hash = s.find('#');
    if (hash != std::string_view::npos) {
      logical.append(s.substr(0, hash));
      continuing = false;
    } else {
      std::string_view body = s;
      while (!body.empty() && blank(body.back())) body.remove_suffix(1);
      continuing = !body.empty() && body.back() == '\\';
      if (continuing) {
        logical.append(body.substr(0, body.size() - 1));
        logical += ' ';
        return;
      }
      logical.append(s);
    }
    flush(logical, start);
    logical.clear();
  });
  if (continuing) flush(logical, start);
  return out;
}

}  // namespace hozen::platform::parsers
