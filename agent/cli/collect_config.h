// `hozen collect` settings: from the command line and from a YAML file (`--config FILE`,
// docs/CLI.md "Configuration file"). The file is parsed into what it sets (every key optional);
// the settings start from the built-in defaults, the file is applied, then every flag given
// explicitly on the command line (a flag wins over the file; a flag left at its default does not).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/framework/collector.h"
#include "platform/expected.h"

namespace hozen::cli {

// Everything `collect` takes from its flags or its configuration file, resolved.
struct CollectOptions {
  std::vector<std::string> only, skip;  // collector ids
  bool collect_environ = true;
  bool hash_executables = true;
  std::string profile = "default";  // "default" or "full"
  collectors::SweepConfig sweep;    // sweep.full follows profile (see finish_collect_options)
  double io_rate_mb_s = 0;          // 0: unlimited (sweep.io_rate_bytes_per_s is derived)
  double deadline_s = 0, collector_deadline_s = 0;  // 0: none
  bool low_priority = true;
  std::string case_id, examiner, evidence_id, notes;
};

// What a configuration file sets: absent keys stay nullopt.
struct CollectFileConfig {
  std::optional<std::vector<std::string>> only, skip;
  std::optional<bool> collect_environ, hash_executables;
  std::optional<std::vector<std::string>> sweep_paths;
  std::optional<std::string> profile;
  std::optional<std::uint32_t> recent_days;
  std::optional<std::uint64_t> max_hash_bytes, preserve_max_file_bytes, preserve_budget_bytes;
  std::optional<unsigned> threads;
  std::optional<double> io_rate_mb_s;
  std::optional<bool> verify_packages;
  std::optional<double> deadline_s, collector_deadline_s;
  std::optional<bool> low_priority;
  std::optional<std::string> case_id, examiner, evidence_id, notes;
};

// A file that cannot be used. line/column are 1-based; 0 when the error is about the whole file.
struct ConfigError {
  std::string file;
  std::size_t line = 0, column = 0;
  std::string message;
  // "FILE:LINE:COL: message" (or "FILE: message"), host bytes escaped for the terminal.
  std::string describe() const;
};

template <class T>
using ConfigResult = platform::detail::Expected<T, ConfigError>;

// Largest configuration file read (a few hundred bytes in practice).
inline constexpr std::size_t kMaxConfigFileBytes = 1u << 20;

// Parses the YAML text of a configuration file (`name` is used in errors only). Strict: an
// unknown or repeated key, a value of the wrong type (numbers and booleans must be plain, not
// quoted), a negative, fractional or overflowing count, a relative or empty sweep path (or one
// with a NUL byte), an unknown profile or a YAML syntax error is an error at its line and column.
// An entry of collectors.only/skip not in `known_collectors` is an error (no check when that is
// empty). An empty document sets nothing. Never throws; input of any bytes is safe (yaml-cpp bounds the
// nesting depth; this reader never recurses into values). Thread-safe.
[[nodiscard]] ConfigResult<CollectFileConfig> parse_collect_config(
    std::string_view yaml, std::string_view name, const std::vector<std::string>& known_collectors = {});

// Reads (at most kMaxConfigFileBytes) and parses `path`; `bytes_out` receives the file's bytes
// (for its digest). Errors: unreadable, a directory, too large, or any parse error.
[[nodiscard]] ConfigResult<CollectFileConfig> load_collect_config(
    const std::string& path, std::string* bytes_out, const std::vector<std::string>& known_collectors = {});

// The collect flags that map onto CollectOptions (--only, --skip, --sweep, --profile, the
// sweep's numbers, deadlines, provenance texts...), added to `desc` with their defaults.
void add_collect_setting_options(boost::program_options::options_description& desc);

// Applies what the file sets onto `out`.
void apply_file_config(const CollectFileConfig& file, CollectOptions& out);

// Applies every flag of add_collect_setting_options that was given explicitly (not defaulted)
// onto `out`; the flags' own defaults never override the file. Returns a usage message for a
// bad value (negative deadline, relative --sweep path, unknown profile, a count that is not a
// non-negative integer or that overflows once converted to bytes).
[[nodiscard]] ConfigResult<void> apply_flags(const boost::program_options::variables_map& vm,
                                             CollectOptions& out);

// Derives the dependent fields (sweep.full, sweep.io_rate_bytes_per_s) once everything is applied.
void finish_collect_options(CollectOptions& out);

// "a,b" "c" -> {"a", "b", "c"}: the values of a repeatable comma-list option, empty items dropped.
std::vector<std::string> split_comma_lists(const std::vector<std::string>& in);

}  // namespace hozen::cli
