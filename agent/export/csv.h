// CSV export: one record type per table (docs/FORMAT.md §Export, "csv").
//
// Layout: for records, the columns index, collector, collector_b64, utc_ns, verified; then the
// body's fields in field-number order, named as in the JSON export. A bytes field that JSON
// could write as "<name>_b64" (every bytes field not shown as hex) always has two columns,
// <name> and <name>_b64, so the header does not depend on the data: exactly one of them is
// filled when the field is set. Header and trailer tables have only their message's columns.
//
// Cells (RFC 4180): an unset field (a proto3 zero value) is an empty cell, as JSON omits it;
// numbers and booleans as in JSON; enums by name; UTC times as RFC 3339; digests as hex; bytes
// as their text when valid UTF-8 without NUL, else base64 in the <name>_b64 column; repeated
// and nested values as the compact JSON of the JSON export. A cell holding a comma, a double
// quote, CR or LF is quoted and its quotes doubled. Lines end in CRLF.
//
// Formula injection (OWASP "CSV Injection"): a text cell starting with = + - @ TAB or CR, or
// with an apostrophe, gets one leading apostrophe, so no spreadsheet evaluates it. Readers
// that want the value remove one leading apostrophe from a text cell that has one (numeric
// cells never get one, so "-1" stays a number).
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hozen/v1/record.pb.h"

namespace hozen::exporter {

// Appends `value` as one cell (quoted when needed); `text` applies the formula guard.
void append_csv_cell(std::string& out, std::string_view value, bool text);

class CsvTable {
 public:
  // The table for a type of record_type_names(); nullopt for an unknown type.
  static std::optional<CsvTable> for_type(std::string_view type);

  const std::vector<std::string>& columns() const { return columns_; }

  // The column names line (with CRLF).
  void append_header(std::string& out) const;

  // One row for a record whose body is of this table's type; appends nothing (returns false)
  // for another type, or when the table is the header's or the trailer's.
  bool append_record(std::string& out, const v1::Record& r, bool verified) const;

  // One row for a whole message of this table's type (the bundle header or trailer); appends
  // nothing (returns false) for a message of another type.
  bool append_message(std::string& out, const google::protobuf::Message& m) const;

 private:
  CsvTable() = default;
  void append_fields(std::string& out, const google::protobuf::Message& m) const;

  std::string type_;
  const google::protobuf::Descriptor* descriptor_ = nullptr;
  bool record_meta_ = false;
  std::vector<std::string> columns_;
  std::size_t first_field_column_ = 0;
  // field number -> column of <name> (its <name>_b64 column follows it)
  std::vector<std::pair<int, std::size_t>> field_columns_;
};

}  // namespace hozen::exporter
