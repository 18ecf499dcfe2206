// `sessions`: current logins from utmp, parsed directly (never through getutent or `who`).
#pragma once

#include "collectors/framework/collector.h"

namespace hozen::collectors::sessions {

class SessionsCollector final : public Collector {
 public:
  std::string_view id() const override { return "sessions"; }
  std::string_view description() const override {
    return "current login sessions from utmp (user, tty, remote host and address, pid, time)";
  }
  std::vector<std::string_view> inputs() const override;
  bool live_only() const override { return true; }  // /run is a tmpfs: an image has none
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// utmp(5) ut_type names.
const char* utmp_type_name(int type);

}  // namespace hozen::collectors::sessions
