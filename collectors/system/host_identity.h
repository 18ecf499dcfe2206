// Host identity as recorded in the bundle header and by the `system` collector.
#pragma once

#include "collectors/framework/collector.h"
#include "hozen/v1/provenance.pb.h"
#include "platform/host.h"

namespace hozen::collectors::system {

// Reads hostname, machine-id, boot id, uname, DMI, interfaces and time zone.
// `host`: files of the examined system; `live`: the running kernel's /proc and /sys, or null
// (then uname, boot id, DMI and interfaces are not the examined system's and are left empty, and
// the hostname comes from /etc/hostname). Failures are reported to `sink` when given.
v1::HostIdentity read_host_identity(const platform::FileSystem& host,
                                    const platform::FileSystem* live, Sink* sink,
                                    std::size_t max_bytes);

v1::ClockSnapshot to_proto(const platform::ClockReading& c, std::string_view label);

}  // namespace hozen::collectors::system
