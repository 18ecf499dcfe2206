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

}  // namespace hozen::platform::netlink
