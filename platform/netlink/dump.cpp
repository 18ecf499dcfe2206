#include "platform/netlink/dump.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "platform/unique_fd.h"

namespace hozen::platform::netlink {

Result<void> dump(int protocol, const void* request, std::size_t request_len, std::uint32_t seq,
                  std::string_view what,
                  const std::function<void(const nlmsghdr&, std::string_view)>& on_message) {
  const std::string name(what);
  int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, protocol);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "socket(netlink)", name));
  UniqueFd guard(fd);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, request, request_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    return platform::Unexpected(Error::from_errno(errno, "sendto", name));
  }
  alignas(nlmsghdr) char buf[65536];
  for (;;) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "recvfrom", name));
    if (n == 0 || static_cast<std::size_t>(n) > sizeof buf) {
      return platform::Unexpected(Error::make(ErrorKind::kMalformed, "recvfrom", name, "empty or truncated reply"));
    }
    // Only the kernel (port id 0) answers dumps; anything else is a local process's unicast.
    if (from.nl_pid != 0) continue;
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != seq) continue;
      if ((h->nlmsg_flags & NLM_F_DUMP_INTR) != 0) {
        return platform::Unexpected(Error::make(ErrorKind::kIo, "dump", name, "interrupted (the table changed); retry"));
      }
      if (h->nlmsg_type == NLMSG_DONE) return {};
      if (h->nlmsg_type == NLMSG_ERROR) {
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) {
          return platform::Unexpected(Error::make(ErrorKind::kMalformed, "dump", name, "short error message"));
        }
        return platform::Unexpected(
            Error::from_errno(-static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error, "dump", name));
      }
      on_message(*h, std::string_view(static_cast<const char*>(NLMSG_DATA(h)),
                                      h->nlmsg_len - NLMSG_LENGTH(0)));
    }
  }
}

void for_each_attr(std::string_view attrs, const std::function<void(unsigned short, std::string_view)>& fn) {
  int len = static_cast<int>(attrs.size());
  for (auto* a = reinterpret_cast<const rtattr*>(attrs.data()); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    fn(a->rta_type, std::string_view(static_cast<const char*>(RTA_DATA(a)), RTA_PAYLOAD(a)));
  }
}

}  // namespace hozen::platform::netlink
