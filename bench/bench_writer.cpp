// Writer throughput: large records through BundleWriter (records serialized into chunks, the
// SHA-256 chain, Ed25519 checkpoints, write(2), fdatasync at checkpoints) against a plain
// SHA-256 pass over the same bytes in this process. bench/writer.sh adds `openssl speed`.
//
// usage: hozen_bench_writer [--mib N] [--record-kib K] [--out PATH] [--runs R]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "agent/bundle/reader.h"
#include "agent/bundle/writer.h"
#include "platform/sha256.h"

using namespace hozen;
using Clock = std::chrono::steady_clock;

static double cpu_seconds() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char** argv) {
  std::uint64_t mib = 1024, record_kib = 64, runs = 3;
  std::string out = "/dev/shm/hozen-bench.hozen";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--mib")) mib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--record-kib")) record_kib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--runs")) runs = std::strtoull(argv[i + 1], nullptr, 10);
  }
  const std::uint64_t record_bytes = record_kib * 1024;
  const std::uint64_t n = mib * 1024 * 1024 / record_bytes;
  std::string data(record_bytes, '\0');
  std::mt19937_64 rng(42);
  for (auto& c : data) c = static_cast<char>(rng());
  auto key = crypto::SigningKey::generate();
  if (!key) return 1;

  double best_writer = 0, best_sha = 0, best_cpu = 0;
  for (std::uint64_t run = 0; run < runs; ++run) {
    ::unlink(out.c_str());
    auto fd = bundle::create_output_file(out);
    if (!fd) {
      std::fprintf(stderr, "%s\n", fd.error().message().c_str());
      return 1;
    }
    v1::Record rec;
    rec.set_collector("bench");
    rec.mutable_test_payload()->set_data(data);
    auto t0 = Clock::now();
    double c0 = cpu_seconds();
    auto w = bundle::BundleWriter::start(std::move(*fd), *key, v1::Header{});
    if (!w) return 1;
    for (std::uint64_t i = 0; i < n; ++i) {
      rec.mutable_test_payload()->set_n(i);
      if ((*w)->append(rec) != bundle::AppendResult::kOk) return 1;
    }
    auto fin = (*w)->finish({});
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    double cpu = cpu_seconds() - c0;
    if (!fin.trailer_written) return 1;
    best_cpu = std::max(best_cpu, static_cast<double>(n * record_bytes) / cpu / 1e6);
    best_writer = std::max(best_writer, static_cast<double>(n * record_bytes) / secs / 1e6);

    auto t1 = Clock::now();
    platform::Sha256 h;
    for (std::uint64_t i = 0; i < n; ++i) h.update(data);
    auto d = h.finish();
    double s2 = std::chrono::duration<double>(Clock::now() - t1).count();
    best_sha = std::max(best_sha, static_cast<double>(n * record_bytes) / s2 / 1e6);
    if (d[0] == 0 && d[1] == 0 && d[2] == 0) std::printf(" ");  // keep the digest alive
    std::fprintf(stderr, "run %llu: writer %.0f MB/s (%llu checkpoints, %llu bytes), sha256 %.0f MB/s\n",
                 static_cast<unsigned long long>(run), static_cast<double>(n * record_bytes) / secs / 1e6,
                 static_cast<unsigned long long>(fin.checkpoints),
                 static_cast<unsigned long long>(fin.total_bytes),
                 static_cast<double>(n * record_bytes) / s2 / 1e6);
  }
  // Check the last bundle verifies, so the benchmark measured a real bundle.
  std::FILE* f = std::fopen(out.c_str(), "rb");
  bundle::FdSource src(fileno(f));
  auto rep = bundle::verify_bundle(src, {});
  std::fclose(f);
  ::unlink(out.c_str());
  if (rep.status != bundle::VerifyStatus::kComplete) {
    std::fprintf(stderr, "benchmark bundle does not verify: %s\n", rep.detail.c_str());
    return 1;
  }
  std::printf("writer_mb_s=%.0f writer_mb_per_cpu_s=%.0f inprocess_sha256_mb_s=%.0f records=%llu record_bytes=%llu\n",
              best_writer, best_cpu, best_sha, static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(record_bytes));
  return 0;
}
