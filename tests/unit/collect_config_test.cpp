// `hozen collect --config FILE` (agent/cli/collect_config.h): the shipped example and a full file
// parse to the values they say; every kind of bad file fails at its line and column; the flags
// override the file only when given explicitly; and the progress line's formatting.
#include "agent/cli/collect_config.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "agent/cli/progress_line.h"
#include "tests/support/temp_dir.h"

using namespace hozen::cli;
namespace po = boost::program_options;

namespace {

CollectFileConfig must_parse(std::string_view yaml) {
  auto r = parse_collect_config(yaml, "t.yaml", {"system", "users", "file_sweep", "processes"});
  if (!r) FAIL("unexpected error: " << r.error().describe());
  return std::move(*r);
}

ConfigError must_fail(std::string_view yaml) {
  auto r = parse_collect_config(yaml, "t.yaml", {"system", "users", "file_sweep", "processes"});
  if (r) FAIL("parsed although it should not:\n" << yaml);
  return r.error();
}

// Resolves like cmd_collect: defaults, then the file, then the flags given.
CollectOptions resolve(std::string_view yaml, std::vector<std::string> args) {
  po::options_description desc;
  add_collect_setting_options(desc);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  CollectOptions o;
  apply_file_config(must_parse(yaml), o);
  auto ok = apply_flags(vm, o);
  if (!ok) FAIL("flags refused: " << ok.error().message);
  finish_collect_options(o);
  return o;
}

std::string flag_error(std::vector<std::string> args) {
  po::options_description desc;
  add_collect_setting_options(desc);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  CollectOptions o;
  auto ok = apply_flags(vm, o);
  if (ok) FAIL("flags accepted although they should not be");
  return ok.error().message;
}

constexpr std::string_view kFull = R"(# every key
collectors: {only: [system, users], skip: [file_sweep]}
processes:
  environ: false
  hash_executables: false
sweep:
  paths: [/srv/www, "/home/odd name"]
  profile: full
  recent_days: 7
  max_hash_mib: 100
  preserve_max_file_mib: 2
  preserve_budget_mib: 64
  threads: 3
  io_rate_mb_s: 12.5
  verify_packages: true
deadline_s: 600
collector_deadline_s: 120.5
low_priority: false
case: IR-2026-042
examiner: "A. Examiner"
evidence_id: 7
notes: 'first pass: "quoted"'
)";

}  // namespace

TEST_CASE("collect_config: a file with every key", "[collect_config]") {
  const CollectFileConfig c = must_parse(kFull);
  CHECK(*c.only == std::vector<std::string>{"system", "users"});
  CHECK(*c.skip == std::vector<std::string>{"file_sweep"});
  CHECK(*c.collect_environ == false);
  CHECK(*c.hash_executables == false);
  CHECK(*c.sweep_paths == std::vector<std::string>{"/srv/www", "/home/odd name"});
  CHECK(*c.profile == "full");
  CHECK(*c.recent_days == 7);
  CHECK(*c.max_hash_bytes == 100ull << 20);
  CHECK(*c.preserve_max_file_bytes == 2ull << 20);
  CHECK(*c.preserve_budget_bytes == 64ull << 20);
  CHECK(*c.threads == 3);
  CHECK(*c.io_rate_mb_s == 12.5);
  CHECK(*c.verify_packages);
  CHECK(*c.deadline_s == 600);
  CHECK(*c.collector_deadline_s == 120.5);
  CHECK(*c.low_priority == false);
  CHECK(*c.case_id == "IR-2026-042");
  CHECK(*c.examiner == "A. Examiner");
  CHECK(*c.evidence_id == "7");  // a plain number is text where text is expected
  CHECK(*c.notes == "first pass: \"quoted\"");

  CollectOptions o;
  apply_file_config(c, o);
  finish_collect_options(o);
  CHECK(o.sweep.full);
  CHECK(o.sweep.io_rate_bytes_per_s == 12'500'000);
  CHECK(o.sweep.paths.size() == 2);
}

TEST_CASE("collect_config: empty documents and sections set nothing", "[collect_config]") {
  for (std::string_view y : {"", "# only a comment\n", "---\n", "sweep:\ncollectors:\n"}) {
    const CollectFileConfig c = must_parse(y);
    CHECK_FALSE(c.recent_days);
    CHECK_FALSE(c.only);
    CHECK_FALSE(c.profile);
  }
  // An empty list is a list: "skip nothing" (overrides nothing else).
  const CollectFileConfig c = must_parse("collectors:\n  skip:\n");
  REQUIRE(c.skip);
  CHECK(c.skip->empty());
}

TEST_CASE("collect_config: the shipped example parses to the defaults", "[collect_config]") {
  const std::string path = std::string(HOZEN_SOURCE_DIR) + "/packaging/hozen.example.yaml";
  std::string bytes;
  auto r = load_collect_config(path, &bytes, {"system"});
  if (!r) FAIL(r.error().describe());
  CHECK_FALSE(bytes.empty());
  CollectOptions from_file, defaults;
  apply_file_config(*r, from_file);
  finish_collect_options(from_file);
  finish_collect_options(defaults);
  CHECK(from_file.only == defaults.only);
  CHECK(from_file.profile == defaults.profile);
  CHECK(from_file.sweep.recent_days == defaults.sweep.recent_days);
  CHECK(from_file.sweep.max_hash_bytes == defaults.sweep.max_hash_bytes);
  CHECK(from_file.sweep.preserve_max_file_bytes == defaults.sweep.preserve_max_file_bytes);
  CHECK(from_file.sweep.preserve_budget_bytes == defaults.sweep.preserve_budget_bytes);
  CHECK(from_file.sweep.threads == defaults.sweep.threads);
  CHECK(from_file.sweep.io_rate_bytes_per_s == defaults.sweep.io_rate_bytes_per_s);
  CHECK(from_file.low_priority == defaults.low_priority);
  CHECK(from_file.collect_environ == defaults.collect_environ);
  CHECK(from_file.hash_executables == defaults.hash_executables);
}

TEST_CASE("collect_config: each kind of error names its line and column", "[collect_config]") {
  struct Bad {
    const char* name;
    const char* yaml;
    std::size_t line, column;
    const char* says;
  };
  const Bad cases[] = {
      {"unknown-top-key", "case: x\nfrobnicate: 1\n", 2, 1, "unknown key 'frobnicate'"},
      {"unknown-sweep-key", "sweep:\n  recent_day: 3\n", 2, 3, "unknown key 'recent_day' in 'sweep'"},
      {"repeated-key", "case: a\ncase: b\n", 2, 1, "appears twice"},
      {"top-level-list", "- case\n", 1, 1, "one YAML block mapping"},
      // Shapes yaml-cpp 0.7 loops forever on (found by fuzzing): refused before it sees them.
      {"leading-comma", ",a: 1\n", 1, 1, "one YAML block mapping"},
      {"comment-then-comma", "# c\n,\n", 2, 1, "one YAML block mapping"},
      {"flow-root-comma", "[a], b\n", 1, 1, "one YAML block mapping"},
      {"quoted-root-comma", "\"x\",\n", 1, 1, "one YAML block mapping"},
      {"end-marker-comma", "case: a\n...\n,x\n", 2, 1, "one YAML block mapping"},
      {"directive", "%YAML 1.2\n---\n,\n", 1, 1, "one YAML block mapping"},
      {"fuzz-hang", ",ol: [/sr/odd name\"\nlow_\"\n", 1, 1, "one YAML block mapping"},
      {"section-not-map", "sweep: [a]\n", 1, 8, "'sweep' must be a mapping"},
      {"quoted-number", "sweep:\n  recent_days: \"30\"\n", 2, 16, "not a string"},
      {"negative-number", "sweep:\n  threads: -1\n", 2, 12, "must not be negative"},
      {"fraction-for-count", "sweep:\n  recent_days: 1.5\n", 2, 16, "whole number"},
      {"hex-count", "sweep:\n  max_hash_mib: 0x10\n", 2, 17, "whole number"},
      {"overflowing-mib", "sweep:\n  preserve_budget_mib: 99999999999999999999\n", 2, 24, "at most"},
      {"mib-times-2^20-overflows", "sweep:\n  max_hash_mib: 17592186044416\n", 2, 17, "at most 17592186044415"},
      {"preserve-over-record-size", "sweep:\n  preserve_max_file_mib: 8\n", 2, 26, "at most 7"},
      {"too-many-threads", "sweep:\n  threads: 100000\n", 2, 12, "at most 1024"},
      {"recent-days-overflow", "sweep:\n  recent_days: 4294967296\n", 2, 16, "at most 36500"},
      {"negative-deadline", "deadline_s: -5\n", 1, 13, "must not be negative"},
      {"nan-deadline", "deadline_s: .nan\n", 1, 13, "must be a number"},
      {"inf-rate", "sweep: {io_rate_mb_s: 1e999}\n", 1, 23, "must be a number"},
      {"huge-deadline", "collector_deadline_s: 1e300\n", 1, 23, "at most"},
      {"yes-for-bool", "low_priority: yes\n", 1, 15, "true or false"},
      {"quoted-bool", "processes: {environ: 'false'}\n", 1, 22, "not a string"},
      {"list-for-bool", "low_priority: [true]\n", 1, 15, "not a list"},
      {"null-number", "deadline_s:\ncase: x\n", 1, 1, "has no value"},
      {"null-text", "notes:\n", 1, 1, "has no value"},
      {"relative-path", "sweep:\n  paths:\n    - /ok\n    - tmp\n", 4, 7, "must be absolute"},
      {"empty-path", "sweep: {paths: ['']}\n", 1, 17, "must not be empty"},
      {"nul-in-path", "sweep: {paths: [\"/tmp/\\0x\"]}\n", 1, 17, "NUL"},
      {"path-list-not-list", "sweep:\n  paths: /tmp\n", 2, 10, "must be a list"},
      {"nested-path", "sweep: {paths: [[/a]]}\n", 1, 17, "single value"},
      {"unknown-profile", "sweep: {profile: fast}\n", 1, 18, "'default' or 'full'"},
      {"unknown-collector", "collectors:\n  only: [system, nosuch]\n", 2, 18, "unknown collector 'nosuch'"},
      {"empty-collector-entry", "collectors:\n  skip: ['']\n", 2, 10, "empty entry"},
      {"syntax-error", "sweep: {paths: [/a\n", 2, 1, "YAML:"},
      {"tab-indent", "sweep:\n\tthreads: 1\n", 2, 9, "YAML:"},
      {"two-documents", "case: a\n---\ncase: b\n", 2, 1, "one YAML block mapping"},
      {"merge-key", "base: &b {threads: 1}\nsweep:\n  <<: *b\n", 1, 1, "unknown key 'base'"},
      {"complex-key", "? [a]\n: 1\n", 1, 1, "one YAML block mapping"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const ConfigError e = must_fail(c.yaml);
    CHECK(e.file == "t.yaml");
    CHECK(e.message.find(c.says) != std::string::npos);
    CHECK(e.line == c.line);
    CHECK(e.column == c.column);
    const std::string d = e.describe();
    CHECK(d.starts_with("t.yaml:" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": "));
  }
}

TEST_CASE("collect_config: hostile bytes never crash and are escaped in messages", "[collect_config]") {
  // Not UTF-8, ESC, deep nesting, a self-referencing alias, a very long key.
  const std::string inputs[] = {
      std::string("case: \xff\xfe\n\x1b[31m: 1\n"),
      std::string(5000, '[') + std::string(5000, ']'),
      "sweep: &a {paths: *a}\n",
      std::string(100000, 'k') + ": 1\n",
      std::string("\0\0\0", 3),
  };
  for (const auto& in : inputs) {
    auto r = parse_collect_config(in, "h\n.yaml");
    if (!r) {
      const std::string d = r.error().describe();
      CHECK(d.find('\x1b') == std::string::npos);
      CHECK(d.find('\n') == std::string::npos);
      CHECK(d.size() < 1000);
    }
  }
}

TEST_CASE("collect_config: load_collect_config refuses what is not a small file", "[collect_config]") {
  hozen::testing::TempDir dir;
  CHECK_FALSE(load_collect_config(dir.path(), nullptr));
  CHECK_FALSE(load_collect_config(dir / "missing.yaml", nullptr));
  {
    std::ofstream big(dir / "big.yaml");
    big << "notes: \"" << std::string(kMaxConfigFileBytes, 'x') << "\"\n";
  }
  auto r = load_collect_config(dir / "big.yaml", nullptr);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("larger than") != std::string::npos);
  CHECK(r.error().line == 0);
  CHECK(r.error().describe() == dir / "big.yaml: larger than 1 MiB");
}

TEST_CASE("collect_config: flags given explicitly win over the file, defaults do not", "[collect_config]") {
  // No flags: the file decides everything it sets.
  CollectOptions o = resolve(kFull, {});
  CHECK(o.only == std::vector<std::string>{"system", "users"});
  CHECK(o.profile == "full");
  CHECK(o.sweep.full);
  CHECK(o.sweep.recent_days == 7);
  CHECK(o.sweep.threads == 3);
  CHECK(o.sweep.max_hash_bytes == 100ull << 20);
  CHECK(o.deadline_s == 600);
  CHECK_FALSE(o.low_priority);
  CHECK_FALSE(o.collect_environ);
  CHECK(o.case_id == "IR-2026-042");

  // Flags given: each wins, including a flag given with its default value.
  o = resolve(kFull, {"--only", "users", "--profile", "default", "--recent-days", "30",
                      "--threads", "1", "--max-hash-mib", "8", "--preserve-max-mib", "1",
                      "--preserve-budget-mib", "16", "--deadline", "0", "--io-rate", "2",
                      "--case", "CLI-1", "--sweep", "/opt", "--sweep", "/root"});
  CHECK(o.only == std::vector<std::string>{"users"});
  CHECK(o.skip == std::vector<std::string>{"file_sweep"});  // not given: the file's
  CHECK(o.profile == "default");
  CHECK_FALSE(o.sweep.full);
  CHECK(o.sweep.recent_days == 30);
  CHECK(o.sweep.threads == 1);
  CHECK(o.sweep.max_hash_bytes == 8ull << 20);
  CHECK(o.sweep.preserve_max_file_bytes == 1ull << 20);
  CHECK(o.sweep.preserve_budget_bytes == 16ull << 20);
  CHECK(o.deadline_s == 0);
  CHECK(o.collector_deadline_s == 120.5);
  CHECK(o.sweep.io_rate_bytes_per_s == 2'000'000);
  CHECK(o.case_id == "CLI-1");
  CHECK(o.examiner == "A. Examiner");
  CHECK(o.sweep.paths == std::vector<std::string>{"/opt", "/root"});

  // Switches only switch off.
  o = resolve("processes: {environ: true}\nlow_priority: true\n", {"--no-environ", "--no-low-priority"});
  CHECK_FALSE(o.collect_environ);
  CHECK_FALSE(o.low_priority);
  CHECK(o.hash_executables);

  // No file, no flags: the built-in defaults.
  o = resolve("", {});
  CollectOptions d;
  finish_collect_options(d);
  CHECK(o.profile == "default");
  CHECK(o.sweep.recent_days == d.sweep.recent_days);
  CHECK(o.sweep.max_hash_bytes == d.sweep.max_hash_bytes);
  CHECK(o.sweep.preserve_budget_bytes == d.sweep.preserve_budget_bytes);
  CHECK(o.low_priority);
}

TEST_CASE("collect_config: bad flag values are usage errors", "[collect_config]") {
  CHECK(flag_error({"--threads", "-1"}).find("must not be negative") != std::string::npos);
  CHECK(flag_error({"--recent-days", "99999999999"}).find("at most 36500") != std::string::npos);
  CHECK(flag_error({"--max-hash-mib", "1e3"}).find("whole number") != std::string::npos);
  CHECK(flag_error({"--preserve-max-mib", "64"}).find("at most 7") != std::string::npos);
  CHECK(flag_error({"--deadline", "-1"}).find("must not be negative") != std::string::npos);
  CHECK(flag_error({"--io-rate", "nan"}).find("must be a number") != std::string::npos);
  CHECK(flag_error({"--profile", "fast"}).find("'default' or 'full'") != std::string::npos);
  CHECK(flag_error({"--sweep", "relative/dir"}).find("absolute") != std::string::npos);
  CHECK(flag_error({"--sweep", ""}).find("empty") != std::string::npos);
}

// ---- the progress line -------------------------------------------------------------------------

TEST_CASE("progress_line: number formats", "[progress_line]") {
  CHECK(group_thousands(0) == "0");
  CHECK(group_thousands(999) == "999");
  CHECK(group_thousands(1000) == "1,000");
  CHECK(group_thousands(123456) == "123,456");
  CHECK(group_thousands(18446744073709551615ull) == "18,446,744,073,709,551,615");
  CHECK(human_bytes(0) == "0 B");
  CHECK(human_bytes(999) == "999 B");
  CHECK(human_bytes(1234) == "1.2 kB");
  CHECK(human_bytes(450e6) == "450 MB");
  CHECK(human_bytes(1.234e9) == "1.2 GB");
  CHECK(human_bytes(12.4e9) == "12 GB");
  CHECK(human_bytes(9.96e6) == "10 MB");
  CHECK(human_bytes(1e30) == "1000000000000 EB");
  CHECK(format_duration(0) == "0:00");
  CHECK(format_duration(42) == "0:42");
  CHECK(format_duration(725) == "12:05");
  CHECK(format_duration(3723) == "1:02:03");
  CHECK(format_duration(-5) == "0:00");
}

TEST_CASE("progress_line: the line, with and without an estimate", "[progress_line]") {
  ProgressSnapshot s;
  s.phase = "file_sweep";
  s.entries = 123456;
  s.entries_estimate = 308640;  // 40 %
  s.files_hashed = 1234;
  s.bytes_hashed = 1'200'000'000;
  s.elapsed_ns = 2'000'000'000;
  // 123,456 entries in 2 s; 185,184 to go at that rate: 3 s.
  CHECK(format_progress_line(s) ==
        "file_sweep: 123,456 entries (~40%), 1,234 files 1.2 GB hashed, 600 MB/s, ETA 0:03");

  s.entries_estimate = 0;  // unknown: no percentage, no ETA
  CHECK(format_progress_line(s) == "file_sweep: 123,456 entries, 1,234 files 1.2 GB hashed, 600 MB/s");

  s.entries_estimate = 100000;  // already past the estimate: it was wrong; say nothing
  CHECK(format_progress_line(s) == "file_sweep: 123,456 entries, 1,234 files 1.2 GB hashed, 600 MB/s");

  s.entries_estimate = 123457;  // never "100%" while running
  CHECK(format_progress_line(s).find("(~99%)") != std::string::npos);

  s = {};
  s.phase = "file_sweep";
  s.entries = 1;
  s.entries_estimate = 1'000'000'000;
  s.files_hashed = 1;
  s.elapsed_ns = 500'000'000;  // under a second: no rate and no ETA yet
  CHECK(format_progress_line(s) == "file_sweep: 1 entry (~0%), 1 file 0 B hashed");
  s.elapsed_ns = 10'000'000'000;
  CHECK(format_progress_line(s) == "file_sweep: 1 entry (~0%), 1 file 0 B hashed, 0 B/s");  // ETA > 100 h: left out

  s = {};
  s.entries_estimate = 10;
  s.elapsed_ns = 5'000'000'000;  // nothing walked yet: no ETA (no division by zero)
  CHECK(format_progress_line(s) == "collecting: 0 entries (~0%), 0 files 0 B hashed, 0 B/s");
}

TEST_CASE("progress_line: the display draws only while active and clears", "[progress_line]") {
  hozen::testing::TempDir dir;
  std::FILE* out = std::fopen((dir / "out").c_str(), "w+");
  REQUIRE(out != nullptr);
  hozen::collectors::Progress p;
  {
    ProgressDisplay display(p, out, true, 20, std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(40));  // inactive: nothing drawn
    p.begin("file_sweep", 0);
    p.entries = 5;
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    display.clear();
    p.end();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::fflush(out);
  const std::string text = hozen::testing::read_all(dir / "out");
  std::fclose(out);
  // Cut to 20 columns (never a wrapped line), erased at the end.
  CHECK(text.starts_with("\r\033[Kfile_sweep: 5 entrie\r\033[K"));
  CHECK(text.find("entries") == std::string::npos);
  CHECK(text.ends_with("\r\033[K"));

  // Disabled: nothing at all, even while active.
  std::FILE* quiet = std::fopen((dir / "quiet").c_str(), "w+");
  REQUIRE(quiet != nullptr);
  {
    ProgressDisplay display(p, quiet, false, 0, std::chrono::milliseconds(5));
    p.begin("file_sweep", 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    display.clear();
  }
  std::fclose(quiet);
  CHECK(hozen::testing::read_all(dir / "quiet").empty());
}

TEST_CASE("collect_config: a NUL byte is refused before the YAML parser sees it", "[collect_config]") {
  // yaml-cpp 0.7 loops forever on "\0," (found by fuzzing).
  auto r = hozen::cli::parse_collect_config(std::string("case: a\n\0,\n", 11), "t.yaml");
  REQUIRE(!r);
  CHECK(r.error().line == 2);
  CHECK(r.error().message.find("one YAML block mapping") != std::string::npos);
}
