// Parsers of /proc/<pid>/net/{route,ipv6_route,arp,dev,if_inet6}, on text as the kernel prints it.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "platform/procfs/net_route.h"

using namespace hozen::platform::procfs;

namespace {
std::string ip(int family, const std::array<std::uint8_t, 16>& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, a.data(), buf, sizeof buf);
  return buf;
}
}  // namespace

TEST_CASE("route: default route and a connected network", "[net_route]") {
  auto p = parse_route(
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
      "eth0\t000200C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
      "eth0\tZZZZ\n");
  REQUIRE(p.entries.size() == 2);
  CHECK(ip(AF_INET, p.entries[0].gateway) == "192.0.2.1");
  CHECK(p.entries[0].prefix_len == 0);
  CHECK(ip(AF_INET, p.entries[1].destination) == "192.0.2.0");
  CHECK(p.entries[1].prefix_len == 24);
  CHECK(p.entries[1].metric == 100);
  REQUIRE(p.malformed.size() == 1);
  CHECK(p.malformed[0].line == 4);
}

TEST_CASE("ipv6_route and if_inet6", "[net_route]") {
  auto r = parse_ipv6_route(
      "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
      "short line\n");
  REQUIRE(r.entries.size() == 1);
  CHECK(ip(AF_INET6, r.entries[0].destination) == "fd00::");
  CHECK(r.entries[0].prefix_len == 64);
  CHECK(r.entries[0].metric == 256);
  CHECK(r.entries[0].interface == "eth0");
  CHECK(r.malformed.size() == 1);
  auto a = parse_if_inet6("fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
                          "00000000000000000000000000000001 01 80 10 80       lo\n"
                          "00000000000000000000000000000001 01 81 10 80       lo\n");
  REQUIRE(a.entries.size() == 2);
  CHECK(ip(AF_INET6, a.entries[0].address) == "fe80::fc:ff:fe00:1");
  CHECK(a.entries[0].index == 4);
  CHECK(a.entries[1].prefix_len == 128);
  CHECK(a.malformed.size() == 1);  // prefix 0x81 > 128
}

TEST_CASE("arp and net/dev", "[net_route]") {
  auto a = parse_arp("IP address       HW type     Flags       HW address            Mask     Device\n"
                     "192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0\n");
  REQUIRE(a.entries.size() == 1);
  CHECK(a.entries[0].hw_address == "02:fc:00:00:00:05");
  CHECK(a.entries[0].flags == 2);
  auto d = parse_net_dev(
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
      "    lo: 4949731   90465    0    0    0     0          0         0  4949731   90465    0    0    0     0       0          0\n"
      "eth0: 1 2 3\n");
  REQUIRE(d.entries.size() == 1);
  CHECK(d.entries[0].interface == "lo");
  CHECK(d.entries[0].tx_packets == 90465);
  CHECK(d.malformed.size() == 1);
}
