// Helpers for collectors that read /proc with a few threads (syscall-bound work).
#pragma once

#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "collectors/framework/collector.h"
#include "platform/heap.h"

namespace hozen::collectors {

// Runs fn(0) in the caller and fn(1..n-1) in up to n-1 extra threads, then joins them. Thread
// creation fails on a host out of pids (a fork bomb is a plausible incident): then fewer threads
// do the work, never an exception out of a noexcept collect().
template <class Fn>
void run_threads(unsigned n, Fn fn) {
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n; ++t) {
    try {
      threads.emplace_back([fn, t]() mutable {  // each thread its own copy, as before
        platform::advise_thread_heap();
        fn(t);
      });
    } catch (const std::system_error&) {
      break;
    }
  }
  fn(0u);
  for (auto& th : threads) th.join();
}

// Runs fn in a second thread until wait() (or destruction) joins it; where no thread can be
// created (a host out of pids), fn runs in the constructor instead. fn must not throw.
class BackgroundTask {
 public:
  template <class Fn>
  explicit BackgroundTask(Fn fn) {
    try {
      thread_ = std::thread([fn] {  // a copy: fn still runs below if no thread can be made
        platform::advise_thread_heap();
        fn();
      });
    } catch (const std::system_error&) {
      fn();
    }
  }
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  ~BackgroundTask() { wait(); }
  void wait() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

// How many reader threads: the machine's cores, at least 1, at most 4.
inline unsigned reader_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : (n > 4 ? 4 : n);
}

// Serializes a Sink for reader threads (the runner's sink is single-threaded).
class LockedSink final : public Sink {
 public:
  explicit LockedSink(Sink& inner) : inner_(inner) {}
  bool emit(v1::Record&& r) override {
    std::lock_guard lock(mu_);
    return inner_.emit(std::move(r));
  }
  bool anomaly(std::string_view kind, std::string_view path, std::uint64_t line,
               std::string_view detail, std::string_view raw) override {
    std::lock_guard lock(mu_);
    return inner_.anomaly(kind, path, line, detail, raw);
  }
  bool item_error(std::string_view item, const platform::Error& e) override {
    std::lock_guard lock(mu_);
    return inner_.item_error(item, e);
  }
  void item(v1::ItemStatus s) override {
    std::lock_guard lock(mu_);
    inner_.item(s);
  }

 private:
  Sink& inner_;
  std::mutex mu_;
};

}  // namespace hozen::collectors
