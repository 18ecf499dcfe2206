// The IndicatorSet matchers and the free-text scanner. Every input here is host bytes: lengths
// are bounded before anything costs more than a linear pass.
#include <algorithm>
#include <set>
#include <utility>

#include "agent/analysis/glob.h"
#include "agent/analysis/ioc.h"
#include "agent/analysis/ioc_values.h"
#include "platform/sha256.h"

namespace hozen::analysis {
namespace {

constexpr std::size_t kMaxAddressText = 64;  // longer cannot be an address (45 + brackets + zone)
constexpr std::size_t kMaxHostText = 254;    // 253 + a trailing dot

void collect(const std::unordered_multimap<std::string, std::size_t>& index, const std::string& key,
             std::vector<std::size_t>& out) {
  auto [first, last] = index.equal_range(key);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
}

// "[fe80::1]" -> "fe80::1"; "fe80::1%eth0" -> "fe80::1".
std::string_view bare_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  return text.substr(0, text.find('%'));
}

// The indicator's path (and query) is the text's, or a prefix of it ending at a path boundary.
bool url_rest_matches(std::string_view indicator_rest, std::string_view text_rest) {
  if (!text_rest.starts_with(indicator_rest)) return false;
  if (text_rest.size() == indicator_rest.size() || indicator_rest.ends_with('/')) return true;
  const char next = text_rest[indicator_rest.size()];
  return next == '/' || next == '?';
}

std::string_view last_component(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_token_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == ':' || c == '/' || c == '_' || c == '%' || c == '-';
}

bool is_url_extra_byte(char c) {
  return std::string_view("?&=#~+!$*,;@[]").find(c) != std::string_view::npos;
}

// Sentence punctuation a token may end with ("see evil.com." / "evil.com,").
std::string_view trim_token_end(std::string_view token) {
  while (!token.empty() && std::string_view(".,;!?").find(token.back()) != std::string_view::npos) {
    token.remove_suffix(1);
  }
  if (token.ends_with(']') && token.find('[') == std::string_view::npos) token.remove_suffix(1);
  return token;
}

// The host of "scheme://[user@]host[:port]/..." as it is written in the text.
std::string_view raw_url_host(std::string_view url) {
  std::string_view authority = url.substr(url.find("://") + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.starts_with('[')) return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

// "host:port" -> "host" when there is exactly one ':' (IPv6 text has several).
std::string_view without_port(std::string_view host) {
  const std::size_t colon = host.find(':');
  if (colon == std::string_view::npos || colon != host.rfind(':')) return host;
  return host.substr(0, colon);
}

bool has_letter(std::string_view s) {
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

void add_hits(const std::vector<const Indicator*>& found, std::string_view matched,
              std::vector<IndicatorSet::TextHit>& hits) {
  for (const Indicator* ind : found) {
    hits.push_back(IndicatorSet::TextHit{ind, std::string(matched)});
  }
}

}  // namespace

std::vector<const Indicator*> IndicatorSet::match_ip(std::string_view address_text) const {
  if (address_text.size() > kMaxAddressText || networks_.empty()) return {};
  auto address = ioc::parse_ip(bare_address(address_text));
  if (!address) return {};
  std::vector<std::size_t> at;
  for (unsigned prefix : address->length == 4 ? v4_prefixes_ : v6_prefixes_) {
    collect(networks_, ioc::network_key(*address, prefix), at);
  }
  return pointers(std::move(at));
}

std::vector<const Indicator*> IndicatorSet::match_domain(std::string_view host) const {
  if (host.size() > kMaxHostText || domains_.empty()) return {};
  const std::string folded = ioc::fold_host(host);
  std::vector<std::size_t> at;
  for (std::size_t from = 0;;) {
    collect(domains_, folded.substr(from), at);
    const std::size_t dot = folded.find('.', from);
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  return pointers(std::move(at));
}

std::vector<const Indicator*> IndicatorSet::match_url(std::string_view url) const {
  if (url_origins_.empty()) return {};
  auto parts = ioc::parse_url(url);
  if (!parts) return {};
  const std::string origin = parts->origin();
  std::vector<std::size_t> at;
  auto [first, last] = url_origins_.equal_range(origin);
  for (auto it = first; it != last; ++it) {
    const std::string_view rest = std::string_view(all_[it->second].value).substr(origin.size());
    if (url_rest_matches(rest, parts->rest)) at.push_back(it->second);
  }
  return pointers(std::move(at));
}

std::vector<const Indicator*> IndicatorSet::match_hash(std::string_view hex_or_raw) const {
  if (hashes_.empty()) return {};
  std::vector<std::size_t> at;
  // A 32-byte input is tried both ways: 32 hex digits (MD5) and a raw SHA-256.
  if (ioc::hash_kind_for_hex_length(hex_or_raw.size()) && ioc::is_hex(hex_or_raw)) {
    collect(hashes_, ioc::lower_ascii(hex_or_raw), at);
  }
  const std::size_t n = hex_or_raw.size();
  if (n == 16 || n == 20 || n == 32) collect(hashes_, platform::to_hex(hex_or_raw), at);
  return pointers(std::move(at));
}

std::vector<const Indicator*> IndicatorSet::match_file(std::string_view path) const {
  const std::string_view name = last_component(path);
  std::vector<std::size_t> at;
  if (!file_paths_.empty()) collect(file_paths_, std::string(path), at);
  if (!file_names_.empty()) collect(file_names_, std::string(name), at);
  for (std::size_t i : path_globs_) {
    if (glob_match(all_[i].value, path)) at.push_back(i);
  }
  for (std::size_t i : name_globs_) {
    if (glob_match(all_[i].value, name)) at.push_back(i);
  }
  return pointers(std::move(at));
}

std::vector<const Indicator*> IndicatorSet::match_process(std::string_view name) const {
  std::vector<std::size_t> at;
  if (!processes_.empty()) collect(processes_, std::string(name), at);
  for (std::size_t i : process_globs_) {
    if (glob_match(all_[i].value, name)) at.push_back(i);
  }
  return pointers(std::move(at));
}

std::vector<const Indicator*> IndicatorSet::match_port(std::uint32_t port) const {
  auto it = ports_.find(port);
  if (it == ports_.end()) return {};
  return {&all_[it->second]};
}

std::vector<const Indicator*> IndicatorSet::match_user(std::string_view name) const {
  if (users_.empty()) return {};
  std::vector<std::size_t> at;
  collect(users_, std::string(name), at);
  return pointers(std::move(at));
}

std::vector<IndicatorSet::TextHit> IndicatorSet::scan_text(std::string_view text) const {
  std::vector<TextHit> hits;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_token_byte(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && is_token_byte(text[i])) ++i;
    if (text.substr(start, i - start).find("://") != std::string_view::npos) {
      while (i < text.size() && (is_token_byte(text[i]) || is_url_extra_byte(text[i]))) ++i;
    }
    const std::string_view token = trim_token_end(text.substr(start, i - start));
    if (!token.empty()) scan_token(token, hits);
  }
  // One hit per (indicator, matched), in text order.
  std::set<std::pair<const Indicator*, std::string_view>> seen;
  std::vector<TextHit> unique;
  for (auto& hit : hits) {
    if (seen.emplace(hit.indicator, hit.matched).second) unique.push_back(hit);
  }
  return unique;
}

void IndicatorSet::scan_token(std::string_view token, std::vector<TextHit>& hits) const {
  if (token.find("://") != std::string_view::npos) {
    add_hits(match_url(token), token, hits);
    scan_host(raw_url_host(token), hits);
    return;
  }
  if (ioc::hash_kind_for_hex_length(token.size()) && ioc::is_hex(token)) {
    add_hits(match_hash(token), token, hits);
    return;
  }
  const std::size_t slash = token.find('/');
  if (slash != std::string_view::npos && slash > 0 && !url_origins_.empty()) {
    // wget/curl take "host/path" without a scheme and default to http.
    add_hits(match_url("http://" + std::string(token)), token, hits);
    add_hits(match_url("https://" + std::string(token)), token, hits);
  }
  if (token.starts_with("/dev/tcp/") || token.starts_with("/dev/udp/")) {
    // bash's network redirections: /dev/tcp/HOST/PORT.
    const std::string_view rest = token.substr(9);
    return scan_host(rest.substr(0, rest.find('/')), hits);
  }
  const std::string_view host = token.substr(0, slash);
  if (host.empty()) return;
  const auto whole = match_ip(host);
  if (!whole.empty()) return add_hits(whole, host, hits);
  if (host.find(':') == host.rfind(':')) return scan_host(without_port(host), hits);
  // Several ':' and not IPv6: "tcp:HOST:PORT" (socat), "user:pass:host"... each piece is a host.
  for (std::size_t from = 0; from <= host.size();) {
    const std::size_t colon = std::min(host.find(':', from), host.size());
    scan_host(host.substr(from, colon - from), hits);
    from = colon + 1;
  }
}

void IndicatorSet::scan_host(std::string_view host, std::vector<TextHit>& hits) const {
  if (host.empty()) return;
  const auto ips = match_ip(host);
  add_hits(ips, host, hits);
  if (ips.empty() && has_letter(host) && host.find('.') != std::string_view::npos) {
    add_hits(match_domain(host), host, hits);
  }
}

}  // namespace hozen::analysis
