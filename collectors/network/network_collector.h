// `network`: every socket of every network namespace, with owning processes; routes and ARP
// neighbours per namespace; the /proc view compared with sock_diag; resolver and hosts files.
#pragma once

#include "collectors/framework/collector.h"
#include "hozen/v1/network.pb.h"

namespace hozen::collectors::network {

class NetworkCollector final : public Collector {
 public:
  std::string_view id() const override { return "network"; }
  std::string_view description() const override {
    return "sockets (tcp, udp, raw, unix, packet; IPv4 and IPv6) in every network namespace with "
           "owning processes; routes, ARP; /proc vs sock_diag";
  }
  std::vector<std::string_view> inputs() const override;
  bool live_only() const override { return true; }
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// `network_config`: resolver configuration and hosts file, kept as evidence (exact bytes and
// SHA-256). A file collector: it runs after the volatile ones (REQUIREMENTS req. 1).
class NetworkConfigCollector final : public Collector {
 public:
  std::string_view id() const override { return "network_config"; }
  std::string_view description() const override {
    return "resolver configuration and hosts file, exact bytes and SHA-256";
  }
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// TCP state name (include/net/tcp_states.h), "UNKNOWN" otherwise.
const char* tcp_state_name(unsigned state);
// LISTENING: TCP LISTEN, or UDP/raw with an all-zero remote address and port.
v1::SocketClass classify(std::string_view protocol, unsigned state, bool remote_is_zero);

}  // namespace hozen::collectors::network
