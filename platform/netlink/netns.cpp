#include "platform/netlink/netns.h"

#include <sched.h>

#include <cerrno>
#include <thread>

namespace hozen::platform::netlink {

Result<void> in_network_namespace(int ns_fd, const std::function<void()>& fn) {
  int err = 0;
  std::thread t([&] {
    if (::setns(ns_fd, CLONE_NEWNET) != 0) {
      err = errno;
      return;
    }
    fn();
  });
  t.join();
  if (err != 0) return Unexpected(Error::from_errno(err, "setns", "ns/net"));
  return {};
}

}  // namespace hozen::platform::netlink
