// `logins`: login history and authentication events, from files (works with --root):
//   wtmp, btmp (utmp(5) records, parsed directly), lastlog (lastlog(8); a sparse file whose holes
//   are never read), and the syslog auth logs /var/log/auth.log* and /var/log/secure* (rotated
//   and .gz included): sudo, su, sshd, PAM sessions and failures, user and group changes.
// Every parsed file is preserved; every record carries a SourceRef (line for text, byte offset
// for binary records). The systemd journal's binary format is not read (hosts logging only to
// journald yield wtmp/btmp/lastlog records only).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collectors/framework/collector.h"

namespace hozen::collectors::logins {

class LoginsCollector final : public Collector {
 public:
  std::string_view id() const override { return "logins"; }
  std::string_view description() const override {
    return "login history (wtmp, btmp, lastlog) and auth log events (sudo, su, sshd, PAM, "
           "user/group changes)";
  }
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// The auth log names among `names` (entries of /var/log), in rotation order: for each base
// ("auth.log", then "secure") the live file, numeric rotations ascending (.1, .2.gz, ...), then
// date-suffixed rotations newest first (secure-20261101 before secure-20261025). Other names are
// dropped. Pure.
std::vector<std::string> auth_log_order(const std::vector<std::string>& names);

}  // namespace hozen::collectors::logins
