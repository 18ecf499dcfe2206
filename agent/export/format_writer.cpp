#include "agent/export/format_writer.h"

#include "agent/export/bodyfile.h"
#include "agent/export/record_types.h"
#include "agent/export/timesketch.h"

namespace hozen::exporter {
namespace {

std::string type_list() {
  std::string s;
  for (const auto& n : record_type_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  if (name == "jsonl") return ExportFormat::kJsonl;
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "timesketch") return ExportFormat::kTimesketch;
  if (name == "bodyfile") return ExportFormat::kBodyfile;
  return std::nullopt;
}

platform::detail::Expected<FormatWriter, std::string> FormatWriter::make(ExportFormat format,
                                                            const std::vector<std::string>& types,
                                                            Write write) {
  FormatWriter w;
  w.format_ = format;
  w.write_ = std::move(write);
  w.types_.insert(types.begin(), types.end());
  for (const auto& t : w.types_) {
    if (record_type_descriptor(t) == nullptr) {
      return platform::detail::Unexpected<std::string>("unknown record type '" + t + "' (types: " + type_list() + ")");
    }
  }
  switch (format) {
    case ExportFormat::kJsonl:
      return platform::detail::Unexpected<std::string>(std::string("jsonl is written by the export command itself"));
    case ExportFormat::kCsv:
      if (w.types_.size() != 1) {
        return platform::detail::Unexpected<std::string>(
            "--format csv needs exactly one --type (one record type per "
            "table; types: " +
            type_list() + ")");
      }
      w.csv_ = CsvTable::for_type(*w.types_.begin());
      break;
    case ExportFormat::kBodyfile:
      if (!w.types_.empty() && (w.types_.size() > 1 || !w.types_.count("file_entry"))) {
        return platform::detail::Unexpected<std::string>(std::string(
            "--format bodyfile is made from file_entry records only (--type file_entry)"));
      }
      break;
    case ExportFormat::kTimesketch:
      break;
  }
  return w;
}

void FormatWriter::flush() {
  if (!buf_.empty()) write_(buf_);
  buf_.clear();
}

void FormatWriter::header(const v1::Header& h) {
  hostname_ = h.host().hostname();
  if (format_ == ExportFormat::kCsv) {
    // The column line waits for a readable header: a file that is no bundle prints nothing.
    csv_->append_header(buf_);
    if (wanted("header")) csv_->append_message(buf_, h);
  }
  flush();
}

void FormatWriter::record(const v1::Record& r, bool verified) {
  switch (format_) {
    case ExportFormat::kCsv:
      csv_->append_record(buf_, r, verified);  // the table keeps its one type only
      break;
    case ExportFormat::kTimesketch:
      if (wanted(record_type(r))) append_timesketch_events(buf_, r, verified, hostname_);
      break;
    case ExportFormat::kBodyfile:
      if (r.has_file_entry()) append_bodyfile_line(buf_, r.file_entry());
      break;
    case ExportFormat::kJsonl:
      break;
  }
  flush();
}

void FormatWriter::trailer(const v1::Trailer& t) {
  if (format_ == ExportFormat::kCsv && wanted("trailer")) csv_->append_message(buf_, t);
  flush();
}

}  // namespace hozen::exporter
