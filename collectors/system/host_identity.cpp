#include "collectors/system/host_identity.h"

#include "platform/host.h"
#include "platform/paths.h"

namespace hozen::collectors::system {
namespace {

namespace paths = platform::paths;

// First line of a small text file, without the newline; empty on failure (reported).
std::string read_line(const platform::FileSystem& fs, std::string_view path, Sink* sink,
                      std::size_t cap, bool report_missing = true) {
  auto c = fs.read_file(path, cap);
  if (!c) {
    if (sink != nullptr && (report_missing || c.error().kind != platform::ErrorKind::kNotFound)) {
      sink->item_error(path, c.error());
    }
    return {};
  }
  if (sink != nullptr) sink->item(c->truncated ? v1::ITEM_TRUNCATED : v1::ITEM_OK);
  std::string_view v = c->bytes;
  v = v.substr(0, v.find('\n'));
  return std::string(v);
}

}  // namespace

v1::ClockSnapshot to_proto(const platform::ClockReading& c, std::string_view label) {
  v1::ClockSnapshot s;
  s.set_realtime_ns(c.realtime_ns);
  s.set_monotonic_ns(c.monotonic_ns);
  s.set_boottime_ns(c.boottime_ns);
  s.set_ntp_synchronized(c.ntp_synchronized);
  s.set_ntp_max_error_us(c.ntp_max_error_us);
  s.set_ntp_est_error_us(c.ntp_est_error_us);
  s.set_adjtimex_state(c.adjtimex_state);
  s.set_label(std::string(label));
  return s;
}

v1::HostIdentity read_host_identity(const platform::FileSystem& host,
                                    const platform::FileSystem* live, Sink* sink,
                                    std::size_t max_bytes) {
  v1::HostIdentity id;
  id.set_machine_id(read_line(host, paths::kMachineId, sink, max_bytes));
  if (const char* tz = std::getenv("TZ")) id.set_tz_env(tz);
  if (auto t = host.read_link(paths::kLocaltime)) {
    id.set_localtime_target(*t);
  } else if (sink != nullptr && t.error().kind != platform::ErrorKind::kNotFound &&
             t.error().kind != platform::ErrorKind::kInvalidArgument) {
    // ENOENT: no /etc/localtime (UTC); EINVAL: a regular file copy, not a link. Neither is odd.
    sink->item_error(paths::kLocaltime, t.error());
  }
  id.set_timezone_file(read_line(host, paths::kTimezone, sink, max_bytes, false));
  if (live == nullptr) {
    id.set_hostname(read_line(host, paths::kHostnameFile, sink, max_bytes));
    return id;
  }
  auto u = platform::read_uname();
  id.set_hostname(u.nodename);
  id.set_kernel_name(u.sysname);
  id.set_kernel_release(u.release);
  id.set_kernel_version(u.version);
  id.set_machine(u.machine);
  id.set_domainname(u.domainname);
  id.set_boot_id(read_line(*live, paths::kBootId, sink, max_bytes));
  // DMI is absent in many VMs and containers; absence is not an error worth a record.
  id.set_product_uuid(read_line(*live, paths::kDmiProductUuid, sink, max_bytes, false));
  id.set_product_serial(read_line(*live, paths::kDmiProductSerial, sink, max_bytes, false));
  id.set_product_name(read_line(*live, paths::kDmiProductName, sink, max_bytes, false));
  if (auto ifs = platform::read_interfaces()) {
    for (const auto& i : *ifs) {
      auto* p = id.add_interfaces();
      p->set_name(i.name);
      p->set_index(i.index);
      p->set_mac(i.mac);
      for (const auto& a : i.addresses) p->add_addresses(a);
      p->set_flags(i.flags);
    }
  } else if (sink != nullptr) {
    sink->item_error("interfaces", ifs.error());
  }
  return id;
}

}  // namespace hozen::collectors::system
