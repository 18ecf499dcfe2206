// JSON rendering of bundle messages (JSON Lines export, docs/FORMAT.md §Export).
//
// Rules: fields appear in declaration order, only when set (proto3 defaults are omitted); enums
// by name; int64 fields marked DISPLAY_UTC_NS as RFC 3339 UTC strings with nanoseconds; bytes
// marked DISPLAY_HEX as lowercase hex; other bytes as a JSON string when they are valid UTF-8,
// otherwise under the key "<name>_b64" as standard base64 (for a repeated field, the whole list
// moves to "<name>_b64" if any element is not valid UTF-8). Lossless either way.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace hozen::exporter {

// One set field of a message, rendered by the rules above (the other exports reuse them).
struct FieldValue {
  const google::protobuf::FieldDescriptor* field = nullptr;
  bool b64 = false;          // not valid UTF-8: the key is "<name>_b64", `text` is base64
  bool json_string = false;  // singular bytes, enum or UTC time: `text` is the plain value and
                             // JSON writes it as a string; otherwise `text` is a JSON literal
                             // (number, true/false, null, an object or an array)
  std::string text;
};

// Calls `fn` for each set field of `msg` in field-number order (proto3 zero values are not set).
// `text` is built per field, so its size is that of the field's value.
void for_each_field(const google::protobuf::Message& msg,
                    const std::function<void(const FieldValue&)>& fn);

// Appends the fields of `msg` to an open JSON object in `out` (no braces), each preceded by ","
// unless `*first` (which it clears).
void append_fields(std::string& out, const google::protobuf::Message& msg, bool* first);

// {"field": ...} for a whole message.
std::string to_json(const google::protobuf::Message& msg);

void append_json_string(std::string& out, std::string_view utf8);
bool is_valid_utf8(std::string_view s);
std::string base64(std::string_view bytes);

}  // namespace hozen::exporter
