// Parsers for /proc/<pid>/net/route, /proc/<pid>/net/ipv6_route and /proc/<pid>/net/arp
// (proc(5); net/ipv4/fib_trie.c, net/ipv6/route.c, net/ipv4/arp.c print formats).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/parse_util.h"

namespace hozen::platform::procfs {

struct RouteEntry {
  int family = 0;  // AF_INET or AF_INET6
  std::string interface;
  std::array<std::uint8_t, 16> destination{};  // network byte order (IPv4: first 4 bytes)
  std::array<std::uint8_t, 16> gateway{};
  std::uint32_t prefix_len = 0;
  std::uint32_t flags = 0;
  std::uint32_t metric = 0;
};

// IPv4 table: "Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT", addresses
// as %08X of the in-memory (network order) word. The header line is skipped.
ParsedLines<RouteEntry> parse_route(std::string_view text);
// IPv6 table: "dst(32 hex) dst_len src src_len nexthop metric refcnt use flags iface", no header.
ParsedLines<RouteEntry> parse_ipv6_route(std::string_view text);

struct ArpEntry {
  std::string ip;          // as printed ("192.0.2.1")
  std::uint32_t hw_type = 0;
  std::uint32_t flags = 0;
  std::string hw_address;  // as printed ("aa:bb:cc:dd:ee:ff")
  std::string interface;
};
// "IP address HW type Flags HW address Mask Device"; the header line is skipped.
ParsedLines<ArpEntry> parse_arp(std::string_view text);

struct NetDevEntry {
  std::string interface;
  std::uint64_t rx_bytes = 0, rx_packets = 0, tx_bytes = 0, tx_packets = 0;
};
// /proc/<pid>/net/dev: two header lines, then "name: 16 counters" (net/core/net-procfs.c).
ParsedLines<NetDevEntry> parse_net_dev(std::string_view text);

struct IfInet6Entry {
  std::array<std::uint8_t, 16> address{};
  std::uint32_t index = 0, prefix_len = 0, scope = 0, flags = 0;
  std::string interface;
};
// /proc/<pid>/net/if_inet6: "address(32 hex) ifindex prefix scope flags name", hex numbers,
// no header (net/ipv6/addrconf.c).
ParsedLines<IfInet6Entry> parse_if_inet6(std::string_view text);

}  // namespace hozen::platform::procfs
