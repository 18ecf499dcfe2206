// Bundle verifier and record reader (docs/FORMAT.md §Verification). Treats its input as hostile:
// every length is capped before allocating, every signature is checked over the exact bytes
// before the payload is parsed, and records are handed out only once a signed checkpoint or the
// trailer covers them (or explicitly as unverified).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "hozen/v1/bundle.pb.h"
#include "platform/error.h"

namespace hozen::bundle {

// Where the bytes come from: a file, a socket, memory.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes; returns the count (0 at end) or -1 with errno set.
  virtual long read(char* buf, std::size_t n) = 0;
};

class FdSource final : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  long read(char* buf, std::size_t n) override;

 private:
  int fd_;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  long read(char* buf, std::size_t n) override;

 private:
  std::string_view data_;
};

enum class VerifyStatus {
  kComplete,        // a valid trailer closes the chain (see report.reason for why it ended)
  kVerifiedPrefix,  // no trailer: verified up to the last checkpoint, the rest unsigned
  kBroken,          // structure or chain broken at report.broken_offset
  kBadSignature,    // a signature does not verify (header, checkpoint or trailer)
  kUnknownKey,      // validly signed, but not by the key the caller pinned
  kReadError,       // the input could not be read
};

const char* to_string(VerifyStatus s);

struct VerifyOptions {
  std::optional<std::string> expected_public_key;  // raw 32 bytes; pins the signer
  std::optional<std::string> expected_fingerprint; // "SHA256:<hex>" (crypto::fingerprint)
};

struct VerifyReport {
  VerifyStatus status = VerifyStatus::kBroken;
  std::string detail;
  std::optional<v1::Header> header;    // set once the header's signature verified
  std::optional<v1::Trailer> trailer;  // set when complete
  v1::TrailerReason reason = v1::TRAILER_REASON_UNSPECIFIED;
  std::uint64_t checkpoints = 0;         // valid checkpoints seen
  std::uint64_t last_checkpoint_seq = 0;
  std::uint64_t frames = 0;
  std::uint64_t verified_bytes = 0;      // bytes up to the end of the last verified frame
  std::uint64_t total_bytes = 0;         // bytes read
  std::uint64_t unsigned_bytes = 0;      // total_bytes - verified_bytes (for prefixes)
  std::uint64_t broken_offset = 0;       // frame offset where verification failed
  std::uint64_t verified_chunks = 0;
  std::uint64_t unverified_chunks = 0;
};

struct VerifyCallbacks {
  // The header, once its signature verified and the signer matched any pinned key.
  std::function<void(const v1::Header& header)> on_header;
  // Chunks covered by a valid checkpoint or trailer, in order.
  std::function<void(std::string_view chunk)> on_verified_chunk;
  // Chunks in the unsigned tail or after a break (only chain-consistent ones are offered).
  std::function<void(std::string_view chunk)> on_unverified_chunk;
};

// Streams the bundle once. Memory: one frame plus the unsigned chunks between two checkpoints,
// bounded by the header's checkpoint_interval_bytes + max_chunk_bytes (a bundle exceeding that
// is broken). Never throws.
VerifyReport verify_bundle(ByteSource& in, const VerifyOptions& options,
                           const VerifyCallbacks& callbacks = {});

// Splits a chunk into records. Returns false if the chunk is malformed (records up to the fault
// were delivered).
bool for_each_record(std::string_view chunk, const std::function<void(const v1::Record&)>& fn);

}  // namespace hozen::bundle
