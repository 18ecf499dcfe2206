#include "collectors/registry.h"

#include "collectors/kernel_modules/kernel_modules_collector.h"
#include "collectors/network/network_collector.h"
#include "collectors/packages/packages_collector.h"
#include "collectors/persistence/persistence_collector.h"
#include "collectors/processes/processes_collector.h"
#include "collectors/sessions/sessions_collector.h"
#include "collectors/system/system_collector.h"
#ifdef HOZEN_TEST_COLLECTORS
#include "collectors/testing/slow_collector.h"
#endif

namespace hozen::collectors {

std::vector<std::unique_ptr<Collector>> make_registry() {
  std::vector<std::unique_ptr<Collector>> out;
  // The runner takes its clock snapshot before the first collector. Volatile state first
  // (REQUIREMENTS req. 1): no file content is read before kernel_modules has finished.
  out.push_back(std::make_unique<network::NetworkCollector>());
  out.push_back(std::make_unique<sessions::SessionsCollector>());
  out.push_back(std::make_unique<processes::ProcessesCollector>());
  out.push_back(std::make_unique<kernel_modules::KernelModulesCollector>());
  out.push_back(std::make_unique<system::SystemCollector>());
  out.push_back(std::make_unique<network::NetworkConfigCollector>());
  // Next (issue order): users, logins, services, scheduled_tasks, persistence, packages, file sweep.
  out.push_back(std::make_unique<persistence::PersistenceCollector>());
  out.push_back(std::make_unique<packages::PackagesCollector>());
#ifdef HOZEN_TEST_COLLECTORS
  out.push_back(std::make_unique<testing::SlowCollector>());
#endif
  return out;
}

}  // namespace hozen::collectors
