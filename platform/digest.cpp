#include "platform/digest.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace hozen::platform {

namespace {

const EVP_MD* md_of(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    case DigestAlgorithm::kMd5:
      return EVP_md5();
    case DigestAlgorithm::kSha1:
      return EVP_sha1();
  }
  return nullptr;
}

}  // namespace

struct Digest::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Digest::Digest() : impl_(std::make_unique<Impl>()) {}
Digest::~Digest() = default;
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

Result<Digest> Digest::create(DigestAlgorithm algorithm) {
  Digest d;
  d.impl_->ctx = EVP_MD_CTX_new();
  if (d.impl_->ctx == nullptr) std::abort();  // allocation failure: not recoverable here
  const EVP_MD* md = md_of(algorithm);
  if (md == nullptr || EVP_DigestInit_ex(d.impl_->ctx, md, nullptr) != 1) {
    return Unexpected(Error::make(ErrorKind::kUnsupported, "EVP_DigestInit_ex", "",
                                  "digest refused by the OpenSSL provider"));
  }
  return d;
}

void Digest::update(const void* data, std::size_t n) {
  if (n > 0) EVP_DigestUpdate(impl_->ctx, data, n);
}

std::string Digest::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Digest::of(DigestAlgorithm algorithm, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out, &len, md_of(algorithm), nullptr) != 1) std::abort();
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace hozen::platform
