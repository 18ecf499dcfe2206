// The collector framework: what a collector is, what it gets (Context) and where it puts its
// results (Sink). Collectors depend on platform/ and proto/ only.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "collectors/framework/referenced.h"
#include "hozen/v1/record.pb.h"
#include "platform/error.h"
#include "platform/fs.h"
#include "platform/procfs/process_dir.h"

namespace hozen::collectors {

// Facts about the live system, read once by the runner and injected so tests are deterministic.
struct PlatformFacts {
  std::int64_t clock_ticks = 100;  // sysconf(_SC_CLK_TCK)
  std::int64_t page_size = 4096;
  std::int64_t boot_time_utc_ns = 0;  // realtime - boottime at the start of the run
  std::string boot_id;
  std::string proc_root = "/proc";  // the live procfs (a FakeProc fixture in tests)
  std::int32_t self_pid = 0;        // the collector's own pid (self-disclosure)
  // hozen's own executable as hashed for the bundle header at start-up (raw SHA-256, empty when
  // not hashed) and the identity of the file hashed: the processes collector reuses the digest
  // for a running executable of exactly that identity instead of reading 13 MB again.
  struct SelfExecutable {
    std::string sha256;
    std::uint64_t dev = 0, ino = 0, size = 0;
    std::int64_t mtime_sec = 0, mtime_nsec = 0, ctime_sec = 0, ctime_nsec = 0;
  } self_exe;
};

struct Limits {
  std::size_t max_file_bytes = 4u << 20;    // per parsed file read
  std::size_t max_anomaly_raw_bytes = 4096;  // bytes of an offending line kept in an anomaly
  std::size_t max_dir_entries = 1u << 20;
  std::uint64_t max_records_per_collector = 10'000'000;
  std::size_t max_processes = 1u << 22;       // pid_max's upper bound on 64-bit kernels
  std::size_t max_proc_file_bytes = 256u << 10;  // cmdline, environ, status...
  std::size_t max_maps_bytes = 8u << 20;
  std::size_t max_fds_per_process = 1u << 16;
  std::size_t max_libraries = 1024;
  std::uint64_t max_exe_hash_bytes = 512ull << 20;
  std::uint32_t hash_timeout_ms = 30'000;  // per file hashed: a hung disk costs at most this...
  std::uint32_t max_hung_reads = 2;        // ...this many times, then hashing on the run stops
};

// The file sweep's configuration (issue 5).
struct SweepConfig {
  std::vector<std::string> paths;  // --sweep PATH...: replaces the default roots when given
  bool full = false;               // --profile full: walk every local filesystem, hash every file
  bool verify_packages = false;    // --verify-packages: MD5 every packaged file met, not only in bin dirs
  std::uint32_t recent_days = 30;  // "recently changed" window before the collection
  std::uint64_t max_hash_bytes = 512ull << 20;      // larger files: skipped_size, no digest
  std::uint64_t preserve_max_file_bytes = 4u << 20;   // flagged files up to this are copied
  std::uint64_t preserve_budget_bytes = 256u << 20;   // all copies together
  unsigned threads = 0;                 // hashing threads (0: cores)
  std::uint64_t io_rate_bytes_per_s = 0;  // 0: unlimited
  bool md5 = false;   // an IOC list holds MD5 hashes: every file hashed gets an MD5 too
  bool sha1 = false;  // likewise SHA-1
};

// Typed configuration shared by the collectors (validated by the CLI before the run).
struct Config {
  SweepConfig sweep;
  bool collect_environ = true;
  bool hash_executables = true;  // processes: SHA-256 of each running executable
  // processes: look up /proc/<pid> for every pid up to pid_max, not only kill(pid, 0) (--profile full)
  bool deep_pid_probe = false;
  // test_slow collector: how many records, how far apart (test builds only)
  std::uint64_t test_records = 1000;
  std::uint32_t test_interval_ms = 10;
  std::uint32_t test_record_bytes = 256;
};

// What one collector read that a later collector of the same run reuses instead of reading it
// again (docs/DECISIONS.md, "One fd scan per collection"): the network collector reads every
// process's fd table to find socket owners; the processes collector counts the same tables.
// Filled by one collector before the next starts; read concurrently afterwards.
struct FdScan {
  std::uint64_t dir_dev = 0;  // identity of the /proc/<pid> directory the table was read through
  std::uint64_t dir_ino = 0;
  std::vector<platform::procfs::FdEntry> fds;
  bool truncated = false;
  std::uint64_t netns = 0;  // the ns/net inode read with the table (0: not read)
};
struct SharedReads {
  std::unordered_map<std::int32_t, FdScan> fd_scans;  // by pid
  // Executables and scripts earlier records name (the runner notes them as records land); the
  // file sweep hashes them wherever they are.
  ReferencedFiles referenced;
  // Bytes of evidence copies made before the sweep (deleted executables): the sweep's copy
  // budget (SweepConfig.preserve_budget_bytes) is for the whole run.
  std::atomic<std::uint64_t> preserved_bytes{0};
  // The scan of `pid` when it was read through the same /proc/<pid> directory inode (hence the
  // same process: a reused pid gets a new inode), else null.
  const FdScan* fd_scan(std::int32_t pid, const struct stat& dir) const {
    auto it = fd_scans.find(pid);
    if (it == fd_scans.end() || it->second.dir_dev != dir.st_dev || it->second.dir_ino != dir.st_ino) return nullptr;
    return &it->second;
  }
};

// Live counters a long collector publishes for the terminal's progress line (the file sweep). The
// collector writes them from any thread (relaxed atomics: a display, not a synchronisation);
// the CLI reads them from its own thread while `active` is set. Null in Context unless the
// runner was given one (tests leave it null).
struct Progress {
  std::atomic<std::uint64_t> entries{0};           // walked so far
  std::atomic<std::uint64_t> entries_estimate{0};  // 0: unknown (an estimate, never exact)
  std::atomic<std::uint64_t> files_hashed{0};
  std::atomic<std::uint64_t> bytes_hashed{0};
  std::atomic<std::int64_t> started_mono_ns{0};  // CLOCK_MONOTONIC at begin()
  std::atomic<bool> active{false};
  std::atomic<const char*> phase{nullptr};  // a static string: the collector id

  // Zeroes the counters and shows the line for `phase` (a string literal) from `now_mono_ns`.
  void begin(const char* phase_name, std::int64_t now_mono_ns) {
    entries = 0;
    entries_estimate = 0;
    files_hashed = 0;
    bytes_hashed = 0;
    started_mono_ns = now_mono_ns;
    phase = phase_name;
    active = true;
  }
  void end() { active = false; }
};

class Context {
 public:
  Context(const platform::FileSystem& host, const platform::FileSystem* live, PlatformFacts facts,
          Limits limits, Config config, const std::atomic<bool>& stop, std::int64_t deadline_mono_ns)
      : host_(host), live_(live), facts_(std::move(facts)), limits_(limits),
        config_(std::move(config)), stop_(stop), deadline_mono_ns_(deadline_mono_ns) {}

  // Host files: "/" on a live host, the image with --root, a fixture in tests.
  const platform::FileSystem& host() const { return host_; }
  // The running kernel's /proc and /sys; null when collecting from --root (no live system).
  const platform::FileSystem* live() const { return live_; }
  const PlatformFacts& facts() const { return facts_; }
  const Limits& limits() const { return limits_; }
  const Config& config() const { return config_; }

  // True once the collector must wrap up: cancelled (signal, output exhausted) or past deadline.
  // Collectors check this in every loop.
  bool should_stop() const;
  // The run's cancellation flag alone (no deadline): for work that outlives this Context.
  const std::atomic<bool>& stop_flag() const { return stop_; }
  std::int64_t deadline_mono_ns() const { return deadline_mono_ns_; }
  // Reads shared between collectors of one run; null when a collector runs alone (tests).
  SharedReads* shared() const { return shared_; }
  void set_shared(SharedReads* shared) { shared_ = shared; }
  // Counters for the terminal's progress line; null when nobody displays them.
  Progress* progress() const { return progress_; }
  void set_progress(Progress* progress) { progress_ = progress; }

 private:
  const platform::FileSystem& host_;
  const platform::FileSystem* live_;
  PlatformFacts facts_;
  Limits limits_;
  Config config_;
  const std::atomic<bool>& stop_;
  std::int64_t deadline_mono_ns_;
  SharedReads* shared_ = nullptr;
  Progress* progress_ = nullptr;
};

// Where a collector's results go. Implementations count everything and enforce limits.
class Sink {
 public:
  virtual ~Sink() = default;
  // Emits one record (the body must be set). Returns false when the collector must stop
  // (output exhausted, cancelled, record limit); the record may have been dropped.
  virtual bool emit(v1::Record&& record) = 0;
  // Something odd in host data (malformed line...): a record, never only a log line.
  virtual bool anomaly(std::string_view kind, std::string_view path, std::uint64_t line,
                       std::string_view detail, std::string_view raw) = 0;
  // An attempted item failed; its status is derived from the error's kind.
  virtual bool item_error(std::string_view item, const platform::Error& error) = 0;
  // Counts an attempted item by status (ITEM_OK, ITEM_TRUNCATED, ...).
  virtual void item(v1::ItemStatus status) = 0;
};

struct Outcome {
  v1::RunStatus status = v1::RUN_OK;
  std::string detail;
};

class Collector {
 public:
  virtual ~Collector() = default;
  // Stable snake_case id (used by --only/--skip and in records).
  virtual std::string_view id() const = 0;
  virtual std::string_view description() const = 0;
  // Host paths the collector may read: exact paths, or prefixes ending in '/' (a directory tree)
  // or "/*" (entries of a directory); "~/..." is the same under every account's home directory
  // (from /etc/passwd: homes can be anywhere); paths::kStatNamedPaths allows lstat (never open)
  // of paths named by host data. Tests check every access against these.
  virtual std::vector<std::string_view> inputs() const = 0;
  // Needs the live kernel (/proc, sockets...); skipped with --root.
  virtual bool live_only() const { return false; }
  // Runs in a default collection (test collectors say no).
  virtual bool default_enabled() const { return true; }
  virtual Outcome collect(const Context& ctx, Sink& sink) noexcept = 0;
  // Work a collector can begin before its turn, in the gaps the collectors before it leave on
  // the cores (the pid sweep). The runner calls start_early() once for each collector selected
  // to run, before the first one runs, and stop_early() after the last. collect() finishes what
  // was started and must not need it (tests call collect() alone). `ctx` lives only for the
  // call; ctx.stop_flag() for the whole run.
  virtual void start_early(const Context& ctx) { (void)ctx; }
  virtual void stop_early() {}
};

// Maps an error kind to the item status it counts as.
v1::ItemStatus status_for(const platform::Error& e);

// True iff `host_path` is covered by one of `inputs` (see Collector::inputs); `homes` are the
// home directories of the host's accounts, for inputs starting with "~/".
bool input_allowed(std::string_view host_path, const std::vector<std::string_view>& inputs,
                   const std::vector<std::string>& homes = {});

}  // namespace hozen::collectors
