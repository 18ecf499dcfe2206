// `scheduled_tasks` (checklist H3): cron (/etc/crontab, /etc/cron.d, user spools), run-parts
// directories, anacrontab, at jobs and systemd timers with the command their unit runs. Parsed
// from files only; entries of spool directories are never followed through symlinks (cron itself
// refuses symlinked crontabs).
#pragma once

#include <cstdint>
#include <map>
#include <string>
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

// The environment of cron jobs while a crontab is read: one value per name (cron's env_set
// replaces a name in place: the last assignment wins, the order is that of first assignment).
// Memory is linear in the distinct names; for_job() renders at most kMaxJobEnvironment
// "NAME=value" strings and only re-renders after a change, so N assignments and M jobs cost
// O(N log N + M * kMaxJobEnvironment) instead of O(N * M). Not thread-safe.
class CronEnvironment {
 public:
  static constexpr std::size_t kMaxJobEnvironment = 64;
  void set(const std::string& name, const std::string& value);
  const std::vector<std::string>& for_job();  // valid until the next set()
  std::uint32_t distinct() const { return static_cast<std::uint32_t>(order_.size()); }
  bool truncated() const { return order_.size() > kMaxJobEnvironment; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<const std::string*> order_;  // keys of values_ (node-stable) by first assignment
  std::vector<std::string> rendered_;
  bool dirty_ = false;
};

// run-parts(8) without --lsbsysinit (how Debian's /etc/crontab and anacrontab call it): only
// names made of ASCII letters, digits, '_' and '-' run. "backup.sh" is silently skipped.
bool run_parts_name_ok(std::string_view name);

}  // namespace hozen::collectors::scheduled_tasks
