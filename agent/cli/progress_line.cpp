#include "agent/cli/progress_line.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "platform/host.h"

namespace hozen::cli {

std::string group_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  std::size_t u = 0;
  while (bytes >= 999.5 && u + 1 < std::size(kUnits)) {
    bytes /= 1000;
    ++u;
  }
  char buf[32];
  if (u == 0 || bytes >= 9.95) {
    std::snprintf(buf, sizeof buf, "%.0f %s", bytes, kUnits[u]);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", bytes, kUnits[u]);
  }
  return buf;
}

std::string format_duration(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  const std::int64_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
  char buf[48];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(m), static_cast<long long>(s));
  }
  return buf;
}

std::string format_progress_line(const ProgressSnapshot& s) {
  std::string line(s.phase.empty() ? std::string_view("collecting") : s.phase);
  line += ": " + group_thousands(s.entries) + (s.entries == 1 ? " entry" : " entries");
  const bool estimated = s.entries_estimate > 0 && s.entries < s.entries_estimate;
  if (estimated) {
    const auto pct = std::min<std::uint64_t>(
        99, static_cast<std::uint64_t>(static_cast<long double>(s.entries) * 100 / s.entries_estimate));
    line += " (~" + std::to_string(pct) + "%)";
  }
  line += ", " + group_thousands(s.files_hashed) + (s.files_hashed == 1 ? " file " : " files ") +
          human_bytes(static_cast<double>(s.bytes_hashed)) + " hashed";
  if (s.elapsed_ns >= 1'000'000'000) {
    const double rate = static_cast<double>(s.bytes_hashed) * 1e9 / static_cast<double>(s.elapsed_ns);
    line += ", " + human_bytes(rate) + "/s";
  }
  if (estimated && s.entries > 0 && s.elapsed_ns >= 1'000'000'000) {
    const long double remaining_ns = static_cast<long double>(s.elapsed_ns) *
                                     static_cast<long double>(s.entries_estimate - s.entries) /
                                     static_cast<long double>(s.entries);
    constexpr long double kMaxEtaS = 100.0L * 3600;  // beyond that the number means nothing
    const long double secs = remaining_ns / 1e9L;
    if (secs < kMaxEtaS) line += ", ETA " + format_duration(static_cast<std::int64_t>(secs + 0.5L));
  }
  return line;
}

ProgressDisplay::ProgressDisplay(const collectors::Progress& progress, std::FILE* out, bool enabled,
                                 std::size_t max_columns, std::chrono::milliseconds period)
    : progress_(progress), out_(out), max_columns_(max_columns), period_(period) {
  if (enabled) thread_ = std::thread([this] { loop(); });
}

ProgressDisplay::~ProgressDisplay() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  clear_locked();
}

void ProgressDisplay::clear() {
  std::lock_guard lock(mu_);
  clear_locked();
}

void ProgressDisplay::clear_locked() {
  if (!drawn_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

void ProgressDisplay::loop() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, period_, [this] { return stopping_; })) {
    if (!progress_.active.load(std::memory_order_relaxed)) {
      clear_locked();
      continue;
    }
    ProgressSnapshot s;
    const char* phase = progress_.phase.load();
    s.phase = phase != nullptr ? phase : "";
    s.entries = progress_.entries.load(std::memory_order_relaxed);
    s.entries_estimate = progress_.entries_estimate.load(std::memory_order_relaxed);
    s.files_hashed = progress_.files_hashed.load(std::memory_order_relaxed);
    s.bytes_hashed = progress_.bytes_hashed.load(std::memory_order_relaxed);
    s.elapsed_ns = platform::monotonic_ns() - progress_.started_mono_ns.load(std::memory_order_relaxed);
    std::string line = format_progress_line(s);
    if (max_columns_ > 0 && line.size() > max_columns_) line.resize(max_columns_);
    std::fprintf(out_, "\r\033[K%s", line.c_str());
    std::fflush(out_);
    drawn_ = true;
  }
}

}  // namespace hozen::cli
