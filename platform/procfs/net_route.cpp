#include "platform/procfs/net_route.h"

#include <sys/socket.h>

#include <cstring>

namespace hozen::platform::procfs {
namespace {

// 8 hex digits printed from a native-endian 32-bit word whose memory holds network-order bytes.
bool hex_word_to_bytes(std::string_view hex, std::uint8_t* out) {
  auto v = parse_uint<std::uint32_t>(hex, 16);
  if (!v || hex.size() != 8) return false;
  std::memcpy(out, &*v, 4);
  return true;
}

// 32 hex digits, printed byte by byte in network order (%pi6 style without colons).
bool hex16_to_bytes(std::string_view hex, std::array<std::uint8_t, 16>& out) {
  if (hex.size() != 32) return false;
  for (std::size_t i = 0; i < 16; ++i) {
    auto b = parse_uint<std::uint8_t>(hex.substr(i * 2, 2), 16);
    if (!b) return false;
    out[i] = *b;
  }
  return true;
}

}  // namespace

ParsedLines<RouteEntry> parse_route(std::string_view text) {
  ParsedLines<RouteEntry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty() || (n == 1 && line.starts_with("Iface"))) return;
    auto f = split_ws(line);
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    if (f.size() < 11) return bad("fewer than 11 fields");
    RouteEntry r;
    r.family = AF_INET;
    r.interface = std::string(f[0]);
    std::array<std::uint8_t, 4> mask{};
    auto flags = parse_uint<std::uint32_t>(f[3], 16);
    auto metric = parse_uint<std::uint32_t>(f[6]);
    if (!hex_word_to_bytes(f[1], r.destination.data()) || !hex_word_to_bytes(f[2], r.gateway.data()) ||
        !hex_word_to_bytes(f[7], mask.data()) || !flags || !metric) {
      return bad("bad hex field");
    }
    for (auto b : mask) r.prefix_len += static_cast<std::uint32_t>(__builtin_popcount(b));
    r.flags = *flags;
    r.metric = *metric;
    out.entries.push_back(std::move(r));
  });
  return out;
}

ParsedLines<RouteEntry> parse_ipv6_route(std::string_view text) {
  ParsedLines<RouteEntry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty()) return;
    auto f = split_ws(line);
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    if (f.size() != 10) return bad("not 10 fields");
    RouteEntry r;
    r.family = AF_INET6;
    auto plen = parse_uint<std::uint32_t>(f[1], 16);
    auto metric = parse_uint<std::uint32_t>(f[5], 16);
    auto flags = parse_uint<std::uint32_t>(f[8], 16);
    if (!hex16_to_bytes(f[0], r.destination) || !hex16_to_bytes(f[4], r.gateway) || !plen ||
        !metric || !flags || *plen > 128) {
      return bad("bad hex field");
    }
    r.prefix_len = *plen;
    r.metric = *metric;
    r.flags = *flags;
    r.interface = std::string(f[9]);
    out.entries.push_back(std::move(r));
  });
  return out;
}

ParsedLines<ArpEntry> parse_arp(std::string_view text) {
  ParsedLines<ArpEntry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty() || (n == 1 && line.starts_with("IP address"))) return;
    auto f = split_ws(line);
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    if (f.size() != 6) return bad("not 6 fields");
    auto strip0x = [](std::string_view s) { return s.starts_with("0x") ? s.substr(2) : s; };
    auto hw = parse_uint<std::uint32_t>(strip0x(f[1]), 16);
    auto flags = parse_uint<std::uint32_t>(strip0x(f[2]), 16);
    if (!hw || !flags) return bad("bad hex field");
    out.entries.push_back(ArpEntry{std::string(f[0]), *hw, *flags, std::string(f[3]), std::string(f[5])});
  });
  return out;
}

ParsedLines<NetDevEntry> parse_net_dev(std::string_view text) {
  ParsedLines<NetDevEntry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty() || n <= 2) return;  // the two header lines
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return bad("no ':' after the interface name");
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    auto f = split_ws(line.substr(colon + 1));
    if (name.empty() || f.size() < 16) return bad("fewer than 16 counters");
    auto rb = parse_uint<std::uint64_t>(f[0]), rp = parse_uint<std::uint64_t>(f[1]);
    auto tb = parse_uint<std::uint64_t>(f[8]), tp = parse_uint<std::uint64_t>(f[9]);
    if (!rb || !rp || !tb || !tp) return bad("counter not a number");
    out.entries.push_back(NetDevEntry{std::string(name), *rb, *rp, *tb, *tp});
  });
  return out;
}

ParsedLines<IfInet6Entry> parse_if_inet6(std::string_view text) {
  ParsedLines<IfInet6Entry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty()) return;
    auto f = split_ws(line);
    auto bad = [&](const char* why) { out.malformed.push_back({n, std::string(line), why}); };
    if (f.size() != 6) return bad("not 6 fields");
    IfInet6Entry e;
    auto idx = parse_uint<std::uint32_t>(f[1], 16), plen = parse_uint<std::uint32_t>(f[2], 16);
    auto scope = parse_uint<std::uint32_t>(f[3], 16), flags = parse_uint<std::uint32_t>(f[4], 16);
    if (!hex16_to_bytes(f[0], e.address) || !idx || !plen || !scope || !flags || *plen > 128) {
      return bad("bad hex field");
    }
    e.index = *idx;
    e.prefix_len = *plen;
    e.scope = *scope;
    e.flags = *flags;
    e.interface = std::string(f[5]);
    out.entries.push_back(std::move(e));
  });
  return out;
}

}  // namespace hozen::platform::procfs
