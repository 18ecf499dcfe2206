// The self-contained HTML triage report (`hozen report`): verification and chain of custody,
// findings by JPCERT checklist item, artifact tables, timeline. One file, no external assets, no
// network fetches; every host value escaped (html_escape.h); one inline script, allowed by a
// Content-Security-Policy hash and never fed host values (it reads the DOM).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/report/records.h"
#include "hozen/v1/bundle.pb.h"
#include "hozen/v1/finding.pb.h"

namespace hozen::report {

enum class Lang { kEn, kJa };

// The outcome of verifying the bundle (bundle::VerifyReport, digested by the caller).
enum class VerifyLevel {
  kComplete,    // trailer valid, collection complete
  kIncomplete,  // trailer valid, but the collection was cut short (interrupted, deadline...)
  kPrefix,      // no trailer: verified up to the last checkpoint
  kBroken,
  kBadSignature,
  kUnknownKey,
  kReadError,
};

struct Verification {
  VerifyLevel level = VerifyLevel::kBroken;
  std::string status_text;  // "COMPLETE (collection complete)", "BROKEN at offset ..."
  std::string file;         // bundle path as given (host bytes: escaped when shown)
  std::uint64_t file_bytes = 0;
  std::uint64_t verified_records = 0;
  std::uint64_t unverified_records = 0;  // in the unsigned tail or after a break
  bool unverified_included = false;      // --include-unverified: they are in the tables, marked
  std::string signer_fingerprint;        // "SHA256:<hex>" ("" when the header did not verify)
  bool key_pinned = false;               // --key/--fingerprint given and matched
  std::string bundle_id_hex;
  std::string chain_head_hex;  // final chain value (trailer); "" without a trailer
};

struct ReportInput {
  Verification verification;
  std::optional<v1::Header> header;    // absent when the header's signature did not verify
  std::optional<v1::Trailer> trailer;  // absent without a valid trailer
  // Findings to show, grouped by checklist item: from the bundle's `finding` records, or
  // recomputed by the analysis. Their evidence refs link to rows of `records`.
  std::vector<v1::Finding> findings;
  std::uint64_t findings_left_out = 0;  // findings not in `findings` (over the cap)
  std::string findings_source;          // "bundle records", "recomputed"... (ours, not host)
  // The analysis run the findings came from; absent when the bundle holds none (then "no
  // finding" means "not analysed", and the page says so).
  std::optional<v1::AnalysisSummary> analysis;
  // The records for the tables and the timeline (finished); may be null: no tables.
  const ReportRecords* records = nullptr;
  std::string tool_version;           // hozen that renders the report
  std::int64_t generated_utc_ns = 0;  // when it was rendered (0: not shown)
};

// Renders the page. Pure: same input, same bytes. Memory: the page itself, bounded by the caps
// of ReportRecords and Limits (the records' limits, or defaults without records). Never throws
// for any content of the input other than std::bad_alloc.
std::string render_html(const ReportInput& in, Lang lang);

// The inline script and its CSP source expression ("'sha256-<base64>'"), for tests.
const std::string& report_script();
std::string script_hash_source();

}  // namespace hozen::report
