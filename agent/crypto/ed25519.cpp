#include "agent/crypto/ed25519.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "platform/fs.h"
#include "platform/sha256.h"
#include "platform/unique_fd.h"

namespace hozen::crypto {
namespace {

using platform::Error;
using platform::ErrorKind;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

Result<std::string> read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "open", path));
  platform::UniqueFd guard(fd);
  bool truncated = false;
  auto bytes = platform::read_capped(fd, 64 * 1024, &truncated);
  if (!bytes) return platform::Unexpected(bytes.error());
  if (truncated) return platform::Unexpected(Error::make(ErrorKind::kMalformed, "read", path, "key file too large"));
  return bytes;
}

Result<void> write_new_file(const std::string& path, std::string_view data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "create", path));
  platform::UniqueFd guard(fd);
  ::fchmod(fd, mode);  // umask must not widen or narrow what we asked for
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::unlink(path.c_str());
      return platform::Unexpected(Error::from_errno(e, "write", path));
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return platform::Unexpected(Error::from_errno(errno, "fsync", path));
  return {};
}

std::string raw_public(EVP_PKEY* k) {
  std::string out(32, '\0');
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(k, reinterpret_cast<unsigned char*>(out.data()), &len) != 1 ||
      len != 32) {
    return {};
  }
  return out;
}

std::string bio_string(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

struct SigningKey::Impl {
  PkeyPtr key;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  public_raw_ = raw_public(impl_->key.get());
}
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

Result<SigningKey> SigningKey::generate() {
  EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (k == nullptr) {
    return platform::Unexpected(Error::make(ErrorKind::kIo, "keygen", "", "OpenSSL could not generate an Ed25519 key"));
  }
  auto impl = std::make_unique<Impl>();
  impl->key.reset(k);
  return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::load_pem(const std::string& path) {
  auto pem = read_small_file(path);
  if (!pem) return platform::Unexpected(pem.error());
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (k == nullptr || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    return platform::Unexpected(Error::make(ErrorKind::kMalformed, "load key", path,
                                       "not an unencrypted PEM Ed25519 private key"));
  }
  auto impl = std::make_unique<Impl>();
  impl->key.reset(k);
  return SigningKey(std::move(impl));
}

std::string SigningKey::key_id() const { return platform::as_bytes(platform::Sha256::of(public_raw_)); }

std::string SigningKey::sign(std::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  if (ctx == nullptr || EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    std::abort();  // a valid Ed25519 key cannot fail to sign; anything else is memory exhaustion
  }
  EVP_MD_CTX_free(ctx);
  return sig;
}

Result<void> SigningKey::write_private_pem(const std::string& path) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), impl_->key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return platform::Unexpected(Error::make(ErrorKind::kIo, "encode key", path, "PEM encoding failed"));
  }
  return write_new_file(path, bio_string(bio.get()), 0600);
}

Result<void> SigningKey::write_public_pem(const std::string& path) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), impl_->key.get()) != 1) {
    return platform::Unexpected(Error::make(ErrorKind::kIo, "encode key", path, "PEM encoding failed"));
  }
  return write_new_file(path, bio_string(bio.get()), 0644);
}

Result<std::string> load_public_key_pem(const std::string& path) {
  auto pem = read_small_file(path);
  if (!pem) return platform::Unexpected(pem.error());
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  PkeyPtr k(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!k || EVP_PKEY_get_id(k.get()) != EVP_PKEY_ED25519) {
    return platform::Unexpected(Error::make(ErrorKind::kMalformed, "load public key", path,
                                       "not a PEM Ed25519 public key"));
  }
  return raw_public(k.get());
}

bool verify(std::string_view public_key, std::string_view message, std::string_view sig) {
  if (public_key.size() != 32 || sig.size() != 64) return false;
  PkeyPtr k(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(public_key.data()),
                                        public_key.size()));
  if (!k) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, k.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(message.data()),
                             message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

std::string fingerprint(std::string_view public_key) {
  return "SHA256:" + platform::to_hex(platform::Sha256::of(public_key));
}

}  // namespace hozen::crypto
