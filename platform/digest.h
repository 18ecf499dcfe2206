// Message digests by name (OpenSSL EVP underneath): SHA-256 for evidence, MD5 and SHA-1 only
// because IOC lists still publish them. Collectors use this and never include OpenSSL.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "platform/error.h"

namespace hozen::platform {

enum class DigestAlgorithm { kSha256, kMd5, kSha1 };

// Incremental digest. Not thread-safe; movable.
class Digest {
 public:
  // Errors: kUnsupported when the OpenSSL provider refuses the algorithm (MD5 under FIPS).
  [[nodiscard]] static Result<Digest> create(DigestAlgorithm algorithm);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;

  void update(const void* data, std::size_t n);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // The raw digest (32, 16 or 20 bytes). The object must not be updated afterwards.
  std::string finish();

  // One-shot digest of `bytes`; aborts only if the algorithm is unavailable (tests, small data).
  static std::string of(DigestAlgorithm algorithm, std::string_view bytes);

 private:
  Digest();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hozen::platform
