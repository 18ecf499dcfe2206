// Table-driven tests of the /proc/net socket table parsers (proc(5),
// Documentation/networking/proc_net_tcp.rst).
#include "platform/procfs/net.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

using hozen::platform::procfs::parse_proc_net_inet;
using hozen::platform::procfs::parse_proc_net_packet;
using hozen::platform::procfs::parse_proc_net_unix;
using Addr = std::array<std::uint8_t, 16>;

namespace {

std::uint64_t inode_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

// Writes the address as the kernel does: each 32-bit word of the network-order bytes printed as
// a native integer with %08X. Works on either endianness, like the kernel.
std::string kernel_hex(const std::uint8_t* bytes, std::size_t words) {
  std::string out;
  for (std::size_t i = 0; i < words; ++i) {
    std::uint32_t w;
    std::memcpy(&w, bytes + 4 * i, 4);
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08X", w);
    out += buf;
  }
  return out;
}

const char* kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode                                                     \n";
const char* kTcp6Header =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

}  // namespace

TEST_CASE("net: tcp typical table", "[net]") {
  std::string text =
      std::string(kTcpHeader) +
      "   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000080 00:00000000 00000000   108        0 "
      "24680 1 0000000000000000 100 0 0 10 0                      \n"
      "   1: 0F02000A:0016 0202000A:D3F2 01 00000024:00000000 01:00000016 00000000     0        0 "
      "13579 4 0000000000000000 20 4 29 10 -1                     \n"
      "   2: 0F02000A:0016 0202000A:D3F4 06 00000000:00000000 03:00001683 00000000     0        0 "
      "0 "
      "3 0000000000000000\n";
  auto p = parse_proc_net_inet(text, AF_INET);
  REQUIRE(p.malformed.empty());
  REQUIRE(p.entries.size() == 3);
  const auto& l = p.entries[0];
  CHECK(l.family == AF_INET);
  CHECK(l.slot == 0);
  CHECK(l.local == Addr{127, 0, 0, 1});
  CHECK(l.local_port == 3306);
  CHECK(l.remote == Addr{});
  CHECK(l.remote_port == 0);
  CHECK(l.state == 0x0A);
  CHECK(l.tx_queue == 0);
  CHECK(l.rx_queue == 0x80);
  CHECK(l.uid == 108);
  CHECK(l.inode == 24680);
  const auto& e = p.entries[1];
  CHECK(e.local == Addr{10, 0, 2, 15});
  CHECK(e.local_port == 22);
  CHECK(e.remote == Addr{10, 0, 2, 2});
  CHECK(e.remote_port == 0xD3F2);
  CHECK(e.state == 0x01);
  CHECK(e.tx_queue == 0x24);
  CHECK(p.entries[2].state == 0x06);  // TIME_WAIT: inode 0, fewer trailing columns
  CHECK(p.entries[2].inode == 0);
}

TEST_CASE("net: tcp6 typical table", "[net]") {
  std::string text =
      std::string(kTcp6Header) +
      "   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000     0        0 11111 1 0000000000000000 100 0 0 10 "
      "0\n"
      "   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:E1C2 01 "
      "00000000:00000000 00:00000000 00000000  1000        0 22222 1 0000000000000000 20 4 30 10 "
      "-1\n"
      "   2: B80D0120000000000000000001000000:0050 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000     0        0 33333 1 0000000000000000 100 0 0 10 "
      "0\n";
  auto p = parse_proc_net_inet(text, AF_INET6);
  REQUIRE(p.malformed.empty());
  REQUIRE(p.entries.size() == 3);
  CHECK(p.entries[0].local == Addr{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});  // ::1
  CHECK(p.entries[0].local_port == 22);
  // ::ffff:127.0.0.1
  CHECK(p.entries[1].local == Addr{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1});
  CHECK(p.entries[1].uid == 1000);
  // 2001:db8::1
  CHECK(p.entries[2].local == Addr{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  CHECK(p.entries[2].local_port == 80);
}

TEST_CASE("net: the kernel's address encoding round-trips on this machine", "[net]") {
  const std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xbb, 0,    0,
                               0,    0,    0,    0,    0xde, 0xad, 0xbe, 0xef};
  std::string line = "   0: " + kernel_hex(v6, 4) + ":0001 " + kernel_hex(v6, 4) +
                     ":FFFF 07 00000000:00000000 00:00000000 00000000     0        0 9 2 0 0\n";
  auto p = parse_proc_net_inet(line, AF_INET6);
  REQUIRE(p.entries.size() == 1);
  CHECK(std::memcmp(p.entries[0].local.data(), v6, 16) == 0);
  CHECK(p.entries[0].remote_port == 0xFFFF);
}

TEST_CASE("net: inet named variants", "[net]") {
  const std::string good4 =
      "   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
      "1 1 0000000000000000 100 0 0 10 0";
  SECTION("tcp6-no-header") {
    auto p = parse_proc_net_inet(
        "   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 7 1 0 100 0 0 10 0\n",
        AF_INET6);
    CHECK(p.malformed.empty());
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].inode == 7);
  }
  SECTION("tcp-header-only") {
    auto p = parse_proc_net_inet(kTcpHeader, AF_INET);
    CHECK(p.entries.empty());
    CHECK(p.malformed.empty());
  }
  SECTION("tcp-empty") {
    auto p = parse_proc_net_inet("", AF_INET);
    CHECK(p.entries.empty());
    CHECK(p.malformed.empty());
  }
  SECTION("udp-header-and-columns") {
    auto p = parse_proc_net_inet(
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode ref pointer drops            \n"
        "  127: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        "
        "0 "
        "16170 2 0000000000000000 0         \n",
        AF_INET);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].slot == 127);
    CHECK(p.entries[0].local == Addr{127, 0, 0, 53});
    CHECK(p.entries[0].local_port == 53);
    CHECK(p.entries[0].state == 7);
  }
  SECTION("raw-port-is-protocol") {
    auto p = parse_proc_net_inet(
        "   1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        "
        "0 "
        "555 2 0000000000000000 0\n",
        AF_INET);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].local_port == IPPROTO_ICMP);
  }
  SECTION("tcp-lowercase-hex-accepted") {
    auto p = parse_proc_net_inet(
        "   0: 0100007f:0cea 00000000:0000 0a 00000000:00000000 00:00000000 00000000 0 0 1\n",
        AF_INET);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].local_port == 3306);
  }
  SECTION("tcp-garbage-first-line-is-not-a-header") {
    auto p = parse_proc_net_inet("garbage\n" + good4 + "\n", AF_INET);
    CHECK(p.entries.size() == 1);
    REQUIRE(p.malformed.size() == 1);
    CHECK(p.malformed[0].line == 1);
  }
  SECTION("tcp-header-twice") {
    auto p = parse_proc_net_inet(std::string(kTcpHeader) + kTcpHeader, AF_INET);
    CHECK(p.entries.empty());
    REQUIRE(p.malformed.size() == 1);
    CHECK(p.malformed[0].line == 2);
  }
  SECTION("tcp-wrong-family-v6-table-read-as-v4") {
    auto p = parse_proc_net_inet(
        "   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 7 1 0 100 0 0 10 0\n",
        AF_INET);
    CHECK(p.entries.empty());
    CHECK(p.malformed.size() == 1);
  }
  SECTION("tcp-unknown-family") {
    auto p = parse_proc_net_inet(good4, AF_UNIX);
    CHECK(p.entries.empty());
    CHECK(p.malformed.size() == 1);
  }

  struct Bad {
    const char* name;
    std::string line;
  };
  const std::vector<Bad> bad = {
      {"tcp-too-few-columns", "   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000"},
      {"tcp-slot-without-colon", "   0 0100007F:0CEA 00000000:0000 0A 0:0 00:00000000 0 0 0 1"},
      {"tcp-address-7-digits", "   0: 100007F:0CEA 00000000:0000 0A 0:0 00:00000000 0 0 0 1"},
      {"tcp-address-not-hex", "   0: 0100007G:0CEA 00000000:0000 0A 0:0 00:00000000 0 0 0 1"},
      {"tcp-address-no-port", "   0: 0100007F 00000000:0000 0A 0:0 00:00000000 0 0 0 1"},
      {"tcp-port-5-digits", "   0: 0100007F:10CEA 00000000:0000 0A 0:0 00:00000000 0 0 0 1"},
      {"tcp-state-overflow", "   0: 0100007F:0CEA 00000000:0000 1FF 0:0 00:00000000 0 0 0 1"},
      {"tcp-queues-no-colon", "   0: 0100007F:0CEA 00000000:0000 0A 00000000 00:00000000 0 0 0 1"},
      {"tcp-uid-hex", "   0: 0100007F:0CEA 00000000:0000 0A 0:0 00:00000000 0 3E8 0 1"},
      {"tcp-inode-negative", "   0: 0100007F:0CEA 00000000:0000 0A 0:0 00:00000000 0 0 0 -1"},
      {"tcp-invalid-utf8", "   0: \xff\xfe:0CEA 00000000:0000 0A 0:0 00:00000000 0 0 0 1"},
  };
  for (const auto& b : bad) {
    SECTION(b.name) {
      auto p = parse_proc_net_inet(std::string(kTcpHeader) + good4 + "\n" + b.line + "\n" + good4,
                                   AF_INET);
      CHECK(p.entries.size() == 2);
      REQUIRE(p.malformed.size() == 1);
      CHECK(p.malformed[0].line == 3);
      CHECK(p.malformed[0].raw == b.line);
    }
  }
}

TEST_CASE("net: unix table", "[net]") {
  auto p = parse_proc_net_unix(
      "Num       RefCount Protocol Flags    Type St Inode Path\n"
      "ffff8881: 00000002 00000000 00010000 0001 01 16433 /run/systemd/private\n"
      "0000000000000000: 00000003 00000000 00000000 0001 03  1530\n"
      "0000000000000000: 00000002 00000000 00000000 0002 01 20022 @/tmp/.X11-unix/X0\n"
      "0000000000000000: 00000002 00000000 00000000 0002 01 20023 @abs@with@nuls\n"
      "0000000000000000: 00000002 00000000 00010000 0005 01 20024 /tmp/a b  c\n"
      "0000000000000000: 00000002 00000000 00010000 0001 01 20025  leading space\n");
  REQUIRE(p.malformed.empty());
  REQUIRE(p.entries.size() == 6);
  CHECK(p.entries[0].refcount == 2);
  CHECK(p.entries[0].flags == 0x10000);
  CHECK(p.entries[0].type == SOCK_STREAM);
  CHECK(p.entries[0].state == 1);
  CHECK(p.entries[0].inode == 16433);
  CHECK(p.entries[0].path == "/run/systemd/private");
  CHECK(p.entries[1].inode == 1530);
  CHECK(p.entries[1].state == 3);
  CHECK(p.entries[1].path.empty());
  CHECK(p.entries[2].path == "@/tmp/.X11-unix/X0");
  CHECK(p.entries[2].type == SOCK_DGRAM);
  CHECK(p.entries[3].path == "@abs@with@nuls");
  CHECK(p.entries[4].path == "/tmp/a b  c");
  CHECK(p.entries[4].type == SOCK_SEQPACKET);
  CHECK(p.entries[5].path == " leading space");
}

TEST_CASE("net: unix named bad variants", "[net]") {
  const std::string good = "0000000000000000: 00000002 00000000 00000000 0001 01 1 /x";
  struct Bad {
    const char* name;
    std::string line;
  };
  const std::vector<Bad> bad = {
      {"unix-num-without-colon", "0000000000000000 00000002 00000000 00000000 0001 01 1 /x"},
      {"unix-num-not-hex", "zzzz: 00000002 00000000 00000000 0001 01 1 /x"},
      {"unix-too-few-columns", "0000000000000000: 00000002 00000000 00000000 0001"},
      {"unix-refcount-not-hex", "0000000000000000: 0000000g 00000000 00000000 0001 01 1 /x"},
      {"unix-inode-not-decimal", "0000000000000000: 00000002 00000000 00000000 0001 01 1f /x"},
      {"unix-path-newline-continuation", "ine.sock"},
      {"unix-invalid-utf8", "\xff\xfe: 00000002 00000000 00000000 0001 01 1 /x"},
  };
  for (const auto& b : bad) {
    SECTION(b.name) {
      auto p = parse_proc_net_unix("Num       RefCount Protocol Flags    Type St Inode Path\n" +
                                   good + "\n" + b.line + "\n" + good + "\n");
      CHECK(p.entries.size() == 2);
      REQUIRE(p.malformed.size() == 1);
      CHECK(p.malformed[0].line == 3);
    }
  }
  SECTION("unix-path-invalid-utf8-kept") {
    auto p = parse_proc_net_unix("0000000000000000: 00000002 00000000 00000000 0001 01 1 /\xff\n");
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].path == "/\xff");
  }
  SECTION("unix-no-header") {
    auto p = parse_proc_net_unix(good);
    CHECK(p.entries.size() == 1);
    CHECK(p.malformed.empty());
  }
}

TEST_CASE("net: packet table", "[net]") {
  auto p = parse_proc_net_packet(
      "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n"
      "ffff8880053f8000 3      3    0003   2     1 0      0      31415 \n"
      "0000000000000000 3      2    88cc   0     0 2304   1000   27182  \n"
      "0000000000000000 3      10   0800   3     1 0      0      100    7\n");
  REQUIRE(p.malformed.empty());
  REQUIRE(p.entries.size() == 3);
  CHECK(p.entries[0].refcount == 3);
  CHECK(p.entries[0].type == SOCK_RAW);
  CHECK(p.entries[0].proto == ETH_P_ALL);
  CHECK(p.entries[0].iface == 2);
  CHECK(p.entries[0].running);
  CHECK(p.entries[0].inode == 31415);
  CHECK(p.entries[1].proto == 0x88cc);
  CHECK(p.entries[1].rmem == 2304);
  CHECK(p.entries[1].uid == 1000);
  CHECK_FALSE(p.entries[1].running);
  CHECK(p.entries[2].type == SOCK_PACKET);
  CHECK(p.entries[2].inode == 100);  // a trailing Drops column is ignored
}

TEST_CASE("net: packet named bad variants", "[net]") {
  const std::string good = "0000000000000000 3      3    0003   2     1 0      0      1";
  struct Bad {
    const char* name;
    std::string line;
  };
  const std::vector<Bad> bad = {
      {"packet-too-few-columns", "0000000000000000 3 3 0003 2 1 0 0"},
      {"packet-sk-not-hex", "sock 3 3 0003 2 1 0 0 1"},
      {"packet-proto-not-hex", "0000000000000000 3 3 00x3 2 1 0 0 1"},
      {"packet-iface-negative", "0000000000000000 3 3 0003 -1 1 0 0 1"},
      {"packet-uid-not-a-number", "0000000000000000 3 3 0003 2 1 0 root 1"},
      {"packet-invalid-utf8", "\xff 3 3 0003 2 1 0 0 1"},
  };
  for (const auto& b : bad) {
    SECTION(b.name) {
      auto p = parse_proc_net_packet("sk       RefCnt Type Proto  Iface R Rmem   User   Inode\n" +
                                     good + "\n" + b.line + "\n");
      CHECK(p.entries.size() == 1);
      REQUIRE(p.malformed.size() == 1);
      CHECK(p.malformed[0].line == 3);
    }
  }
}

TEST_CASE("net: live tcp listener is found in /proc/net/tcp", "[net][live]") {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(s >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(s, 4) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  const std::uint16_t port = ntohs(a.sin_port);

  auto p = parse_proc_net_inet(hozen::testing::read_all("/proc/net/tcp"), AF_INET);
  const std::uint64_t ino = inode_of(s);
  ::close(s);
  CHECK(p.malformed.empty());
  bool found = false;
  for (const auto& e : p.entries) {
    if (e.local_port != port) continue;
    found = true;
    CHECK(e.state == 0x0A);  // TCP_LISTEN
    CHECK(e.local == Addr{127, 0, 0, 1});
    CHECK(e.remote == Addr{});
    CHECK(e.uid == ::geteuid());
    CHECK(e.inode == ino);
  }
  CHECK(found);
}

TEST_CASE("net: live tcp6 and udp sockets are found", "[net][live]") {
  int s6 = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s6 < 0) return;  // no IPv6 in this kernel
  sockaddr_in6 a6{};
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  if (::bind(s6, reinterpret_cast<sockaddr*>(&a6), sizeof a6) != 0) {  // ::1 not configured
    ::close(s6);
    return;
  }
  REQUIRE(::listen(s6, 1) == 0);
  socklen_t len = sizeof a6;
  REQUIRE(::getsockname(s6, reinterpret_cast<sockaddr*>(&a6), &len) == 0);

  int u = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(u >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  len = sizeof a;
  REQUIRE(::getsockname(u, reinterpret_cast<sockaddr*>(&a), &len) == 0);

  auto t6 = parse_proc_net_inet(hozen::testing::read_all("/proc/net/tcp6"), AF_INET6);
  auto ud = parse_proc_net_inet(hozen::testing::read_all("/proc/net/udp"), AF_INET);
  const auto ino6 = inode_of(s6), inou = inode_of(u);
  ::close(s6);
  ::close(u);
  CHECK(t6.malformed.empty());
  CHECK(ud.malformed.empty());
  bool f6 = false, fu = false;
  for (const auto& e : t6.entries) {
    if (e.inode != ino6) continue;
    f6 = true;
    CHECK(e.local_port == ntohs(a6.sin6_port));
    CHECK(e.local == Addr{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  }
  for (const auto& e : ud.entries) {
    if (e.inode != inou) continue;
    fu = true;
    CHECK(e.local_port == ntohs(a.sin_port));
    CHECK(e.state == 0x07);  // TCP_CLOSE: an unconnected UDP socket
  }
  CHECK(f6);
  CHECK(fu);
}

TEST_CASE("net: live unix sockets (path with spaces, abstract with NUL) are found", "[net][live]") {
  hozen::testing::TempDir d;
  const std::string path = d / "my sock";
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(s >= 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), path.size());
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(s, 1) == 0);

  int ab = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(ab >= 0);
  sockaddr_un b{};
  b.sun_family = AF_UNIX;
  const char name[] = "\0hozen-test\0x";  // abstract, with an interior NUL
  const std::size_t name_len = sizeof name - 1;
  std::memcpy(b.sun_path, name, name_len);
  REQUIRE(::bind(ab, reinterpret_cast<sockaddr*>(&b),
                 static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_len)) == 0);

  auto p = parse_proc_net_unix(hozen::testing::read_all("/proc/net/unix"));
  const auto ino = inode_of(s), inoab = inode_of(ab);
  ::close(s);
  ::close(ab);
  CHECK(p.malformed.empty());
  bool fs = false, fab = false;
  for (const auto& e : p.entries) {
    if (e.inode == ino) {
      fs = true;
      CHECK(e.path == path);
      CHECK(e.flags == 0x10000);  // __SO_ACCEPTCON: listening
      CHECK(e.type == SOCK_STREAM);
    }
    if (e.inode == inoab) {
      fab = true;
      CHECK(e.path == "@hozen-test@x");
      CHECK(e.type == SOCK_DGRAM);
    }
  }
  CHECK(fs);
  CHECK(fab);
}

TEST_CASE("net: live packet socket is found in /proc/net/packet", "[net][live]") {
  int s = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (s < 0) return;  // needs CAP_NET_RAW
  auto p = parse_proc_net_packet(hozen::testing::read_all("/proc/net/packet"));
  const auto ino = inode_of(s);
  ::close(s);
  CHECK(p.malformed.empty());
  bool found = false;
  for (const auto& e : p.entries) {
    if (e.inode != ino) continue;
    found = true;
    CHECK(e.type == SOCK_RAW);
    CHECK(e.proto == ETH_P_ALL);
    CHECK(e.iface == 0);
    CHECK(e.running);
  }
  CHECK(found);
}
