// HashPool throughput: SHA-256 of a list of files (bench/hash.sh passes every executable on the
// machine), opened here and hashed by the pool's workers. bench/hash.sh adds the peers
// (sha256sum, hashdeep) and the ideal (`openssl speed -evp sha256 -multi 2`).
//
// usage: hozen_bench_hash --list FILE [--threads N] [--queue N] [--runs R] [--out FILE]
//   --list: NUL-separated paths (find -print0); --out: `sha256sum` format lines of the last run.
//   HOZEN_BENCH_RAW_BLOCK_KIB=N: diagnostic instead: one thread, plain pread + SHA-256, N KiB reads
//   (used to pick the pool's block size: 64 KiB to 1 MiB measured the same per CPU-second).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "platform/hash_pool.h"
#include "platform/sha256.h"

using namespace hozen;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::vector<std::string> read_list(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < all.size()) {
    std::size_t end = all.find('\0', at);
    if (end == std::string::npos) end = all.size();
    if (end > at) out.push_back(all.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

int open_evidence(const std::string& path) {
  const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW;
  int fd = ::open(path.c_str(), flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), flags);  // O_NOATIME needs ownership
  return fd;
}

struct Totals {
  std::atomic<std::uint64_t> hashed{0}, bytes{0}, errors{0}, skipped{0};
  std::mutex mu;
  std::vector<std::string> digests;  // by request id
};

}  // namespace

int main(int argc, char** argv) {
  std::string list, out;
  unsigned threads = 2, runs = 3;
  std::size_t queue = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--list")) list = argv[i + 1];
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--threads")) threads = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
    else if (!std::strcmp(argv[i], "--queue")) queue = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--runs")) runs = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
  }
  const auto paths = read_list(list);
  if (const char* raw = std::getenv("HOZEN_BENCH_RAW_BLOCK_KIB")) {
    // Diagnostic: one thread, plain pread + SHA-256 at the given block size (no pool).
    const std::size_t block = std::strtoull(raw, nullptr, 10) * 1024;
    std::vector<char> buf(block);
    std::uint64_t total = 0;
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    for (const auto& p : paths) {
      int fd = open_evidence(p);
      if (fd < 0) continue;
      platform::Sha256 h;
      off_t off = 0;
      for (;;) {
        ssize_t n = ::pread(fd, buf.data(), block, off);
        if (n <= 0) break;
        h.update(buf.data(), static_cast<std::size_t>(n));
        off += n;
      }
      total += static_cast<std::uint64_t>(off);
      (void)h.finish();
      ::close(fd);
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("raw block_kib=%zu mb_s=%.0f mb_per_cpu_s=%.0f\n", block / 1024,
                static_cast<double>(total) / secs / 1e6,
                static_cast<double>(total) / (cpu_seconds() - c0) / 1e6);
    return 0;
  }
  if (paths.empty()) {
    std::fprintf(stderr, "usage: hozen_bench_hash --list FILE (NUL-separated paths) [--threads N] [--runs R]\n");
    return 2;
  }
  double best_mb_s = 0, best_secs = 0, best_mb_cpu = 0;
  Totals last;
  for (unsigned run = 0; run < runs; ++run) {
    Totals t;
    t.digests.resize(paths.size());
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    {
      platform::HashPoolOptions options;
      options.threads = threads;
      options.queue_depth = queue;
      options.max_file_bytes = std::uint64_t{1} << 40;  // every file, as sha256sum does
      platform::HashPool pool(options, [&t](platform::HashResult&& r) {
        if (!r.digests) {
          t.errors.fetch_add(1);
          return;
        }
        t.bytes.fetch_add(r.digests->bytes_read);
        if (!r.digests->sha256) {
          t.skipped.fetch_add(1);
          return;
        }
        t.hashed.fetch_add(1);
        std::lock_guard lock(t.mu);
        t.digests[r.id] = platform::to_hex(*r.digests->sha256);
      });
      for (std::size_t i = 0; i < paths.size(); ++i) {
        int fd = open_evidence(paths[i]);
        if (fd < 0) {
          t.errors.fetch_add(1);
          continue;
        }
        platform::HashRequest req;
        req.id = i;
        req.fd = platform::UniqueFd(fd);
        pool.submit(std::move(req));
      }
      pool.finish();
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = cpu_seconds() - c0;
    const double mb_s = static_cast<double>(t.bytes.load()) / secs / 1e6;
    std::fprintf(stderr, "run %u: %.0f MB/s (%.3f s, %.0f MB per CPU-second)\n", run, mb_s, secs,
                 static_cast<double>(t.bytes.load()) / cpu / 1e6);
    if (mb_s > best_mb_s) {
      best_mb_s = mb_s;
      best_secs = secs;
      best_mb_cpu = static_cast<double>(t.bytes.load()) / cpu / 1e6;
    }
    last.hashed = t.hashed.load();
    last.bytes = t.bytes.load();
    last.errors = t.errors.load();
    last.skipped = t.skipped.load();
    last.digests = std::move(t.digests);
  }
  if (!out.empty()) {
    std::FILE* f = std::fopen(out.c_str(), "w");
    if (f == nullptr) return 1;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (!last.digests[i].empty()) std::fprintf(f, "%s  %s\n", last.digests[i].c_str(), paths[i].c_str());
    }
    std::fclose(f);
  }
  std::printf("hash_mb_s=%.0f seconds=%.3f mb_per_cpu_s=%.0f files=%zu hashed=%llu bytes=%llu errors=%llu skipped=%llu threads=%u\n",
              best_mb_s, best_secs, best_mb_cpu, paths.size(),
              static_cast<unsigned long long>(last.hashed.load()),
              static_cast<unsigned long long>(last.bytes.load()),
              static_cast<unsigned long long>(last.errors.load()),
              static_cast<unsigned long long>(last.skipped.load()), threads);
  return 0;
}
