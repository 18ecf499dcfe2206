// `processes`: every process from /proc, read straight from the kernel (never through ps), plus
// the hidden-process cross-check (readdir vs probing every pid up to pid_max).
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "collectors/framework/collector.h"

namespace hozen::collectors::processes {

class PidSweep;

class ProcessesCollector final : public Collector {
 public:
  ProcessesCollector();
  ~ProcessesCollector() override;
  std::string_view id() const override { return "processes"; }
  std::string_view description() const override {
    return "processes: ids, times, credentials, argv, environment, exe (deleted flag, SHA-256), "
           "cwd, root, namespaces, cgroup, libraries, fds; hidden-process cross-check";
  }
  std::vector<std::string_view> inputs() const override;
  bool live_only() const override { return true; }
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
  // The pid sweep of the hidden-process cross-check starts with the run, at idle priority.
  void start_early(const Context& ctx) override;
  void stop_early() override;

  // Tests: a fault injector installed in the collector's procfs root (see ProcRoot).
  void set_fault_injector(std::function<int(std::int32_t, std::string_view)> f) {
    fault_ = std::move(f);
  }

 private:
  std::unique_ptr<PidSweep> take_early();

  std::function<int(std::int32_t, std::string_view)> fault_;
  std::mutex early_mu_;
  std::unique_ptr<PidSweep> early_;
};

// The 64-hex container id in a cgroup path (docker-<id>.scope, /docker/<id>, cri-containerd-<id>,
// libpod-<id>), or empty.
std::string container_id_from_cgroup(std::string_view cgroup);

}  // namespace hozen::collectors::processes
