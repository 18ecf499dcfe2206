// `services` (checklist H1): systemd units from every system and user search path, merged as
// systemd would (drop-ins, masks, aliases, instances, enabling links), with the processes in
// each unit's cgroup when a live /proc is available; SysV init scripts with their rc links,
// OpenRC runlevels, and rc.local. Parsed from files only: systemd is never asked.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/framework/collector.h"

namespace hozen::collectors::services {

class ServicesCollector final : public Collector {
 public:
  std::string_view id() const override { return "services"; }
  std::string_view description() const override {
    return "systemd units (all search paths, drop-ins, enablement, cgroup pids), SysV/OpenRC init "
           "scripts and rc links, rc.local";
  }
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// The unit a process belongs to, from one /proc/<pid>/cgroup text (cgroups(7)): the deepest
// path component with a unit suffix other than .slice, on the v2 line ("0::") or the v1
// name=systemd line. `user_manager_uid` is the N of a "user@N.service" above it, else -1.
struct CgroupUnit {
  std::string unit;
  std::string cgroup;
  std::int64_t user_manager_uid = -1;
};
bool unit_from_cgroup(std::string_view cgroup_text, CgroupUnit* out);

// Host paths every unit-reading collector declares (systemd search paths, passwd, homes).
std::vector<std::string_view> unit_inputs();

}  // namespace hozen::collectors::services
