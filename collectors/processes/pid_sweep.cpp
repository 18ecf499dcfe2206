#include "collectors/processes/pid_sweep.h"

#include <sys/stat.h>

#include <system_error>

#include "collectors/framework/parallel.h"
#include "platform/heap.h"
#include "platform/host.h"

namespace hozen::collectors::processes {

PidSweep::PidSweep(platform::procfs::ProcRoot root, std::uint64_t pid_max, bool deep,
                   const std::atomic<bool>* run_stop)
    : root_(std::move(root)), pid_max_(pid_max), deep_(deep), run_stop_(run_stop),
      blocks_(pid_max <= 1 ? 0 : static_cast<std::size_t>((pid_max - 1 + kBlock - 1) / kBlock)),
      found_(blocks_), start_ns_(platform::monotonic_ns()) {}

PidSweep::~PidSweep() {
  stop_ = true;
  if (background_.joinable()) {
    stop_idling();
    background_.join();
  }
}

void PidSweep::stop_idling() {
  std::lock_guard lock(mu_);
  awaited_ = true;
  if (idle_ && platform::restore_thread_policy(background_.native_handle())) idle_ = false;
}

void PidSweep::start_background() {
  try {
    background_ = std::thread([this] {
      {
        // Idle only while nobody waits for it: finish() may already have begun (then it stays at
        // hozen's priority). A refusal just leaves it competing at hozen's priority.
        std::lock_guard lock(mu_);
        if (!awaited_) idle_ = platform::make_thread_idle();
      }
      platform::advise_thread_heap();
      for (std::size_t b; !stop_ && (run_stop_ == nullptr || !run_stop_->load()) &&
                          (b = next_.fetch_add(1)) < blocks_;) {
        auto stopped = [this] { return stop_.load() || (run_stop_ != nullptr && run_stop_->load()); };
        if (!probe_block(b, stopped)) return;
        ++background_blocks_;
      }
    });
  } catch (const std::system_error&) {
    // No thread: finish() probes every block itself.
  }
}

bool PidSweep::probe_block(std::size_t b, const std::function<bool()>& should_stop) {
  std::vector<Hit>& out = found_[b];
  const std::uint64_t first = 1 + b * kBlock;
  const std::uint64_t end = std::min<std::uint64_t>(first + kBlock, pid_max_);
  for (std::uint64_t n = first; n < end; ++n) {
    if ((n & 0xff) == 0 && should_stop()) return false;
    const auto pid = static_cast<std::int32_t>(n);
    // kill(pid, 0) sweeps the whole range; the lookup of /proc/<pid> costs twice that, so it
    // sweeps the range only when asked (deep), and otherwise checks the pids kill found (for
    // the mount-masking test on their directory; pids readdir listed are looked up after).
    const bool by_kill = platform::procfs::pid_exists_by_signal(pid);
    struct stat entry {};
    const bool by_stat = (deep_ || by_kill) && root_.probe_entry(pid, &entry);
    if (by_kill || by_stat) out.push_back({pid, by_kill, by_stat, by_stat ? entry.st_dev : 0});
  }
  block_done();
  return true;
}

void PidSweep::block_done() {
  {
    std::lock_guard lock(mu_);
    ++done_;
  }
  cv_.notify_all();
}

std::optional<std::vector<PidSweep::Hit>> PidSweep::finish(unsigned threads,
                                                           const std::function<bool()>& should_stop) {
  // The background thread is awaited from here on: at idle priority on a busy host it could
  // starve behind the host's own work.
  if (background_.joinable()) stop_idling();
  std::atomic<bool> stopped{false};
  run_threads(threads, [&](unsigned) {
    for (std::size_t b; !stopped && (b = next_.fetch_add(1)) < blocks_;) {
      if (!probe_block(b, should_stop)) stopped = true;
    }
  });
  if (!stopped) {
    // The background thread's last block, if it holds one.
    std::unique_lock lock(mu_);
    while (done_ < blocks_ && !stopped) {
      if (cv_.wait_for(lock, std::chrono::milliseconds(50), [&] { return done_ >= blocks_; })) break;
      if (should_stop()) stopped = true;
    }
  }
  stop_ = true;
  if (background_.joinable()) background_.join();
  if (stopped) return std::nullopt;
  std::vector<Hit> all;
  for (auto& block : found_) all.insert(all.end(), block.begin(), block.end());
  return all;
}

}  // namespace hozen::collectors::processes
