// The kernel's neighbour table (ARP and IPv6 NDP) of the caller's network namespace, through an
// RTM_GETNEIGH dump (rtnetlink(7)). Read-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/error.h"

namespace hozen::platform::netlink {

struct Neighbour {
  int family = 0;         // AF_INET, AF_INET6
  std::string address;    // textual IP
  std::string lladdr;     // raw link-layer address bytes (empty when incomplete)
  std::uint32_t ifindex = 0;
  std::uint16_t state = 0;  // NUD_* bits
  std::uint8_t flags = 0;   // NTF_*
};

// Errors: kDenied, kIo, kMalformed.
[[nodiscard]] Result<std::vector<Neighbour>> dump_neighbours();

// "REACHABLE", "STALE|PERMANENT", ... for NUD_* bits.
std::string neighbour_state_name(std::uint16_t state);

}  // namespace hozen::platform::netlink
