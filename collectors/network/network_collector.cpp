#include "collectors/network/network_collector.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <map>
#include <optional>
#include <set>

#include "collectors/framework/evidence.h"
#include "collectors/framework/parallel.h"
#include "platform/host.h"
#include "platform/netlink/neighbours.h"
#include "platform/netlink/netns.h"
#include "platform/netlink/sock_diag.h"
#include "platform/paths.h"
#include "platform/procfs/net.h"
#include "platform/procfs/net_route.h"
#include "platform/procfs/process_dir.h"
#include "platform/procfs/stat.h"
#include "platform/sha256.h"
#include "platform/unique_fd.h"

namespace hozen::collectors::network {
namespace {

using platform::procfs::ProcRoot;

struct Namespace {
  std::vector<std::int32_t> members;  // in listing order; the first readable one is the reader
  std::size_t socket_fds = 0;         // fds of its members that are sockets (any kind)
};

std::string ip_text(int family, const std::array<std::uint8_t, 16>& a) {
  if (family == AF_INET) {  // glibc's inet_ntop formats IPv4 with sprintf: 20,000 calls on a busy host
    char v4[20];  // 15 needed; room for GCC's bounds analysis
    char* p = v4;
    for (int i = 0; i < 4; ++i) {
      if (i > 0) *p++ = '.';
      p = std::to_chars(p, v4 + sizeof v4, a[static_cast<std::size_t>(i)]).ptr;
    }
    return std::string(v4, p);
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (::inet_ntop(family, a.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

v1::Socket unix_socket(std::uint64_t netns, std::string path, std::uint32_t type,
                       std::uint32_t state, std::uint64_t inode, bool listening) {
  v1::Socket s;
  s.set_protocol("unix");
  s.set_family(AF_UNIX);
  s.set_unix_path(std::move(path));
  s.set_unix_type(type);
  s.set_state_code(state);
  s.set_inode(inode);
  s.set_netns(netns);
  s.set_classification(listening ? v1::LISTENING : v1::OTHER);
  return s;
}

struct Table {
  const char* file;
  const char* protocol;
  int family;
};
constexpr Table kInetTables[] = {
    {"net/tcp", "tcp", AF_INET},  {"net/tcp6", "tcp", AF_INET6}, {"net/udp", "udp", AF_INET},
    {"net/udp6", "udp", AF_INET6}, {"net/raw", "raw", AF_INET},  {"net/raw6", "raw", AF_INET6},
};

// The kernel's netlink answers for one network namespace, gathered in one go (inside the
// namespace for any but hozen's own).
struct NetlinkView {
  std::optional<platform::Result<std::vector<platform::netlink::UnixSocket>>> unix_sockets;
  std::optional<platform::Result<std::vector<platform::netlink::Neighbour>>> neighbours;
  // sock_diag inodes by protocol name ("tcp", "udp"), both families; errors joined.
  std::map<std::string, std::set<std::uint64_t>> inet;
  std::string inet_error;
};

NetlinkView dump_netlink() {
  NetlinkView v;
  v.unix_sockets = platform::netlink::unix_sockets();
  v.neighbours = platform::netlink::dump_neighbours();
  for (auto [name, proto] : {std::pair{"tcp", IPPROTO_TCP}, std::pair{"udp", IPPROTO_UDP}}) {
    auto& set = v.inet[name];
    for (int family : {AF_INET, AF_INET6}) {
      auto inodes = platform::netlink::inet_socket_inodes(family, proto);
      if (!inodes) {
        v.inet_error += inodes.error().message() + "; ";
        continue;
      }
      set.insert(inodes->begin(), inodes->end());
    }
  }
  return v;
}

// One socket fd of one process: a few bytes each (a busy host has one per connection), turned
// into SocketOwner messages only when the socket's record is built.
struct Owner {
  std::uint64_t inode = 0;
  std::uint64_t start_ticks = 0;
  std::int32_t pid = 0;
  std::int32_t fd = -1;
  std::uint32_t comm = 0;  // index into NetworkReader::comms_
};

class NetworkReader {
 public:
  NetworkReader(const Context& ctx, Sink& sink, const ProcRoot& root)
      : ctx_(ctx), sink_(sink), root_(root) {}

  bool run(const std::vector<std::int32_t>& pids);

 private:
  struct Scan {
    std::uint64_t netns = 0;  // 0: not readable
    std::vector<Owner> owners;  // comm: index 0 until merged
    std::string comm;           // of this process, when it owns a socket
    std::optional<FdScan> fds;  // the whole table, handed to the processes collector
    // A table larger than kChunk: its links are read later, in chunks, by every thread (run()).
    std::optional<platform::procfs::ProcessDir> dir;
    std::optional<platform::procfs::ProcessDir::FdNumbers> table;
    std::vector<std::optional<std::string>> targets;
  };
  // One busy server's table (100k sockets) would otherwise be read by one thread while the
  // others sit idle: the scan is as slow as its largest process.
  // At most kMaxDeferred tables wait (two fds each: hozen's fd limit may be the default 1024);
  // later large ones are read whole by the thread that found them.
  static constexpr std::size_t kChunk = 512;
  static constexpr std::size_t kMaxDeferred = 64;
  mutable std::atomic<std::size_t> deferred_{0};
  Scan scan_process(std::int32_t pid) const;  // thread-safe
  void finish_scan(Scan& out, const platform::procfs::ProcessDir& dir,
                   const platform::procfs::ProcessDir::FdNumbers& table,
                   std::vector<std::optional<std::string>>& targets) const;
  bool read_namespace(std::uint64_t netns, const Namespace& ns);
  bool emit_socket(v1::Socket&& s) {
    const auto [first, last] = std::equal_range(owners_.begin(), owners_.end(), Owner{.inode = s.inode()},
                                                [](const Owner& a, const Owner& b) { return a.inode < b.inode; });
    for (auto it = first; it != last; ++it) {
      auto* o = s.add_owners();
      o->set_pid(it->pid);
      o->set_start_ticks(it->start_ticks);
      o->set_fd(it->fd);
      o->set_comm(comms_[it->comm]);
    }
    v1::Record r;
    *r.mutable_socket() = std::move(s);
    sink_.item(v1::ITEM_OK);
    return sink_.emit(std::move(r));
  }
  // Reads the namespace's netlink view, entering it if it is not hozen's own.
  std::optional<NetlinkView> netlink_view(std::uint64_t netns, const platform::procfs::ProcessDir& reader,
                                          v1::NetworkNamespace* n);
  void compare_with_sock_diag(std::uint64_t netns, const NetlinkView& view, const std::set<std::uint64_t>& tcp,
                              const std::set<std::uint64_t>& udp);

  const Context& ctx_;
  Sink& sink_;
  const ProcRoot& root_;
  std::map<std::uint64_t, Namespace> namespaces_;
  std::vector<Owner> owners_;  // sorted by inode (stable: listing order among one inode's owners)
  std::vector<std::string> comms_;
  std::uint64_t self_netns_ = 0;
};

NetworkReader::Scan NetworkReader::scan_process(std::int32_t pid) const {
  Scan out;
  auto dir = root_.open_process(pid);
  if (!dir) return out;  // exited since the listing, or denied: the processes collector records it
  auto ns = dir->ns_inode("ns/net");
  if (!ns) return out;  // a vanished process has none
  out.netns = *ns;
  auto table = dir->list_fd_numbers(ctx_.limits().max_fds_per_process);
  if (!table) return out;
  if (table->fds.size() > kChunk && deferred_.fetch_add(1) < kMaxDeferred) {
    out.targets.resize(table->fds.size());
    out.table.emplace(std::move(*table));
    out.dir.emplace(std::move(*dir));
    return out;
  }
  std::vector<std::optional<std::string>> targets(table->fds.size());
  dir->read_fd_targets(*table, 0, table->fds.size(), targets);
  finish_scan(out, *dir, *table, targets);
  return out;
}

void NetworkReader::finish_scan(Scan& out, const platform::procfs::ProcessDir& dir,
                                const platform::procfs::ProcessDir::FdNumbers& table,
                                std::vector<std::optional<std::string>>& targets) const {
  std::vector<platform::procfs::FdEntry> fds;
  fds.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i]) fds.push_back({table.fds[i], std::move(*targets[i])});  // else closed meanwhile
  }
  std::uint64_t start = 0;
  std::string comm;
  bool stat_read = false;  // only owners of sockets need their start time and comm
  for (const auto& f : fds) {
    std::string_view t = f.target;
    if (!t.starts_with("socket:[") || t.size() < 10) continue;
    auto ino = platform::parse_uint<std::uint64_t>(t.substr(8, t.size() - 9));
    if (!ino) continue;
    if (!stat_read) {
      stat_read = true;
      bool trunc = false;
      if (auto text = dir.read("stat", 64 * 1024, &trunc)) {
        if (auto st = platform::procfs::parse_stat(*text)) {
          start = st->starttime;
          comm = st->comm;
        }
      }
    }
    out.owners.push_back(Owner{.inode = *ino, .start_ticks = start, .pid = dir.pid(), .fd = f.fd, .comm = 0});
  }
  out.comm = std::move(comm);
  if (ctx_.shared() != nullptr) {
    out.fds = FdScan{dir.dir_stat().st_dev, dir.dir_stat().st_ino, std::move(fds), table.truncated, out.netns};
  }
}

bool NetworkReader::read_namespace(std::uint64_t netns, const Namespace& ns) {
  const std::size_t cap = ctx_.limits().max_file_bytes * 16;  // socket tables can be large
  std::optional<platform::procfs::ProcessDir> dir;
  std::uint64_t reader_start = 0;
  for (std::int32_t pid : ns.members) {
    auto d = root_.open_process(pid);
    if (!d) continue;
    auto check = d->ns_inode("ns/net");
    if (!check || *check != netns) continue;  // pid reused meanwhile
    bool trunc = false;
    if (auto text = d->read("stat", 64 * 1024, &trunc)) {
      if (auto st = platform::procfs::parse_stat(*text)) reader_start = st->starttime;
    }
    dir.emplace(std::move(*d));
    break;
  }
  v1::Record nsrec;
  auto* n = nsrec.mutable_network_namespace();
  n->set_inode(netns);
  n->set_member_processes(static_cast<std::uint32_t>(ns.members.size()));
  n->set_collector_namespace(netns == self_netns_);
  if (!dir) {
    sink_.item_error("netns " + std::to_string(netns),
                     platform::Error::make(platform::ErrorKind::kNotFound, "open", "",
                                           "every member process exited before it could be read"));
    return sink_.emit(std::move(nsrec));
  }
  n->set_reader_pid(dir->pid());
  n->set_reader_start_ticks(reader_start);
  // The netlink dump (kernel work, about a quarter of a busy namespace's time) runs in a second
  // thread while the inet tables are read from /proc and emitted: the two views are read at the
  // same time, and neither waits for the other. It is joined before the unix sockets, which come
  // from it. view_status is the dumping thread's until then (n is this thread's).
  std::optional<NetlinkView> view;
  v1::NetworkNamespace view_status;
  BackgroundTask dump([&] { view = netlink_view(netns, *dir, &view_status); });
  auto join_dump = [&] {
    dump.wait();
    if (view_status.netlink_read()) n->set_netlink_read(true);
    if (!view_status.netlink_error().empty()) n->set_netlink_error(view_status.netlink_error());
  };
  const std::string base = std::string(platform::paths::kProcTree) + std::to_string(dir->pid()) + "/";
  std::uint32_t count = 0;
  std::set<std::uint64_t> tcp_inodes, udp_inodes;
  // The inet tables are read into a buffer reserved from the namespace's socket fds (about 150
  // bytes a line), at most 8 MiB: growing by doubling copies and touches the bytes several times.
  const std::size_t inet_hint = std::min<std::size_t>((ns.socket_fds + 64) * 160, std::size_t{8} << 20);
  auto read_table = [&](const char* file, std::size_t size_hint = 0) -> std::optional<std::string> {
    bool trunc = false;
    auto text = dir->read(file, cap, &trunc, size_hint);
    if (!text) {
      // Tables of protocols the kernel lacks (no IPv6) are simply absent.
      if (text.error().kind != platform::ErrorKind::kNotFound) sink_.item_error(base + file, text.error());
      return std::nullopt;
    }
    if (trunc) {
      sink_.anomaly("net_table_truncated", base + file, 0, "table larger than the cap", {});
      sink_.item(v1::ITEM_TRUNCATED);
      n->set_tables_truncated(true);
    }
    return std::optional<std::string>(std::move(*text));
  };
  auto anomalies = [&](const char* file, const auto& parsed) {
    for (const auto& bad : parsed.malformed) {
      sink_.anomaly("net_table_malformed_line", base + file, bad.line, bad.reason, bad.raw);
    }
  };
  for (const auto& t : kInetTables) {
    auto text = read_table(t.file, inet_hint);
    if (!text) continue;
    auto parsed = platform::procfs::parse_proc_net_inet(*text, t.family);
    anomalies(t.file, parsed);
    for (const auto& e : parsed.entries) {
      if (ctx_.should_stop()) return false;
      v1::Socket s;
      s.set_protocol(t.protocol);
      s.set_family(static_cast<std::uint32_t>(t.family));
      s.set_local_address(ip_text(t.family, e.local));
      s.set_local_port(e.local_port);
      s.set_remote_address(ip_text(t.family, e.remote));
      s.set_remote_port(e.remote_port);
      s.set_state(tcp_state_name(e.state));
      s.set_state_code(e.state);
      s.set_uid(e.uid);
      s.set_inode(e.inode);
      s.set_netns(netns);
      s.set_rx_queue(e.rx_queue);
      s.set_tx_queue(e.tx_queue);
      const std::size_t alen = t.family == AF_INET ? 4 : 16;
      bool zero = e.remote_port == 0 &&
                  std::all_of(e.remote.begin(), e.remote.begin() + static_cast<long>(alen),
                              [](std::uint8_t b) { return b == 0; });
      s.set_classification(classify(t.protocol, e.state, zero));
      if (std::string_view(t.protocol) == "tcp") tcp_inodes.insert(e.inode);
      if (std::string_view(t.protocol) == "udp") udp_inodes.insert(e.inode);
      ++count;
      if (!emit_socket(std::move(s))) return false;
    }
  }
  join_dump();
  // Unix sockets: from UNIX_DIAG where the netlink view was read (names with their real length),
  // else from /proc/<pid>/net/unix, whose unescaped paths can be forged with a newline.
  bool unix_from_diag = false;
  if (view && view->unix_sockets) {
    if (const auto& us = *view->unix_sockets) {
      unix_from_diag = true;
      for (const auto& e : *us) {
        if (ctx_.should_stop()) return false;
        std::string path = e.name;
        if (!path.empty() && path[0] == '\0') {
          path[0] = '@';  // abstract name (every byte counts), shown as ss shows it
        } else if (auto nul = path.find('\0'); nul != std::string::npos) {
          path.resize(nul);  // a filesystem path ends at its NUL (bind may pass the terminator)
        }
        v1::Socket s = unix_socket(netns, std::move(path), e.type, e.state, e.inode, e.state == 10);
        ++count;
        if (!emit_socket(std::move(s))) return false;
      }
    } else {
      sink_.item_error("unix_diag netns " + std::to_string(netns), us.error());
    }
  }
  if (auto text = unix_from_diag ? std::nullopt : read_table("net/unix")) {
    auto parsed = platform::procfs::parse_proc_net_unix(*text);
    anomalies("net/unix", parsed);
    for (const auto& e : parsed.entries) {
      if (ctx_.should_stop()) return false;
      // __SO_ACCEPTCON: a listening stream socket.
      v1::Socket s = unix_socket(netns, e.path, e.type, e.state, e.inode, (e.flags & 0x10000u) != 0);
      ++count;
      if (!emit_socket(std::move(s))) return false;
    }
  }
  if (auto text = read_table("net/packet")) {
    auto parsed = platform::procfs::parse_proc_net_packet(*text);
    anomalies("net/packet", parsed);
    for (const auto& e : parsed.entries) {
      v1::Socket s;
      s.set_protocol("packet");
      s.set_family(AF_PACKET);
      s.set_packet_protocol(e.proto);
      s.set_packet_interface(e.iface);
      s.set_uid(e.uid);
      s.set_inode(e.inode);
      s.set_netns(netns);
      s.set_classification(v1::OTHER);
      ++count;
      if (!emit_socket(std::move(s))) return false;
    }
  }
  for (const char* file : {"net/route", "net/ipv6_route"}) {
    auto text = read_table(file);
    if (!text) continue;
    bool v6 = std::string_view(file).ends_with("6_route");
    auto parsed = v6 ? platform::procfs::parse_ipv6_route(*text) : platform::procfs::parse_route(*text);
    anomalies(file, parsed);
    for (const auto& e : parsed.entries) {
      v1::Record r;
      auto* rt = r.mutable_route();
      rt->set_netns(netns);
      rt->set_family(static_cast<std::uint32_t>(e.family));
      rt->set_interface(e.interface);
      rt->set_destination(ip_text(e.family, e.destination) + "/" + std::to_string(e.prefix_len));
      rt->set_gateway(ip_text(e.family, e.gateway));
      rt->set_flags(e.flags);
      rt->set_metric(e.metric);
      if (!sink_.emit(std::move(r))) return false;
    }
  }
  {
    // Interfaces of this namespace: names and counters from net/dev, IPv6 addresses from
    // if_inet6; for hozen's own namespace also IPv4 addresses and MACs (getifaddrs).
    std::map<std::string, v1::NetInterface> ifs;
    if (auto text = read_table("net/dev")) {
      auto parsed = platform::procfs::parse_net_dev(*text);
      anomalies("net/dev", parsed);
      for (const auto& e : parsed.entries) {
        auto& i = ifs[e.interface];
        i.set_name(e.interface);
        i.set_rx_bytes(e.rx_bytes);
        i.set_rx_packets(e.rx_packets);
        i.set_tx_bytes(e.tx_bytes);
        i.set_tx_packets(e.tx_packets);
      }
    }
    if (auto text = read_table("net/if_inet6")) {
      auto parsed = platform::procfs::parse_if_inet6(*text);
      anomalies("net/if_inet6", parsed);
      for (const auto& e : parsed.entries) {
        auto& i = ifs[e.interface];
        i.set_name(e.interface);
        i.set_ifindex(e.index);
        i.add_addresses(ip_text(AF_INET6, e.address) + "/" + std::to_string(e.prefix_len));
      }
    }
    if (netns == self_netns_ && ctx_.facts().proc_root == platform::paths::kProcRoot) {
      if (auto own = platform::read_interfaces()) {
        for (const auto& o : *own) {
          auto& i = ifs[o.name];
          i.set_name(o.name);
          i.set_ifindex(o.index);
          i.set_mac(o.mac);
          for (const auto& a : o.addresses) {
            if (a.find(':') == std::string::npos) i.add_addresses(a);  // IPv6 came from if_inet6
          }
        }
      }
    }
    for (auto& [name, i] : ifs) {
      i.set_netns(netns);
      v1::Record r;
      *r.mutable_net_interface() = std::move(i);
      if (!sink_.emit(std::move(r))) return false;
    }
  }
  if (auto text = read_table("net/arp")) {
    auto parsed = platform::procfs::parse_arp(*text);
    anomalies("net/arp", parsed);
    for (const auto& e : parsed.entries) {
      v1::Record r;
      auto* nb = r.mutable_neighbour();
      nb->set_netns(netns);
      nb->set_address(e.ip);
      nb->set_hw_address(e.hw_address);
      nb->set_interface(e.interface);
      nb->set_flags(e.flags);
      nb->set_hw_type(e.hw_type);
      nb->set_family(AF_INET);
      nb->set_source("proc_net_arp");
      if (!sink_.emit(std::move(r))) return false;
    }
  }
  // IPv6 neighbours (NDP) are not in procfs: from the rtnetlink dump of the netlink view.
  if (view && view->neighbours) {
    if (const auto& neigh = *view->neighbours) {
      for (const auto& e : *neigh) {
        v1::Record r;
        auto* nb = r.mutable_neighbour();
        nb->set_netns(netns);
        nb->set_family(static_cast<std::uint32_t>(e.family));
        nb->set_address(e.address);
        std::string mac;
        for (unsigned char c : e.lladdr) {
          static constexpr char kHex[] = "0123456789abcdef";
          if (!mac.empty()) mac += ':';
          mac += kHex[c >> 4];
          mac += kHex[c & 0xf];
        }
        nb->set_hw_address(mac);
        nb->set_ifindex(e.ifindex);
        nb->set_state(platform::netlink::neighbour_state_name(e.state));
        nb->set_flags(e.flags);
        nb->set_source("rtnetlink");
        if (!sink_.emit(std::move(r))) return false;
      }
    } else {
      sink_.item_error("rtnetlink neighbours netns " + std::to_string(netns), neigh.error());
    }
  }
  n->set_sockets(count);
  // The reader must still be alive and in this namespace, or the tables may be another
  // namespace's (setns) or missing (ENOENT after exit, which looks like "no such protocol").
  auto after = dir->ns_inode("ns/net");
  if (!after || *after != netns) {
    n->set_reader_changed(true);
    sink_.item_error("netns " + std::to_string(netns) + " reader pid " + std::to_string(dir->pid()),
                     platform::Error::make(platform::ErrorKind::kNotFound, "read", "",
                                           "the reader exited or changed namespace while its tables were read"));
  }
  if (view && !n->tables_truncated()) compare_with_sock_diag(netns, *view, tcp_inodes, udp_inodes);
  return sink_.emit(std::move(nsrec));
}

std::optional<NetlinkView> NetworkReader::netlink_view(std::uint64_t netns,
                                                       const platform::procfs::ProcessDir& reader,
                                                       v1::NetworkNamespace* n) {
  // Only against the live kernel: a FakeProc fixture has no namespaces to enter.
  if (ctx_.facts().proc_root != platform::paths::kProcRoot) return std::nullopt;
  if (netns == self_netns_) {
    n->set_netlink_read(true);
    return dump_netlink();
  }
  platform::UniqueFd ns_fd(::openat(reader.fd(), "ns/net", O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!ns_fd.valid() || ::fstat(ns_fd.get(), &st) != 0 || st.st_ino != netns) {
    n->set_netlink_error("the reader's ns/net could not be opened, or is another namespace now");
    return std::nullopt;
  }
  std::optional<NetlinkView> view;
  if (auto entered = platform::netlink::in_network_namespace(ns_fd.get(), [&] { view = dump_netlink(); }); !entered) {
    n->set_netlink_error(entered.error().message());
    return std::nullopt;
  }
  n->set_netlink_read(true);
  return view;
}

void NetworkReader::compare_with_sock_diag(std::uint64_t netns, const NetlinkView& view,
                                           const std::set<std::uint64_t>& tcp,
                                           const std::set<std::uint64_t>& udp) {
  for (auto [name, proc_set] : {std::pair{"tcp", &tcp}, std::pair{"udp", &udp}}) {
    v1::Record r;
    auto* c = r.mutable_socket_view_comparison();
    c->set_netns(netns);
    c->set_protocol(name);
    const std::set<std::uint64_t>& diag = view.inet.at(name);
    c->set_diag_error(view.inet_error);
    c->set_proc_count(proc_set->size());
    c->set_diag_count(diag.size());
    // Sockets opened or closed between the two reads show up here too; hozen's own netlink
    // socket is not an inet socket and does not.
    for (auto ino : *proc_set) {
      if (ino != 0 && diag.count(ino) == 0) c->add_only_in_proc(ino);
    }
    for (auto ino : diag) {
      if (ino != 0 && proc_set->count(ino) == 0) c->add_only_in_diag(ino);
    }
    sink_.emit(std::move(r));
  }
}

bool NetworkReader::run(const std::vector<std::int32_t>& pids) {
  // The fd walk over every process is syscall-bound: a few threads scan, results merge in listing
  // order (so the namespace reader is the first listed member, as without threads).
  std::vector<Scan> scans(pids.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < pids.size() && !ctx_.should_stop();) {
      scans[i] = scan_process(pids[i]);
    }
  };
  run_threads(reader_threads(), [&](unsigned) { work(); });
  if (ctx_.should_stop()) return false;
  std::vector<std::pair<std::size_t, std::size_t>> chunks;  // (scan, first fd index) of large tables
  for (std::size_t i = 0; i < scans.size(); ++i) {
    if (!scans[i].table) continue;
    for (std::size_t b = 0; b < scans[i].table->fds.size(); b += kChunk) chunks.emplace_back(i, b);
  }
  if (!chunks.empty()) {
    std::atomic<std::size_t> next_chunk{0};
    run_threads(reader_threads(), [&](unsigned) {
      for (std::size_t c; (c = next_chunk.fetch_add(1)) < chunks.size() && !ctx_.should_stop();) {
        Scan& sc = scans[chunks[c].first];
        sc.dir->read_fd_targets(*sc.table, chunks[c].second, chunks[c].second + kChunk, sc.targets);
      }
    });
    if (ctx_.should_stop()) return false;
    for (auto& sc : scans) {
      if (!sc.table) continue;
      finish_scan(sc, *sc.dir, *sc.table, sc.targets);
      sc.table.reset();
      sc.dir.reset();
      sc.targets = {};
    }
  }
  for (std::size_t i = 0; i < pids.size(); ++i) {
    if (scans[i].netns == 0) continue;
    namespaces_[scans[i].netns].members.push_back(pids[i]);
    namespaces_[scans[i].netns].socket_fds += scans[i].owners.size();
    if (pids[i] == ctx_.facts().self_pid) self_netns_ = scans[i].netns;
    if (!scans[i].owners.empty()) {
      const auto comm = static_cast<std::uint32_t>(comms_.size());
      comms_.push_back(std::move(scans[i].comm));
      for (auto& o : scans[i].owners) owners_.push_back(Owner{o.inode, o.start_ticks, o.pid, o.fd, comm});
    }
    if (scans[i].fds) ctx_.shared()->fd_scans[pids[i]] = std::move(*scans[i].fds);
  }
  std::stable_sort(owners_.begin(), owners_.end(), [](const Owner& a, const Owner& b) { return a.inode < b.inode; });
  for (const auto& [netns, ns] : namespaces_) {
    if (!read_namespace(netns, ns)) return false;
  }
  return true;
}

}  // namespace

const char* tcp_state_name(unsigned state) {
  static constexpr const char* kNames[] = {"UNKNOWN",   "ESTABLISHED", "SYN_SENT",   "SYN_RECV",
                                           "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",  "CLOSE",
                                           "CLOSE_WAIT", "LAST_ACK",   "LISTEN",     "CLOSING",
                                           "NEW_SYN_RECV"};
  return state < std::size(kNames) ? kNames[state] : "UNKNOWN";
}

v1::SocketClass classify(std::string_view protocol, unsigned state, bool remote_is_zero) {
  if (protocol == "tcp") {
    if (state == 10) return v1::LISTENING;
    if (state == 1 || state == 2 || state == 3 || state == 8) return v1::ESTABLISHED;
    return v1::OTHER;
  }
  if (protocol == "udp" || protocol == "raw") return remote_is_zero ? v1::LISTENING : v1::ESTABLISHED;
  return v1::OTHER;
}

std::vector<std::string_view> NetworkCollector::inputs() const { return {platform::paths::kProcTree}; }

std::vector<std::string_view> NetworkConfigCollector::inputs() const {
  return {platform::paths::kResolvConf, platform::paths::kHosts};
}

Outcome NetworkConfigCollector::collect(const Context& ctx, Sink& sink) noexcept {
  preserve_file(ctx, sink, platform::paths::kResolvConf);
  preserve_file(ctx, sink, platform::paths::kHosts);
  return {v1::RUN_OK, {}};
}

Outcome NetworkCollector::collect(const Context& ctx, Sink& sink) noexcept {
  auto root = ProcRoot::open(ctx.facts().proc_root);
  if (!root) return {v1::RUN_FAILED, root.error().message()};
  auto pids = root->list_pids(ctx.limits().max_processes);
  if (!pids) return {v1::RUN_FAILED, pids.error().message()};
  NetworkReader reader(ctx, sink, *root);
  if (!reader.run(*pids)) return {v1::RUN_CANCELLED, "stopped"};
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::network
