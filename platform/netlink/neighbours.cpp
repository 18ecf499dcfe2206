#include "platform/netlink/neighbours.h"

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/unique_fd.h"

namespace hozen::platform::netlink {

std::string neighbour_state_name(std::uint16_t state) {
  static constexpr std::pair<std::uint16_t, const char*> kBits[] = {
      {NUD_INCOMPLETE, "INCOMPLETE"}, {NUD_REACHABLE, "REACHABLE"}, {NUD_STALE, "STALE"},
      {NUD_DELAY, "DELAY"},           {NUD_PROBE, "PROBE"},         {NUD_FAILED, "FAILED"},
      {NUD_NOARP, "NOARP"},           {NUD_PERMANENT, "PERMANENT"}};
  std::string out;
  for (auto [bit, name] : kBits) {
    if ((state & bit) == 0) continue;
    if (!out.empty()) out += '|';
    out += name;
  }
  return out.empty() ? "NONE" : out;
}

Result<std::vector<Neighbour>> dump_neighbours() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "socket(NETLINK_ROUTE)"));
  UniqueFd guard(fd);
  struct {
    nlmsghdr nlh;
    ndmsg nd;
  } req{};
  req.nlh.nlmsg_len = sizeof req;
  req.nlh.nlmsg_type = RTM_GETNEIGH;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nlh.nlmsg_seq = 2;
  req.nd.ndm_family = AF_UNSPEC;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &req, sizeof req, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    return platform::Unexpected(Error::from_errno(errno, "sendto(RTM_GETNEIGH)"));
  }
  std::vector<Neighbour> out;
  alignas(nlmsghdr) char buf[65536];
  for (;;) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "recv(RTM_GETNEIGH)"));
    if (n == 0 || static_cast<std::size_t>(n) > sizeof buf) {
      return platform::Unexpected(Error::make(ErrorKind::kMalformed, "recv(RTM_GETNEIGH)", "", "empty or truncated reply"));
    }
    if (from.nl_pid != 0) continue;  // only the kernel answers dumps
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != 2) continue;
      if (h->nlmsg_type == NLMSG_DONE) return out;
      if (h->nlmsg_type == NLMSG_ERROR) {
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) {
          return platform::Unexpected(Error::make(ErrorKind::kMalformed, "RTM_GETNEIGH", "", "short error"));
        }
        return platform::Unexpected(Error::from_errno(-static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error, "RTM_GETNEIGH"));
      }
      if (h->nlmsg_type != RTM_NEWNEIGH || h->nlmsg_len < NLMSG_LENGTH(sizeof(ndmsg))) continue;
      const auto* nd = static_cast<const ndmsg*>(NLMSG_DATA(h));
      Neighbour e;
      e.family = nd->ndm_family;
      e.ifindex = static_cast<std::uint32_t>(nd->ndm_ifindex);
      e.state = nd->ndm_state;
      e.flags = nd->ndm_flags;
      int attr_len = static_cast<int>(h->nlmsg_len) - static_cast<int>(NLMSG_LENGTH(sizeof(ndmsg)));
      for (auto* a = reinterpret_cast<const rtattr*>(reinterpret_cast<const char*>(nd) + NLMSG_ALIGN(sizeof(ndmsg)));
           RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
        const auto* data = static_cast<const char*>(RTA_DATA(a));
        const std::size_t dlen = RTA_PAYLOAD(a);
        if (a->rta_type == NDA_DST && (dlen == 4 || dlen == 16)) {
          char text[INET6_ADDRSTRLEN] = {};
          if (::inet_ntop(dlen == 4 ? AF_INET : AF_INET6, data, text, sizeof text)) e.address = text;
        } else if (a->rta_type == NDA_LLADDR && dlen <= 32) {
          e.lladdr.assign(data, dlen);
        }
      }
      if (e.family == AF_INET || e.family == AF_INET6) out.push_back(std::move(e));
    }
  }
}

}  // namespace hozen::platform::netlink
