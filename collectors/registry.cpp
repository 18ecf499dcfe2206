#include "collectors/registry.h"

#include "collectors/system/system_collector.h"
#ifdef HOZEN_TEST_COLLECTORS
#include "collectors/testing/slow_collector.h"
#endif

namespace hozen::collectors {

std::vector<std::unique_ptr<Collector>> make_registry() {
  std::vector<std::unique_ptr<Collector>> out;
  // The runner takes its clock snapshot before the first collector.
  out.push_back(std::make_unique<system::SystemCollector>());
  // Next (issue order): network, sessions, processes, kernel_modules, users, logins, services,
  // scheduled_tasks, persistence, packages, file sweep.
#ifdef HOZEN_TEST_COLLECTORS
  out.push_back(std::make_unique<testing::SlowCollector>());
#endif
  return out;
}

}  // namespace hozen::collectors
