// Files that earlier records name as something that runs (issue 5: "files referenced by
// processes, services, cron and persistence records" are hashed by the sweep wherever they are).
// The runner shows every record that lands in the bundle to note_referenced_files(); the file
// sweep, which runs last, takes the list, hashes those files when its walk meets them and visits
// the rest one by one.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hozen/v1/record.pb.h"

namespace hozen::collectors {

class ReferencedFiles {
 public:
  static constexpr std::size_t kMaxPaths = 65'536;      // distinct paths kept (then counted as dropped)
  static constexpr std::size_t kMaxSourcesPerPath = 8;  // "process 1", "unit a.service ExecStart"...
  static constexpr std::size_t kMaxPathBytes = 4096;

  // Thread-safe. `path` must be absolute; others are ignored.
  void add(std::string_view path, std::string source);
  // The paths and who named them, sorted; `dropped` counts paths refused by kMaxPaths.
  std::map<std::string, std::vector<std::string>> snapshot() const;
  std::size_t dropped() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::string>> paths_;
  std::size_t dropped_ = 0;
};

// The absolute paths a shell command line names: words starting with '/', after quotes and
// opening brackets, cut at whitespace and shell operators; /dev, /proc and /sys and redirect
// targets left out; at most `max` of them. Pure (exposed for tests and fuzzing).
std::vector<std::string> command_paths(std::string_view command, std::size_t max = 16);

// Adds what `record` names as running: a process's executable and the absolute script paths of
// its argv; Exec*= commands of units and timers; cron, at and rc.local command lines; persistence
// commands and the scripts that run by being where they are (ssh rc, motd, shell start-up files).
void note_referenced_files(const v1::Record& record, ReferencedFiles& out);

}  // namespace hozen::collectors
