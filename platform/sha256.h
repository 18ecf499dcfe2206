// SHA-256 (OpenSSL EVP underneath; collectors use this and never include OpenSSL).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace hozen::platform {

using Digest256 = std::array<std::uint8_t, 32>;

// Incremental SHA-256. Not thread-safe; cheap to move.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view bytes);
  void update(const void* data, std::size_t n);
  Digest256 finish();  // the object must not be updated afterwards

  static Digest256 of(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string to_hex(std::string_view bytes);
inline std::string to_hex(const Digest256& d) {
  return to_hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}
inline std::string as_bytes(const Digest256& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

}  // namespace hozen::platform
