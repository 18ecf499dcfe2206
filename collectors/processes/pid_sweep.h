// The probing half of the hidden-process cross-check: kill(pid, 0) for every pid from 1 to
// pid_max (and, with --profile full, a lookup of /proc/<pid>), plus the lookup of every pid
// that answered (the mount-masking test). It reads nothing of the processes: it only asks the
// kernel which pids exist.
//
// About a microsecond a pid on a VM, so 35 ms of CPU for the default pid_max of 32,768 and
// seconds for systemd's 4,194,304. It can therefore start when the run starts, in one thread
// that runs only on cores that would otherwise be idle (SCHED_IDLE), while the network
// collector runs; the processes collector then probes whatever is left with its own threads at
// normal priority (docs/DECISIONS.md, "The pid sweep starts early").
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "platform/procfs/process_dir.h"

namespace hozen::collectors::processes {

class PidSweep {
 public:
  struct Hit {
    std::int32_t pid = 0;
    bool by_kill = false;
    bool by_stat = false;  // /proc/<pid> was looked up and exists
    dev_t dev = 0;         // its st_dev when by_stat
  };

  // Probes pids 1 .. pid_max - 1 through `root` (kept for the sweep's life). `run_stop` (may be
  // null) ends the background thread early: the run was cancelled.
  PidSweep(platform::procfs::ProcRoot root, std::uint64_t pid_max, bool deep,
           const std::atomic<bool>* run_stop = nullptr);
  PidSweep(const PidSweep&) = delete;
  PidSweep& operator=(const PidSweep&) = delete;
  ~PidSweep();  // stops the background thread and joins it

  // Starts one background thread at idle priority (SCHED_IDLE). Without a thread (a host out of
  // pids) nothing starts: finish() does all of it.
  void start_background();

  // Probes every pid not probed yet with `threads` threads (the caller is one) at the caller's
  // priority, waits for the background thread's last block, and returns every pid found, in pid
  // order. std::nullopt when should_stop() ended it before pid_max.
  std::optional<std::vector<Hit>> finish(unsigned threads, const std::function<bool()>& should_stop);

  std::uint64_t pid_max() const { return pid_max_; }
  bool deep() const { return deep_; }
  // Blocks of pids the background thread probed (0 when it never ran).
  std::size_t background_blocks() const { return background_blocks_.load(); }
  std::int64_t start_monotonic_ns() const { return start_ns_; }

  static constexpr std::uint64_t kBlock = 1024;  // pids a thread claims at a time

 private:
  // Probes block b; false when stopped before its end (the block is then incomplete).
  bool probe_block(std::size_t b, const std::function<bool()>& should_stop);
  void block_done();
  // The background thread is awaited from now on: back to hozen's priority (it could starve at
  // idle priority on a busy host), and it must not go idle after this.
  void stop_idling();

  platform::procfs::ProcRoot root_;
  const std::uint64_t pid_max_;
  const bool deep_;
  const std::atomic<bool>* run_stop_;
  const std::size_t blocks_;
  std::vector<std::vector<Hit>> found_;  // per block, each in pid order
  std::atomic<std::size_t> next_{0};     // the next block to claim
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> background_blocks_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t done_ = 0;  // blocks probed to their end (under mu_)
  bool awaited_ = false;  // finish() or the destructor began (under mu_)
  bool idle_ = false;     // the background thread is at SCHED_IDLE (under mu_)
  std::int64_t start_ns_ = 0;
  std::thread background_;
};

}  // namespace hozen::collectors::processes
