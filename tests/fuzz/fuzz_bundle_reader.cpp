// libFuzzer target: the bundle verifier and record decoder on arbitrary bytes (T55).
// Everything a receiver does with an untrusted bundle before and after verification.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/bundle/reader.h"
#include "agent/export/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hozen;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  bundle::MemorySource src(in);
  bundle::VerifyCallbacks cb;
  auto render = [](std::string_view chunk) {
    bundle::for_each_record(chunk, [](const v1::Record& r) { (void)exporter::to_json(r); });
  };
  cb.on_header = [](const v1::Header& h) { (void)exporter::to_json(h); };
  cb.on_verified_chunk = render;
  cb.on_unverified_chunk = render;
  auto rep = bundle::verify_bundle(src, {}, cb);
  if (rep.trailer) (void)exporter::to_json(*rep.trailer);
  // Records decoded straight from the bytes, as --include-unverified would.
  render(in);
  return 0;
}
