// The verification pass shared by `hozen verify`, `export` and `report` (defined in commands.cpp).
#pragma once

#include <boost/program_options/variables_map.hpp>
#include <optional>
#include <string>

#include "agent/analysis/ioc.h"
#include "agent/bundle/reader.h"
#include "hozen/v1/record.pb.h"

namespace hozen::cli {

struct VerifyArgs {
  std::string file;
  std::optional<std::string> key;          // raw public key
  std::optional<std::string> fingerprint;  // "SHA256:<hex>"
};

// Exit code of verify/export/report for a verification result (docs/CLI.md).
int exit_code_for(const bundle::VerifyReport& rep);

// One line for humans: "COMPLETE (collection complete)", "BROKEN at offset N: ...".
std::string result_line(const bundle::VerifyReport& rep);

// Opens `a.file` and verifies it once, handing chunks to `cb`. Returns nullopt (after printing
// "hozen <cmd>: ..." on stderr) if the file cannot be opened. Never throws.
std::optional<bundle::VerifyReport> run_verify(const VerifyArgs& a, const char* cmd,
                                               const bundle::VerifyCallbacks& cb);

// Reads "file", "key" and "fingerprint" from parsed options; nullopt (after printing) if --key
// cannot be read.
std::optional<VerifyArgs> verify_args(const boost::program_options::variables_map& vm,
                                      const char* cmd);

// Every --ioc file named in `vm`, merged; nullopt (after printing the file and line) when one
// does not load. Empty set without --ioc.
std::optional<analysis::IndicatorSet> load_iocs(const boost::program_options::variables_map& vm,
                                                const char* cmd);

// Adds the IOC files `iocs` was loaded from (name, SHA-256, count) to an analysis summary.
void add_ioc_sources(v1::AnalysisSummary& summary, const analysis::IndicatorSet& iocs);

// Name of the record's body field ("process", "socket", ...), "empty" when none is set.
std::string body_name(const v1::Record& r);

}  // namespace hozen::cli
