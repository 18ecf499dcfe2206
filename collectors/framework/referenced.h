// Files that earlier records name as something that runs (issue 5: "files referenced by
// processes, services, cron and persistence records" are hashed by the sweep wherever they are).
// The runner shows every record that lands in the bundle to note_referenced_files(); the file
// sweep, which runs last, takes the list, hashes those files when its walk meets them and visits
// the rest one by one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
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
  static constexpr std::size_t kMaxTotalBytes = 8u << 20;  // paths and sources together

  struct Source {
    std::string text;           // "process 1234", "cron /etc/crontab:7"
    std::uint64_t mnt_ns = 0;   // a process's mount namespace (its paths are in that view); 0: the host's files
    bool operator==(const Source&) const = default;
  };

  // Thread-safe. `path` must be absolute; it is normalised lexically ("//" and "/./" collapse,
  // a trailing "/" goes); a path with a ".." component, a relative one or one over
  // kMaxPathBytes is ignored. Beyond kMaxPaths paths or kMaxTotalBytes, counted as dropped.
  void add(std::string_view path, std::string source, std::uint64_t mnt_ns = 0);
  // The paths and who named them, sorted (tests).
  std::map<std::string, std::vector<Source>> snapshot() const;
  // Moves everything out (the file sweep, once).
  std::map<std::string, std::vector<Source>> take();
  std::size_t dropped() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Source>> paths_;
  std::size_t bytes_ = 0;
  std::size_t dropped_ = 0;
};

// "/usr//bin/./x/" -> "/usr/bin/x"; nullopt for relative paths and paths with a ".." component.
std::optional<std::string> normalise_absolute(std::string_view path);

// The absolute paths a shell command line names: words starting with '/', after quotes and
// opening brackets, cut at whitespace and shell operators; /dev, /proc and /sys and redirect
// targets left out; at most `max` of them. Pure (exposed for tests and fuzzing).
std::vector<std::string> command_paths(std::string_view command, std::size_t max = 16);

// Adds what `record` names as running: a process's executable and the absolute script paths of
// its argv; Exec*= commands of units and timers; cron, at and rc.local command lines; persistence
// commands and the scripts that run by being where they are (ssh rc, motd, shell start-up files).
void note_referenced_files(const v1::Record& record, ReferencedFiles& out);

}  // namespace hozen::collectors
