// Socket inodes from the kernel's sock_diag netlink interface (sock_diag(7)): a second view of
// the sockets of the caller's network namespace, independent of /proc/net/*. Dump requests only;
// nothing is changed.
#pragma once

#include <cstdint>
#include <vector>

#include "platform/error.h"

namespace hozen::platform::netlink {

// Inodes of all sockets of `protocol` (IPPROTO_TCP, IPPROTO_UDP) and `family` (AF_INET,
// AF_INET6), every state. Errors: kUnsupported (no NETLINK_SOCK_DIAG), kDenied, kIo, kMalformed.
[[nodiscard]] Result<std::vector<std::uint64_t>> inet_socket_inodes(int family, int protocol);

struct UnixSocket {
  std::uint64_t inode = 0;
  std::uint8_t type = 0;   // SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET
  std::uint8_t state = 0;  // TCP_LISTEN (10) for a listening socket, TCP_ESTABLISHED, TCP_CLOSE
  std::string name;        // sun_path bytes as bound, with their real length ("" if unbound;
                           // an abstract name starts with a NUL byte)
};

// Unix sockets of the caller's network namespace with UNIX_DIAG (names carry their length, so a
// path containing a newline cannot forge an entry as it can in /proc/net/unix).
[[nodiscard]] Result<std::vector<UnixSocket>> unix_sockets();

}  // namespace hozen::platform::netlink
