#include "agent/bundle/writer.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "platform/host.h"

namespace hozen::bundle {
namespace {

using platform::Error;
using platform::ErrorKind;

bool is_output_exhaustion(int e) { return e == ENOSPC || e == EDQUOT || e == EFBIG || e == EIO; }

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
    stop_ticker_ = true;
  }
  ticker_cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

Result<std::unique_ptr<BundleWriter>> BundleWriter::start(platform::UniqueFd fd,
                                                          const crypto::SigningKey& key,
                                                          v1::Header header,
                                                          WriterOptions options) {
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
  std::lock_guard lock(w->mu_);
  if (!w->write_frame(FrameType::kHeader, payload, false)) {
    Error e = Error::make(w->exhausted_ ? ErrorKind::kNoSpace : ErrorKind::kIo, "write header", "",
                          w->error_);
    return platform::Unexpected(e);
  }
  w->chain_ = chain_start(w->bundle_id_, payload);
  if (options.ticker) w->ticker_ = std::thread([p = w.get()] { p->ticker_loop(); });
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

void BundleWriter::mark_exhausted_locked(int err, const char* op) {
  exhausted_ = true;
  if (error_.empty()) error_ = Error::from_errno(err, op, "").message();
}

// Writes one frame at pos_. Unless `use_reserve`, first extends the reservation so that room for
// the trailer still remains after this frame. On failure the partial frame is cut off again.
bool BundleWriter::write_frame(FrameType type, std::string_view payload, bool use_reserve) {
  if (exhausted_ && !use_reserve) return false;
  std::string frame = encode_frame_header(type, seq_, static_cast<std::uint32_t>(payload.size()));
  std::uint64_t total = frame.size() + payload.size();
  if (!use_reserve && reserve_supported_) {
    int r = ::fallocate(fd_.get(), FALLOC_FL_KEEP_SIZE, static_cast<off_t>(pos_),
                        static_cast<off_t>(total + opt_.trailer_reserve_bytes));
    if (r != 0) {
      if (errno == EOPNOTSUPP || errno == ENOSYS || errno == ENODEV || errno == EINVAL ||
          errno == ESPIPE) {
        reserve_supported_ = false;  // pipes, some FUSE/NFS: rely on write errors alone
      } else {
        mark_exhausted_locked(errno, "fallocate");
        return false;
      }
    }
  }
  std::string_view parts[2] = {frame, payload};
  std::uint64_t written = 0;
  for (std::string_view part : parts) {
    std::size_t off = 0;
    while (off < part.size()) {
      ssize_t n = ::write(fd_.get(), part.data() + off, part.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int e = n < 0 ? errno : ENOSPC;
        // Cut the partial frame so the file ends on a frame boundary (ignore failures: a reader
        // treats a partial frame as an unverified tail anyway).
        if (written + off > 0 && ::ftruncate(fd_.get(), static_cast<off_t>(pos_)) == 0) {
          ::lseek(fd_.get(), static_cast<off_t>(pos_), SEEK_SET);
        }
        mark_exhausted_locked(is_output_exhaustion(e) ? e : e, "write");
        return false;
      }
      off += static_cast<std::size_t>(n);
    }
    written += part.size();
  }
  pos_ += total;
  ++seq_;
  return true;
}

bool BundleWriter::flush_chunk_locked() {
  if (buf_.empty()) return true;
  std::uint64_t seq = seq_;
  if (!write_frame(FrameType::kChunk, buf_, false)) {
    dropped_ += records_in_buf_;
    records_in_buf_ = 0;
    buf_.clear();
    return false;
  }
  chain_ = chain_next(chain_, seq, buf_);
  ++chunk_count_;
  ++chunks_since_checkpoint_;
  bytes_since_checkpoint_ += buf_.size();
  record_count_ += records_in_buf_;
  records_in_buf_ = 0;
  buf_.clear();
  return true;
}

bool BundleWriter::checkpoint_locked() {
  if (chunks_since_checkpoint_ == 0) return true;
  v1::Checkpoint cp;
  cp.set_bundle_id(bundle_id_);
  cp.set_seq(seq_);
  cp.set_chunk_count(chunk_count_);
  cp.set_chain(platform::as_bytes(chain_));
  cp.set_total_bytes(pos_);
  cp.set_record_count(record_count_);
  cp.set_utc_ns(platform::realtime_ns());
  cp.set_monotonic_ns(platform::monotonic_ns());
  if (!write_frame(FrameType::kCheckpoint, envelope(kCheckpointPayloadType, cp.SerializeAsString()),
                   false)) {
    return false;
  }
  if (opt_.sync && ::fdatasync(fd_.get()) != 0 && errno != EINVAL && errno != EROFS) {
    // The checkpoint may not be durable; stop rather than claim otherwise.
    mark_exhausted_locked(errno, "fdatasync");
    return false;
  }
  ++checkpoints_;
  chunks_since_checkpoint_ = 0;
  bytes_since_checkpoint_ = 0;
  unsigned_since_ns_ = buf_.empty() ? 0 : platform::monotonic_ns();
  return true;
}

AppendResult BundleWriter::append(v1::Record& record) {
  std::lock_guard lock(mu_);
  if (finished_ || exhausted_) {
    ++dropped_;
    return AppendResult::kStopped;
  }
  record.set_index(next_index_);
  std::string bytes = record.SerializeAsString();
  if (bytes.size() + 10 > opt_.max_chunk_bytes) {
    ++dropped_;
    return AppendResult::kTooLarge;
  }
  ++next_index_;
  if (buf_.size() + bytes.size() + 10 > opt_.max_chunk_bytes) {
    if (!flush_chunk_locked()) {
      ++dropped_;
      return AppendResult::kStopped;
    }
  }
  if (unsigned_since_ns_ == 0) unsigned_since_ns_ = platform::monotonic_ns();
  append_delimited(buf_, bytes);
  ++records_in_buf_;
  if (buf_.size() >= opt_.target_chunk_bytes) {
    if (!flush_chunk_locked()) return AppendResult::kStopped;
    if (bytes_since_checkpoint_ >= opt_.checkpoint_interval_bytes && !checkpoint_locked()) {
      return AppendResult::kStopped;
    }
  }
  return AppendResult::kOk;
}

void BundleWriter::ticker_loop() {
  // Fires early enough (80% of the interval, polled every 100 ms) that no data stays unsigned for
  // longer than checkpoint_interval_ms.
  const std::int64_t limit_ns = std::int64_t{opt_.checkpoint_interval_ms} * 800'000;
  std::unique_lock lock(mu_);
  while (!stop_ticker_) {
    ticker_cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (stop_ticker_ || finished_ || exhausted_) continue;
    if (unsigned_since_ns_ != 0 && platform::monotonic_ns() - unsigned_since_ns_ >= limit_ns) {
      if (flush_chunk_locked()) checkpoint_locked();
    }
  }
}

FinishResult BundleWriter::finish(FinishInfo info) {
  {
    std::lock_guard lock(mu_);
    stop_ticker_ = true;
  }
  ticker_cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();

  std::lock_guard lock(mu_);
  FinishResult out;
  if (finished_) {
    out.error = "finish called twice";
    return out;
  }
  finished_ = true;
  flush_chunk_locked();  // on failure the writer is exhausted and the records are counted dropped

  v1::Trailer t;
  t.set_bundle_id(bundle_id_);
  t.set_seq(seq_);
  t.set_chunk_count(chunk_count_);
  t.set_chain(platform::as_bytes(chain_));
  t.set_total_bytes(pos_);
  t.set_record_count(record_count_);
  t.set_end_utc_ns(platform::realtime_ns());
  t.set_end_monotonic_ns(platform::monotonic_ns());
  t.set_reason(exhausted_ ? v1::OUTPUT_EXHAUSTED : info.reason);
  for (auto& r : info.runs) *t.add_collector_runs() = std::move(r);
  for (auto& c : info.item_counts) *t.add_item_counts() = std::move(c);
  t.set_records_dropped(dropped_);
  *t.mutable_clocks() = info.clocks;

  out.reason = t.reason();
  out.records_written = record_count_;
  out.records_dropped = dropped_;
  out.final_chain = platform::as_bytes(chain_);
  out.trailer_written =
      write_frame(FrameType::kTrailer, envelope(kTrailerPayloadType, t.SerializeAsString()), true);
  if (out.trailer_written && opt_.sync && ::fdatasync(fd_.get()) != 0 && errno != EINVAL &&
      errno != EROFS) {
    out.trailer_written = false;
    mark_exhausted_locked(errno, "fdatasync");
  }
  // Give back the reservation beyond the end (failure is harmless: the file size is already pos_).
  if (::ftruncate(fd_.get(), static_cast<off_t>(pos_)) != 0) {
  }
  if (::close(fd_.release()) != 0 && out.trailer_written) {
    out.trailer_written = false;
    mark_exhausted_locked(errno, "close");
  }
  out.checkpoints = checkpoints_;
  out.total_bytes = pos_;
  out.error = error_;
  return out;
}

}  // namespace hozen::bundle
