// Recognition and normalisation of single indicator values (addresses, domains, URLs, hashes,
// ports) and the refanging of advisory text. Pure functions over bytes, used both for the
// analyst's indicator files (strict: a reason on failure) and for host bytes at match time.
// All functions are thread-safe and never throw except std::bad_alloc.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/analysis/ioc.h"

namespace hozen::analysis::ioc {

// An IP address in network byte order: 4 bytes for IPv4, 16 for IPv6. An IPv4-mapped IPv6
// address (::ffff:a.b.c.d) is always folded to its IPv4 form, so both spellings compare equal.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t length = 0;  // 4 or 16
};

// Parses a bare address: dotted quad (four decimal parts 0-255, no leading zeros, which some
// tools read as octal) or any IPv6 text form inet_pton(3) accepts. No brackets, port or zone.
[[nodiscard]] std::optional<IpAddress> parse_ip(std::string_view text);

// Canonical text: "10.1.2.3"; RFC 5952 for IPv6 ("2001:db8::1", lower-case).
[[nodiscard]] std::string format_ip(const IpAddress& address);

struct IpNetwork {
  IpAddress network;  // host bits cleared
  unsigned prefix = 0;
};

// Parses "address/prefix" (prefix 0-32 for IPv4, 0-128 for IPv6). Host bits set below the prefix
// are cleared ("10.1.2.3/8" is 10.0.0.0/8). An IPv6 network inside ::ffff:0:0/96 is folded to
// IPv4. Error: a short reason naming what is wrong.
[[nodiscard]] Expected<IpNetwork, std::string> parse_cidr(std::string_view text);

// "10.0.0.0/8", "2001:db8::/32".
[[nodiscard]] std::string format_cidr(const IpNetwork& network);

// Keeps the first `prefix` bits of `address`, zeroing the rest.
[[nodiscard]] IpAddress mask_address(const IpAddress& address, unsigned prefix);

// The lookup key of the network `address`/`prefix`: the masked address bytes and one byte of
// prefix length (equal keys <=> equal networks of the same family).
[[nodiscard]] std::string network_key(const IpAddress& address, unsigned prefix);

// Undoes the defanging advisories apply: "[.]" "(.)" "{.}" "[dot]" "(dot)" "{dot}" -> ".",
// "[:]" -> ":", "[://]" -> "://", "[/]" -> "/", and a leading "hxxp" "hxxps" "fxp" scheme
// (any case) -> "http" "https" "ftp". Bracket forms are matched case-insensitively.
[[nodiscard]] std::string refang(std::string_view text);

// Validates and normalises a domain written by an analyst: ASCII letters, digits and '-' in
// dot-separated labels of 1-63 bytes, at least two labels, at most 253 bytes, the last label
// alphabetic or an IDN "xn--" label. Lower-cased, one trailing dot dropped.
[[nodiscard]] Expected<std::string, std::string> normalize_domain(std::string_view text);

// Lower-cases and drops one trailing dot; no validation (host bytes at match time).
[[nodiscard]] std::string fold_host(std::string_view host);

// A URL split into the parts that are compared.
struct UrlParts {
  std::string scheme;  // lower-case
  std::string host;    // lower-case, trailing dot dropped; IPv6 in canonical form inside [ ]
  std::string port;    // decimal, empty when absent or the scheme's default (80, 443, 21)
  std::string rest;    // path and query as written (byte-exact), always starting with '/';
                       // user info and the #fragment are dropped
  std::string origin() const;      // scheme://host[:port]
  std::string normalized() const;  // origin() + rest
};

// Splits "scheme://[user@]host[:port][/path][?query][#fragment]". The scheme is
// [A-Za-z][A-Za-z0-9+.-]*; the host is non-empty, a bracketed IPv6 address or bytes without
// ':' '/' '?' '#' '@' or whitespace. Error: a short reason.
[[nodiscard]] Expected<UrlParts, std::string> parse_url(std::string_view text);

// parse_url() plus the analyst-side checks: the host is an IP address or a hostname of
// non-empty [a-z0-9-_] labels, the port 1-65535, no control bytes or spaces anywhere.
[[nodiscard]] Expected<UrlParts, std::string> parse_url_indicator(std::string_view text);

enum class HashKind { kMd5, kSha1, kSha256 };

struct HashValue {
  HashKind kind;
  std::string hex;  // lower-case
};

// Hex digits of length 32 (MD5), 40 (SHA-1) or 64 (SHA-256), any case, optionally prefixed
// "md5:", "sha1:", "sha-1:", "sha256:" or "sha-256:" (the prefix must agree with the length).
[[nodiscard]] Expected<HashValue, std::string> parse_hash(std::string_view text);

// The hash kind of a hex length (32/40/64), if any.
[[nodiscard]] std::optional<HashKind> hash_kind_for_hex_length(std::size_t length);

[[nodiscard]] bool is_hex(std::string_view text);
[[nodiscard]] std::string lower_ascii(std::string_view text);

// A port number 1-65535, or "tcp/N", "udp/N", "N/tcp", "N/udp" (the protocol, any case, is
// accepted and not kept: a port indicator matches either protocol).
[[nodiscard]] Expected<std::uint16_t, std::string> parse_port(std::string_view text);

// `text` quoted for an error message: printable ASCII as is, '\'' and '\\' and every other byte
// as an escape (\t, \xNN), cut to `max_bytes` of input with "..." appended.
[[nodiscard]] std::string excerpt(std::string_view text, std::size_t max_bytes = 80);

}  // namespace hozen::analysis::ioc
