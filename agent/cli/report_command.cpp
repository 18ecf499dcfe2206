// hozen report FILE -o report.html [--lang ja|en]: the self-contained HTML triage report.
//
// The bundle is verified exactly as `hozen verify` does, twice: the first pass gathers the
// findings (few, capped), the second the bounded table rows, always keeping the records the
// findings cite. Both passes must agree (same bundle id, result and size), so a file swapped
// between them is refused. The page is written to a temporary file next to the output and moved
// into place at the end: an existing report is never replaced without --force, and a failed run
// leaves nothing behind.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "agent/analysis/analyzer.h"
#include "agent/bundle/reader.h"
#include "agent/cli/commands.h"
#include "agent/cli/verify_util.h"
#include "agent/crypto/ed25519.h"
#include "agent/report/html.h"
#include "agent/report/records.h"
#include "platform/error.h"
#include "platform/host.h"
#include "platform/sha256.h"

namespace hozen::build {
extern const char* const kVersion;
}  // namespace hozen::build

namespace hozen::cli {
namespace {

namespace po = boost::program_options;
using platform::escape_bytes;

constexpr const char* kUsage =
    "hozen report FILE -o REPORT.html [--lang ja|en] [--force] [--include-unverified]\n"
    "             [--ioc LIST]... [--key PUB] [--fingerprint SHA256:HEX] [--rows N] [--file-rows N]\n"
    "             [--timeline N]";

struct Options {
  VerifyArgs verify;
  std::string output;
  report::Lang lang = report::Lang::kEn;
  bool force = false;
  bool include_unverified = false;
  report::Limits limits;
  analysis::IndicatorSet iocs;  // --ioc: findings are recomputed with these
};

// Parses and validates; nullopt after printing (exit code in *code).
std::optional<Options> parse_options(const std::vector<std::string>& args, int* code) {
  po::options_description desc("report: a self-contained HTML triage report of a verified bundle");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("file", po::value<std::string>()->required(), "bundle")
    ("output,o", po::value<std::string>()->required(), "HTML file to write (mode 0600); never overwritten without --force")
    ("lang", po::value<std::string>()->default_value("en"), "page language: en or ja")
    ("force", "replace an existing output file")
    ("include-unverified", "also show records not covered by a signature (marked UNVERIFIED)")
    ("ioc", po::value<std::vector<std::string>>()->composing(), "recompute the findings with this indicator list (docs/IOC.md); repeatable")
    ("key", po::value<std::string>(), "expected signer public key (PEM from 'hozen keygen')")
    ("fingerprint", po::value<std::string>(), "expected signer fingerprint (as printed by collect)")
    ("rows", po::value<std::size_t>()->default_value(report::Limits{}.rows_per_table), "rows per artifact table (flagged rows first)")
    ("file-rows", po::value<std::size_t>()->default_value(report::Limits{}.file_rows), "rows of the file sweep table (flagged files first)")
    ("timeline", po::value<std::size_t>()->default_value(report::Limits{}.timeline_events), "timeline events (the latest kept)");
  // clang-format on
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  try {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    po::store(po::command_line_parser(rest).options(desc).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << kUsage << "\n" << desc << "\n";
      *code = kExitOk;
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "hozen report: " << e.what() << "\nusage: " << kUsage
              << "\n(see 'hozen report --help')\n";
    *code = kExitUsage;
    return std::nullopt;
  }
  Options o;
  const std::string lang = vm["lang"].as<std::string>();
  if (lang == "ja") {
    o.lang = report::Lang::kJa;
  } else if (lang != "en") {
    std::cerr << "hozen report: --lang must be 'en' or 'ja', not '" << escape_bytes(lang) << "'\n";
    *code = kExitUsage;
    return std::nullopt;
  }
  constexpr std::size_t kMaxRows = 1'000'000;  // a page of that size is already unusable
  o.limits.rows_per_table = vm["rows"].as<std::size_t>();
  o.limits.file_rows = vm["file-rows"].as<std::size_t>();
  o.limits.timeline_events = vm["timeline"].as<std::size_t>();
  if (o.limits.rows_per_table > kMaxRows || o.limits.file_rows > kMaxRows ||
      o.limits.timeline_events > kMaxRows) {
    std::cerr << "hozen report: --rows, --file-rows and --timeline are at most " << kMaxRows
              << "\n";
    *code = kExitUsage;
    return std::nullopt;
  }
  o.output = vm["output"].as<std::string>();
  if (o.output.empty()) {
    std::cerr << "hozen report: --output must not be empty\n";
    *code = kExitUsage;
    return std::nullopt;
  }
  o.force = vm.count("force") > 0;
  o.include_unverified = vm.count("include-unverified") > 0;
  auto a = verify_args(vm, "report");
  if (!a) {
    *code = kExitSetup;
    return std::nullopt;
  }
  o.verify = std::move(*a);
  auto iocs = load_iocs(vm, "report");
  if (!iocs) {
    *code = kExitUsage;
    return std::nullopt;
  }
  o.iocs = std::move(*iocs);
  return o;
}

// ---- the output file
// -----------------------------------------------------------------------------

// A temporary file in the output's directory, removed unless published.
class PendingOutput {
 public:
  ~PendingOutput() {
    if (fd_ >= 0) ::close(fd_);
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
  }

  // Creates the temporary file; prints and returns false on failure.
  bool create(const std::string& output) {
    std::size_t slash = output.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : output.substr(0, slash);
    std::string base = slash == std::string::npos ? output : output.substr(slash + 1);
    std::string tmpl = dir + "/." + base.substr(0, 200) + ".XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd_ < 0) {
      std::cerr << "hozen report: cannot create the report in " << escape_bytes(dir) << ": "
                << platform::Error::from_errno(errno, "mkostemp", dir).message() << "\n";
      return false;
    }
    tmp_ = buf.data();
    return true;
  }

  bool write_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        std::cerr << "hozen report: "
                  << platform::Error::from_errno(n < 0 ? errno : EIO, "write", tmp_).message()
                  << "\n";
        return false;
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      std::cerr << "hozen report: "
                << platform::Error::from_errno(errno, "fsync/close", tmp_).message() << "\n";
      return false;
    }
    fd_ = -1;
    return true;
  }

  // Moves the file into place; never replaces an existing file unless `force`.
  bool publish(const std::string& output, bool force) {
    if (force) {
      if (::rename(tmp_.c_str(), output.c_str()) != 0) {
        std::cerr << "hozen report: "
                  << platform::Error::from_errno(errno, "rename", output).message() << "\n";
        return false;
      }
    } else if (::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, output.c_str(), RENAME_NOREPLACE) !=
               0) {
      int e = errno;
      // Filesystems without RENAME_NOREPLACE: a hard link also refuses an existing name.
      if (e == EINVAL || e == ENOSYS) {
        if (::link(tmp_.c_str(), output.c_str()) == 0) {
          ::unlink(tmp_.c_str());
          tmp_.clear();
          return true;
        }
        e = errno;
      }
      if (e == EEXIST) {
        std::cerr << "hozen report: " << escape_bytes(output)
                  << " exists; refusing to overwrite it (--force replaces it)\n";
      } else {
        std::cerr << "hozen report: " << platform::Error::from_errno(e, "rename", output).message()
                  << "\n";
      }
      return false;
    }
    tmp_.clear();
    return true;
  }

 private:
  int fd_ = -1;
  std::string tmp_;
};

// ---- the two verification passes ---------------------------------------------------------------

struct Pass1 {
  bundle::VerifyReport rep;
  std::vector<v1::Finding> findings;
  std::uint64_t findings_left_out = 0;
  std::optional<v1::AnalysisSummary> analysis;
  std::string source = "bundle";
};

// The bundle's own findings; recomputed ones instead when the bundle has none (collected with
// --no-analysis, or by an older hozen) or when --ioc asks for another indicator list.
std::optional<Pass1> gather_findings(const Options& o) {
  report::FindingCollector collector(o.limits);
  std::optional<v1::AnalysisSummary> analysis;
  std::optional<analysis::Analyzer> analyzer;
  auto feed = [&](const v1::Record& r, bool verified) {
    collector.add(r, verified);
    if (r.has_analysis_summary()) analysis = r.analysis_summary();
    if (analyzer) analyzer->observe(r);
  };
  bundle::VerifyCallbacks cb;
  cb.on_header = [&](const v1::Header& h) {
    analysis::AnalysisOptions ao;
    ao.iocs = o.iocs.empty() ? nullptr : &o.iocs;
    ao.now_utc_ns = h.clocks().realtime_ns();
    ao.ruleset_version = build::kVersion;
    analyzer.emplace(ao);
  };
  cb.on_verified_chunk = [&](std::string_view chunk) {
    bundle::for_each_record(chunk, [&](const v1::Record& r) { feed(r, true); });
  };
  cb.on_unverified_chunk = [&](std::string_view chunk) {
    if (!o.include_unverified) return;
    bundle::for_each_record(chunk, [&](const v1::Record& r) { feed(r, false); });
  };
  auto rep = run_verify(o.verify, "report", cb);
  if (!rep) return std::nullopt;
  if (analyzer && (!analysis || !o.iocs.empty())) {
    auto result = analyzer->finish();
    add_ioc_sources(result.summary, o.iocs);
    report::FindingCollector recomputed(o.limits);
    for (auto& f : result.findings) {
      v1::Record r;
      *r.mutable_finding() = std::move(f);
      recomputed.add(r, true);
    }
    return Pass1{std::move(*rep), recomputed.take(), recomputed.left_out(), std::move(result.summary),
                 std::string("recomputed by hozen ") + build::kVersion};
  }
  return Pass1{std::move(*rep), collector.take(), collector.left_out(), std::move(analysis), "bundle"};
}

struct Pass2 {
  bundle::VerifyReport rep;
  std::uint64_t verified_records = 0;
  std::uint64_t unverified_records = 0;
  std::uint64_t malformed_chunks = 0;
};

std::optional<Pass2> gather_records(const Options& o, report::ReportRecords& records) {
  Pass2 p;
  bundle::VerifyCallbacks cb;
  cb.on_verified_chunk = [&](std::string_view chunk) {
    bool ok = bundle::for_each_record(chunk, [&](const v1::Record& r) {
      ++p.verified_records;
      records.add(r, true);
    });
    if (!ok) ++p.malformed_chunks;
  };
  cb.on_unverified_chunk = [&](std::string_view chunk) {
    bundle::for_each_record(chunk, [&](const v1::Record& r) {
      ++p.unverified_records;
      if (o.include_unverified) records.add(r, false);
    });
  };
  auto rep = run_verify(o.verify, "report", cb);
  if (!rep) return std::nullopt;
  p.rep = std::move(*rep);
  records.finish();
  return p;
}

bool same_bundle(const bundle::VerifyReport& a, const bundle::VerifyReport& b) {
  if (a.status != b.status || a.total_bytes != b.total_bytes ||
      a.verified_bytes != b.verified_bytes)
    return false;
  if (a.header.has_value() != b.header.has_value()) return false;
  if (a.header && a.header->bundle_id() != b.header->bundle_id()) return false;
  if (a.trailer.has_value() != b.trailer.has_value()) return false;
  return !a.trailer || a.trailer->chain() == b.trailer->chain();
}

report::VerifyLevel level_of(const bundle::VerifyReport& rep) {
  switch (rep.status) {
    case bundle::VerifyStatus::kComplete:
      return rep.reason == v1::COMPLETE ? report::VerifyLevel::kComplete
                                        : report::VerifyLevel::kIncomplete;
    case bundle::VerifyStatus::kVerifiedPrefix:
      return report::VerifyLevel::kPrefix;
    case bundle::VerifyStatus::kBroken:
      return report::VerifyLevel::kBroken;
    case bundle::VerifyStatus::kBadSignature:
      return report::VerifyLevel::kBadSignature;
    case bundle::VerifyStatus::kUnknownKey:
      return report::VerifyLevel::kUnknownKey;
    case bundle::VerifyStatus::kReadError:
      return report::VerifyLevel::kReadError;
  }
  return report::VerifyLevel::kBroken;
}

report::Verification verification_of(const Options& o, const Pass2& p) {
  report::Verification v;
  v.level = level_of(p.rep);
  v.status_text = result_line(p.rep);
  if (p.malformed_chunks > 0) {
    v.status_text +=
        "; " + std::to_string(p.malformed_chunks) + " verified chunks held undecodable records";
  }
  v.file = o.verify.file;
  v.file_bytes = p.rep.total_bytes;
  v.verified_records = p.verified_records;
  v.unverified_records = p.unverified_records;
  v.unverified_included = o.include_unverified;
  if (p.rep.header) {
    v.signer_fingerprint = crypto::fingerprint(p.rep.header->signer_public_key());
    v.bundle_id_hex = platform::to_hex(p.rep.header->bundle_id());
    v.key_pinned =
        (o.verify.key || o.verify.fingerprint) && p.rep.status != bundle::VerifyStatus::kUnknownKey;
  }
  if (p.rep.trailer) v.chain_head_hex = platform::to_hex(p.rep.trailer->chain());
  return v;
}

}  // namespace

int cmd_report(const std::vector<std::string>& args) {
  int code = kExitOk;
  auto o = parse_options(args, &code);
  if (!o) return code;

  // Refuse early (before reading a large bundle); publish() checks again atomically.
  struct stat st {};
  if (!o->force && ::lstat(o->output.c_str(), &st) == 0) {
    std::cerr << "hozen report: " << escape_bytes(o->output)
              << " exists; refusing to overwrite it (--force replaces it)\n";
    return kExitSetup;
  }
  PendingOutput out;
  if (!out.create(o->output)) return kExitSetup;

  auto p1 = gather_findings(*o);
  if (!p1) return kExitSetup;
  report::ReportRecords records(o->limits, report::referenced_records(p1->findings, o->limits));
  auto p2 = gather_records(*o, records);
  if (!p2) return kExitSetup;
  if (!same_bundle(p1->rep, p2->rep)) {
    std::cerr << "hozen report: the bundle changed while it was being read; nothing written\n";
    return kExitSetup;
  }

  report::ReportInput in;
  in.verification = verification_of(*o, *p2);
  in.header = p2->rep.header;
  in.trailer = p2->rep.trailer;
  in.findings = std::move(p1->findings);
  in.findings_left_out = p1->findings_left_out;
  in.findings_source = p1->source;
  in.analysis = std::move(p1->analysis);
  in.records = &records;
  in.tool_version = build::kVersion;
  in.generated_utc_ns = platform::realtime_ns();
  std::string page = report::render_html(in, o->lang);

  if (!out.write_all(page) || !out.publish(o->output, o->force)) return kExitSetup;
  std::cout << "report: " << escape_bytes(o->output) << " (" << page.size() << " bytes, "
            << in.findings.size() << " findings, " << p2->verified_records << " verified records)\n"
            << "result: " << result_line(p2->rep) << "\n";
  if (p2->unverified_records > 0) {
    std::cerr << "hozen report: " << p2->unverified_records
              << " records not covered by a signature were "
              << (o->include_unverified ? "included, marked UNVERIFIED"
                                        : "left out (--include-unverified shows them)")
              << "\n";
  }
  return exit_code_for(p2->rep);
}

}  // namespace hozen::cli
