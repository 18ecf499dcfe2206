#include "agent/bundle/writer.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>

#include "platform/host.h"

namespace hozen::bundle {
namespace {

using platform::Error;
using platform::ErrorKind;

}  // namespace

Result<platform::UniqueFd> create_output_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                  0600);
  if (fd < 0) return platform::Unexpected(Error::from_errno(errno, "create", path));
  ::fchmod(fd, 0600);
  return platform::UniqueFd(fd);
}

BundleWriter::BundleWriter(platform::UniqueFd fd, const crypto::SigningKey& key,
                           WriterOptions options)
    : fd_(std::move(fd)), key_(key), opt_(options) {}

BundleWriter::~BundleWriter() {
  {
    std::lock_guard lock(mu_);
    stop_chain_ = true;
    stop_output_ = true;
  }
  for (auto* cv : {&chunk_room_cv_, &chunk_work_cv_, &frame_room_cv_, &frame_work_cv_}) {
    cv->notify_all();
  }
  if (chain_thread_.joinable()) chain_thread_.join();
  if (output_thread_.joinable()) output_thread_.join();
}

Result<std::unique_ptr<BundleWriter>> BundleWriter::start(platform::UniqueFd fd,
                                                          const crypto::SigningKey& key,
                                                          v1::Header header,
                                                          WriterOptions options) {
  // Never write what our own reader (and FORMAT.md) would refuse.
  options.max_chunk_bytes = std::min(options.max_chunk_bytes, kMaxChunkFrame);
  options.target_chunk_bytes = std::min(options.target_chunk_bytes, options.max_chunk_bytes);
  options.checkpoint_interval_bytes = std::min(options.checkpoint_interval_bytes, kMaxPendingBytes);
  options.queue_depth = std::max<std::uint32_t>(options.queue_depth, 1);
  std::unique_ptr<BundleWriter> w(new BundleWriter(std::move(fd), key, options));
  w->bundle_id_.resize(16);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(w->bundle_id_.data()), 16) != 1) {
    return platform::Unexpected(Error::make(ErrorKind::kIo, "RAND_bytes", "", "no randomness"));
  }
  header.set_format_version(kFormatVersion);
  header.set_bundle_id(w->bundle_id_);
  header.set_signer_public_key(key.public_key());
  header.set_signer_key_id(key.key_id());
  header.set_max_chunk_bytes(options.max_chunk_bytes);
  header.set_checkpoint_interval_bytes(options.checkpoint_interval_bytes);
  header.set_checkpoint_interval_ms(options.checkpoint_interval_ms);
  w->header_ = header;
  std::string payload = w->envelope(kHeaderPayloadType, header.SerializeAsString());
  if (!w->write_frame(FrameType::kHeader, 0, payload, false)) {
    return platform::Unexpected(Error::make(
        w->exhausted_ ? ErrorKind::kNoSpace : ErrorKind::kIo, "write header", "", w->error_));
  }
  w->committed_.next_seq = 1;
  w->committed_.pos = kFrameHeaderSize + payload.size();
  w->committed_.chain = chain_start(w->bundle_id_, payload);
  w->planned_ = w->committed_;
  w->buf_.reserve(options.target_chunk_bytes + (64u << 10));  // grows only for a large record
  w->chain_thread_ = std::thread([p = w.get()] { p->chain_loop(); });
  w->output_thread_ = std::thread([p = w.get()] { p->output_loop(); });
  return w;
}

std::string BundleWriter::envelope(std::string_view type, std::string_view payload) const {
  v1::Envelope env;
  env.set_payload(std::string(payload));
  env.set_payload_type(std::string(type));
  auto* sig = env.add_signatures();
  sig->set_key_id(key_.key_id());
  sig->set_sig(key_.sign(pae(type, payload)));
  sig->set_public_key(key_.public_key());
  return env.SerializeAsString();
}

void BundleWriter::mark_exhausted(int err, const char* op) {
  exhausted_ = true;
  if (error_.empty()) error_ = Error::from_errno(err, op, "").message();
}

// Writes one frame at committed_.pos. Unless `use_reserve`, first makes sure that room for the
// trailer remains reserved after this frame (extending the reservation in steps of 4 MiB, so this
// is one fallocate per few chunks). On failure the partial frame is cut off again.
bool BundleWriter::write_frame(FrameType type, std::uint64_t seq, std::string_view payload,
                               bool use_reserve) {
  if (exhausted_ && !use_reserve) return false;
  const std::uint64_t pos = committed_.pos;
  std::string frame = encode_frame_header(type, seq, static_cast<std::uint32_t>(payload.size()));
  const std::uint64_t total = frame.size() + payload.size();
  const std::uint64_t need = pos + total + opt_.trailer_reserve_bytes;
  if (!use_reserve && reserve_supported_ && need > reserved_end_) {
    const std::uint64_t target = need + (4u << 20);
    int r = ::fallocate(fd_.get(), FALLOC_FL_KEEP_SIZE, static_cast<off_t>(pos),
                        static_cast<off_t>(target - pos));
    if (r != 0 && errno == ENOSPC) {
      // Not 4 MiB more: settle for exactly what this frame and the trailer need.
      r = ::fallocate(fd_.get(), FALLOC_FL_KEEP_SIZE, static_cast<off_t>(pos),
                      static_cast<off_t>(need - pos));
      if (r == 0) reserved_end_ = need;
    } else if (r == 0) {
      reserved_end_ = target;
    }
    if (r != 0) {
      if (errno == EOPNOTSUPP || errno == ENOSYS || errno == ENODEV || errno == EINVAL ||
          errno == ESPIPE) {
        reserve_supported_ = false;  // pipes, some FUSE/NFS: rely on write errors alone
      } else {
        mark_exhausted(errno, "fallocate");
        return false;
      }
    }
  }
  // pwrite at explicit offsets: after a failed frame, the next write (the trailer) lands at the
  // right place whatever was left behind, and the final ftruncate cuts any leftover.
  std::string_view parts[2] = {frame, payload};
  std::uint64_t at = pos;
  for (std::string_view part : parts) {
    std::size_t off = 0;
    while (off < part.size()) {
      ssize_t n = ::pwrite(fd_.get(), part.data() + off, part.size() - off,
                           static_cast<off_t>(at + off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        mark_exhausted(n < 0 ? errno : ENOSPC, "write");
        return false;
      }
      off += static_cast<std::size_t>(n);
    }
    at += part.size();
  }
  committed_.pos = pos + total;
  return true;
}

void BundleWriter::submit_locked(std::unique_lock<std::mutex>& lock, bool force) {
  if (buf_.empty()) return;
  if (!force) {
    chunk_room_cv_.wait(lock, [&] {
      return chunks_.size() < opt_.queue_depth || stop_chain_ || exhausted_;
    });
    if (buf_.empty()) return;  // someone else submitted it while we waited
  }
  if (exhausted_ || stop_chain_) {
    dropped_ += buf_records_;
  } else {
    chunks_.push_back(QueuedChunk{std::move(buf_), buf_records_, buf_first_ns_});
    chunk_work_cv_.notify_one();
  }
  if (!spare_.empty()) {
    buf_ = std::move(spare_.back());
    spare_.pop_back();
  } else {
    buf_ = std::string();
    buf_.reserve(opt_.target_chunk_bytes + (64u << 10));
  }
  buf_.clear();
  buf_records_ = 0;
  buf_first_ns_ = 0;
}

AppendResult BundleWriter::append(v1::Record& record) {
  std::unique_lock lock(mu_);
  if (finished_ || exhausted_) {
    ++dropped_;
    return AppendResult::kStopped;
  }
  record.set_index(next_index_);
  const std::size_t size = record.ByteSizeLong();
  if (size + 10 > opt_.max_chunk_bytes) {
    ++dropped_;
    return AppendResult::kTooLarge;
  }
  ++next_index_;
  if (buf_.size() + size + 10 > opt_.max_chunk_bytes) submit_locked(lock, false);
  if (exhausted_ || finished_) {  // the wait may have spanned an exhaustion or finish()
    ++dropped_;
    return AppendResult::kStopped;
  }
  if (buf_first_ns_ == 0) buf_first_ns_ = platform::monotonic_ns();
  // Serialize straight into the chunk buffer (no zero-fill, no intermediate copy).
  append_varint(buf_, size);
  // Offsets from `start`, never from the op's second argument: when the string grows, libstdc++
  // 12 passes the new capacity there, not the requested size.
  const std::size_t start = buf_.size();
  buf_.resize_and_overwrite(start + size, [&](char* p, std::size_t) {
    record.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(p + start));
    return start + size;
  });
  ++buf_records_;
  if (buf_.size() >= opt_.target_chunk_bytes) submit_locked(lock, false);
  return AppendResult::kOk;
}

void BundleWriter::push_frame(std::unique_lock<std::mutex>& lock, QueuedFrame f) {
  frame_room_cv_.wait(lock, [&] {
    return frames_.size() < opt_.queue_depth || exhausted_ || stop_output_;
  });
  if (exhausted_) {
    dropped_ += f.records;
    return;
  }
  frames_.push_back(std::move(f));
  frame_work_cv_.notify_one();
}

void BundleWriter::plan_checkpoint(std::unique_lock<std::mutex>& lock) {
  if (chunks_since_checkpoint_ == 0) return;
  v1::Checkpoint cp;
  cp.set_bundle_id(bundle_id_);
  cp.set_seq(planned_.next_seq);
  cp.set_chunk_count(planned_.chunk_count);
  cp.set_chain(platform::as_bytes(planned_.chain));
  cp.set_total_bytes(planned_.pos);
  cp.set_record_count(planned_.record_count);
  cp.set_utc_ns(platform::realtime_ns());
  cp.set_monotonic_ns(platform::monotonic_ns());
  lock.unlock();
  std::string env = envelope(kCheckpointPayloadType, cp.SerializeAsString());
  lock.lock();
  planned_.next_seq += 1;
  planned_.pos += kFrameHeaderSize + env.size();
  chunks_since_checkpoint_ = 0;
  bytes_since_checkpoint_ = 0;
  unsigned_first_ns_ = 0;
  push_frame(lock, QueuedFrame{FrameType::kCheckpoint, std::move(env), 0, planned_});
}

void BundleWriter::chain_loop() {
  // A record must never stay unsigned longer than checkpoint_interval_ms: act at 80% of it,
  // looking every 100 ms.
  const std::int64_t limit_ns = std::int64_t{opt_.checkpoint_interval_ms} * 800'000;
  auto old = [&](std::int64_t t) { return t != 0 && platform::monotonic_ns() - t >= limit_ns; };
  std::unique_lock lock(mu_);
  for (;;) {
    chunk_work_cv_.wait_for(lock, std::chrono::milliseconds(100),
                            [&] { return !chunks_.empty() || stop_chain_; });
    if (exhausted_) {
      for (auto& c : chunks_) dropped_ += c.records;
      chunks_.clear();
      chunk_room_cv_.notify_all();
      if (stop_chain_) return;
      continue;
    }
    if (!chunks_.empty()) {
      QueuedChunk c = std::move(chunks_.front());
      chunks_.pop_front();
      chunk_room_cv_.notify_all();
      // Sign before this chunk would take the unsigned run past the interval.
      if (chunks_since_checkpoint_ > 0 &&
          bytes_since_checkpoint_ + c.bytes.size() > opt_.checkpoint_interval_bytes) {
        plan_checkpoint(lock);
      }
      lock.unlock();  // hash without holding up the collectors
      const std::uint64_t seq = planned_.next_seq;
      planned_.chain = chain_next(planned_.chain, seq, c.bytes);
      planned_.next_seq += 1;
      planned_.pos += kFrameHeaderSize + c.bytes.size();
      planned_.chunk_count += 1;
      planned_.record_count += c.records;
      bytes_since_checkpoint_ += c.bytes.size();
      chunks_since_checkpoint_ += 1;
      if (unsigned_first_ns_ == 0) unsigned_first_ns_ = c.first_ns;
      lock.lock();
      push_frame(lock, QueuedFrame{FrameType::kChunk, std::move(c.bytes), c.records, planned_});
      if (bytes_since_checkpoint_ >= opt_.checkpoint_interval_bytes ||
          (chunks_.empty() && old(unsigned_first_ns_))) {
        plan_checkpoint(lock);
      }
      continue;
    }
    if (stop_chain_) return;
    // Idle: sign whatever is getting old, including a chunk still being filled.
    if (old(buf_first_ns_)) {
      submit_locked(lock, true);  // the queue is empty, so this cannot wait
      continue;                   // chain it; the check above then signs it
    }
    if (old(unsigned_first_ns_)) plan_checkpoint(lock);
  }
}

void BundleWriter::output_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    frame_work_cv_.wait(lock, [&] { return !frames_.empty() || stop_output_; });
    if (frames_.empty()) return;  // stop_output_ and drained
    QueuedFrame f = std::move(frames_.front());
    frames_.pop_front();
    frame_room_cv_.notify_all();
    bool ok = false;
    if (!exhausted_) {
      lock.unlock();
      ok = write_frame(f.type, f.after.next_seq - 1, f.payload, false);
      if (ok) {
        committed_ = f.after;
        if (f.type == FrameType::kCheckpoint) {
          if (opt_.sync && ::fdatasync(fd_.get()) != 0 && errno != EINVAL && errno != EROFS) {
            mark_exhausted(errno, "fdatasync");  // not durable: stop rather than claim it is
          } else {
            ++checkpoints_;
          }
        }
      }
      lock.lock();
    }
    if (!ok) dropped_ += f.records;
    if (f.type == FrameType::kChunk && spare_.size() < opt_.queue_depth) {
      f.payload.clear();
      spare_.push_back(std::move(f.payload));
    }
  }
}

FinishResult BundleWriter::finish(FinishInfo info) {
  FinishResult out;
  {
    std::unique_lock lock(mu_);
    if (finished_) {
      out.error = "finish called twice";
      return out;
    }
    finished_ = true;
    submit_locked(lock, true);
    stop_chain_ = true;
  }
  chunk_work_cv_.notify_all();
  if (chain_thread_.joinable()) chain_thread_.join();  // chains what is queued
  {
    std::lock_guard lock(mu_);
    stop_output_ = true;
  }
  frame_work_cv_.notify_all();
  if (output_thread_.joinable()) output_thread_.join();  // writes what is queued

  // Both threads have ended: this thread now owns the output state.
  std::lock_guard lock(mu_);
  v1::Trailer t;
  t.set_bundle_id(bundle_id_);
  t.set_seq(committed_.next_seq);
  t.set_chunk_count(committed_.chunk_count);
  t.set_chain(platform::as_bytes(committed_.chain));
  t.set_total_bytes(committed_.pos);
  t.set_record_count(committed_.record_count);
  t.set_end_utc_ns(platform::realtime_ns());
  t.set_end_monotonic_ns(platform::monotonic_ns());
  t.set_reason(exhausted_ ? v1::OUTPUT_EXHAUSTED : info.reason);
  for (auto& r : info.runs) *t.add_collector_runs() = std::move(r);
  for (auto& c : info.item_counts) *t.add_item_counts() = std::move(c);
  t.set_records_dropped(dropped_);
  *t.mutable_clocks() = info.clocks;

  out.reason = t.reason();
  out.records_written = committed_.record_count;
  out.records_dropped = dropped_;
  out.final_chain = platform::as_bytes(committed_.chain);
  out.trailer_written = write_frame(FrameType::kTrailer, committed_.next_seq,
                                    envelope(kTrailerPayloadType, t.SerializeAsString()), true);
  if (out.trailer_written && opt_.sync && ::fdatasync(fd_.get()) != 0 && errno != EINVAL &&
      errno != EROFS) {
    out.trailer_written = false;
    mark_exhausted(errno, "fdatasync");
  }
  // Give back the reservation beyond the end (failure is harmless: the size is already right).
  if (::ftruncate(fd_.get(), static_cast<off_t>(committed_.pos)) != 0) {
  }
  if (::close(fd_.release()) != 0 && out.trailer_written) {
    out.trailer_written = false;
    mark_exhausted(errno, "close");
  }
  out.checkpoints = checkpoints_;
  out.total_bytes = committed_.pos;
  out.error = error_;
  return out;
}

}  // namespace hozen::bundle
