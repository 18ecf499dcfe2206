// The record type names the exports accept for --type: "header", "trailer" and the field names
// of Record's `body` oneof ("process", "file_entry", ...), as in the JSON export's "type".
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>
#include <vector>

#include "hozen/v1/record.pb.h"

namespace hozen::exporter {

// Every accepted name: "header", "trailer", then the body types in field-number order.
std::vector<std::string> record_type_names();

// The message a type name stands for (v1::Header, v1::Trailer, or the body message), or nullptr
// for an unknown name.
const google::protobuf::Descriptor* record_type_descriptor(std::string_view name);

// The body's field name ("empty" for a record without a body), and the body itself (nullptr
// without one).
std::string record_type(const v1::Record& r);
const google::protobuf::Message* record_body(const v1::Record& r);

}  // namespace hozen::exporter
