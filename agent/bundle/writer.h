// BundleWriter: streams records into a signed, hash-chained bundle file (docs/FORMAT.md).
//
// Memory is bounded by one chunk (max_chunk_bytes). Frames are written with write(2) in order;
// a CHECKPOINT follows every checkpoint_interval_bytes of chunks or checkpoint_interval_ms of
// unsigned data (a background ticker enforces the time bound), and is fdatasync'ed. Room for the
// trailer is kept reserved ahead of the write position with fallocate(FALLOC_FL_KEEP_SIZE); when
// the output runs out (ENOSPC, EDQUOT, EFBIG, EIO) the failed frame is cut off and the writer
// becomes "exhausted": later appends are dropped and counted, and finish() writes the trailer
// with reason OUTPUT_EXHAUSTED into the reserved room.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/bundle/format.h"
#include "agent/crypto/ed25519.h"
#include "hozen/v1/bundle.pb.h"
#include "platform/error.h"
#include "platform/sha256.h"
#include "platform/unique_fd.h"

namespace hozen::bundle {

using platform::Result;

struct WriterOptions {
  std::uint32_t max_chunk_bytes = 1u << 20;       // declared in the header; hard cap per chunk
  std::uint32_t target_chunk_bytes = 256u << 10;  // a chunk is cut when it reaches this
  std::uint32_t checkpoint_interval_bytes = 1u << 20;
  std::uint32_t checkpoint_interval_ms = 5000;
  std::uint64_t trailer_reserve_bytes = 64u << 10;
  bool sync = true;    // fdatasync after each checkpoint and at the end
  bool ticker = true;  // background thread for the time bound on checkpoints
};

struct FinishInfo {
  v1::TrailerReason reason = v1::COMPLETE;
  std::vector<v1::CollectorRun> runs;
  std::vector<v1::StatusCount> item_counts;
  v1::ClockSnapshot clocks;
};

struct FinishResult {
  bool trailer_written = false;
  v1::TrailerReason reason = v1::TRAILER_REASON_UNSPECIFIED;  // as written in the trailer
  std::uint64_t total_bytes = 0;
  std::uint64_t records_written = 0;
  std::uint64_t records_dropped = 0;
  std::uint64_t checkpoints = 0;
  std::string final_chain;  // raw 32 bytes; meaningful only when trailer_written
  std::string error;        // why the output failed, if it did
};

enum class AppendResult { kOk, kTooLarge, kStopped };

class BundleWriter {
 public:
  // Writes the HEADER frame to `fd` (a new, empty file). Fills in the header's format version,
  // random bundle id, signer key and limits; the caller provides provenance and ephemeral_key.
  // Errors: kNoSpace (no room for header + trailer reserve), kIo.
  [[nodiscard]] static Result<std::unique_ptr<BundleWriter>> start(platform::UniqueFd fd,
                                                                   const crypto::SigningKey& key,
                                                                   v1::Header header,
                                                                   WriterOptions options = {});
  ~BundleWriter();

  // Appends one record; sets record.index. Thread-safe. kTooLarge: the record alone exceeds a
  // chunk (dropped, counted). kStopped: the output is exhausted or finished (dropped, counted).
  AppendResult append(v1::Record& record);

  bool exhausted() const { return exhausted_.load(); }
  const std::string& bundle_id() const { return bundle_id_; }
  const v1::Header& header() const { return header_; }

  // Flushes, writes the TRAILER (reason OUTPUT_EXHAUSTED if the output failed), syncs, closes.
  // Call once; appends afterwards return kStopped.
  FinishResult finish(FinishInfo info);

 private:
  BundleWriter(platform::UniqueFd fd, const crypto::SigningKey& key, WriterOptions options);
  bool write_frame(FrameType type, std::string_view payload, bool use_reserve);
  bool flush_chunk_locked();
  bool checkpoint_locked();
  std::string envelope(std::string_view type, std::string_view payload) const;
  void ticker_loop();
  void mark_exhausted_locked(int err, const char* op);

  platform::UniqueFd fd_;
  const crypto::SigningKey& key_;
  WriterOptions opt_;
  v1::Header header_;
  std::string bundle_id_;

  mutable std::mutex mu_;
  std::string buf_;                 // current chunk
  std::uint64_t records_in_buf_ = 0;
  std::uint64_t pos_ = 0;           // bytes written so far
  std::uint64_t seq_ = 0;           // next frame seq
  platform::Digest256 chain_{};
  std::uint64_t chunk_count_ = 0;
  std::uint64_t record_count_ = 0;  // records in written chunks
  std::uint64_t next_index_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t checkpoints_ = 0;
  std::uint64_t bytes_since_checkpoint_ = 0;
  std::uint64_t chunks_since_checkpoint_ = 0;
  std::int64_t unsigned_since_ns_ = 0;  // monotonic time of the oldest unsigned data, 0 if none
  bool reserve_supported_ = true;
  bool finished_ = false;
  std::atomic<bool> exhausted_{false};
  std::string error_;

  std::thread ticker_;
  std::condition_variable ticker_cv_;
  bool stop_ticker_ = false;
};

// Creates a new output file: O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600. Never
// overwrites or follows a planted symlink. Errors: kIo with EEXIST, kDenied, kNotFound, ...
[[nodiscard]] Result<platform::UniqueFd> create_output_file(const std::string& path);

}  // namespace hozen::bundle
