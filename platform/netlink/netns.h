// Running netlink dumps inside another network namespace. A short-lived thread joins the
// namespace (setns(CLONE_NEWNET) changes only the calling thread) and the sockets it opens
// belong there; the thread then exits, so no other thread of hozen ever changes namespace.
// Nothing on the host changes: setns needs CAP_SYS_ADMIN and only affects hozen's own thread.
#pragma once

#include <functional>

#include "platform/error.h"

namespace hozen::platform::netlink {

// Runs fn() on a new thread that first joins the network namespace open at `ns_fd` (an fd of
// /proc/<pid>/ns/net). Errors: kDenied (no CAP_SYS_ADMIN), kUnsupported, kIo — fn did not run.
[[nodiscard]] Result<void> in_network_namespace(int ns_fd, const std::function<void()>& fn);

}  // namespace hozen::platform::netlink
