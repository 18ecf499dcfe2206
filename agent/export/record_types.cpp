#include "agent/export/record_types.h"

#include <algorithm>

#include "hozen/v1/bundle.pb.h"

namespace hozen::exporter {
namespace {

const google::protobuf::OneofDescriptor* body_oneof() {
  return v1::Record::descriptor()->FindOneofByName("body");
}

}  // namespace

std::vector<std::string> record_type_names() {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  const auto* oneof = body_oneof();
  for (int i = 0; i < oneof->field_count(); ++i) fields.push_back(oneof->field(i));
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return a->number() < b->number(); });
  std::vector<std::string> out{"header", "trailer"};
  for (const auto* f : fields) out.push_back(f->name());
  return out;
}

const google::protobuf::Descriptor* record_type_descriptor(std::string_view name) {
  if (name == "header") return v1::Header::descriptor();
  if (name == "trailer") return v1::Trailer::descriptor();
  const auto* oneof = body_oneof();
  for (int i = 0; i < oneof->field_count(); ++i) {
    if (oneof->field(i)->name() == name) return oneof->field(i)->message_type();
  }
  return nullptr;
}

std::string record_type(const v1::Record& r) {
  const auto* f = r.GetReflection()->GetOneofFieldDescriptor(r, body_oneof());
  return f != nullptr ? f->name() : "empty";
}

const google::protobuf::Message* record_body(const v1::Record& r) {
  const auto* f = r.GetReflection()->GetOneofFieldDescriptor(r, body_oneof());
  return f != nullptr ? &r.GetReflection()->GetMessage(r, f) : nullptr;
}

}  // namespace hozen::exporter
