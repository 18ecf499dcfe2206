#include "platform/parsers/shadow.h"

#include <array>
#include <utility>

namespace hozen::platform::parsers {

namespace {

bool is_crypt64(char c) {
  return c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z');
}

// The hashing scheme from the prefix crypt(5) defines for it. Only the prefix is inspected.
std::string scheme_of(std::string_view h) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kPrefixes = {{
      {"$1$", "md5crypt"},
      {"$2a$", "bcrypt"},
      {"$2b$", "bcrypt"},
      {"$2x$", "bcrypt"},
      {"$2y$", "bcrypt"},
      {"$5$", "sha256crypt"},
      {"$6$", "sha512crypt"},
      {"$y$", "yescrypt"},
      {"$gy$", "gost-yescrypt"},
      {"$7$", "scrypt"},
      {"$sha1$", "sha1crypt"},
      {"$md5", "sunmd5"},
  }};
  for (const auto& [prefix, name] : kPrefixes) {
    if (h.starts_with(prefix)) return std::string(name);
  }
  auto all64 = [](std::string_view s) {
    for (char c : s) {
      if (!is_crypt64(c)) return false;
    }
    return true;
  };
  // BSDi extended DES: "_" + 4 chars of rounds + 4 of salt + 11 of hash; traditional DES: 13 chars.
  if (h.size() == 20 && h.front() == '_' && all64(h.substr(1))) return "bsdicrypt";
  if (h.size() == 13 && all64(h)) return "des";
  return "unknown";
}

bool is_marker(std::string_view f) {
  static constexpr std::array<std::string_view, 7> kMarkers = {"*",    "!!", "!*", "*LK*",
                                                               "*NP*", "x",  "NP"};
  for (auto m : kMarkers) {
    if (f == m) return true;
  }
  return false;
}

// Empty, or a decimal number with an optional '-' (some tools write -1 for "unset").
bool numeric_or_empty(std::string_view s) {
  if (s.starts_with('-')) s.remove_prefix(1);
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool parse_days(std::string_view s, std::optional<std::int64_t>* out) {
  if (s.empty()) return true;
  bool neg = s.starts_with('-');
  if (neg) s.remove_prefix(1);
  auto v = parse_uint<std::int64_t>(s);
  if (!v) return false;
  *out = neg ? -*v : *v;
  return true;
}

// Applies `fn` to each line of `text`, keeping the '\n' separators exactly.
template <class Fn>
std::string map_lines(std::string_view text, Fn&& fn) {
  std::string out;
  out.reserve(text.size());
  for_each_line(text, [&](std::uint64_t, std::string_view line) {
    out += fn(line);
    if (line.data() + line.size() < text.data() + text.size()) out += '\n';
  });
  return out;
}

}  // namespace

PasswordClass classify_password(std::string_view f) {
  PasswordClass c;
  if (f.empty()) {
    c.state = PasswordState::kEmpty;
    return c;
  }
  if (f == "!") {
    c.state = PasswordState::kLocked;
    c.token = "!";
    return c;
  }
  std::size_t k = f.find_first_not_of("!*");
  if (is_marker(f) || k == std::string_view::npos) {
    c.state = PasswordState::kNoLogin;
    c.token = std::string(f);  // only '!' / '*' or a fixed marker: nothing secret
    return c;
  }
  c.state = k == 0 ? PasswordState::kSet : PasswordState::kLocked;
  c.scheme = scheme_of(f.substr(k));
  c.token = std::string(f.substr(0, k)) + "<hash:" + c.scheme + ">";
  return c;
}

std::string redact_shadow_line(std::string_view line) {
  if (line.empty()) return {};
  auto f = split(line, ':');
  if (f.size() == 1) return "<redacted>";
  std::string out(f[0]);
  out += ':';
  out += classify_password(f[1]).token;
  for (std::size_t i = 2; i < f.size(); ++i) {
    out += ':';
    out += numeric_or_empty(f[i]) ? f[i] : std::string_view("<redacted>");
  }
  return out;
}

std::string redact_shadow(std::string_view text) { return map_lines(text, redact_shadow_line); }

std::optional<std::string> redact_field2_hashes(std::string_view text) {
  bool changed = false;
  std::string out = map_lines(text, [&](std::string_view line) {
    auto f = split(line, ':');
    if (f.size() < 2) return std::string(line);
    auto c = classify_password(f[1]);
    if (c.token == f[1]) return std::string(line);
    changed = true;
    std::string l(f[0]);
    l += ':';
    l += c.token;
    for (std::size_t i = 2; i < f.size(); ++i) {
      l += ':';
      l += f[i];
    }
    return l;
  });
  if (!changed) return std::nullopt;
  return out;
}

ParsedLines<ShadowEntry> parse_shadow(std::string_view text) {
  ParsedLines<ShadowEntry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty() || line.front() == '#') return;
    auto bad = [&](const char* reason) {
      out.malformed.push_back({n, redact_shadow_line(line), reason});
    };
    auto f = split(line, ':');
    if (f.size() != 9 && f.size() != 8) return bad("expected 9 ':'-separated fields");
    if (f[0].empty()) return bad("empty user name");
    ShadowEntry e;
    e.line = n;
    e.name = f[0];
    e.password = classify_password(f[1]);
    if (!parse_days(f[2], &e.last_change) || !parse_days(f[3], &e.min_days) ||
        !parse_days(f[4], &e.max_days) || !parse_days(f[5], &e.warn_days) ||
        !parse_days(f[6], &e.inactive_days) || !parse_days(f[7], &e.expire)) {
      return bad("an aging field is not a decimal number");
    }
    out.entries.push_back(std::move(e));
  });
  return out;
}

}  // namespace hozen::platform::parsers
