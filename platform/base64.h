// Standard base64 (RFC 4648 §4), for key blobs in authorized_keys and their fingerprints.
// Collectors use this one (agent/export has its own encoder; collectors never depend on agent/).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hozen::platform {

// Decodes standard-alphabet base64. Padding is optional but, when present, must be correct and
// final. Whitespace or any other character is an error. Returns nullopt on any error; never
// throws. Thread-safe.
std::optional<std::string> base64_decode(std::string_view in);

// Encodes with the standard alphabet; `pad` adds '=' to a multiple of 4 (ssh-keygen's SHA256:
// fingerprints are unpadded).
std::string base64_encode(std::string_view in, bool pad = true);

}  // namespace hozen::platform
