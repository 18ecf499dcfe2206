#include "platform/netlink/neighbours.h"

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/netlink/dump.h"

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
  struct {
    nlmsghdr nlh;
    ndmsg nd;
  } req{};
  req.nlh.nlmsg_len = sizeof req;
  req.nlh.nlmsg_type = RTM_GETNEIGH;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nlh.nlmsg_seq = 2;
  req.nd.ndm_family = AF_UNSPEC;
  std::vector<Neighbour> out;
  auto r = dump(NETLINK_ROUTE, &req, sizeof req, 2, "RTM_GETNEIGH",
                [&](const nlmsghdr& h, std::string_view payload) {
                  if (h.nlmsg_type != RTM_NEWNEIGH || payload.size() < sizeof(ndmsg)) return;
                  ndmsg nd;
                  std::memcpy(&nd, payload.data(), sizeof nd);
                  Neighbour e;
                  e.family = nd.ndm_family;
                  e.ifindex = static_cast<std::uint32_t>(nd.ndm_ifindex);
                  e.state = nd.ndm_state;
                  e.flags = nd.ndm_flags;
                  for_each_attr(payload.substr(NLMSG_ALIGN(sizeof(ndmsg))),
                                [&](unsigned short type, std::string_view data) {
                                  if (type == NDA_DST && (data.size() == 4 || data.size() == 16)) {
                                    char text[INET6_ADDRSTRLEN] = {};
                                    if (::inet_ntop(data.size() == 4 ? AF_INET : AF_INET6, data.data(), text, sizeof text)) {
                                      e.address = text;
                                    }
                                  } else if (type == NDA_LLADDR && data.size() <= 32) {
                                    e.lladdr = std::string(data);
                                  }
                                });
                  if (e.family == AF_INET || e.family == AF_INET6) out.push_back(std::move(e));
                });
  if (!r) return platform::Unexpected(r.error());
  return out;
}

}  // namespace hozen::platform::netlink
