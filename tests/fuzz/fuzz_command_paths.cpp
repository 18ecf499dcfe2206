// libFuzzer target: the absolute paths named by a host command line (cron, at, rc.local, unit
// Exec*=, persistence commands), and the record-level extraction built on it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/framework/referenced.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto paths = hozen::collectors::command_paths(text, 16);
  if (paths.size() > 16) __builtin_trap();
  for (const auto& p : paths) {
    if (p.empty() || p.front() != '/' || p.size() > size) __builtin_trap();
    if (text.find(p) == std::string_view::npos) __builtin_trap();
  }
  hozen::v1::Record r;
  r.mutable_cron_entry()->set_command_line(std::string(text));
  hozen::collectors::ReferencedFiles refs;
  hozen::collectors::note_referenced_files(r, refs);
  if (refs.snapshot().size() > paths.size()) __builtin_trap();
  return 0;
}
