#include "platform/netlink/sock_diag.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>

#include <cstring>

#include "platform/netlink/dump.h"

namespace hozen::platform::netlink {

Result<std::vector<std::uint64_t>> inet_socket_inodes(int family, int protocol) {
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
  std::vector<std::uint64_t> out;
  auto r = dump(NETLINK_SOCK_DIAG, &msg, sizeof msg, 1, "sock_diag inet",
                [&](const nlmsghdr&, std::string_view payload) {
                  if (payload.size() < sizeof(inet_diag_msg)) return;
                  inet_diag_msg m;
                  std::memcpy(&m, payload.data(), sizeof m);
                  out.push_back(m.idiag_inode);
                });
  if (!r) return platform::Unexpected(r.error());
  return out;
}

Result<std::vector<UnixSocket>> unix_sockets() {
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
  std::vector<UnixSocket> out;
  auto r = dump(NETLINK_SOCK_DIAG, &msg, sizeof msg, 3, "sock_diag unix",
                [&](const nlmsghdr&, std::string_view payload) {
                  if (payload.size() < sizeof(unix_diag_msg)) return;
                  unix_diag_msg m;
                  std::memcpy(&m, payload.data(), sizeof m);
                  UnixSocket u;
                  u.inode = m.udiag_ino;
                  u.type = m.udiag_type;
                  u.state = m.udiag_state;
                  for_each_attr(payload.substr(NLMSG_ALIGN(sizeof(unix_diag_msg))),
                                [&](unsigned short type, std::string_view data) {
                                  if (type == UNIX_DIAG_NAME) u.name = std::string(data);
                                });
                  out.push_back(std::move(u));
                });
  if (!r) return platform::Unexpected(r.error());
  return out;
}

}  // namespace hozen::platform::netlink
