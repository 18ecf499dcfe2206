#include "platform/parsers/authorized_keys.h"

#include <algorithm>
#include <array>

#include "platform/base64.h"
#include "platform/sha256.h"

namespace hozen::platform::parsers {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

// Reads the options field up to the first unquoted blank. In quoted values only \" is an escape
// (sshd's opt_dequote); other backslashes are kept. Returns false on an unterminated quote.
bool parse_options(std::string_view& rest, std::string& raw, std::vector<KeyOption>& out) {
  std::size_t i = 0;
  bool quoted = false;
  for (; i < rest.size(); ++i) {
    char c = rest[i];
    if (quoted) {
      if (c == '\\' && i + 1 < rest.size() && rest[i + 1] == '"') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (is_blank(c)) {
      break;
    }
  }
  if (quoted) return false;
  raw = std::string(rest.substr(0, i));
  rest.remove_prefix(i);
  // Split on unquoted commas.
  std::string_view s = raw;
  while (!s.empty()) {
    KeyOption o;
    std::size_t j = 0;
    bool q = false, in_value = false;
    for (; j < s.size(); ++j) {
      char c = s[j];
      if (q) {
        if (c == '\\' && j + 1 < s.size() && s[j + 1] == '"') {
          o.value += '"';
          ++j;
        } else if (c == '"') {
          q = false;
        } else {
          o.value += c;
        }
      } else if (c == ',') {
        break;
      } else if (!in_value && c == '=') {
        in_value = true;
        o.has_value = true;
      } else if (in_value && c == '"') {
        q = true;
      } else if (in_value) {
        o.value += c;
      } else {
        o.name += c;
      }
    }
    out.push_back(std::move(o));
    s.remove_prefix(std::min(j + 1, s.size()));
  }
  return true;
}

// The first string of an SSH wire-format blob (RFC 4253 §6.6): uint32 length + bytes.
std::string blob_type(std::string_view blob) {
  if (blob.size() < 4) return {};
  std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(blob[0])) << 24) |
                    (static_cast<std::uint32_t>(static_cast<unsigned char>(blob[1])) << 16) |
                    (static_cast<std::uint32_t>(static_cast<unsigned char>(blob[2])) << 8) |
                    static_cast<unsigned char>(blob[3]);
  if (n > blob.size() - 4 || n > 256) return {};
  return std::string(blob.substr(4, n));
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_ssh_key_type(std::string_view s) {
  static constexpr std::array<std::string_view, 10> kTypes = {
      "ssh-rsa",
      "ssh-dss",
      "ssh-ed25519",
      "ssh-ed448",
      "ecdsa-sha2-nistp256",
      "ecdsa-sha2-nistp384",
      "ecdsa-sha2-nistp521",
      "sk-ecdsa-sha2-nistp256@openssh.com",
      "sk-ssh-ed25519@openssh.com",
      "ssh-xmss@openssh.com",
  };
  if (std::find(kTypes.begin(), kTypes.end(), s) != kTypes.end()) return true;
  return s.ends_with("-cert-v01@openssh.com") && s.size() > 21;
}

const KeyOption* find_option(const AuthorizedKey& key, std::string_view name) {
  for (const auto& o : key.options) {
    if (iequals(o.name, name)) return &o;
  }
  return nullptr;
}

ParsedLines<AuthorizedKey> parse_authorized_keys(std::string_view text) {
  ParsedLines<AuthorizedKey> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view rest = line;
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    if (rest.empty() || rest.front() == '#') return;
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    AuthorizedKey k;
    k.line = n;
    std::string_view probe = rest;
    std::string_view first = take_token(probe);
    if (first.find('\t') != std::string_view::npos) first = first.substr(0, first.find('\t'));
    if (!is_ssh_key_type(first)) {
      if (all_digits(first))
        return bad("SSH1-style key (bits exponent modulus): not accepted by current sshd");
      if (!parse_options(rest, k.options_raw, k.options))
        return bad("unterminated quote in the options field");
      while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    }
    std::size_t e = 0;
    while (e < rest.size() && !is_blank(rest[e])) ++e;
    k.key_type = std::string(rest.substr(0, e));
    rest.remove_prefix(e);
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    if (!is_ssh_key_type(k.key_type)) {
      if (all_digits(k.key_type))
        return bad("SSH1-style key (bits exponent modulus): not accepted by current sshd");
      return bad(k.key_type.empty() ? "options without a key" : "unknown key type");
    }
    e = 0;
    while (e < rest.size() && !is_blank(rest[e])) ++e;
    k.key_base64 = std::string(rest.substr(0, e));
    rest.remove_prefix(e);
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    k.comment = std::string(rest);
    if (k.key_base64.empty()) return bad("key type without a key");
    auto blob = base64_decode(k.key_base64);
    if (!blob || blob->empty()) return bad("key is not valid base64");
    k.blob = std::move(*blob);
    k.blob_type = blob_type(k.blob);
    k.type_mismatch = k.blob_type != k.key_type;
    k.fingerprint = "SHA256:" + base64_encode(as_bytes(Sha256::of(k.blob)), false);
    out.entries.push_back(std::move(k));
  });
  return out;
}

}  // namespace hozen::platform::parsers
