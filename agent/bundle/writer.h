// BundleWriter: streams records into a signed, hash-chained bundle file (docs/FORMAT.md).
//
// A three-stage pipeline, so that hashing and the kernel's copy of the data run side by side:
//  1. append() (any thread) serializes records into the current chunk buffer; a full chunk goes
//     on a bounded queue.
//  2. The chain thread numbers frames, extends the hash chain, and decides and signs CHECKPOINTs:
//     after every checkpoint_interval_bytes of chunks, and before any record has waited
//     checkpoint_interval_ms unsigned (it looks every 100 ms).
//  3. The output thread writes the frames in order and fdatasyncs after each checkpoint.
// Every frame carries the chain state after it, so the trailer always describes exactly the
// frames that reached the file. Memory is bounded by the two queues (queue_depth chunks each).
//
// Room for the trailer is kept reserved ahead of the write position with
// fallocate(FALLOC_FL_KEEP_SIZE). When the output fails (ENOSPC, EDQUOT, EFBIG, EIO) the failed
// frame is cut off and the writer becomes "exhausted": frames in flight and later records are
// dropped and counted, and finish() writes the trailer with reason OUTPUT_EXHAUSTED into the
// reserved room.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
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
  std::uint32_t max_chunk_bytes = 8u << 20;       // declared in the header; hard cap per chunk and record
  std::uint32_t target_chunk_bytes = 256u << 10;  // a chunk is cut when it reaches this
  std::uint32_t checkpoint_interval_bytes = 1u << 20;
  std::uint32_t checkpoint_interval_ms = 5000;
  std::uint64_t trailer_reserve_bytes = 64u << 10;
  std::uint32_t queue_depth = 4;   // full chunks waiting for the I/O thread
  bool sync = true;    // fdatasync after each checkpoint and at the end
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
  struct QueuedChunk {
    std::string bytes;
    std::uint64_t records = 0;
    std::int64_t first_ns = 0;  // monotonic time its first record was appended
  };
  // The chain state once a frame is in the file.
  struct ChainState {
    std::uint64_t next_seq = 0;
    std::uint64_t pos = 0;  // bytes in the file
    platform::Digest256 chain{};
    std::uint64_t chunk_count = 0;
    std::uint64_t record_count = 0;
  };
  struct QueuedFrame {
    FrameType type;
    std::string payload;
    std::uint64_t records = 0;  // records in it (chunks)
    ChainState after;           // state once this frame is written
  };

  BundleWriter(platform::UniqueFd fd, const crypto::SigningKey& key, WriterOptions options);
  // Moves buf_ onto the chunk queue (caller holds mu_; waits for room unless `force`).
  void submit_locked(std::unique_lock<std::mutex>& lock, bool force);
  void chain_loop();
  void output_loop();
  // Chain thread: queue a frame for the output thread (waits for room).
  void push_frame(std::unique_lock<std::mutex>& lock, QueuedFrame f);
  void plan_checkpoint(std::unique_lock<std::mutex>& lock);
  // Output thread (or start()/finish() when no other thread runs).
  bool write_frame(FrameType type, std::uint64_t seq, std::string_view payload, bool use_reserve);
  std::string envelope(std::string_view type, std::string_view payload) const;
  void mark_exhausted(int err, const char* op);

  platform::UniqueFd fd_;
  const crypto::SigningKey& key_;
  WriterOptions opt_;
  v1::Header header_;
  std::string bundle_id_;

  // Shared, guarded by mu_.
  mutable std::mutex mu_;
  std::condition_variable chunk_room_cv_, chunk_work_cv_, frame_room_cv_, frame_work_cv_;
  std::string buf_;                  // current chunk
  std::uint64_t buf_records_ = 0;
  std::int64_t buf_first_ns_ = 0;
  std::deque<QueuedChunk> chunks_;
  std::deque<QueuedFrame> frames_;
  std::vector<std::string> spare_;   // recycled chunk buffers
  std::uint64_t next_index_ = 0;
  std::uint64_t dropped_ = 0;
  bool finished_ = false;
  bool stop_chain_ = false;
  bool stop_output_ = false;
  std::atomic<bool> exhausted_{false};

  // Chain thread's planning state (what the file will hold if every write succeeds).
  ChainState planned_;
  std::uint64_t bytes_since_checkpoint_ = 0;
  std::uint64_t chunks_since_checkpoint_ = 0;
  std::int64_t unsigned_first_ns_ = 0;  // oldest chained-but-unsigned record, 0 if none

  // Output thread's state: what the file holds.
  ChainState committed_;
  std::uint64_t checkpoints_ = 0;
  std::uint64_t reserved_end_ = 0;  // file offset up to which space is reserved
  bool reserve_supported_ = true;
  std::string error_;

  std::thread chain_thread_, output_thread_;
};

// Creates a new output file: O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600. Never
// overwrites or follows a planted symlink. Errors: kIo with EEXIST, kDenied, kNotFound, ...
[[nodiscard]] Result<platform::UniqueFd> create_output_file(const std::string& path);

}  // namespace hozen::bundle
