// libFuzzer target: /proc/<pid>/net/{route,ipv6_route,arp} parsers (T56).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/net_route.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)hozen::platform::procfs::parse_route(in);
  (void)hozen::platform::procfs::parse_ipv6_route(in);
  (void)hozen::platform::procfs::parse_arp(in);
  (void)hozen::platform::procfs::parse_net_dev(in);
  (void)hozen::platform::procfs::parse_if_inet6(in);
  return 0;
}
