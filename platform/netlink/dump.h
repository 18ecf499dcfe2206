// One netlink dump: send a request, read replies until NLMSG_DONE. Shared by the sock_diag and
// rtnetlink readers. Hostile-input rules: replies from anyone but the kernel (port id 0) or with
// another sequence number are ignored, truncated datagrams and interrupted dumps are errors, and
// every message length is checked before it is read.
#pragma once

#include <linux/netlink.h>

#include <functional>
#include <string_view>

#include "platform/error.h"

namespace hozen::platform::netlink {

// Opens a socket of `protocol` (NETLINK_SOCK_DIAG, NETLINK_ROUTE), sends `request` (a complete
// nlmsghdr + body whose nlmsg_seq is `seq`) and calls on_message(header, payload bytes) for every
// reply message of that sequence until NLMSG_DONE. `what` names the dump in errors.
[[nodiscard]] Result<void> dump(int protocol, const void* request, std::size_t request_len,
                                std::uint32_t seq, std::string_view what,
                                const std::function<void(const nlmsghdr&, std::string_view)>& on_message);

// Calls fn(type, payload) for each rtattr in `attrs` (bounds-checked).
void for_each_attr(std::string_view attrs, const std::function<void(unsigned short, std::string_view)>& fn);

}  // namespace hozen::platform::netlink
