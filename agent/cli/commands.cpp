#include "agent/cli/commands.h"
#include "agent/cli/verify_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <algorithm>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "agent/bundle/reader.h"
#include "agent/cli/collect_config.h"
#include "agent/cli/progress_line.h"
#include "agent/bundle/writer.h"
#include "agent/crypto/ed25519.h"
#include "agent/export/format_writer.h"
#include "agent/analysis/analyzer.h"
#include "agent/analysis/catalog.h"
#include "agent/analysis/ioc.h"
#include "agent/export/json.h"
#include "agent/runner/runner.h"
#include "collectors/registry.h"
#include "collectors/system/host_identity.h"
#include "platform/heap.h"
#include "platform/host.h"
#include "platform/paths.h"
#include "platform/sha256.h"

namespace hozen::build {
extern const char* const kVersion;
extern const char* const kGitCommit;
extern const char* const kBuildType;
}  // namespace hozen::build

namespace hozen::cli {
namespace {

namespace po = boost::program_options;
using platform::escape_bytes;

// ---- argument parsing ------------------------------------------------------------------------

struct Parsed {
  po::variables_map vm;
  bool help = false;
};

// Parses args[1..]; prints a usage error and returns nullopt on bad input.
std::optional<Parsed> parse(const std::vector<std::string>& args, const po::options_description& desc,
                            const po::positional_options_description* pos, const char* usage) {
  Parsed p;
  try {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    auto parser = po::command_line_parser(rest).options(desc);
    if (pos != nullptr) {
      parser.positional(*pos);
    } else {
      parser.positional(po::positional_options_description());
    }
    po::store(parser.run(), p.vm);
    if (p.vm.count("help")) {
      std::cout << usage << "\n" << desc << "\n";
      p.help = true;
      return p;
    }
    po::notify(p.vm);
  } catch (const po::error& e) {
    std::cerr << "hozen " << args[0] << ": " << e.what() << "\n"
              << "usage: " << usage << "\n(see 'hozen " << args[0] << " --help')\n";
    return std::nullopt;
  }
  return p;
}

std::string hex(std::string_view s) { return platform::to_hex(s); }

// ---- signals ------------------------------------------------------------------------------------

std::atomic<bool> g_stop{false};
std::atomic<bool> g_interrupted{false};
std::atomic<std::int64_t> g_first_signal_ns{0};

// The first signal asks for an orderly stop (finish the chunk, write the trailer). A repeat within
// 2 s is the same request delivered twice (timeout(1) and service managers signal both the process
// and its group) and is ignored; a repeat after that means "stop now": default action, and the
// bundle verifies up to its last checkpoint. clock_gettime and raise are async-signal-safe.
extern "C" void on_signal(int sig) {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  std::int64_t now = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  std::int64_t first = 0;
  if (g_first_signal_ns.compare_exchange_strong(first, now)) {
    g_interrupted.store(true);
    g_stop.store(true);
    return;
  }
  if (now - first > 2'000'000'000) {
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGXFSZ, SIG_IGN);  // RLIMIT_FSIZE must give EFBIG (output_exhausted), not death
}

std::string sanitize_for_filename(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(0, "host");
  return out.substr(0, 64);
}

const char* reason_name(v1::TrailerReason r) {
  switch (r) {
    case v1::COMPLETE: return "complete";
    case v1::INTERRUPTED: return "interrupted";
    case v1::OUTPUT_EXHAUSTED: return "output_exhausted";
    case v1::DEADLINE: return "deadline";
    default: return "unspecified";
  }
}

}  // namespace

// =================================================================================================
// keygen

int cmd_keygen(const std::vector<std::string>& args) {
  const char* usage = "hozen keygen --out PREFIX";
  po::options_description desc("keygen: writes PREFIX.key (Ed25519, PKCS#8 PEM, mode 0600) and "
                               "PREFIX.pub; never overwrites");
  desc.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>()->required(), "path prefix of the key files");
  auto p = parse(args, desc, nullptr, usage);
  if (!p) return kExitUsage;
  if (p->help) return kExitOk;
  std::string prefix = p->vm["out"].as<std::string>();
  std::string key_path = prefix + ".key", pub_path = prefix + ".pub";
  for (const auto& path : {key_path, pub_path}) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
      std::cerr << "hozen keygen: " << path << " exists; refusing to overwrite a key\n";
      return kExitSetup;
    }
  }
  auto key = crypto::SigningKey::generate();
  if (!key) {
    std::cerr << "hozen keygen: " << key.error().message() << "\n";
    return kExitFailure;
  }
  if (auto r = key->write_private_pem(key_path); !r) {
    std::cerr << "hozen keygen: " << r.error().message() << "\n";
    return kExitSetup;
  }
  if (auto r = key->write_public_pem(pub_path); !r) {
    std::cerr << "hozen keygen: " << r.error().message() << "\n";
    ::unlink(key_path.c_str());
    return kExitSetup;
  }
  std::cout << "private key: " << key_path << " (mode 0600; keep it off the suspect host)\n"
            << "public key:  " << pub_path << "\n"
            << "fingerprint: " << crypto::fingerprint(key->public_key()) << "\n";
  return kExitOk;
}

// =================================================================================================
// collect

namespace {

std::optional<v1::Severity> severity_from_name(std::string_view n) {
  for (int s = v1::SEVERITY_INFO; s <= v1::SEVERITY_CRITICAL; ++s) {
    if (n == analysis::severity_name(static_cast<v1::Severity>(s))) return static_cast<v1::Severity>(s);
  }
  return std::nullopt;
}

std::string bytes_from_hex(std::string_view h) {
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(nib(h[i]) * 16 + nib(h[i + 1]));
  return out;
}

// Appends an analysis result to the bundle: each finding, then the summary.

analysis::Analyzer::Result append_findings(analysis::Analyzer& analyzer, const analysis::IndicatorSet& iocs,
                                           bundle::BundleWriter& writer) {
  auto result = analyzer.finish();
  add_ioc_sources(result.summary, iocs);
  for (const auto& f : result.findings) {
    v1::Record r;
    r.set_collector("analysis");
    r.set_utc_ns(platform::realtime_ns());
    *r.mutable_finding() = f;
    writer.append(r);
  }
  v1::Record r;
  r.set_collector("analysis");
  r.set_utc_ns(platform::realtime_ns());
  *r.mutable_analysis_summary() = result.summary;
  writer.append(r);
  return result;
}

}  // namespace

// Every --ioc file, merged; a bad file is a usage error naming its line (nothing half-loaded).
std::optional<analysis::IndicatorSet> load_iocs(const po::variables_map& vm, const char* cmd) {
  analysis::IndicatorSet all;
  if (vm.count("ioc") == 0) return all;
  for (const auto& path : vm["ioc"].as<std::vector<std::string>>()) {
    auto set = analysis::IndicatorSet::load_file(path);
    if (!set) {
      std::cerr << "hozen " << cmd << ": bad indicator file: " << escape_bytes(analysis::describe(set.error())) << "\n";
      return std::nullopt;
    }
    all.merge(std::move(*set));
  }
  return all;
}

// The IOC files an analysis used, with their digests.
void add_ioc_sources(v1::AnalysisSummary& summary, const analysis::IndicatorSet& iocs) {
  for (const auto& src : iocs.sources()) {
    auto* s = summary.add_ioc_sources();
    s->set_name(src.name);
    s->set_sha256(bytes_from_hex(src.sha256_hex));
    s->set_indicators(src.indicators);
  }
}

int cmd_collect(const std::vector<std::string>& args, const std::vector<std::string>& full_argv) {
  const char* usage =
      "hozen collect [--config FILE] [--output FILE] [--signing-key KEY] [--case ID]\n"
      "              [--examiner NAME] [--evidence-id ID] [--notes TEXT] [--only LIST]\n"
      "              [--skip LIST] [--root DIR] [--sweep PATH]... [--profile default|full]";
  po::options_description desc("collect: read-only snapshot of this host into a signed bundle");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("config,c", po::value<std::string>(), "settings from a YAML file (docs/CLI.md); flags given on the command line win")
    ("output,o", po::value<std::string>(), "bundle path (default: ./hozen-<host>-<UTC>.hozen); never overwritten")
    ("signing-key,k", po::value<std::string>(), "Ed25519 private key (PEM) from 'hozen keygen'; default: a fresh per-run key")
    ("root", po::value<std::string>(), "read host files under DIR (a mounted image); live-only collectors are skipped");
  add_collect_setting_options(desc);
  desc.add_options()
    ("verify-packages", "file_sweep: MD5 every file a dpkg package lists (md5sums) that the walk meets, not only those in system binary dirs (dpkg -V of the swept trees)")
    ("ioc", po::value<std::vector<std::string>>()->composing(), "indicators of compromise to match (YAML or plain text, docs/IOC.md); repeatable")
    ("no-analysis", "write no findings (by default the rules and --ioc lists run at the end and their findings are signed with the evidence)")
    ("quiet,q", "print only errors and the summary");
#ifdef HOZEN_TEST_COLLECTORS
  desc.add_options()
    ("test-records", po::value<std::uint64_t>()->default_value(1000), "test_slow: records to emit")
    ("test-interval-ms", po::value<std::uint32_t>()->default_value(10), "test_slow: pause between records")
    ("test-record-bytes", po::value<std::uint32_t>()->default_value(256), "test_slow: payload size");
#endif
  // clang-format on
  auto p = parse(args, desc, nullptr, usage);
  if (!p) return kExitUsage;
  if (p->help) return kExitOk;
  const auto& vm = p->vm;
  bool quiet = vm.count("quiet") > 0;
  auto registry = collectors::make_registry();

  // Settings: the defaults, then the --config file, then every flag given explicitly.
  CollectOptions opts;
  std::string config_file, config_file_sha256;
  if (vm.count("config")) {
    config_file = vm["config"].as<std::string>();
    std::vector<std::string> ids;
    for (const auto& c : registry) ids.emplace_back(c->id());
    std::string bytes;
    auto file = load_collect_config(config_file, &bytes, ids);
    if (!file) {
      std::cerr << "hozen collect: bad configuration file: " << file.error().describe() << "\n";
      return kExitUsage;
    }
    config_file_sha256 = platform::to_hex(platform::Sha256::of(bytes));
    apply_file_config(*file, opts);
  }
  if (auto ok = apply_flags(vm, opts); !ok) {
    std::cerr << "hozen collect: " << escape_bytes(ok.error().message) << "\n";
    return kExitUsage;
  }
  finish_collect_options(opts);
  // hozen's own heap: freed memory kept, huge pages when the kernel has them free (page faults
  // cost ~17 us each on a VM; platform/heap.h).
  (void)platform::prepare_heap();
  // nice and ioprio are per thread: set before any thread is made (threads inherit them).
  if (opts.low_priority) platform::lower_own_priority();
  const auto& only = opts.only;
  const auto& skip = opts.skip;

  auto iocs = load_iocs(vm, "collect");
  if (!iocs) return kExitUsage;
  const bool analyze = vm.count("no-analysis") == 0;
  if (!analyze && !iocs->empty()) {
    std::cerr << "hozen collect: --ioc needs the analysis (drop --no-analysis)\n";
    return kExitUsage;
  }
  const double deadline_s = opts.deadline_s;
  const double per_collector_s = opts.collector_deadline_s;
  const std::string& profile = opts.profile;
  const std::vector<std::string>& sweep_paths = opts.sweep.paths;

  // From here on a SIGINT/SIGTERM/SIGHUP never kills the collection half-way: it stops it, and the
  // bundle (created even when the signal came before it) ends with an 'interrupted' trailer.
  install_signal_handlers();

  // Everything is validated before anything is created.
  std::string root = vm.count("root") ? vm["root"].as<std::string>() : std::string("/");
  bool live_run = !vm.count("root");
  auto plan = runner::plan_run(registry, only, skip, live_run);
  if (!plan) {
    std::cerr << "hozen collect: unknown collector '" << escape_bytes(plan.error().path)
              << "' (see 'hozen collectors')\n";
    return kExitUsage;
  }
  auto host_fs = platform::RootedFileSystem::open(root);
  if (!host_fs) {
    std::cerr << "hozen collect: --root: " << host_fs.error().message() << "\n";
    return kExitSetup;
  }
  auto live_fs = platform::RootedFileSystem::open("/");
  if (!live_fs) {
    std::cerr << "hozen collect: " << live_fs.error().message() << "\n";
    return kExitSetup;
  }

  // Hashing hozen's own executable (13 MB) for the header is the longest step of the start-up:
  // it runs beside the rest of it (the signing key, the host's identity), once the command line
  // is known to be valid (an error exit would wait for it).
  std::future<platform::Result<platform::SelfExecutable>> self_exe;
  try {
    self_exe = std::async(std::launch::async, [] { return platform::read_self_executable(); });
  } catch (const std::system_error&) {
    self_exe = std::async(std::launch::deferred, [] { return platform::read_self_executable(); });
  }
  std::optional<crypto::SigningKey> key;
  bool ephemeral = !vm.count("signing-key");
  if (ephemeral) {
    auto k = crypto::SigningKey::generate();
    if (!k) {
      std::cerr << "hozen collect: " << k.error().message() << "\n";
      return kExitFailure;
    }
    key.emplace(std::move(*k));
  } else {
    auto k = crypto::SigningKey::load_pem(vm["signing-key"].as<std::string>());
    if (!k) {
      std::cerr << "hozen collect: --signing-key: " << k.error().message() << "\n";
      return kExitSetup;
    }
    key.emplace(std::move(*k));
  }

  collectors::Config config;
  config.collect_environ = opts.collect_environ;
  config.hash_executables = opts.hash_executables;
  config.sweep = opts.sweep;
  config.deep_pid_probe = profile == "full";
  // MD5 and SHA-1 cost a pass each over the bytes: only when an indicator needs them.
  config.sweep.md5 = iocs->has(analysis::IocType::kMd5);
  config.sweep.sha1 = iocs->has(analysis::IocType::kSha1);
  config.sweep.verify_packages = config.sweep.verify_packages || vm.count("verify-packages") > 0;
#ifdef HOZEN_TEST_COLLECTORS
  config.test_records = vm["test-records"].as<std::uint64_t>();
  config.test_interval_ms = vm["test-interval-ms"].as<std::uint32_t>();
  config.test_record_bytes = vm["test-record-bytes"].as<std::uint32_t>();
#endif
  collectors::Limits limits;

  auto start_clocks = platform::read_clocks();
  auto uname = platform::read_uname();
  std::string output = vm.count("output")
                           ? vm["output"].as<std::string>()
                           : "hozen-" + sanitize_for_filename(uname.nodename) + "-" +
                                 platform::format_compact_utc(start_clocks.realtime_ns) + ".hozen";

  // The effective configuration, canonical: one "key=value" line per setting, sorted.
  std::map<std::string, std::string> cfg;
  cfg["collectors.only"] = [&] { std::string s; for (auto& o : only) s += (s.empty() ? "" : ",") + o; return s; }();
  cfg["collectors.skip"] = [&] { std::string s; for (auto& o : skip) s += (s.empty() ? "" : ",") + o; return s; }();
  cfg["collect_environ"] = config.collect_environ ? "true" : "false";
  cfg["hash_executables"] = config.hash_executables ? "true" : "false";
  cfg["deep_pid_probe"] = config.deep_pid_probe ? "true" : "false";
  // (paths are escaped: a newline in one must not start a new line of this text)
  cfg["sweep.paths"] = [&] { std::string s; for (auto& o : sweep_paths) s += (s.empty() ? "" : ",") + escape_bytes(o); return s; }();
  cfg["sweep.profile"] = profile;
  cfg["sweep.verify_packages"] = config.sweep.verify_packages ? "true" : "false";
  cfg["sweep.recent_days"] = std::to_string(config.sweep.recent_days);
  cfg["sweep.threads"] = std::to_string(config.sweep.threads);
  cfg["sweep.io_rate_bytes_per_s"] = std::to_string(config.sweep.io_rate_bytes_per_s);
  // MD5 and SHA-1 cost a pass each over the bytes: only when an indicator needs them.
  config.sweep.md5 = iocs->has(analysis::IocType::kMd5);
  config.sweep.sha1 = iocs->has(analysis::IocType::kSha1);
  cfg["sweep.max_hash_bytes"] = std::to_string(config.sweep.max_hash_bytes);
  cfg["sweep.preserve_max_file_bytes"] = std::to_string(config.sweep.preserve_max_file_bytes);
  cfg["sweep.preserve_budget_bytes"] = std::to_string(config.sweep.preserve_budget_bytes);
  cfg["low_priority"] = opts.low_priority ? "true" : "false";
  cfg["config_file"] = escape_bytes(config_file);
  cfg["config_file_sha256"] = config_file_sha256;
  cfg["deadline_s"] = std::to_string(deadline_s);
  cfg["collector_deadline_s"] = std::to_string(per_collector_s);
  cfg["root"] = root;
  cfg["limits.max_file_bytes"] = std::to_string(limits.max_file_bytes);
  cfg["limits.max_records_per_collector"] = std::to_string(limits.max_records_per_collector);
  cfg["output"] = output;
  cfg["signing_key"] = ephemeral ? "per-run" : vm["signing-key"].as<std::string>();
  std::string config_text;
  for (auto& [k, v] : cfg) config_text += k + "=" + v + "\n";

  v1::Header header;
  header.set_ephemeral_key(ephemeral);
  auto* tool = header.mutable_tool();
  tool->set_name("hozen");
  tool->set_version(build::kVersion);
  tool->set_git_commit(build::kGitCommit);
  tool->set_build_type(build::kBuildType);
  auto* inv = header.mutable_invocation();
  for (const auto& a : full_argv) inv->add_argv(a);
  inv->set_config(config_text);
  inv->set_config_sha256(platform::as_bytes(platform::Sha256::of(config_text)));
  inv->set_case_id(opts.case_id);
  inv->set_examiner(opts.examiner);
  inv->set_evidence_id(opts.evidence_id);
  inv->set_notes(opts.notes);
  inv->set_mode("usb");
  inv->set_root(live_run ? "" : root);
  inv->set_pid(::getpid());
  inv->set_output_path(output);
  // The header describes the machine the collector ran on (always live).
  *header.mutable_host() =
      collectors::system::read_host_identity(**live_fs, live_fs->get(), nullptr, limits.max_file_bytes);
  *header.mutable_clocks() = collectors::system::to_proto(start_clocks, "start");
  auto creds = platform::read_credentials();
  auto* c = header.mutable_credentials();
  c->set_uid(creds.uid);
  c->set_euid(creds.euid);
  c->set_gid(creds.gid);
  c->set_egid(creds.egid);
  c->set_cap_effective(creds.cap_effective);
  c->set_cap_permitted(creds.cap_permitted);
  c->set_cap_inheritable(creds.cap_inheritable);
  c->set_cap_bounding(creds.cap_bounding);
  c->set_no_new_privs(creds.no_new_privs);

  auto fd = bundle::create_output_file(output);
  if (!fd) {
    std::cerr << "hozen collect: cannot create the bundle: " << fd.error().message()
              << (fd.error().err == EEXIST ? " (bundles are never overwritten)" : "") << "\n";
    return kExitSetup;
  }
  collectors::PlatformFacts facts;
  facts.clock_ticks = ::sysconf(_SC_CLK_TCK);
  facts.page_size = ::sysconf(_SC_PAGESIZE);
  facts.boot_time_utc_ns = start_clocks.realtime_ns - start_clocks.boottime_ns;
  facts.boot_id = header.host().boot_id();
  facts.proc_root = std::string(platform::paths::kProcRoot);
  facts.self_pid = ::getpid();

  runner::RunSettings settings;
  settings.host = host_fs->get();
  settings.live = live_run ? live_fs->get() : nullptr;
  settings.facts = facts;
  settings.limits = limits;
  settings.config = config;
  std::int64_t t0 = platform::monotonic_ns();
  settings.global_deadline_mono_ns =
      deadline_s > 0 ? t0 + static_cast<std::int64_t>(deadline_s * 1e9) : 0;
  settings.per_collector_ms = static_cast<std::int64_t>(per_collector_s * 1000);
  settings.stop = &g_stop;
  settings.interrupted = &g_interrupted;
  // The collectors' early work (the pid sweep, at idle priority) starts now: its thread uses the
  // core the wait below leaves idle. Stopped on any early return; run() stops it at its end.
  runner::start_early(*plan, settings);
  struct EarlyWork {
    const std::vector<runner::Selection>& plan;
    ~EarlyWork() { runner::stop_early(plan); }
  } early_work{*plan};
  settings.early_started = true;
  // Last: the digest of hozen's own executable (its thread has run beside everything above).
  auto selfr = self_exe.get();
  collectors::PlatformFacts::SelfExecutable self_identity;
  if (auto& self = selfr) {
    if (self->sha256 && self->nlink > 0) {  // a deleted binary is copied by the processes collector instead
      self_identity = {*self->sha256, self->dev, self->ino, self->size, self->mtime_sec, self->mtime_nsec,
                       self->ctime_sec, self->ctime_nsec};
    }
    tool->set_executable_path(self->path);
    if (self->sha256) tool->set_executable_sha256(*self->sha256);
    tool->set_executable_size(self->size);
    tool->set_statically_linked(self->statically_linked);
  } else {
    std::cerr << "hozen collect: warning: cannot hash own executable: " << self.error().message() << "\n";
  }
  settings.facts.self_exe = std::move(self_identity);
  std::string fp = crypto::fingerprint(key->public_key());
  if (ephemeral) {
    std::cerr << "hozen collect: signing with a per-run key, fingerprint\n    " << fp
              << "\n  write it down: it identifies this bundle's signer (hozen verify --fingerprint)\n";
  }
  auto writer = bundle::BundleWriter::start(std::move(*fd), *key, header);
  if (!writer) {
    std::cerr << "hozen collect: cannot write the bundle header: " << writer.error().message() << "\n";
    ::unlink(output.c_str());  // our own empty file: nothing of evidential value in it
    return writer.error().kind == platform::ErrorKind::kNoSpace ? kExitOutputExhausted : kExitSetup;
  }

  // The progress line: on a terminal only, and never with --quiet.
  collectors::Progress progress;
  settings.progress = &progress;
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  struct winsize ws {};
  const std::size_t columns = tty && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1 : 0;
  ProgressDisplay display(progress, stderr, tty && !quiet, columns);
  settings.on_run_end = [&](const v1::CollectorRun& r) {
    display.clear();
    if (quiet) return;
    double secs = static_cast<double>(r.end_monotonic_ns() - r.start_monotonic_ns()) / 1e9;
    std::fprintf(stderr, "  %-16s %-9s %8llu records %7.2f s%s%s\n", r.collector_id().c_str(),
                 runner::run_status_name(r.status()),
                 static_cast<unsigned long long>(r.records_emitted()), secs,
                 r.status_detail().empty() ? "" : "  ", escape_bytes(r.status_detail()).c_str());
  };
  if (!quiet) std::cerr << "hozen collect: writing " << escape_bytes(output) << "\n";

  // Findings: every record is shown to the analyzer as it lands in the bundle; the rules that
  // join records run once the collectors are done, and their findings are appended (and signed)
  // before the trailer.
  analysis::AnalysisOptions aopt;
  aopt.iocs = iocs->empty() ? nullptr : &*iocs;
  aopt.now_utc_ns = start_clocks.realtime_ns;
  aopt.recent_days = config.sweep.recent_days;
  aopt.ruleset_version = build::kVersion;
  analysis::Analyzer analyzer(aopt);
  std::mutex analyzer_mu;
  if (analyze) {
    settings.observe = [&](const v1::Record& r) {
      std::lock_guard lock(analyzer_mu);
      analyzer.observe(r);
    };
  }
  auto result = runner::run(*plan, settings, **writer);
  std::optional<analysis::Analyzer::Result> findings;
  if (analyze && !g_stop.load()) {
    findings = append_findings(analyzer, *iocs, **writer);
  }

  bundle::FinishInfo info;
  info.reason = result.reason;
  info.runs = result.runs;
  for (auto& [st, n] : result.item_counts) {
    v1::StatusCount sc;
    sc.set_status(static_cast<v1::ItemStatus>(st));
    sc.set_count(n);
    info.item_counts.push_back(sc);
  }
  info.clocks = collectors::system::to_proto(platform::read_clocks(), "end");
  auto fin = (*writer)->finish(std::move(info));

  if (fin.trailer_written && fin.reason == v1::COMPLETE) {
    std::cout << "hozen: collection complete\n"
              << "  bundle:     " << escape_bytes(output) << " (" << fin.total_bytes << " bytes, "
              << fin.records_written << " records, " << fin.checkpoints << " checkpoints)\n"
              << "  bundle id:  " << hex((*writer)->bundle_id()) << "\n"
              << "  chain head: " << hex(fin.final_chain) << "\n"
              << "  signed by:  " << fp << (ephemeral ? " (per-run key)" : "") << "\n"
              << "  items:      ";
    bool first = true;
    for (auto& [st, n] : result.item_counts) {
      std::cout << (first ? "" : ", ") << v1::ItemStatus_Name(static_cast<v1::ItemStatus>(st)) << " " << n;
      first = false;
    }
    std::cout << (first ? "none" : "") << "; anomalies " << result.anomalies;
    if (fin.records_dropped > 0) std::cout << "; " << fin.records_dropped << " records dropped (too large)";
    std::cout << "\n";
    if (findings) std::cout << analysis::format_summary(*findings, 5);
    std::cout << "  check with: hozen verify " << escape_bytes(output) << "\n";
    return kExitOk;
  }
  // Not complete: say what happened and what the bundle still proves. No digest, no "success".
  std::cerr << "hozen collect: collection NOT complete: ";
  int code = kExitFailure;
  if (fin.reason == v1::OUTPUT_EXHAUSTED || !fin.trailer_written) {
    std::cerr << "the output failed (" << (fin.error.empty() ? "unknown" : fin.error) << ")";
    code = kExitOutputExhausted;
  } else if (fin.reason == v1::INTERRUPTED) {
    std::cerr << "interrupted by a signal";
    code = kExitInterrupted;
  } else if (fin.reason == v1::DEADLINE) {
    std::cerr << "the global deadline expired";
    code = kExitDeadline;
  }
  std::cerr << "\n  bundle: " << escape_bytes(output) << " — "
            << (fin.trailer_written ? std::string("closed with trailer reason '") + reason_name(fin.reason) + "'"
                                    : std::string("no trailer could be written; it verifies up to its last checkpoint"))
            << "; " << fin.records_written << " records written, " << fin.records_dropped
            << " dropped\n  check with: hozen verify " << escape_bytes(output) << "\n";
  return code;
}

// =================================================================================================
// verify and export share the verification pass (declared in verify_util.h)

int exit_code_for(const bundle::VerifyReport& rep) {
  switch (rep.status) {
    case bundle::VerifyStatus::kComplete:
      return rep.reason == v1::COMPLETE ? kExitOk : kExitIncomplete;
    case bundle::VerifyStatus::kVerifiedPrefix: return kExitPrefix;
    case bundle::VerifyStatus::kBroken: return kExitBroken;
    case bundle::VerifyStatus::kBadSignature: return kExitBadSignature;
    case bundle::VerifyStatus::kUnknownKey: return kExitUnknownKey;
    case bundle::VerifyStatus::kReadError: return kExitSetup;
  }
  return kExitFailure;
}

std::string result_line(const bundle::VerifyReport& rep) {
  std::ostringstream o;
  switch (rep.status) {
    case bundle::VerifyStatus::kComplete:
      o << "COMPLETE (collection " << reason_name(rep.reason) << ")";
      break;
    case bundle::VerifyStatus::kVerifiedPrefix:
      o << "VERIFIED PREFIX: verified up to checkpoint " << rep.checkpoints;
      if (rep.checkpoints > 0) o << " (frame " << rep.last_checkpoint_seq << ")";
      o << ", " << rep.unsigned_bytes << " unsigned bytes after it (" << rep.detail << ")";
      break;
    case bundle::VerifyStatus::kBroken:
      o << "BROKEN at offset " << rep.broken_offset << ": " << rep.detail;
      break;
    case bundle::VerifyStatus::kBadSignature:
      o << "BAD SIGNATURE at offset " << rep.broken_offset << ": " << rep.detail;
      break;
    case bundle::VerifyStatus::kUnknownKey:
      o << "UNKNOWN KEY: " << rep.detail;
      break;
    case bundle::VerifyStatus::kReadError:
      o << "READ ERROR at offset " << rep.broken_offset << ": " << rep.detail;
      break;
  }
  return o.str();
}

// Opens and verifies; `cb` sees the chunks. Returns nullopt (after printing) if the file can't be
// opened.
std::optional<bundle::VerifyReport> run_verify(const VerifyArgs& a, const char* cmd,
                                               const bundle::VerifyCallbacks& cb) {
  int fd = ::open(a.file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    std::cerr << "hozen " << cmd << ": " << platform::Error::from_errno(errno, "open", a.file).message() << "\n";
    return std::nullopt;
  }
  platform::UniqueFd guard(fd);
  bundle::FdSource src(fd);
  bundle::VerifyOptions opts;
  opts.expected_public_key = a.key;
  opts.expected_fingerprint = a.fingerprint;
  return bundle::verify_bundle(src, opts, cb);
}

std::optional<VerifyArgs> verify_args(const po::variables_map& vm, const char* cmd) {
  VerifyArgs a;
  if (vm.count("file")) a.file = vm["file"].as<std::string>();
  if (vm.count("key")) {
    auto k = crypto::load_public_key_pem(vm["key"].as<std::string>());
    if (!k) {
      std::cerr << "hozen " << cmd << ": --key: " << k.error().message() << "\n";
      return std::nullopt;
    }
    a.key = *k;
  }
  if (vm.count("fingerprint")) {
    std::string f = vm["fingerprint"].as<std::string>();
    if (!f.starts_with("SHA256:")) f = "SHA256:" + f;
    for (auto& ch : f) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    f.replace(0, 7, "SHA256:");
    a.fingerprint = f;
  }
  return a;
}

std::string body_name(const v1::Record& r) {
  const auto* oneof = r.GetDescriptor()->FindOneofByName("body");
  const auto* f = r.GetReflection()->GetOneofFieldDescriptor(r, oneof);
  return f != nullptr ? f->name() : "empty";
}

namespace {

void print_header(const v1::Header& h) {
  auto e = [](const std::string& s) { return escape_bytes(s); };
  const auto& t = h.tool();
  const auto& inv = h.invocation();
  const auto& host = h.host();
  std::cout << "bundle id:    " << hex(h.bundle_id()) << "\n"
            << "signer:       " << crypto::fingerprint(h.signer_public_key())
            << (h.ephemeral_key() ? " (per-run key)" : "") << "\n"
            << "tool:         " << e(t.name()) << " " << e(t.version()) << " commit " << e(t.git_commit())
            << " (" << e(t.build_type()) << (t.statically_linked() ? ", static" : ", dynamic") << ")\n"
            << "tool sha256:  " << (t.executable_sha256().empty() ? "(not recorded)" : hex(t.executable_sha256()))
            << "  " << e(t.executable_path()) << "\n"
            << "argv:        ";
  for (const auto& a : inv.argv()) std::cout << " '" << e(a) << "'";
  std::cout << "\nconfig sha256: " << hex(inv.config_sha256()) << "\n"
            << "case:         " << e(inv.case_id()) << "\n"
            << "examiner:     " << e(inv.examiner()) << "\n"
            << "evidence id:  " << e(inv.evidence_id()) << "\n"
            << "notes:        " << e(inv.notes()) << "\n"
            << "mode:         " << e(inv.mode()) << (inv.root().empty() ? "" : ", root " + e(inv.root()))
            << ", pid " << inv.pid() << "\n"
            << "host:         " << e(host.hostname()) << "  machine-id " << e(host.machine_id())
            << "  boot-id " << e(host.boot_id()) << "\n"
            << "kernel:       " << e(host.kernel_name()) << " " << e(host.kernel_release()) << " "
            << e(host.kernel_version()) << " " << e(host.machine()) << "\n";
  for (const auto& i : host.interfaces()) {
    std::cout << "interface:    " << e(i.name()) << " mac " << hex(i.mac());
    for (const auto& a : i.addresses()) std::cout << " " << e(a);
    std::cout << "\n";
  }
  std::cout << "time zone:    TZ=" << e(host.tz_env()) << " localtime->" << e(host.localtime_target())
            << " timezone=" << e(host.timezone_file()) << "\n";
  const auto& c = h.clocks();
  std::cout << "started:      " << platform::format_rfc3339_ns(c.realtime_ns()) << " (monotonic "
            << c.monotonic_ns() << " ns, boottime " << c.boottime_ns() << " ns, ntp "
            << (c.ntp_synchronized() ? "synchronized" : "NOT synchronized") << ")\n";
  const auto& cr = h.credentials();
  char caps[64];
  std::snprintf(caps, sizeof caps, "%016llx", static_cast<unsigned long long>(cr.cap_effective()));
  std::cout << "credentials:  uid " << cr.uid() << " euid " << cr.euid() << " gid " << cr.gid()
            << " egid " << cr.egid() << " CapEff " << caps << "\n";
}

}  // namespace

int cmd_verify(const std::vector<std::string>& args) {
  const char* usage = "hozen verify FILE [--key PUB] [--fingerprint SHA256:HEX]";
  po::options_description desc("verify: check chain and signatures, print provenance");
  desc.add_options()("help,h", "show this help")(
      "file", po::value<std::string>()->required(), "bundle to verify")(
      "key", po::value<std::string>(), "expected signer public key (PEM from 'hozen keygen')")(
      "fingerprint", po::value<std::string>(), "expected signer fingerprint (as printed by collect)")(
      "quiet,q", "print only the result line");
  po::positional_options_description pos;
  pos.add("file", 1);
  auto p = parse(args, desc, &pos, usage);
  if (!p) return kExitUsage;
  if (p->help) return kExitOk;
  auto a = verify_args(p->vm, "verify");
  if (!a) return kExitSetup;

  std::map<std::string, std::uint64_t> verified_types;
  std::uint64_t unverified_records = 0;
  std::vector<v1::CollectorRun> runs_from_records;
  bundle::VerifyCallbacks cb;
  cb.on_verified_chunk = [&](std::string_view chunk) {
    bundle::for_each_record(chunk, [&](const v1::Record& r) {
      verified_types[body_name(r)]++;
      if (r.has_collector_run()) runs_from_records.push_back(r.collector_run());
    });
  };
  cb.on_unverified_chunk = [&](std::string_view chunk) {
    bundle::for_each_record(chunk, [&](const v1::Record&) { ++unverified_records; });
  };
  auto rep = run_verify(*a, "verify", cb);
  if (!rep) return kExitSetup;
  bool quiet = p->vm.count("quiet") > 0;
  if (!quiet) {
    std::cout << "file:         " << escape_bytes(a->file) << " (" << rep->total_bytes << " bytes, "
              << rep->frames << " frames, " << rep->checkpoints << " checkpoints)\n";
    if (rep->header) {
      print_header(*rep->header);
      if (!a->key && !a->fingerprint) {
        std::cout << "key pinning:  none (the signature is checked against the key in the header; "
                     "pass --key or --fingerprint to check who signed)\n";
      } else if (rep->status != bundle::VerifyStatus::kUnknownKey) {
        std::cout << "key pinning:  signer matches the expected key\n";
      }
    }
    const auto& runs = rep->trailer ? std::vector<v1::CollectorRun>(rep->trailer->collector_runs().begin(),
                                                                     rep->trailer->collector_runs().end())
                                    : runs_from_records;
    for (const auto& r : runs) {
      double secs = static_cast<double>(r.end_monotonic_ns() - r.start_monotonic_ns()) / 1e9;
      std::cout << "collector:    " << std::left;
      std::printf("%-16s %-9s %8llu records %6llu anomalies %7.2f s  %s\n", escape_bytes(r.collector_id()).c_str(),
                  runner::run_status_name(r.status()),
                  static_cast<unsigned long long>(r.records_emitted()),
                  static_cast<unsigned long long>(r.anomalies()), secs,
                  escape_bytes(r.status_detail()).c_str());
      std::fflush(stdout);
    }
    if (rep->trailer) {
      std::cout << "ended:        " << platform::format_rfc3339_ns(rep->trailer->end_utc_ns())
                << "; records " << rep->trailer->record_count() << ", dropped "
                << rep->trailer->records_dropped() << "\n";
      std::cout << "items:       ";
      for (const auto& sc : rep->trailer->item_counts()) {
        std::cout << " " << v1::ItemStatus_Name(sc.status()) << "=" << sc.count();
      }
      std::cout << "\n";
    }
    std::cout << "records:     ";
    for (auto& [t, n] : verified_types) std::cout << " " << t << "=" << n;
    std::cout << "  (verified)";
    if (unverified_records > 0) std::cout << "; " << unverified_records << " unverified";
    std::cout << "\n";
  }
  std::cout << "result:       " << result_line(*rep) << "\n";
  return exit_code_for(*rep);
}

// =================================================================================================
// export

int cmd_export(const std::vector<std::string>& args) {
  const char* usage =
      "hozen export FILE --format jsonl|csv|timesketch|bodyfile [--type T] [--include-unverified]";
  po::options_description desc(
      "export: records on stdout as JSON Lines, CSV (one --type), Timesketch JSONL or a Sleuth Kit "
      "bodyfile (docs/FORMAT.md §Export)");
  desc.add_options()("help,h", "show this help")(
      "file", po::value<std::string>()->required(), "bundle")(
      "format", po::value<std::string>()->default_value("jsonl"),
      "jsonl, csv (needs one --type), timesketch (timeline events), bodyfile (file_entry: mactime -b)")(
      "type", po::value<std::vector<std::string>>()->composing(),
      "only these record types (comma list: header, trailer, system_info, mount, ...)")(
      "include-unverified", "also export records not covered by a signature (marked verified=false)")(
      "key", po::value<std::string>(), "expected signer public key (PEM)")(
      "fingerprint", po::value<std::string>(), "expected signer fingerprint");
  po::positional_options_description pos;
  pos.add("file", 1);
  auto p = parse(args, desc, &pos, usage);
  if (!p) return kExitUsage;
  if (p->help) return kExitOk;
  auto format = exporter::parse_export_format(p->vm["format"].as<std::string>());
  if (!format) {
    std::cerr << "hozen export: unsupported --format '" << escape_bytes(p->vm["format"].as<std::string>())
              << "' (supported: " << exporter::kExportFormatNames << ")\n";
    return kExitUsage;
  }
  auto types_v = split_comma_lists(p->vm.count("type") ? p->vm["type"].as<std::vector<std::string>>()
                                                : std::vector<std::string>{});
  std::optional<exporter::FormatWriter> writer;  // every format but jsonl
  if (*format != exporter::ExportFormat::kJsonl) {
    auto w = exporter::FormatWriter::make(*format, types_v, [](std::string_view s) {
      std::fwrite(s.data(), 1, s.size(), stdout);
    });
    if (!w) {
      std::cerr << "hozen export: " << escape_bytes(w.error()) << "\nusage: " << usage << "\n";
      return kExitUsage;
    }
    writer.emplace(std::move(*w));
  }
  auto a = verify_args(p->vm, "export");
  if (!a) return kExitSetup;
  std::set<std::string> types(types_v.begin(), types_v.end());
  bool include_unverified = p->vm.count("include-unverified") > 0;
  auto wanted = [&](const std::string& t) { return types.empty() || types.count(t) > 0; };

  std::string line;
  auto write_line = [&] {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    line.clear();
  };
  auto emit_record = [&](const v1::Record& r, bool verified) {
    if (writer) return writer->record(r, verified);
    std::string t = body_name(r);
    if (!wanted(t)) return;
    line = "{";
    bool first = true;
    line += "\"type\":";
    exporter::append_json_string(line, t);
    line += verified ? ",\"verified\":true" : ",\"verified\":false";
    first = false;
    v1::Record meta = r;
    meta.clear_body();
    exporter::append_fields(line, meta, &first);
    const auto* oneof = r.GetDescriptor()->FindOneofByName("body");
    if (const auto* f = r.GetReflection()->GetOneofFieldDescriptor(r, oneof)) {
      exporter::append_fields(line, r.GetReflection()->GetMessage(r, f), &first);
    }
    line += '}';
    write_line();
  };
  std::uint64_t skipped_records = 0, skipped_chunks = 0, malformed_chunks = 0;
  bundle::VerifyCallbacks cb;
  cb.on_header = [&](const v1::Header& h) {
    if (writer) return writer->header(h);
    if (!wanted("header")) return;
    line = "{\"type\":\"header\",\"verified\":true";
    bool first = false;
    exporter::append_fields(line, h, &first);
    line += '}';
    write_line();
  };
  cb.on_verified_chunk = [&](std::string_view chunk) {
    if (!bundle::for_each_record(chunk, [&](const v1::Record& r) { emit_record(r, true); })) {
      ++malformed_chunks;
    }
  };
  cb.on_unverified_chunk = [&](std::string_view chunk) {
    ++skipped_chunks;
    bundle::for_each_record(chunk, [&](const v1::Record& r) {
      if (include_unverified) {
        emit_record(r, false);
      } else {
        ++skipped_records;
      }
    });
  };
  auto rep = run_verify(*a, "export", cb);
  if (!rep) return kExitSetup;
  if (rep->trailer && writer) {
    writer->trailer(*rep->trailer);
  } else if (rep->trailer && wanted("trailer")) {
    line = "{\"type\":\"trailer\",\"verified\":true";
    bool first = false;
    exporter::append_fields(line, *rep->trailer, &first);
    line += '}';
    write_line();
  }
  std::fflush(stdout);
  if (rep->status != bundle::VerifyStatus::kComplete || skipped_records > 0 || malformed_chunks > 0) {
    std::cerr << "hozen export: " << result_line(*rep) << "\n";
  }
  if (skipped_records > 0) {
    std::cerr << "hozen export: left out " << skipped_records << " unverified records in "
              << skipped_chunks << " chunks (not covered by a valid signature; "
              << "--include-unverified exports them marked verified=false)\n";
  }
  if (malformed_chunks > 0) {
    std::cerr << "hozen export: " << malformed_chunks << " verified chunks held undecodable records\n";
  }
  return exit_code_for(*rep);
}

// =================================================================================================
// collectors

int cmd_collectors(const std::vector<std::string>& args) {
  po::options_description desc("collectors: list the collectors in run order");
  desc.add_options()("help,h", "show this help");
  auto p = parse(args, desc, nullptr, "hozen collectors");
  if (!p) return kExitUsage;
  if (p->help) return kExitOk;
  auto reg = collectors::make_registry();
  std::uint32_t n = 0;
  for (const auto& c : reg) {
    std::cout << n++ << ". " << c->id() << (c->default_enabled() ? "" : " [not run by default]")
              << (c->live_only() ? " [live only]" : "") << "\n   " << c->description() << "\n";
    auto in = c->inputs();
    if (!in.empty()) {
      std::cout << "   inputs:";
      for (auto i : in) std::cout << " " << i;
      std::cout << "\n";
    }
  }
  return kExitOk;
}

// =================================================================================================
// analyze and hunt: findings recomputed from verified records

namespace {

struct Analysis {
  bundle::VerifyReport report;
  v1::Header header;
  analysis::Analyzer::Result result;
  std::uint64_t unverified_records = 0;
};

// Verifies `a.file` and runs the rules (and `iocs`) over its verified records (and, only when
// asked, over the unverified tail). nullopt when the file cannot be opened (already reported).
std::optional<Analysis> analyze_bundle(const VerifyArgs& a, const analysis::IndicatorSet& iocs,
                                       bool include_unverified, const char* cmd) {
  Analysis out;
  std::optional<analysis::Analyzer> analyzer;
  auto start = [&](const v1::Header& h) {
    out.header = h;
    analysis::AnalysisOptions o;
    o.iocs = iocs.empty() ? nullptr : &iocs;
    o.now_utc_ns = h.clocks().realtime_ns();
    o.ruleset_version = build::kVersion;
    analyzer.emplace(o);
  };
  bundle::VerifyCallbacks cb;
  cb.on_header = start;
  cb.on_verified_chunk = [&](std::string_view chunk) {
    bundle::for_each_record(chunk, [&](const v1::Record& r) {
      if (analyzer) analyzer->observe(r);
    });
  };
  cb.on_unverified_chunk = [&](std::string_view chunk) {
    bundle::for_each_record(chunk, [&](const v1::Record& r) {
      ++out.unverified_records;
      if (include_unverified && analyzer) analyzer->observe(r);
    });
  };
  auto rep = run_verify(a, cmd, cb);
  if (!rep) return std::nullopt;
  out.report = std::move(*rep);
  if (!analyzer) start(out.header);  // no verified header: nothing was analyzed
  out.result = analyzer->finish();
  add_ioc_sources(out.result.summary, iocs);
  return out;
}

std::string finding_json(const v1::Finding& f, std::string_view bundle_path, const v1::Header& h) {
  std::string line = "{\"type\":\"finding\"";
  bool first = false;
  if (!bundle_path.empty()) {
    line += ",\"bundle\":";
    exporter::append_json_string(line, exporter::is_valid_utf8(bundle_path) ? bundle_path : "(not UTF-8)");
    line += ",\"hostname\":";
    exporter::append_json_string(line, exporter::is_valid_utf8(h.host().hostname()) ? h.host().hostname() : exporter::base64(h.host().hostname()));
  }
  exporter::append_fields(line, f, &first);
  line += "}\n";
  return line;
}

void print_finding_text(const v1::Finding& f) {
  std::cout << "[" << analysis::severity_name(f.severity()) << "] " << f.checklist_id() << " " << f.rule_id()
            << ": " << analysis::terminal_safe(f.summary()) << "\n";
  std::string refs;
  for (const auto& e : f.evidence()) {
    if (refs.size() > 200) {
      refs += " ...";
      break;
    }
    refs += (refs.empty() ? "" : ", ") + e.record_type() + " #" + std::to_string(e.record_index());
  }
  if (!refs.empty()) std::cout << "    evidence: " << refs << "\n";
  for (const auto& i : f.indicators()) {
    std::cout << "    indicator: " << i.indicator_type() << " " << analysis::terminal_safe(i.indicator()) << " ("
              << analysis::terminal_safe(i.ioc_source()) << ") matched " << i.matched_field() << " = "
              << analysis::terminal_safe(i.matched_value()) << "\n";
  }
}

// Bundles named on the command line; a directory stands for the *.hozen files in it (sorted).
// nullopt (after printing) when a directory cannot be listed.
std::optional<std::vector<std::string>> bundle_paths(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    std::error_code ec;
    if (!std::filesystem::is_directory(a, ec)) {
      out.push_back(a);
      continue;
    }
    std::vector<std::string> in_dir;
    std::filesystem::directory_iterator it(a, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".hozen") in_dir.push_back(it->path().string());
    }
    if (ec) {
      std::cerr << "hozen hunt: cannot list " << escape_bytes(a) << ": " << ec.message() << "\n";
      return std::nullopt;
    }
    std::sort(in_dir.begin(), in_dir.end());
    out.insert(out.end(), in_dir.begin(), in_dir.end());
  }
  return out;
}

}  // namespace

int cmd_analyze(const std::vector<std::string>& args) {
  const char* usage = "hozen analyze FILE [--ioc LIST]... [--format text|jsonl] [--min-severity S]";
  po::options_description desc("analyze: recompute findings from a bundle's verified records (new rules, new indicators)");
  desc.add_options()("help,h", "show this help")(
      "file", po::value<std::string>()->required(), "bundle")(
      "ioc", po::value<std::vector<std::string>>()->composing(), "indicator list (docs/IOC.md); repeatable")(
      "format", po::value<std::string>()->default_value("text"), "text or jsonl (one finding per line)")(
      "min-severity", po::value<std::string>()->default_value("info"), "info, low, medium, high or critical")(
      "include-unverified", "also analyze records not covered by a signature")(
      "key", po::value<std::string>(), "expected signer public key (PEM)")(
      "fingerprint", po::value<std::string>(), "expected signer fingerprint");
  po::positional_options_description pos;
  pos.add("file", 1);
  auto p = parse(args, desc, &pos, usage);
  if (!p) return kExitUsage;
  if (p->help) return kExitOk;
  const std::string format = p->vm["format"].as<std::string>();
  const auto min = severity_from_name(p->vm["min-severity"].as<std::string>());
  if ((format != "text" && format != "jsonl") || !min) {
    std::cerr << "hozen analyze: --format is text or jsonl; --min-severity is info, low, medium, high or critical\n";
    return kExitUsage;
  }
  auto iocs = load_iocs(p->vm, "analyze");
  if (!iocs) return kExitUsage;
  auto a = verify_args(p->vm, "analyze");
  if (!a) return kExitSetup;
  auto res = analyze_bundle(*a, *iocs, p->vm.count("include-unverified") > 0, "analyze");
  if (!res) return kExitSetup;
  std::cerr << "hozen analyze: " << result_line(res->report) << "; " << res->result.summary.records_analyzed()
            << " records analyzed";
  if (res->unverified_records > 0) std::cerr << ", " << res->unverified_records << " unverified records " << (p->vm.count("include-unverified") ? "included" : "left out");
  std::cerr << "\n";
  for (const auto& f : res->result.findings) {
    if (f.severity() < *min) continue;
    if (format == "jsonl") {
      std::cout << finding_json(f, "", res->header);
    } else {
      print_finding_text(f);
    }
  }
  if (format == "text") std::cout << analysis::format_summary(res->result, 0);
  return exit_code_for(res->report);
}

int cmd_hunt(const std::vector<std::string>& args) {
  const char* usage = "hozen hunt --ioc LIST [--ioc LIST]... BUNDLE|DIR... [--format text|jsonl]";
  po::options_description desc(
      "hunt: verify each bundle, then report per host which indicators and rules matched (checklist S1)");
  desc.add_options()("help,h", "show this help")(
      "bundles", po::value<std::vector<std::string>>()->composing(), "bundles, or directories of *.hozen")(
      "ioc", po::value<std::vector<std::string>>()->composing(), "indicator list (docs/IOC.md); repeatable")(
      "format", po::value<std::string>()->default_value("text"), "text, or jsonl (one finding per line, with bundle and hostname)")(
      "min-severity", po::value<std::string>()->default_value("medium"), "rule findings below this are not listed (IOC matches always are)")(
      "key", po::value<std::string>(), "expected signer public key (PEM), for every bundle")(
      "fingerprint", po::value<std::string>(), "expected signer fingerprint, for every bundle");
  po::positional_options_description pos;
  pos.add("bundles", -1);
  auto p = parse(args, desc, &pos, usage);
  if (!p) return kExitUsage;
  if (p->help) return kExitOk;
  const std::string format = p->vm["format"].as<std::string>();
  const auto min = severity_from_name(p->vm["min-severity"].as<std::string>());
  if ((format != "text" && format != "jsonl") || !min || p->vm.count("bundles") == 0) {
    std::cerr << "usage: " << usage << "\n";
    return kExitUsage;
  }
  auto iocs = load_iocs(p->vm, "hunt");
  if (!iocs) return kExitUsage;
  const auto listed = bundle_paths(p->vm["bundles"].as<std::vector<std::string>>());
  if (!listed) return kExitSetup;
  const auto& paths = *listed;
  if (paths.empty()) {
    std::cerr << "hozen hunt: no bundle found\n";
    return kExitUsage;
  }
  int worst = kExitOk;
  std::map<std::string, std::set<std::string>> hosts_by_indicator;  // across hosts: S1
  auto pinned = verify_args(p->vm, "hunt");  // --key / --fingerprint, the same for every bundle
  if (!pinned) return kExitSetup;
  for (const auto& path : paths) {
    VerifyArgs a = *pinned;
    a.file = path;
    auto res = analyze_bundle(a, *iocs, false, "hunt");
    if (!res) {
      worst = std::max(worst, kExitSetup);
      continue;
    }
    const int code = exit_code_for(res->report);
    if (code != kExitOk) worst = std::max(worst, code);
    const std::string host = analysis::terminal_safe(res->header.host().hostname());
    std::size_t iocs_hit = 0, shown = 0;
    for (const auto& f : res->result.findings) {
      if (f.rule_id() == "IOC-MATCH") {
        ++iocs_hit;
        for (const auto& i : f.indicators()) hosts_by_indicator[i.indicator_type() + " " + i.indicator()].insert(host);
      }
    }
    if (format == "text") {
      std::cout << "== " << (host.empty() ? "(unknown host)" : host) << "  " << analysis::terminal_safe(path) << "\n"
                << "   verification: " << result_line(res->report) << "\n"
                << "   indicator matches: " << iocs_hit << "\n";
    }
    for (const auto& f : res->result.findings) {
      if (f.rule_id() != "IOC-MATCH" && f.severity() < *min) continue;
      ++shown;
      if (format == "jsonl") {
        std::cout << finding_json(f, path, res->header);
      } else {
        std::cout << "   ";
        print_finding_text(f);
      }
    }
    if (format == "text" && shown == 0) std::cout << "   no finding at or above " << analysis::severity_name(*min) << "\n";
  }
  if (format == "text" && !hosts_by_indicator.empty()) {
    std::cout << "== indicators across hosts\n";
    for (const auto& [ind, hosts] : hosts_by_indicator) {
      std::cout << "   " << analysis::terminal_safe(ind) << ": " << hosts.size() << " host(s):";
      for (const auto& h : hosts) std::cout << " " << h;
      std::cout << "\n";
    }
  }
  return worst;
}

}  // namespace hozen::cli
