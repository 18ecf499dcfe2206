#include "agent/export/csv.h"

#include <algorithm>

#include "agent/export/json.h"
#include "agent/export/record_types.h"
#include "hozen/v1/options.pb.h"
#include "platform/host.h"

namespace hozen::exporter {
namespace {

using google::protobuf::FieldDescriptor;

bool has_b64_column(const FieldDescriptor* f) {
  return f->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
         f->options().GetExtension(v1::display) != v1::DISPLAY_HEX;
}

bool is_number(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
    case FieldDescriptor::CPPTYPE_ENUM:
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return false;
    case FieldDescriptor::CPPTYPE_INT64:
      return f->options().GetExtension(v1::display) != v1::DISPLAY_UTC_NS;
    default:
      return true;
  }
}

}  // namespace

void append_csv_cell(std::string& out, std::string_view v, bool text) {
  const bool guard = text && !v.empty() &&
                     (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' ||
                      v[0] == '\r' || v[0] == '\'');
  const bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (guard) out += '\'';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

std::optional<CsvTable> CsvTable::for_type(std::string_view type) {
  const auto* d = record_type_descriptor(type);
  if (d == nullptr) return std::nullopt;
  CsvTable t;
  t.type_ = type;
  t.descriptor_ = d;
  t.record_meta_ = type != "header" && type != "trailer";
  if (t.record_meta_) t.columns_ = {"index", "collector", "collector_b64", "utc_ns", "verified"};
  t.first_field_column_ = t.columns_.size();
  std::vector<const FieldDescriptor*> fields;
  for (int i = 0; i < d->field_count(); ++i) fields.push_back(d->field(i));
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return a->number() < b->number(); });
  for (const auto* f : fields) {
    t.field_columns_.emplace_back(f->number(), t.columns_.size());
    t.columns_.push_back(f->name());
    if (has_b64_column(f)) t.columns_.push_back(f->name() + "_b64");
  }
  return t;
}

void CsvTable::append_header(std::string& out) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out += ',';
    append_csv_cell(out, columns_[i], false);
  }
  out += "\r\n";
}

void CsvTable::append_fields(std::string& out, const google::protobuf::Message& m) const {
  // Cells are filled by column, then written in order; a field not set leaves its cells empty.
  std::vector<std::string> cells(columns_.size() - first_field_column_);
  std::vector<bool> text(cells.size(), true);
  for_each_field(m, [&](const FieldValue& v) {
    auto it = std::find_if(field_columns_.begin(), field_columns_.end(),
                           [&](const auto& fc) { return fc.first == v.field->number(); });
    if (it == field_columns_.end()) return;
    std::size_t col = it->second - first_field_column_;
    bool b64 = v.b64;
    std::string value = v.text;
    // A NUL in a text cell stops many CSV readers: such a value goes to <name>_b64 as well.
    if (!b64 && has_b64_column(v.field) && !v.field->is_repeated() &&
        value.find('\0') != std::string::npos) {
      b64 = true;
      value = base64(value);
    }
    if (b64) ++col;
    cells[col] = std::move(value);
    text[col] = v.field->is_repeated() || !is_number(v.field);
  });
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0 || first_field_column_ > 0) out += ',';
    append_csv_cell(out, cells[i], text[i]);
  }
}

bool CsvTable::append_record(std::string& out, const v1::Record& r, bool verified) const {
  if (!record_meta_ || record_type(r) != type_) return false;
  out += std::to_string(r.index());
  out += ',';
  const bool collector_text =
      is_valid_utf8(r.collector()) && r.collector().find('\0') == std::string::npos;
  append_csv_cell(out, collector_text ? r.collector() : std::string(), true);
  out += ',';
  append_csv_cell(out, collector_text ? std::string() : base64(r.collector()), true);
  out += ',';
  if (r.utc_ns() != 0) append_csv_cell(out, platform::format_rfc3339_ns(r.utc_ns()), true);
  out += verified ? ",true" : ",false";
  append_fields(out, *record_body(r));
  out += "\r\n";
  return true;
}

bool CsvTable::append_message(std::string& out, const google::protobuf::Message& m) const {
  if (record_meta_ || m.GetDescriptor() != descriptor_) return false;
  append_fields(out, m);
  out += "\r\n";
  return true;
}

}  // namespace hozen::exporter
