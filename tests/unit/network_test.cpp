// `network` on a FakeProc (two namespaces, owners joined through fd/) and live (a real listener
// and a UDP socket of this test process are found with their owner).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>

#include "collectors/network/network_collector.h"
#include "platform/netlink/neighbours.h"
#include "tests/support/capture_sink.h"
#include "tests/support/fake_proc.h"

using namespace hozen;

namespace {

testing::CaptureSink run_network(const std::string& proc_root, const platform::FileSystem& host,
                                 std::int32_t self_pid, collectors::SharedReads* shared = nullptr) {
  testing::CaptureSink sink;
  collectors::PlatformFacts facts;
  facts.proc_root = proc_root;
  facts.self_pid = self_pid;
  std::atomic<bool> stop{false};
  collectors::Context ctx(host, &host, facts, {}, {}, stop, 0);
  ctx.set_shared(shared);
  collectors::network::NetworkCollector().collect(ctx, sink);
  return sink;
}

const char* kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

}  // namespace

TEST_CASE("network: sockets per namespace, owners, classification", "[network]") {
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::FakeProcess a{.pid = 100};
  a.comm = "nginx";
  a.fds = {{6, "socket:[5001]"}};
  a.netns = "net:[4026532001]";
  testing::FakeProcess b{.pid = 200};
  b.comm = "implant";
  b.fds = {{3, "socket:[6001]"}, {4, "socket:[6002]"}};
  b.netns = "net:[4026532002]";  // another namespace
  proc.add(a);
  proc.add(b);
  // Namespace A: a listener on 0.0.0.0:80.
  proc.put("100/net/tcp", std::string(kTcpHeader) +
                              "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5001 1 0 100 0 0 10 0\n");
  // Namespace B: an outbound connection 10.0.0.5:40000 -> 203.0.113.9:443, and UDP bound to *:53.
  proc.put("200/net/tcp", std::string(kTcpHeader) +
                              "   0: 0500000A:9C40 097100CB:01BB 01 00000000:00000000 00:00000000 00000000  1000        0 6001 1 0 20 4 30 10 -1\n"
                              "garbage line\n");
  proc.put("200/net/udp", "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
                          "  1: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 6002 2 0 0\n");
  auto host = platform::RootedFileSystem::open(dir.path());
  collectors::SharedReads shared;
  auto sink = run_network(proc.root(), **host, 0, &shared);
  // Every process's whole fd table is handed on to the processes collector, keyed by the
  // identity of the /proc/<pid> directory it was read through.
  REQUIRE(shared.fd_scans.count(200) == 1);
  CHECK(shared.fd_scans[200].fds.size() == 2);
  struct stat d200 {};
  REQUIRE(::stat((proc.root() + "/200").c_str(), &d200) == 0);
  CHECK(shared.fd_scan(200, d200) != nullptr);
  std::map<std::uint64_t, const v1::Socket*> by_inode;
  for (const auto& r : sink.records) {
    if (r.has_socket()) by_inode[r.socket().inode()] = &r.socket();
  }
  REQUIRE(by_inode.count(5001));
  REQUIRE(by_inode.count(6001));
  REQUIRE(by_inode.count(6002));
  const auto& l = *by_inode[5001];
  CHECK(l.local_address() == "0.0.0.0");
  CHECK(l.local_port() == 80);
  CHECK(l.state() == "LISTEN");
  CHECK(l.classification() == v1::LISTENING);
  REQUIRE(l.owners_size() == 1);
  CHECK(l.owners(0).pid() == 100);
  CHECK(l.owners(0).comm() == "nginx");
  const auto& c2 = *by_inode[6001];
  CHECK(c2.local_address() == "10.0.0.5");
  CHECK(c2.remote_address() == "203.0.113.9");
  CHECK(c2.remote_port() == 443);
  CHECK(c2.classification() == v1::ESTABLISHED);
  CHECK(c2.uid() == 1000);
  CHECK(c2.owners(0).pid() == 200);
  CHECK(c2.owners(0).fd() == 3);
  CHECK(c2.netns() != l.netns());
  CHECK(by_inode[6002]->classification() == v1::LISTENING);
  CHECK(by_inode[6002]->protocol() == "udp");
  int namespaces = 0;
  for (const auto& r : sink.records) namespaces += r.has_network_namespace();
  CHECK(namespaces == 2);
  bool malformed = false;
  for (const auto& an : sink.anomalies) malformed |= an.kind == "net_table_malformed_line" && an.raw == "garbage line";
  CHECK(malformed);
}

TEST_CASE("network: a table larger than one chunk is read by every thread, nothing lost", "[network]") {
  // A busy server's fd table (here 1,700 fds: four chunks, the last one partial) is read in
  // chunks by all reader threads after the small tables; every fd and every owner must come out
  // as from a single-threaded read, next to ordinary processes.
  testing::TempDir dir;
  testing::FakeProc proc(dir);
  testing::FakeProcess big{.pid = 300};
  big.comm = "haproxy";
  std::string table = std::string(kTcpHeader);
  for (int fd = 3; fd < 1703; ++fd) {
    if (fd % 2 == 0) {
      big.fds.push_back({fd, "socket:[" + std::to_string(70000 + fd) + "]"});
      char line[200];
      std::snprintf(line, sizeof line,
                    "  %d: 0100007F:1F90 0100007F:%04X 01 00000000:00000000 00:00000000 00000000     0        0 %d 1 0 20 4 30 10 -1\n",
                    fd, fd, 70000 + fd);
      table += line;
    } else {
      big.fds.push_back({fd, "pipe:[" + std::to_string(fd) + "]"});
    }
  }
  proc.add(big);
  for (int pid = 400; pid < 420; ++pid) {
    testing::FakeProcess small{.pid = pid};
    small.fds = {{0, "/dev/null"}, {5, "socket:[" + std::to_string(90000 + pid) + "]"}};
    proc.add(small);
    table += "  9: 0100007F:0016 0100007F:C000 01 00000000:00000000 00:00000000 00000000     0        0 " +
             std::to_string(90000 + pid) + " 1 0 20 4 30 10 -1\n";
  }
  // One namespace: whichever member is listed first reads its table.
  for (int pid : {300, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419}) {
    proc.put(std::to_string(pid) + "/net/tcp", table);
  }
  auto host = platform::RootedFileSystem::open(dir.path());
  collectors::SharedReads shared;
  auto sink = run_network(proc.root(), **host, 0, &shared);
  REQUIRE(shared.fd_scans.count(300) == 1);
  const auto& fds = shared.fd_scans[300].fds;
  REQUIRE(fds.size() == 1700);
  std::map<int, std::string> by_fd;
  for (const auto& f : fds) CHECK(by_fd.emplace(f.fd, f.target).second);  // each fd once
  for (int fd = 3; fd < 1703; ++fd) {
    INFO(fd);
    REQUIRE(by_fd.count(fd) == 1);
    CHECK(by_fd[fd] == (fd % 2 == 0 ? "socket:[" + std::to_string(70000 + fd) + "]" : "pipe:[" + std::to_string(fd) + "]"));
  }
  CHECK_FALSE(shared.fd_scans[300].truncated);
  std::size_t owned_by_big = 0, owned_small = 0, sockets = 0;
  for (const auto& r : sink.records) {
    if (!r.has_socket()) continue;
    ++sockets;
    REQUIRE(r.socket().owners_size() == 1);
    const auto& o = r.socket().owners(0);
    if (o.pid() == 300) {
      ++owned_by_big;
      CHECK(o.comm() == "haproxy");
      CHECK(r.socket().inode() == 70000u + static_cast<unsigned>(o.fd()));
    } else {
      ++owned_small;
      CHECK(r.socket().inode() == 90000u + static_cast<unsigned>(o.pid()));
    }
  }
  CHECK(sockets == 850 + 20);
  CHECK(owned_by_big == 850);
  CHECK(owned_small == 20);
  for (int pid = 400; pid < 420; ++pid) CHECK(shared.fd_scans[pid].fds.size() == 2);
}

TEST_CASE("classification rules", "[network]") {
  using collectors::network::classify;
  CHECK(classify("tcp", 10, true) == v1::LISTENING);
  CHECK(classify("tcp", 1, false) == v1::ESTABLISHED);
  CHECK(classify("tcp", 6, false) == v1::OTHER);
  CHECK(classify("udp", 7, true) == v1::LISTENING);
  CHECK(classify("udp", 1, false) == v1::ESTABLISHED);
  CHECK(classify("raw", 7, true) == v1::LISTENING);
  CHECK(std::string(collectors::network::tcp_state_name(10)) == "LISTEN");
  CHECK(std::string(collectors::network::tcp_state_name(99)) == "UNKNOWN");
}

TEST_CASE("[live] network: this process's listener and UDP socket, owners, sock_diag view", "[network][live]") {
  int l = ::socket(AF_INET6, SOCK_STREAM, 0);
  REQUIRE(l >= 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  REQUIRE(::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(l, 1) == 0);
  socklen_t len = sizeof a;
  ::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len);
  const unsigned port = ntohs(a.sin6_port);
  int u = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in ua{};
  ua.sin_family = AF_INET;
  ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(u, reinterpret_cast<sockaddr*>(&ua), sizeof ua) == 0);
  len = sizeof ua;
  ::getsockname(u, reinterpret_cast<sockaddr*>(&ua), &len);
  const unsigned uport = ntohs(ua.sin_port);
  // An established loopback connection to the listener.
  int cl = ::socket(AF_INET6, SOCK_STREAM, 0);
  REQUIRE(::connect(cl, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  int acc = ::accept(l, nullptr, nullptr);
  REQUIRE(acc >= 0);
  sockaddr_in6 cla{};
  len = sizeof cla;
  ::getsockname(cl, reinterpret_cast<sockaddr*>(&cla), &len);
  const unsigned client_port = ntohs(cla.sin6_port);
  // A listening unix socket whose path holds a newline: /proc/net/unix would print it raw (a
  // forgeable line); UNIX_DIAG gives the exact bytes.
  char tmpl[] = "/tmp/hozen-unix-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  const std::string upath = std::string(tmpl) + "/a\nb c";
  int us = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, upath.data(), upath.size());
  REQUIRE(::bind(us, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0);
  REQUIRE(::listen(us, 1) == 0);
  auto host = platform::RootedFileSystem::open("/");
  auto sink = run_network("/proc", **host, ::getpid());
  ::close(us);
  ::unlink(upath.c_str());
  ::rmdir(tmpl);
  bool found_unix = false;
  for (const auto& r : sink.records) {
    if (r.has_socket() && r.socket().protocol() == "unix" && r.socket().unix_path() == upath) {
      found_unix = r.socket().classification() == v1::LISTENING && r.socket().owners_size() == 1 &&
                   r.socket().owners(0).pid() == ::getpid();
    }
  }
  CHECK(found_unix);
  ::close(acc);
  ::close(cl);
  ::close(l);
  ::close(u);
  bool client_side = false, server_side = false;
  for (const auto& r : sink.records) {
    if (!r.has_socket() || r.socket().protocol() != "tcp") continue;
    const auto& s = r.socket();
    bool mine = s.owners_size() > 0 && s.owners(0).pid() == ::getpid();
    if (s.local_port() == client_port && s.remote_port() == port) {
      client_side = mine && s.state() == "ESTABLISHED" && s.classification() == v1::ESTABLISHED;
    }
    if (s.local_port() == port && s.remote_port() == client_port) {
      server_side = mine && s.state() == "ESTABLISHED";
    }
  }
  CHECK(client_side);
  CHECK(server_side);
  bool found_tcp = false, found_udp = false;
  for (const auto& r : sink.records) {
    if (!r.has_socket()) continue;
    const auto& s = r.socket();
    bool mine = false;
    for (const auto& o : s.owners()) mine |= o.pid() == ::getpid();
    if (s.protocol() == "tcp" && s.local_port() == port && s.state() == "LISTEN") {
      found_tcp = mine && s.local_address() == "::1" && s.classification() == v1::LISTENING;
    }
    if (s.protocol() == "udp" && s.local_port() == uport) {
      found_udp = mine && s.local_address() == "127.0.0.1" && s.classification() == v1::LISTENING;
    }
  }
  CHECK(found_tcp);
  CHECK(found_udp);
  bool compared = false;
  for (const auto& r : sink.records) {
    if (r.has_socket_view_comparison() && r.socket_view_comparison().protocol() == "tcp") {
      compared = true;
      CHECK(r.socket_view_comparison().diag_error().empty());
      CHECK(r.socket_view_comparison().diag_count() > 0);
    }
  }
  CHECK(compared);
  // The rtnetlink neighbour dump (ARP + NDP of this namespace) works and failed nowhere.
  bool neighbour_error = false;
  for (const auto& e : sink.errors) neighbour_error |= e.item == "rtnetlink neighbours";
  CHECK_FALSE(neighbour_error);
  CHECK(platform::netlink::dump_neighbours().has_value());
}

TEST_CASE("[live] network: another namespace is read through netlink inside it", "[network][live][netns]") {
  // A child in a new network namespace holds a TCP listener and an abstract unix socket whose
  // name contains a newline; it reports ready through a pipe and waits to be killed.
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const std::string abstract = std::string("\0hozen-netns\nforged", 19);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::unshare(CLONE_NEWNET) != 0) ::_exit(2);
    int l = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(4444);
    if (::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(l, 1) != 0) ::_exit(3);
    int us = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::memcpy(sun.sun_path, abstract.data(), abstract.size());
    socklen_t slen = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + abstract.size());
    if (::bind(us, reinterpret_cast<sockaddr*>(&sun), slen) != 0 || ::listen(us, 1) != 0) ::_exit(4);
    char c = 'r';
    if (::write(ready[1], &c, 1) != 1) ::_exit(5);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char c = 0;
  bool child_ready = ::read(ready[0], &c, 1) == 1;
  ::close(ready[0]);
  testing::CaptureSink sink;
  if (child_ready) {
    auto host = platform::RootedFileSystem::open("/");
    sink = run_network("/proc", **host, ::getpid());
  }
  struct stat ns {};
  bool have_ns = ::stat(("/proc/" + std::to_string(child) + "/ns/net").c_str(), &ns) == 0;
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  REQUIRE(child_ready);
  REQUIRE(have_ns);

  bool ns_read = false, listener = false, unix_exact = false, compared = false;
  for (const auto& r : sink.records) {
    if (r.has_network_namespace() && r.network_namespace().inode() == ns.st_ino) {
      ns_read = r.network_namespace().netlink_read() && !r.network_namespace().collector_namespace();
      INFO(r.network_namespace().netlink_error());
    }
    if (!r.has_socket() && !r.has_socket_view_comparison()) continue;
    if (r.has_socket_view_comparison() && r.socket_view_comparison().netns() == ns.st_ino &&
        r.socket_view_comparison().protocol() == "tcp") {
      compared = r.socket_view_comparison().diag_count() == 1 && r.socket_view_comparison().proc_count() == 1 &&
                 r.socket_view_comparison().only_in_proc().empty() && r.socket_view_comparison().only_in_diag().empty();
    }
    if (!r.has_socket() || r.socket().netns() != ns.st_ino) continue;
    const auto& s = r.socket();
    bool owned = s.owners_size() == 1 && s.owners(0).pid() == child;
    if (s.protocol() == "tcp" && s.local_port() == 4444) listener = owned && s.classification() == v1::LISTENING;
    // UNIX_DIAG gives the name with its length: '@' + every byte, the newline included.
    if (s.protocol() == "unix" && s.unix_path() == "@" + abstract.substr(1)) unix_exact = owned;
  }
  CHECK(ns_read);
  CHECK(listener);
  CHECK(unix_exact);
  CHECK(compared);
}
