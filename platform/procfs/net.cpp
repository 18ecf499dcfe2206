#include "platform/procfs/net.h"

#include <algorithm>

#include <sys/socket.h>

#include <cstring>

#include "platform/procfs/num.h"

namespace hozen::platform::procfs {

namespace {

std::string_view first_token(std::string_view line) {
  auto f = split_ws(line);
  return f.empty() ? std::string_view{} : f[0];
}

// Shared header rule of the /proc/net tables: line 1 is skipped when it is not an entry and looks
// like the kernel's header (its first word); a first line that is neither is malformed.
template <class T, class ParseLine>
ParsedLines<T> parse_table(std::string_view text, std::string_view header_word,
                           ParseLine parse_line) {
  ParsedLines<T> out;
  // One allocation (fresh memory is expensive to touch on some VMs; doubling touches it twice),
  // bounded: blank lines count too.
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  out.entries.reserve(std::min<std::size_t>(lines, 1u << 18));
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty()) return;
    T entry;
    const char* why = parse_line(line, entry);
    if (why == nullptr) {
      out.entries.push_back(std::move(entry));
      return;
    }
    if (n == 1 && first_token(line) == header_word) return;
    out.malformed.push_back(MalformedLine{n, std::string(line), why});
  });
  return out;
}

// "HHHHHHHH" words as printed with %08X: each word is the in-memory (network-order) address word
// read as a native integer, so storing the integer back in native order restores the bytes.
bool decode_address(std::string_view hex, std::size_t words, std::uint8_t* out) {
  if (hex.size() != words * 8) return false;
  for (std::size_t i = 0; i < words; ++i) {
    auto w = detail::parse_hex<std::uint32_t>(hex.substr(i * 8, 8));
    if (!w) return false;
    std::uint32_t v = *w;
    std::memcpy(out + i * 4, &v, 4);
  }
  return true;
}

// "ADDR:PORT"
bool decode_endpoint(std::string_view s, std::size_t words, std::array<std::uint8_t, 16>& addr,
                     std::uint16_t& port) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  auto p = s.substr(colon + 1);
  if (p.size() != 4) return false;
  auto pv = detail::parse_hex<std::uint16_t>(p);
  if (!pv) return false;
  std::array<std::uint8_t, 16> a{};
  if (!decode_address(s.substr(0, colon), words, a.data())) return false;
  addr = a;
  port = *pv;
  return true;
}

// "%4d:" (or "%pK:" for unix): a number followed by a colon.
template <class T>
std::optional<T> parse_slot(std::string_view tok, int base) {
  if (tok.size() < 2 || tok.back() != ':') return std::nullopt;
  return parse_uint<T>(tok.substr(0, tok.size() - 1), base);
}

const char* parse_inet_line(std::string_view line, int family, InetSocketEntry& e) {
  std::size_t words = family == AF_INET ? 1 : family == AF_INET6 ? 4 : 0;
  if (words == 0) return "net: family is neither AF_INET nor AF_INET6";
  auto f = split_ws(line);
  if (f.size() < 10) return "net: fewer than 10 columns";
  auto slot = parse_slot<std::uint32_t>(f[0], 10);
  if (!slot) return "net: slot is not 'N:'";
  e.slot = *slot;
  e.family = family;
  if (!decode_endpoint(f[1], words, e.local, e.local_port)) return "net: bad local address:port";
  if (!decode_endpoint(f[2], words, e.remote, e.remote_port)) return "net: bad remote address:port";
  auto st = detail::parse_hex<std::uint8_t>(f[3]);
  if (!st) return "net: state not hex";
  e.state = *st;
  std::size_t colon = f[4].find(':');
  if (colon == std::string_view::npos) return "net: queues not tx:rx";
  auto tx = detail::parse_hex<std::uint32_t>(f[4].substr(0, colon));
  auto rx = detail::parse_hex<std::uint32_t>(f[4].substr(colon + 1));
  if (!tx || !rx) return "net: queues not hex";
  e.tx_queue = *tx;
  e.rx_queue = *rx;
  auto uid = parse_uint<std::uint32_t>(f[7]);
  if (!uid) return "net: uid not a number";
  e.uid = *uid;
  auto ino = parse_uint<std::uint64_t>(f[9]);
  if (!ino) return "net: inode not a number";
  e.inode = *ino;
  return nullptr;
}


const char* parse_unix_line(std::string_view line, UnixSocketEntry& e) {
  std::string_view rest = line;
  auto num = take_token(rest);
  if (!parse_slot<std::uint64_t>(num, 16)) return "unix: first column is not 'hex:'";
  auto refcount = detail::parse_hex<std::uint32_t>(take_token(rest));
  auto protocol = detail::parse_hex<std::uint32_t>(take_token(rest));
  auto flags = detail::parse_hex<std::uint32_t>(take_token(rest));
  auto type = detail::parse_hex<std::uint32_t>(take_token(rest));
  auto state = detail::parse_hex<std::uint32_t>(take_token(rest));
  if (!refcount || !protocol || !flags || !type || !state)
    return "unix: a hex column does not parse";
  auto inode = parse_uint<std::uint64_t>(take_token(rest));
  if (!inode) return "unix: inode not a number";
  e.refcount = *refcount;
  e.flags = *flags;
  e.type = *type;
  e.state = *state;
  e.inode = *inode;
  // unix_seq_show() writes one ' ' and then the name byte for byte (it may begin with spaces).
  if (!rest.empty()) e.path = std::string(rest.substr(1));
  return nullptr;
}

const char* parse_packet_line(std::string_view line, PacketSocketEntry& e) {
  auto f = split_ws(line);
  if (f.size() < 9) return "packet: fewer than 9 columns";
  if (!detail::parse_hex<std::uint64_t>(f[0])) return "packet: sk is not hex";
  auto refcnt = parse_uint<std::uint32_t>(f[1]);
  auto type = parse_uint<std::uint32_t>(f[2]);
  auto proto = detail::parse_hex<std::uint32_t>(f[3]);
  auto iface = parse_uint<std::uint32_t>(f[4]);
  auto running = parse_uint<std::uint32_t>(f[5]);
  auto rmem = parse_uint<std::uint32_t>(f[6]);
  auto uid = parse_uint<std::uint32_t>(f[7]);
  auto inode = parse_uint<std::uint64_t>(f[8]);
  if (!refcnt || !type || !proto || !iface || !running || !rmem || !uid || !inode) {
    return "packet: a column does not parse";
  }
  e.refcount = *refcnt;
  e.type = *type;
  e.proto = *proto;
  e.iface = *iface;
  e.running = *running != 0;
  e.rmem = *rmem;
  e.uid = *uid;
  e.inode = *inode;
  return nullptr;
}

}  // namespace

ParsedLines<InetSocketEntry> parse_proc_net_inet(std::string_view text, int family) {
  return parse_table<InetSocketEntry>(text, "sl",
                                      [family](std::string_view line, InetSocketEntry& e) {
                                        return parse_inet_line(line, family, e);
                                      });
}

ParsedLines<UnixSocketEntry> parse_proc_net_unix(std::string_view text) {
  return parse_table<UnixSocketEntry>(text, "Num", parse_unix_line);
}

ParsedLines<PacketSocketEntry> parse_proc_net_packet(std::string_view text) {
  return parse_table<PacketSocketEntry>(text, "sk", parse_packet_line);
}

}  // namespace hozen::platform::procfs
