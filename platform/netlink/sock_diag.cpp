#include "platform/netlink/sock_diag.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/unique_fd.h"

namespace hozen::platform::netlink {

Result<std::vector<std::uint64_t>> inet_socket_inodes(int family, int protocol) {
  int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "socket(NETLINK_SOCK_DIAG)"));
  UniqueFd guard(fd);
  struct {
    nlmsghdr nlh;
    inet_diag_req_v2 req;
  } msg{};
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.nlh.nlmsg_seq = 1;
  msg.req.sdiag_family = static_cast<std::uint8_t>(family);
  msg.req.sdiag_protocol = static_cast<std::uint8_t>(protocol);
  msg.req.idiag_states = ~0u;  // every state
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    return platform::Unexpected(Error::from_errno(errno, "sendto(sock_diag)"));
  }
  std::vector<std::uint64_t> out;
  alignas(nlmsghdr) char buf[65536];
  for (;;) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "recv(sock_diag)"));
    if (n == 0) return platform::Unexpected(Error::make(ErrorKind::kMalformed, "recv(sock_diag)", "", "empty reply"));
    if (static_cast<std::size_t>(n) > sizeof buf) {
      return platform::Unexpected(Error::make(ErrorKind::kMalformed, "recv(sock_diag)", "", "reply truncated"));
    }
    // Only the kernel (port id 0) answers dumps; anything else is a local process's unicast.
    if (from.nl_pid != 0) continue;
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != 1) continue;
      if ((h->nlmsg_flags & NLM_F_DUMP_INTR) != 0) {
        return platform::Unexpected(Error::make(ErrorKind::kIo, "sock_diag", "", "dump interrupted (sockets changed); retry"));
      }
      if (h->nlmsg_type == NLMSG_DONE) return out;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) {
          return platform::Unexpected(Error::make(ErrorKind::kMalformed, "sock_diag", "", "short error"));
        }
        return platform::Unexpected(Error::from_errno(-err->error, "sock_diag"));
      }
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
      const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
      out.push_back(m->idiag_inode);
    }
  }
}

Result<std::vector<UnixSocket>> unix_sockets() {
  int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "socket(NETLINK_SOCK_DIAG)"));
  UniqueFd guard(fd);
  struct {
    nlmsghdr nlh;
    unix_diag_req req;
  } msg{};
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.nlh.nlmsg_seq = 3;
  msg.req.sdiag_family = AF_UNIX;
  msg.req.udiag_states = ~0u;
  msg.req.udiag_show = UDIAG_SHOW_NAME;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    return platform::Unexpected(Error::from_errno(errno, "sendto(unix_diag)"));
  }
  std::vector<UnixSocket> out;
  alignas(nlmsghdr) char buf[65536];
  for (;;) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "recv(unix_diag)"));
    if (n == 0 || static_cast<std::size_t>(n) > sizeof buf) {
      return platform::Unexpected(Error::make(ErrorKind::kMalformed, "recv(unix_diag)", "", "empty or truncated reply"));
    }
    if (from.nl_pid != 0) continue;
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != 3) continue;
      if ((h->nlmsg_flags & NLM_F_DUMP_INTR) != 0) {
        return platform::Unexpected(Error::make(ErrorKind::kIo, "unix_diag", "", "dump interrupted; retry"));
      }
      if (h->nlmsg_type == NLMSG_DONE) return out;
      if (h->nlmsg_type == NLMSG_ERROR) {
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) {
          return platform::Unexpected(Error::make(ErrorKind::kMalformed, "unix_diag", "", "short error"));
        }
        return platform::Unexpected(Error::from_errno(-static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error, "unix_diag"));
      }
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(unix_diag_msg))) continue;
      const auto* m = static_cast<const unix_diag_msg*>(NLMSG_DATA(h));
      UnixSocket u;
      u.inode = m->udiag_ino;
      u.type = m->udiag_type;
      u.state = m->udiag_state;
      int attr_len = static_cast<int>(h->nlmsg_len) - static_cast<int>(NLMSG_LENGTH(sizeof(unix_diag_msg)));
      for (auto* a = reinterpret_cast<const rtattr*>(reinterpret_cast<const char*>(m) + NLMSG_ALIGN(sizeof(unix_diag_msg)));
           RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
        if (a->rta_type == UNIX_DIAG_NAME) {
          u.name.assign(static_cast<const char*>(RTA_DATA(a)), RTA_PAYLOAD(a));
        }
      }
      out.push_back(std::move(u));
    }
  }
}

}  // namespace hozen::platform::netlink
