// The collect configuration file (YAML) and the flags that override it. yaml-cpp builds the tree
// and throws on syntax errors; everything it throws stops in parse_collect_config. The reader
// walks a fixed schema (two levels of mappings, lists of scalars), so hostile nesting never
// reaches it beyond what yaml-cpp itself bounds.
#include "agent/cli/collect_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <system_error>

#include "agent/analysis/yaml_document.h"
#include "agent/bundle/format.h"
#include "platform/error.h"

namespace hozen::cli {
namespace {

namespace po = boost::program_options;

using Unexpected = platform::detail::Unexpected<ConfigError>;

// Bounds that keep every derived quantity in range (days to ns, seconds to ns, MB/s to B/s).
constexpr std::uint64_t kMaxRecentDays = 36'500;
constexpr std::uint64_t kMaxThreads = 1024;
constexpr double kMaxSeconds = 1e7;  // ~115 days
constexpr double kMaxIoRateMbS = 1e6;
constexpr std::uint64_t kMaxMib = std::numeric_limits<std::uint64_t>::max() >> 20;
// A preserved file travels in one record, and one record is at most kMaxChunkFrame bytes.
constexpr std::uint64_t kMaxPreserveFileMib = (bundle::kMaxChunkFrame >> 20) - 1;

std::string excerpt(std::string_view s) {
  std::string e = platform::escape_bytes(s.substr(0, 64));
  if (s.size() > 64) e += "...";
  return e;
}

// ---- scalar values, shared by the file and the flags ------------------------------------------

// A non-negative decimal integer no larger than `max`; else the reason (without the value).
platform::detail::Expected<std::uint64_t, std::string> parse_count(std::string_view text,
                                                                   std::uint64_t max) {
  using R = platform::detail::Expected<std::uint64_t, std::string>;
  using U = platform::detail::Unexpected<std::string>;
  if (text.starts_with('-')) return R(U("must not be negative"));
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return R(U("must be a whole number (decimal digits only)"));
  }
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > max) {
    return R(U("must be at most " + std::to_string(max)));
  }
  return v;
}

// A finite non-negative decimal number no larger than `max`.
platform::detail::Expected<double, std::string> parse_amount(std::string_view text, double max) {
  using R = platform::detail::Expected<double, std::string>;
  using U = platform::detail::Unexpected<std::string>;
  if (text.starts_with('-')) return R(U("must not be negative"));
  const bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  });
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (!digits_only || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return R(U("must be a number (like 30 or 0.5)"));
  }
  if (v > max) return R(U("must be at most " + std::to_string(static_cast<std::uint64_t>(max))));
  return v;
}

platform::detail::Expected<std::string, std::string> check_sweep_path(std::string_view p) {
  using U = platform::detail::Unexpected<std::string>;
  if (p.empty()) return U("a sweep path must not be empty");
  if (p.find('\0') != std::string_view::npos) return U("a sweep path must not contain a NUL byte");
  if (p.front() != '/') return U("a sweep path must be absolute (start with '/'), not '" + excerpt(p) + "'");
  return std::string(p);
}

// ---- the YAML reader ---------------------------------------------------------------------------

constexpr std::string_view kTopKeys =
    "collectors, processes, sweep, deadline_s, collector_deadline_s, low_priority, case, "
    "examiner, evidence_id, notes";
constexpr std::string_view kCollectorsKeys = "only, skip";
constexpr std::string_view kProcessesKeys = "environ, hash_executables";
constexpr std::string_view kSweepKeys =
    "paths, profile, recent_days, max_hash_mib, preserve_max_file_mib, preserve_budget_mib, "
    "threads, io_rate_mb_s, verify_packages";

class Reader {
 public:
  Reader(std::string_view name, const std::vector<std::string>& known_collectors)
      : file_(name), known_collectors_(known_collectors) {}

  ConfigResult<CollectFileConfig> read(const YAML::Node& root) {
    if (root.IsNull()) return std::move(out_);
    if (!root.IsMap()) return fail(root, "the top level must be a mapping (keys: " + std::string(kTopKeys) + ")");
    ConfigResult<void> ok = for_each_key(root, [&](const std::string& k, const YAML::Node& key, const YAML::Node& v) {
      return top_key(k, key, v);
    });
    if (!ok) return Unexpected(std::move(ok.error()));
    return std::move(out_);
  }

 private:
  Unexpected fail(const YAML::Node& at, std::string message) const {
    const YAML::Mark m = at.Mark();
    ConfigError e{file_, 0, 0, std::move(message)};
    if (!m.is_null()) {
      e.line = static_cast<std::size_t>(m.line) + 1;
      e.column = static_cast<std::size_t>(m.column) + 1;
    }
    return Unexpected(std::move(e));
  }

  // A null value ("key:" with nothing after it) is marked at the next token, often on a later
  // line: errors about it point at its key instead.
  static const YAML::Node& where(const YAML::Node& key, const YAML::Node& value) {
    return value.IsNull() || value.Mark().is_null() ? key : value;
  }

  template <class F>
  ConfigResult<void> for_each_key(const YAML::Node& map, F&& f) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      if (!entry.first.IsScalar()) return fail(entry.first, "a key must be a plain word");
      const std::string key = entry.first.Scalar();
      if (!seen.insert(key).second) return fail(entry.first, "key '" + excerpt(key) + "' appears twice");
      ConfigResult<void> ok = f(key, entry.first, entry.second);
      if (!ok) return ok;
    }
    return {};
  }

  Unexpected unknown(const std::string& key, const YAML::Node& at, std::string_view section,
                     std::string_view known) const {
    return fail(at, "unknown key '" + excerpt(key) + "'" +
                        (section.empty() ? std::string() : " in '" + std::string(section) + "'") +
                        " (known: " + std::string(known) + ")");
  }

  ConfigResult<void> top_key(const std::string& k, const YAML::Node& key, const YAML::Node& v) {
    if (k == "collectors") return section(k, key, v, kCollectorsKeys, &Reader::collectors_key);
    if (k == "processes") return section(k, key, v, kProcessesKeys, &Reader::processes_key);
    if (k == "sweep") return section(k, key, v, kSweepKeys, &Reader::sweep_key);
    if (k == "deadline_s") return amount(k, key, v, kMaxSeconds, out_.deadline_s);
    if (k == "collector_deadline_s") return amount(k, key, v, kMaxSeconds, out_.collector_deadline_s);
    if (k == "low_priority") return boolean(k, key, v, out_.low_priority);
    if (k == "case") return text(k, key, v, out_.case_id);
    if (k == "examiner") return text(k, key, v, out_.examiner);
    if (k == "evidence_id") return text(k, key, v, out_.evidence_id);
    if (k == "notes") return text(k, key, v, out_.notes);
    return unknown(k, key, "", kTopKeys);
  }

  using KeyFn = ConfigResult<void> (Reader::*)(const std::string&, const YAML::Node&, const YAML::Node&);
  ConfigResult<void> section(const std::string& name, const YAML::Node& key, const YAML::Node& v,
                             std::string_view known, KeyFn fn) {
    if (v.IsNull()) return {};  // "sweep:" with nothing under it
    if (!v.IsMap()) return fail(where(key, v), "'" + name + "' must be a mapping (keys: " + std::string(known) + ")");
    section_ = name;
    return for_each_key(v, [&](const std::string& k, const YAML::Node& kn, const YAML::Node& val) {
      return (this->*fn)(k, kn, val);
    });
  }

  ConfigResult<void> collectors_key(const std::string& k, const YAML::Node& key, const YAML::Node& v) {
    if (k == "only") return list(k, key, v, false, out_.only);
    if (k == "skip") return list(k, key, v, false, out_.skip);
    return unknown(k, key, section_, kCollectorsKeys);
  }

  ConfigResult<void> processes_key(const std::string& k, const YAML::Node& key, const YAML::Node& v) {
    if (k == "environ") return boolean(k, key, v, out_.collect_environ);
    if (k == "hash_executables") return boolean(k, key, v, out_.hash_executables);
    return unknown(k, key, section_, kProcessesKeys);
  }

  ConfigResult<void> sweep_key(const std::string& k, const YAML::Node& key, const YAML::Node& v) {
    if (k == "paths") return list(k, key, v, true, out_.sweep_paths);
    if (k == "profile") {
      ConfigResult<void> ok = text(k, key, v, out_.profile);
      if (ok && *out_.profile != "default" && *out_.profile != "full") {
        return fail(v, "'profile' must be 'default' or 'full', not '" + excerpt(*out_.profile) + "'");
      }
      return ok;
    }
    if (k == "recent_days") return count(k, key, v, kMaxRecentDays, 1, out_.recent_days);
    if (k == "max_hash_mib") return count(k, key, v, kMaxMib, 1u << 20, out_.max_hash_bytes);
    if (k == "preserve_max_file_mib") {
      return count(k, key, v, kMaxPreserveFileMib, 1u << 20, out_.preserve_max_file_bytes);
    }
    if (k == "preserve_budget_mib") return count(k, key, v, kMaxMib, 1u << 20, out_.preserve_budget_bytes);
    if (k == "threads") return count(k, key, v, kMaxThreads, 1, out_.threads);
    if (k == "io_rate_mb_s") return amount(k, key, v, kMaxIoRateMbS, out_.io_rate_mb_s);
    if (k == "verify_packages") return boolean(k, key, v, out_.verify_packages);
    return unknown(k, key, section_, kSweepKeys);
  }

  // A plain (unquoted, untagged) scalar: how a number or a boolean is written.
  ConfigResult<void> plain(const std::string& k, const YAML::Node& key, const YAML::Node& v,
                           std::string_view what) {
    if (v.IsNull()) return fail(key, "'" + k + "' has no value (expected " + std::string(what) + ")");
    if (!v.IsScalar()) return fail(v, "'" + k + "' must be " + std::string(what) + ", not a list or mapping");
    if (v.Tag() != "?") return fail(v, "'" + k + "' must be " + std::string(what) + " (unquoted), not a string");
    return {};
  }

  template <class T>
  ConfigResult<void> count(const std::string& k, const YAML::Node& key, const YAML::Node& v,
                           std::uint64_t max, std::uint64_t unit, std::optional<T>& out) {
    if (auto ok = plain(k, key, v, "a whole number"); !ok) return ok;
    auto n = parse_count(v.Scalar(), max);
    if (!n) return fail(v, "'" + k + "' " + n.error() + ", not '" + excerpt(v.Scalar()) + "'");
    out = static_cast<T>(*n * unit);
    return {};
  }

  ConfigResult<void> amount(const std::string& k, const YAML::Node& key, const YAML::Node& v,
                            double max, std::optional<double>& out) {
    if (auto ok = plain(k, key, v, "a number"); !ok) return ok;
    auto n = parse_amount(v.Scalar(), max);
    if (!n) return fail(v, "'" + k + "' " + n.error() + ", not '" + excerpt(v.Scalar()) + "'");
    out = *n;
    return {};
  }

  ConfigResult<void> boolean(const std::string& k, const YAML::Node& key, const YAML::Node& v,
                             std::optional<bool>& out) {
    if (auto ok = plain(k, key, v, "true or false"); !ok) return ok;
    const std::string& s = v.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") {
      out = true;
    } else if (s == "false" || s == "False" || s == "FALSE") {
      out = false;
    } else {
      return fail(v, "'" + k + "' must be true or false, not '" + excerpt(s) + "'");
    }
    return {};
  }

  ConfigResult<void> text(const std::string& k, const YAML::Node& key, const YAML::Node& v,
                          std::optional<std::string>& out) {
    if (v.IsNull()) return fail(key, "'" + k + "' has no value (quote an empty text: \"\")");
    if (!v.IsScalar()) return fail(v, "'" + k + "' must be a single value, not a list or mapping");
    out = v.Scalar();
    return {};
  }

  ConfigResult<void> list(const std::string& k, const YAML::Node& key, const YAML::Node& v,
                          bool paths, std::optional<std::vector<std::string>>& out) {
    out.emplace();
    if (v.IsNull()) return {};  // "skip:" with nothing under it: an empty list
    if (!v.IsSequence()) return fail(where(key, v), "'" + k + "' must be a list (one '- value' per line or [a, b])");
    for (const auto& item : v) {
      if (item.IsNull()) return fail(where(key, item), "empty entry in '" + k + "'");
      if (!item.IsScalar()) return fail(item, "an entry of '" + k + "' must be a single value, not a list or mapping");
      if (out->size() >= 4096) return fail(item, "more than 4096 entries in '" + k + "'");
      const std::string& s = item.Scalar();
      if (paths) {
        auto p = check_sweep_path(s);
        if (!p) return fail(item, p.error());
      } else if (s.empty()) {
        return fail(item, "empty entry in '" + k + "'");
      } else if (!known_collectors_.empty() &&
                 std::find(known_collectors_.begin(), known_collectors_.end(), s) == known_collectors_.end()) {
        return fail(item, "unknown collector '" + excerpt(s) + "' in '" + k + "' (see 'hozen collectors')");
      }
      out->push_back(s);
    }
    return {};
  }

  std::string file_;
  std::string section_;
  const std::vector<std::string>& known_collectors_;
  CollectFileConfig out_;
};

ConfigError whole_file(std::string_view file, std::string message) {
  return ConfigError{std::string(file), 0, 0, std::move(message)};
}

}  // namespace

std::string ConfigError::describe() const {
  std::string s = platform::escape_bytes(file);
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
  return s + ": " + platform::escape_bytes(message);
}

namespace {

// yaml-cpp 0.7 loops forever when a document's root starts with ',' or is a flow or quoted node
// followed by ',' (",a", "[a], b", "\"x\","; found by fuzzing). A configuration file is one block
// mapping, so the text is held to that shape before yaml-cpp sees it: the first line that is not
// blank or a comment (an optional lone "---" aside) starts with a key character at column 0, and
// no later line starts a new document ("---", "...") or is a directive ('%'). Returns the
// offending 1-based line, or 0.
std::size_t not_a_block_mapping(std::string_view text) {
  // YAML allows no NUL (yaml-cpp takes it for the end of the stream, and loops on ",\0"-like text).
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n'));
  }
  std::size_t line_no = 0, pos = 0;
  bool seen_root = false, seen_start = false;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    pos = end + 1;
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;  // blank or comment
    if (line.starts_with("---") || line.starts_with("...")) {
      const std::string_view rest = line.substr(3);
      const std::size_t r = rest.find_first_not_of(" \t");
      const bool bare = r == std::string_view::npos || rest[r] == '#';
      if (line.starts_with("---") && bare && !seen_root && !seen_start && (rest.empty() || rest[0] == ' ' || rest[0] == '\t')) {
        seen_start = true;
        continue;
      }
      if (rest.empty() || rest[0] == ' ' || rest[0] == '\t') return line_no;  // a document marker
    }
    if (first == 0 && line[0] == '%') return line_no;  // a directive
    // Every line at column 0 is a key of the root mapping: none starts with an indicator, and
    // the first one holds its ':' (a plain scalar root can run on over lines and end in ',').
    static constexpr std::string_view kIndicators = ",[]{}\"'-?:!&*|>%@`#";
    if (!seen_root && first != 0) return line_no;
    if (first == 0 && kIndicators.find(line[0]) != std::string_view::npos) return line_no;
    if (!seen_root && line.find(':') == std::string_view::npos) return line_no;
    seen_root = true;
  }
  return 0;
}

}  // namespace

ConfigResult<CollectFileConfig> parse_collect_config(std::string_view yaml, std::string_view name,
                                                     const std::vector<std::string>& known_collectors) {
  if (std::size_t bad = not_a_block_mapping(yaml); bad != 0) {
    ConfigError e = whole_file(name, "a configuration file is one YAML block mapping: 'key: value' lines "
                                     "from column 0 (no flow or quoted root, no second document, no directives)");
    e.line = bad;
    e.column = 1;
    return Unexpected(std::move(e));
  }
  try {
    // Never LoadAll: yaml-cpp 0.7's loops forever on some text after a document.
    const analysis::YamlDocument doc = analysis::load_one_document(yaml);
    if (doc.extra) {
      const YAML::Mark m = *doc.extra;
      ConfigError e = whole_file(name, "text after the end of the first YAML document: write one mapping");
      if (!m.is_null()) e.line = static_cast<std::size_t>(m.line) + 1, e.column = static_cast<std::size_t>(m.column) + 1;
      return Unexpected(std::move(e));
    }
    return Reader(name, known_collectors).read(doc.root);
  } catch (const YAML::Exception& e) {
    ConfigError err = whole_file(name, "YAML: " + excerpt(e.msg));
    if (!e.mark.is_null()) {
      err.line = static_cast<std::size_t>(e.mark.line) + 1;
      err.column = static_cast<std::size_t>(e.mark.column) + 1;
    }
    return Unexpected(std::move(err));
  } catch (const std::exception& e) {
    return Unexpected(whole_file(name, "YAML: " + excerpt(e.what())));
  } catch (...) {
    return Unexpected(whole_file(name, "YAML: unexpected parser failure"));
  }
}

ConfigResult<CollectFileConfig> load_collect_config(const std::string& path, std::string* bytes_out,
                                                    const std::vector<std::string>& known_collectors) {
  try {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return Unexpected(whole_file(path, "is a directory"));
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Unexpected(whole_file(path, "cannot open: " + std::error_code(errno, std::generic_category()).message()));
    }
    // Read up to one byte past the cap: the size stat reports is not trusted (a FIFO, a growing file).
    std::string bytes;
    std::array<char, 1 << 16> chunk;
    while (bytes.size() <= kMaxConfigFileBytes && in.read(chunk.data(), chunk.size()).gcount() > 0) {
      bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return Unexpected(whole_file(path, "read error"));
    if (bytes.size() > kMaxConfigFileBytes) return Unexpected(whole_file(path, "larger than 1 MiB"));
    if (bytes_out != nullptr) *bytes_out = bytes;
    return parse_collect_config(bytes, path, known_collectors);
  } catch (const std::exception& e) {
    return Unexpected(whole_file(path, std::string("cannot read: ") + e.what()));
  }
}

void add_collect_setting_options(po::options_description& desc) {
  // Numbers are taken as text and parsed strictly (boost's lexical_cast wraps "-1" for unsigned).
  // clang-format off
  desc.add_options()
    ("case", po::value<std::string>()->default_value(""), "case id")
    ("examiner", po::value<std::string>()->default_value(""), "examiner name")
    ("evidence-id", po::value<std::string>()->default_value(""), "evidence item id")
    ("notes", po::value<std::string>()->default_value(""), "free text notes")
    ("only", po::value<std::vector<std::string>>()->composing(), "run only these collectors (comma list)")
    ("skip", po::value<std::vector<std::string>>()->composing(), "do not run these collectors (comma list)")
    ("no-environ", "do not collect process environments")
    ("no-exe-hash", "do not hash running executables (faster; the file sweep can hash them)")
    ("sweep", po::value<std::vector<std::string>>()->composing(), "file_sweep: walk this host path instead of the default roots (repeatable)")
    ("profile", po::value<std::string>()->default_value("default"), "'default', or 'full': the file sweep walks every local filesystem and hashes every file, and the hidden-process check looks up /proc/<pid> for every pid, not only kill(pid, 0)")
    ("recent-days", po::value<std::string>()->default_value("30"), "file_sweep: files changed within this many days are flagged and hashed")
    ("max-hash-mib", po::value<std::string>()->default_value("512"), "file_sweep: larger files are not hashed (skipped_size)")
    ("preserve-max-mib", po::value<std::string>()->default_value("4"), "file_sweep: flagged files up to this size are copied into the bundle (at most 7)")
    ("preserve-budget-mib", po::value<std::string>()->default_value("256"), "file_sweep: all copied files together")
    ("threads", po::value<std::string>()->default_value("0"), "file_sweep: hashing threads (0 = cores)")
    ("io-rate", po::value<std::string>()->default_value("0"), "file_sweep: read at most this many MB/s (0 = unlimited)")
    ("no-low-priority", "keep normal CPU and I/O priority (default: nice 10 and idle-ish I/O class for hozen itself)")
    ("deadline", po::value<std::string>()->default_value("0"), "global deadline in seconds (0 = none)")
    ("collector-deadline", po::value<std::string>()->default_value("0"), "per-collector deadline in seconds (0 = none)");
  // clang-format on
}

void apply_file_config(const CollectFileConfig& f, CollectOptions& o) {
  if (f.only) o.only = *f.only;
  if (f.skip) o.skip = *f.skip;
  if (f.collect_environ) o.collect_environ = *f.collect_environ;
  if (f.hash_executables) o.hash_executables = *f.hash_executables;
  if (f.sweep_paths) o.sweep.paths = *f.sweep_paths;
  if (f.profile) o.profile = *f.profile;
  if (f.recent_days) o.sweep.recent_days = *f.recent_days;
  if (f.max_hash_bytes) o.sweep.max_hash_bytes = *f.max_hash_bytes;
  if (f.preserve_max_file_bytes) o.sweep.preserve_max_file_bytes = *f.preserve_max_file_bytes;
  if (f.preserve_budget_bytes) o.sweep.preserve_budget_bytes = *f.preserve_budget_bytes;
  if (f.threads) o.sweep.threads = *f.threads;
  if (f.io_rate_mb_s) o.io_rate_mb_s = *f.io_rate_mb_s;
  if (f.verify_packages) o.sweep.verify_packages = *f.verify_packages;
  if (f.deadline_s) o.deadline_s = *f.deadline_s;
  if (f.collector_deadline_s) o.collector_deadline_s = *f.collector_deadline_s;
  if (f.low_priority) o.low_priority = *f.low_priority;
  if (f.case_id) o.case_id = *f.case_id;
  if (f.examiner) o.examiner = *f.examiner;
  if (f.evidence_id) o.evidence_id = *f.evidence_id;
  if (f.notes) o.notes = *f.notes;
}

std::vector<std::string> split_comma_lists(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in) {
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t end = s.find(',', start);
      if (end == std::string::npos) end = s.size();
      if (end > start) out.push_back(s.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}


ConfigResult<void> apply_flags(const po::variables_map& vm, CollectOptions& o) {
  auto given = [&](const char* k) { return vm.count(k) > 0 && !vm[k].defaulted(); };
  auto bad = [](const std::string& flag, const std::string& why, const std::string& value) {
    return Unexpected(ConfigError{"", 0, 0, "--" + flag + " " + why + ", not '" + excerpt(value) + "'"});
  };
  if (given("only")) o.only = split_comma_lists(vm["only"].as<std::vector<std::string>>());
  if (given("skip")) o.skip = split_comma_lists(vm["skip"].as<std::vector<std::string>>());
  if (vm.count("no-environ")) o.collect_environ = false;
  if (vm.count("no-exe-hash")) o.hash_executables = false;
  if (vm.count("no-low-priority")) o.low_priority = false;
  if (given("sweep")) {
    o.sweep.paths.clear();
    for (const auto& s : vm["sweep"].as<std::vector<std::string>>()) {
      auto p = check_sweep_path(s);
      if (!p) return Unexpected(ConfigError{"", 0, 0, "--sweep: " + p.error()});
      o.sweep.paths.push_back(*p);
    }
  }
  if (given("profile")) {
    const std::string& p = vm["profile"].as<std::string>();
    if (p != "default" && p != "full") return bad("profile", "must be 'default' or 'full'", p);
    o.profile = p;
  }
  struct CountFlag {
    const char* name;
    std::uint64_t max, unit;
    std::uint64_t* out;
  };
  std::uint64_t recent = o.sweep.recent_days, threads = o.sweep.threads;
  const CountFlag counts[] = {
      {"recent-days", kMaxRecentDays, 1, &recent},
      {"threads", kMaxThreads, 1, &threads},
      {"max-hash-mib", kMaxMib, 1u << 20, &o.sweep.max_hash_bytes},
      {"preserve-max-mib", kMaxPreserveFileMib, 1u << 20, &o.sweep.preserve_max_file_bytes},
      {"preserve-budget-mib", kMaxMib, 1u << 20, &o.sweep.preserve_budget_bytes},
  };
  for (const auto& c : counts) {
    if (!given(c.name)) continue;
    const std::string& text = vm[c.name].as<std::string>();
    auto n = parse_count(text, c.max);
    if (!n) return bad(c.name, n.error(), text);
    *c.out = *n * c.unit;
  }
  o.sweep.recent_days = static_cast<std::uint32_t>(recent);
  o.sweep.threads = static_cast<unsigned>(threads);
  struct AmountFlag {
    const char* name;
    double max;
    double* out;
  };
  const AmountFlag amounts[] = {{"io-rate", kMaxIoRateMbS, &o.io_rate_mb_s},
                                {"deadline", kMaxSeconds, &o.deadline_s},
                                {"collector-deadline", kMaxSeconds, &o.collector_deadline_s}};
  for (const auto& a : amounts) {
    if (!given(a.name)) continue;
    const std::string& text = vm[a.name].as<std::string>();
    auto n = parse_amount(text, a.max);
    if (!n) return bad(a.name, n.error(), text);
    *a.out = *n;
  }
  if (given("case")) o.case_id = vm["case"].as<std::string>();
  if (given("examiner")) o.examiner = vm["examiner"].as<std::string>();
  if (given("evidence-id")) o.evidence_id = vm["evidence-id"].as<std::string>();
  if (given("notes")) o.notes = vm["notes"].as<std::string>();
  return {};
}

void finish_collect_options(CollectOptions& o) {
  o.sweep.full = o.profile == "full";
  o.sweep.io_rate_bytes_per_s = static_cast<std::uint64_t>(o.io_rate_mb_s * 1e6);
}

}  // namespace hozen::cli
