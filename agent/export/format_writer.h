// `hozen export` formats other than jsonl: one writer that takes the bundle's parts in order
// (header, verified records, trailer) and streams the chosen format, one record at a time.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/export/csv.h"
#include "hozen/v1/bundle.pb.h"
#include "hozen/v1/record.pb.h"
#include "platform/expected.h"

namespace hozen::exporter {

enum class ExportFormat { kJsonl, kCsv, kTimesketch, kBodyfile };

inline constexpr std::string_view kExportFormatNames = "jsonl, csv, timesketch, bodyfile";

// "jsonl", "csv", "timesketch" or "bodyfile" (exact, lowercase); nullopt for anything else.
std::optional<ExportFormat> parse_export_format(std::string_view name);

// Not thread-safe (one writer per export). Each call formats its part and hands it to `write`
// at once: nothing is kept between records but the header's host name and the csv layout.

class FormatWriter {
 public:
  using Write = std::function<void(std::string_view)>;

  // A writer for csv, timesketch or bodyfile (not jsonl) keeping only `types` (all when empty).
  // Usage errors (the message to print): an unknown type; csv without exactly one type;
  // bodyfile with a type other than file_entry.
  static platform::detail::Expected<FormatWriter, std::string> make(ExportFormat format,
                                                       const std::vector<std::string>& types,
                                                       Write write);

  // The bundle header comes first (csv: the column line is written here).
  void header(const v1::Header& h);
  void record(const v1::Record& r, bool verified);
  void trailer(const v1::Trailer& t);

 private:
  FormatWriter() = default;
  bool wanted(const std::string& type) const { return types_.empty() || types_.count(type) > 0; }
  void flush();

  ExportFormat format_ = ExportFormat::kCsv;
  std::set<std::string> types_;
  Write write_;
  std::optional<CsvTable> csv_;
  std::string hostname_;
  std::string buf_;
};

}  // namespace hozen::exporter
