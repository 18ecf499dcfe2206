// Ed25519 keys and one-shot signatures (OpenSSL 3.0 underneath). Signed payloads are small: the
// PAE of a header, checkpoint or trailer, which hold hashes rather than evidence bytes.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "platform/error.h"

namespace hozen::crypto {

using platform::Result;

class SigningKey {
 public:
  ~SigningKey();
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;

  // A fresh key from the OS CSPRNG.
  [[nodiscard]] static Result<SigningKey> generate();
  // Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), as written by keygen or `openssl genpkey -algorithm ed25519`.
  // Errors: kNotFound/kDenied (file), kMalformed (not an Ed25519 private key).
  [[nodiscard]] static Result<SigningKey> load_pem(const std::string& path);

  const std::string& public_key() const { return public_raw_; }  // 32 raw bytes
  std::string key_id() const;                                     // SHA-256(public key), raw

  // 64-byte signature over `message`. Never fails for a valid key (aborts on OpenSSL failure).
  std::string sign(std::string_view message) const;

  // Writes PEM files with O_CREAT|O_EXCL|O_NOFOLLOW: never overwrites. Private key mode 0600.
  [[nodiscard]] Result<void> write_private_pem(const std::string& path) const;
  [[nodiscard]] Result<void> write_public_pem(const std::string& path) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string public_raw_;
};

// Loads a public key: PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"). Returns the 32 raw bytes.
[[nodiscard]] Result<std::string> load_public_key_pem(const std::string& path);

// True iff `sig` is a valid Ed25519 signature of `message` under raw `public_key`.
bool verify(std::string_view public_key, std::string_view message, std::string_view sig);

// "SHA256:<hex>" of the raw public key: what responders write down.
std::string fingerprint(std::string_view public_key);

}  // namespace hozen::crypto
