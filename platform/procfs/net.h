// Parsers for the socket tables under /proc/net (proc(5) "/proc/net/tcp", "/proc/net/unix";
// Documentation/networking/proc_net_tcp.rst). Formats from the kernel's seq_show functions:
//   tcp  net/ipv4/tcp_ipv4.c get_tcp4_sock()   "%4d: %08X:%04X %08X:%04X %02X %08X:%08X ..."
//   tcp6 net/ipv6/tcp_ipv6.c get_tcp6_sock()   addresses as four %08X words
//   udp  net/ipv4/udp.c udp4_format_sock(), raw net/ipv4/raw.c raw_sock_seq_show() (same columns)
//   unix net/unix/af_unix.c unix_seq_show()    "%pK: %08X %08X %08X %04X %02X %5lu[ path]"
//   packet net/packet/af_packet.c packet_seq_show() "%pK %-6d %-4d %04x   %-5d %1d %-6u %-6u %-6lu"
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/parse_util.h"

namespace hozen::platform::procfs {

struct InetSocketEntry {
  int family = 0;                                  // AF_INET or AF_INET6, as passed to the parser
  std::array<std::uint8_t, 16> local{}, remote{};  // network byte order; IPv4 in bytes 0-3
  std::uint16_t local_port = 0, remote_port = 0;   // host order; for raw sockets: the protocol
  std::uint8_t state = 0;                    // TCP_* from include/net/tcp_states.h (0x0A LISTEN)
  std::uint32_t uid = 0;                     // in the reader's user namespace
  std::uint64_t inode = 0;                   // socket inode; 0 for TIME_WAIT and SYN_RECV entries
  std::uint32_t tx_queue = 0, rx_queue = 0;  // bytes (tcp: for LISTEN, rx is the accept backlog)
  std::uint32_t slot = 0;                    // "sl", the hash bucket index the kernel prints
};

// /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6}. `family` is AF_INET (addresses of 8 hex
// digits) or AF_INET6 (32 hex digits); any other value makes every line malformed.
//
// Addresses: the kernel prints each 32-bit word of the address (as it lies in memory, i.e. in
// network byte order) with %08X, which reads it as a native integer. So on the little-endian
// machine that wrote the text, 127.0.0.1 appears as "0100007F". The parser reverses that on the
// machine it runs on, which is the machine whose /proc it reads. Ports and all other numbers are
// printed as host integers: ports, state and queues in hex, uid and inode in decimal.
//
// The first line is the column header; it is skipped when it does not parse as an entry and starts
// with "sl" (a first line that is an entry is kept: tcp6-no-header). Any other line that does not
// parse goes to `malformed`; it never stops the parse. Trailing columns beyond inode are ignored
// (they differ between tcp, udp and raw, and between kernels). Pure, thread-safe, never throws.
ParsedLines<InetSocketEntry> parse_proc_net_inet(std::string_view text, int family);

struct UnixSocketEntry {
  std::uint64_t inode = 0;
  std::uint32_t refcount = 0;
  std::uint32_t flags = 0;  // __SO_ACCEPTCON (0x10000) when listening
  std::uint32_t type = 0;   // SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5
  std::uint32_t state = 0;  // SS_UNCONNECTED 1, SS_CONNECTING 2, SS_CONNECTED 3, ...
  // Raw bytes after the single space that follows the inode, "" when unbound. Abstract names start
  // with '@' and have each NUL byte of the name written as '@' by the kernel (so '@' inside an
  // abstract name is ambiguous). Pathnames are written unescaped: a pathname containing '\n' splits
  // the entry across two lines (the second becomes a malformed line). Not trimmed.
  std::string path;
};

// /proc/net/unix. Header handling as for parse_proc_net_inet (header starts with "Num"). The
// "Protocol" column is always 0 and is not kept. Pure, thread-safe, never throws.
ParsedLines<UnixSocketEntry> parse_proc_net_unix(std::string_view text);

struct PacketSocketEntry {
  std::uint64_t inode = 0;
  std::uint32_t type = 0;   // SOCK_RAW 3, SOCK_DGRAM 2, SOCK_PACKET 10
  std::uint32_t proto = 0;  // ethertype in host order (0x0003 ETH_P_ALL), printed in hex
  std::uint32_t iface = 0;  // ifindex; 0 = all interfaces
  std::uint32_t rmem = 0;   // bytes queued for receive
  std::uint32_t uid = 0;
  bool running = false;  // the "R" column
  std::uint32_t refcount = 0;
};

// /proc/net/packet: "sk RefCnt Type Proto Iface R Rmem User Inode", header handled as above
// (header starts with "sk"). Columns after Inode (some kernels add Drops) are ignored. Pure,
// thread-safe, never throws.
ParsedLines<PacketSocketEntry> parse_proc_net_packet(std::string_view text);

}  // namespace hozen::platform::procfs
