// T16: invalid UTF-8 in every host field survives serialize -> parse (protobuf 3.21 refuses to
// parse invalid UTF-8 in proto3 `string` fields, so this fails the day someone adds one).
#include <catch2/catch.hpp>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/util/message_differencer.h>
#include <set>

#include "hozen/v1/bundle.pb.h"
#include "hozen/v1/record.pb.h"

using namespace hozen;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

namespace {

const std::string kBad("\xf0\x80\xff\xfe\x00\n<script>", 12);

// Sets every field (all oneof members in turn are covered by the caller) to a value; bytes fields
// get invalid UTF-8. Recurses into messages up to `depth`.
void fill(Message& m, int depth) {
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->containing_oneof() != nullptr) continue;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        if (f->is_repeated()) {
          r->AddString(&m, f, kBad);
          r->AddString(&m, f, "ok");
        } else {
          r->SetString(&m, f, kBad);
        }
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth > 0) fill(f->is_repeated() ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f), depth - 1);
        break;
      default:
        break;
    }
  }
}

void check_no_string_fields(const Descriptor* d, std::set<const Descriptor*>& seen) {
  if (!seen.insert(d).second) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    INFO(d->full_name() << "." << f->name());
    CHECK(f->type() != FieldDescriptor::TYPE_STRING);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) check_no_string_fields(f->message_type(), seen);
  }
}

template <class T>
void roundtrip(const T& in) {
  std::string wire = in.SerializeAsString();
  T out;
  REQUIRE(out.ParseFromString(wire));
  CHECK(google::protobuf::util::MessageDifferencer::Equals(in, out));
}

}  // namespace

TEST_CASE("T16: no proto3 string fields anywhere in the schema", "[utf8]") {
  std::set<const Descriptor*> seen;
  for (const Descriptor* d : {v1::Header::descriptor(), v1::Record::descriptor(), v1::Trailer::descriptor(),
                              v1::Checkpoint::descriptor(), v1::Envelope::descriptor()}) {
    check_no_string_fields(d, seen);
  }
  CHECK(seen.size() > 15);
}

TEST_CASE("T16: invalid UTF-8 in every bytes field survives a round trip", "[utf8]") {
  v1::Header h;
  fill(h, 4);
  CHECK(h.host().hostname() == kBad);
  roundtrip(h);
  v1::Trailer t;
  fill(t, 4);
  roundtrip(t);
  // Every variant of the record body.
  const auto* oneof = v1::Record::descriptor()->FindOneofByName("body");
  REQUIRE(oneof != nullptr);
  for (int i = 0; i < oneof->field_count(); ++i) {
    v1::Record r;
    fill(r, 4);
    fill(*r.GetReflection()->MutableMessage(&r, oneof->field(i)), 4);
    INFO(oneof->field(i)->name());
    roundtrip(r);
  }
}

TEST_CASE("export: no record body has a field named like the record's own fields", "[utf8]") {
  // The JSONL export flattens the body into the record object (FORMAT.md §5): a body field named
  // index, collector, utc_ns, type or verified would produce a duplicate JSON key.
  const std::set<std::string> reserved = {"index", "collector", "utc_ns", "type", "verified"};
  const auto* oneof = v1::Record::descriptor()->FindOneofByName("body");
  for (int i = 0; i < oneof->field_count(); ++i) {
    const Descriptor* body = oneof->field(i)->message_type();
    for (int f = 0; f < body->field_count(); ++f) {
      INFO(body->full_name() << "." << body->field(f)->name());
      CHECK(reserved.count(body->field(f)->name()) == 0);
    }
  }
}
