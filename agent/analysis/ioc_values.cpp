#include "agent/analysis/ioc_values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "platform/parse_util.h"

namespace hozen::analysis::ioc {
namespace {

Unexpected<std::string> fail(std::string reason) {
  return Unexpected<std::string>(std::move(reason));
}

constexpr std::size_t kMaxIpv6Text = 45;  // INET6_ADDRSTRLEN - 1 ("ffff:...:255.255.255.255")
constexpr std::size_t kMaxDomain = 253;
constexpr std::size_t kMaxLabel = 63;

char lower_char(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower_char(text[i]) != prefix[i]) return false;
  }
  return true;
}

std::optional<IpAddress> parse_ipv4(std::string_view text) {
  IpAddress out;
  out.length = 4;
  auto parts = platform::split(text, '.');
  if (parts.size() != 4) return std::nullopt;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto part = parts[i];
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return std::nullopt;
    if (!std::all_of(part.begin(), part.end(), is_digit)) return std::nullopt;
    auto v = platform::parse_uint<unsigned>(part);
    if (!v || *v > 255) return std::nullopt;
    out.bytes[i] = static_cast<std::uint8_t>(*v);
  }
  return out;
}

// IPv6 via inet_pton (pure: no I/O, no locale), after a character check so that nothing but
// address text reaches it.
std::optional<IpAddress> parse_ipv6_unfolded(std::string_view text) {
  if (text.size() < 2 || text.size() > kMaxIpv6Text) return std::nullopt;
  if (text.find(':') == std::string_view::npos) return std::nullopt;
  if (text.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
    return std::nullopt;
  }
  char buf[kMaxIpv6Text + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress out;
  out.length = 16;
  if (inet_pton(AF_INET6, buf, out.bytes.data()) != 1) return std::nullopt;
  return out;
}

bool is_v4_mapped(const IpAddress& a) {
  if (a.length != 16) return false;
  for (std::size_t i = 0; i < 10; ++i) {
    if (a.bytes[i] != 0) return false;
  }
  return a.bytes[10] == 0xff && a.bytes[11] == 0xff;
}

IpAddress fold_v4_mapped(const IpAddress& a) {
  if (!is_v4_mapped(a)) return a;
  IpAddress v4;
  v4.length = 4;
  std::copy(a.bytes.begin() + 12, a.bytes.end(), v4.bytes.begin());
  return v4;
}

std::optional<IpAddress> parse_ip_unfolded(std::string_view text) {
  if (auto v4 = parse_ipv4(text)) return v4;
  return parse_ipv6_unfolded(text);
}

struct Defang {
  std::string_view written;  // lower-case
  std::string_view meant;
};
constexpr Defang kDefangs[] = {
    {"[://]", "://"}, {"[.]", "."},   {"(.)", "."}, {"{.}", "."}, {"[dot]", "."},
    {"(dot)", "."},   {"{dot}", "."}, {"[:]", ":"}, {"[/]", "/"},
};

struct SchemeFix {
  std::string_view written;
  std::string_view meant;
};
constexpr SchemeFix kSchemeFixes[] = {{"hxxps:", "https:"}, {"hxxp:", "http:"}, {"fxp:", "ftp:"}};

std::string_view default_port(std::string_view scheme) {
  if (scheme == "http") return "80";
  if (scheme == "https") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

bool valid_scheme(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '+' || c == '.' || c == '-';
  });
}

// Host (and port) of an authority "host[:port]" / "[v6][:port]", user info already removed.
Expected<void, std::string> split_host_port(std::string_view authority, UrlParts& out) {
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in the URL host");
    auto v6 = parse_ip(authority.substr(1, close - 1));
    if (!v6) return fail("not an IPv6 address inside [ ] in the URL host");
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return fail("junk after ] in the URL host");
    port = after.empty() ? after : after.substr(1);
    out.host = v6->length == 16 ? "[" + format_ip(*v6) + "]" : format_ip(*v6);
  } else {
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return fail("the URL has no host");
    if (host.find(':') != std::string_view::npos) return fail("':' in the URL host");
    auto v4 = parse_ipv4(host);
    out.host = v4 ? format_ip(*v4) : fold_host(host);
    if (out.host.empty()) return fail("the URL has no host");
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) {
      return fail("the URL port is not a number");
    }
    auto n = platform::parse_uint<unsigned>(port);
    if (!n || *n == 0 || *n > 65535) return fail("the URL port is not 1-65535");
    out.port = std::to_string(*n);
    if (out.port == default_port(out.scheme)) out.port.clear();
  }
  return {};
}

bool is_hostname_byte(char c) {
  return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  auto a = parse_ip_unfolded(text);
  if (!a) return std::nullopt;
  return fold_v4_mapped(*a);
}

std::string format_ip(const IpAddress& address) {
  if (address.length == 4) {
    std::string out;
    for (std::size_t i = 0; i < 4; ++i) {
      if (i) out += '.';
      out += std::to_string(address.bytes[i]);
    }
    return out;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET6, address.bytes.data(), buf, sizeof buf) == nullptr) return {};
  return buf;
}

IpAddress mask_address(const IpAddress& address, unsigned prefix) {
  IpAddress out = address;
  for (std::size_t i = 0; i < out.length; ++i) {
    const unsigned bit = static_cast<unsigned>(i) * 8;
    if (bit >= prefix) {
      out.bytes[i] = 0;
    } else if (prefix - bit < 8) {
      out.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - (prefix - bit)));
    }
  }
  return out;
}

std::string network_key(const IpAddress& address, unsigned prefix) {
  const IpAddress masked = mask_address(address, prefix);
  std::string key(reinterpret_cast<const char*>(masked.bytes.data()), masked.length);
  key += static_cast<char>(prefix);
  return key;
}

Expected<IpNetwork, std::string> parse_cidr(std::string_view text) {
  const std::size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) return fail("no '/prefix'");
  auto address = parse_ip_unfolded(text.substr(0, slash));
  if (!address) return fail("not an IP address before '/'");
  const std::string_view digits = text.substr(slash + 1);
  const unsigned max_prefix = address->length == 4 ? 32 : 128;
  if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), is_digit)) {
    return fail("the prefix length is not a number");
  }
  auto prefix = platform::parse_uint<unsigned>(digits);
  if (!prefix || *prefix > max_prefix) {
    return fail("prefix length out of range (0-" + std::to_string(max_prefix) + ")");
  }
  IpNetwork out{mask_address(*address, *prefix), *prefix};
  if (is_v4_mapped(out.network) && out.prefix >= 96) {
    out.network = fold_v4_mapped(out.network);
    out.prefix -= 96;
  }
  return out;
}

std::string format_cidr(const IpNetwork& network) {
  return format_ip(network.network) + "/" + std::to_string(network.prefix);
}

std::string refang(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& d : kDefangs) {
      if (starts_with_nocase(text.substr(i), d.written)) {
        out += d.meant;
        i += d.written.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  for (const auto& s : kSchemeFixes) {
    if (starts_with_nocase(out, s.written)) {
      return std::string(s.meant) + out.substr(s.written.size());
    }
  }
  return out;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = lower_char(c);
  return out;
}

std::string fold_host(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return lower_ascii(host);
}

Expected<std::string, std::string> normalize_domain(std::string_view text) {
  std::string d = fold_host(text);
  if (d.empty()) return fail("empty domain");
  if (d.size() > kMaxDomain) return fail("longer than 253 bytes");
  auto labels = platform::split(d, '.');
  if (labels.size() < 2) return fail("a domain needs at least one dot");
  for (auto label : labels) {
    if (label.empty()) return fail("empty label (two dots in a row)");
    if (label.size() > kMaxLabel) return fail("a label is longer than 63 bytes");
    for (char c : label) {
      if (!is_alpha(c) && !is_digit(c) && c != '-') {
        return fail("a domain holds only letters, digits, '-' and '.' (IDN: use xn--)");
      }
    }
  }
  const auto tld = labels.back();
  const bool idn = tld.size() > 4 && tld.substr(0, 4) == "xn--";
  if (!idn && (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), is_alpha))) {
    return fail("the last label must be alphabetic (or xn--)");
  }
  return d;
}

std::string UrlParts::origin() const {
  return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

std::string UrlParts::normalized() const { return origin() + rest; }

Expected<UrlParts, std::string> parse_url(std::string_view text) {
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) return fail("no scheme (write http://...)");
  UrlParts out;
  if (!valid_scheme(text.substr(0, sep))) return fail("not a URL scheme");
  out.scheme = lower_ascii(text.substr(0, sep));
  std::string_view after = text.substr(sep + 3);
  const std::size_t auth_end = std::min(after.find_first_of("/?#"), after.size());
  std::string_view authority = after.substr(0, auth_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (auto ok = split_host_port(authority, out); !ok) return fail(ok.error());
  std::string_view rest = after.substr(auth_end);
  rest = rest.substr(0, rest.find('#'));
  out.rest = (rest.empty() || rest[0] != '/') ? "/" + std::string(rest) : std::string(rest);
  return out;
}

Expected<UrlParts, std::string> parse_url_indicator(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return fail("a space or control byte inside a URL");
  }
  auto url = parse_url(text);
  if (!url) return url;
  const std::string& host = url->host;
  const bool is_address = host[0] == '[' || parse_ipv4(host).has_value();
  if (!is_address && !std::all_of(host.begin(), host.end(), is_hostname_byte)) {
    return fail("the URL host is not a hostname or address");
  }
  // Empty labels would not survive normalising twice ("a.." -> "a." -> "a").
  if (!is_address &&
      (host.front() == '.' || host.back() == '.' || host.find("..") != std::string::npos)) {
    return fail("empty label in the URL host");
  }
  return url;
}

bool is_hex(std::string_view text) {
  return !text.empty() &&
         text.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

std::optional<HashKind> hash_kind_for_hex_length(std::size_t length) {
  switch (length) {
    case 32:
      return HashKind::kMd5;
    case 40:
      return HashKind::kSha1;
    case 64:
      return HashKind::kSha256;
    default:
      return std::nullopt;
  }
}

Expected<HashValue, std::string> parse_hash(std::string_view text) {
  struct Prefix {
    std::string_view name;
    HashKind kind;
  };
  static constexpr Prefix kPrefixes[] = {{"md5:", HashKind::kMd5},
                                         {"sha1:", HashKind::kSha1},
                                         {"sha-1:", HashKind::kSha1},
                                         {"sha256:", HashKind::kSha256},
                                         {"sha-256:", HashKind::kSha256}};
  std::optional<HashKind> declared;
  for (const auto& p : kPrefixes) {
    if (starts_with_nocase(text, p.name)) {
      declared = p.kind;
      text.remove_prefix(p.name.size());
      break;
    }
  }
  if (!is_hex(text)) return fail("a hash is hex digits only");
  auto kind = hash_kind_for_hex_length(text.size());
  if (!kind) {
    return fail(std::to_string(text.size()) +
                " hex digits is not MD5 (32), SHA-1 (40) or SHA-256 (64)");
  }
  if (declared && *declared != *kind) return fail("the hash prefix does not match its length");
  return HashValue{*kind, lower_ascii(text)};
}

Expected<std::uint16_t, std::string> parse_port(std::string_view text) {
  const std::string lower = lower_ascii(text);
  std::string_view digits = lower;
  if (const std::size_t slash = digits.find('/'); slash != std::string_view::npos) {
    const std::string_view a = digits.substr(0, slash);
    const std::string_view b = digits.substr(slash + 1);
    const bool a_proto = a == "tcp" || a == "udp";
    const bool b_proto = b == "tcp" || b == "udp";
    digits = a_proto && !b_proto ? b : (b_proto && !a_proto ? a : std::string_view());
  }
  if (digits.empty() || digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), is_digit)) {
    return fail("a port is a number 1-65535 (optionally tcp/N, udp/N, N/tcp, N/udp)");
  }
  auto n = platform::parse_uint<unsigned>(digits);
  if (!n || *n == 0 || *n > 65535) return fail("a port is 1-65535");
  return static_cast<std::uint16_t>(*n);
}

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const std::size_t n = std::min(text.size(), max_bytes);
  for (std::size_t i = 0; i < n; ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u == '\\' || u == '\'') {
      out += '\\';
      out += static_cast<char>(u);
    } else if (u == '\t') {
      out += "\\t";
    } else if (u >= 0x20 && u < 0x7f) {
      out += static_cast<char>(u);
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  if (text.size() > max_bytes) out += "...";
  return out;
}

}  // namespace hozen::analysis::ioc
