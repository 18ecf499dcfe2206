// Checks parse-and-preserve: every SourceRef in any record (found by reflection, at any depth)
// names a PreservedFile of the same run, and digests agree with the preserved bytes.
#pragma once

#include <catch2/catch.hpp>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>

#include <map>
#include <string>
#include <vector>

#include "hozen/v1/evidence.pb.h"
#include "hozen/v1/record.pb.h"
#include "platform/sha256.h"

namespace hozen::testing {

inline void find_source_refs(const google::protobuf::Message& m, std::vector<v1::SourceRef>& out) {
  if (m.GetDescriptor() == v1::SourceRef::descriptor()) {
    out.push_back(static_cast<const v1::SourceRef&>(m));
    return;
  }
  const auto* refl = m.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  refl->ListFields(m, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < refl->FieldSize(m, f); ++i) find_source_refs(refl->GetRepeatedMessage(m, f, i), out);
    } else {
      find_source_refs(refl->GetMessage(m, f), out);
    }
  }
}

// Returns the number of SourceRefs checked (REQUIREs inside).
inline std::size_t check_sources_preserved(const std::vector<v1::Record>& records) {
  std::multimap<std::string, const v1::PreservedFile*> blobs;
  for (const auto& r : records) {
    if (!r.has_preserved_file()) continue;
    const auto& f = r.preserved_file();
    // A redacted blob (/etc/shadow) keeps the digest of the real file, which its raw cannot match.
    if (!f.sha256().empty() && !f.redacted()) {
      INFO("preserved " << f.path());
      REQUIRE(f.sha256() == platform::as_bytes(platform::Sha256::of(f.raw())));
      REQUIRE_FALSE(f.truncated());
    }
    blobs.emplace(f.path(), &f);
  }
  std::size_t n = 0;
  for (const auto& r : records) {
    if (r.has_preserved_file()) continue;
    std::vector<v1::SourceRef> refs;
    find_source_refs(r, refs);
    for (const auto& ref : refs) {
      INFO("record " << r.ShortDebugString() << "\nsource " << ref.path());
      auto [lo, hi] = blobs.equal_range(ref.path());
      REQUIRE(lo != hi);
      bool match = false;
      for (auto it = lo; it != hi; ++it) match = match || it->second->sha256() == ref.sha256();
      REQUIRE(match);
      ++n;
    }
  }
  return n;
}

}  // namespace hozen::testing
