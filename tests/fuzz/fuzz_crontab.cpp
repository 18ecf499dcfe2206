// libFuzzer target: crontab (both formats), anacrontab and at spool file parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/crontab.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = hozen::platform::parsers;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto f : {p::CronFormat::kSystem, p::CronFormat::kUser}) {
    auto c = p::parse_crontab(text, f);
    for (const auto& e : c.entries) {
      if (e.line == 0) __builtin_trap();
      if (e.kind == p::CronLineKind::kJob && e.command.empty()) __builtin_trap();
      if (e.command_line.size() + e.stdin_text.size() > e.command.size()) __builtin_trap();
    }
  }
  auto a = p::parse_anacrontab(text);
  for (const auto& e : a.entries) {
    if (e.line == 0) __builtin_trap();
  }
  auto j = p::parse_at_job(text);
  for (const auto& c : j.commands) {
    if (c.line == 0) __builtin_trap();
  }
  p::AtJobName n;
  p::parse_at_job_name(text, &n);
  return 0;
}
