// `scheduled_tasks` (checklist H3): cron (/etc/crontab, /etc/cron.d, user spools), run-parts
// directories, anacrontab, at jobs and systemd timers with the command their unit runs. Parsed
// from files only; entries of spool directories are never followed through symlinks (cron itself
// refuses symlinked crontabs).
#pragma once

#include <string_view>
#include <vector>

#include "collectors/framework/collector.h"

namespace hozen::collectors::scheduled_tasks {

class ScheduledTasksCollector final : public Collector {
 public:
  std::string_view id() const override { return "scheduled_tasks"; }
  std::string_view description() const override {
    return "cron tables and spools, cron.{hourly,daily,weekly,monthly} scripts, anacrontab, at jobs, "
           "systemd timers and the commands they start";
  }
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// run-parts(8) without --lsbsysinit (how Debian's /etc/crontab and anacrontab call it): only
// names made of ASCII letters, digits, '_' and '-' run. "backup.sh" is silently skipped.
bool run_parts_name_ok(std::string_view name);

}  // namespace hozen::collectors::scheduled_tasks
