#include "collectors/registry.h"

#include "collectors/file_sweep/file_sweep_collector.h"
#include "collectors/kernel_modules/kernel_modules_collector.h"
#include "collectors/logins/logins_collector.h"
#include "collectors/network/network_collector.h"
#include "collectors/packages/packages_collector.h"
#include "collectors/persistence/persistence_collector.h"
#include "collectors/processes/processes_collector.h"
#include "collectors/scheduled_tasks/scheduled_tasks_collector.h"
#include "collectors/services/services_collector.h"
#include "collectors/sessions/sessions_collector.h"
#include "collectors/system/system_collector.h"
#include "collectors/users/users_collector.h"
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
  out.push_back(std::make_unique<users::UsersCollector>());
  out.push_back(std::make_unique<logins::LoginsCollector>());
  out.push_back(std::make_unique<services::ServicesCollector>());
  out.push_back(std::make_unique<scheduled_tasks::ScheduledTasksCollector>());
  out.push_back(std::make_unique<persistence::PersistenceCollector>());
  out.push_back(std::make_unique<packages::PackagesCollector>());
  // Last: the file sweep reads the most and changes nothing the others need.
  out.push_back(std::make_unique<file_sweep::FileSweepCollector>());
#ifdef HOZEN_TEST_COLLECTORS
  out.push_back(std::make_unique<testing::SlowCollector>());
#endif
  return out;
}

}  // namespace hozen::collectors
