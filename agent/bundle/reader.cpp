#include "agent/bundle/reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>

#include "agent/bundle/format.h"
#include "agent/crypto/ed25519.h"

namespace hozen::bundle {

long FdSource::read(char* buf, std::size_t n) {
  for (;;) {
    ssize_t r = ::read(fd_, buf, n);
    if (r < 0 && errno == EINTR) continue;
    return static_cast<long>(r);
  }
}

long MemorySource::read(char* buf, std::size_t n) {
  std::size_t k = std::min(n, data_.size());
  std::memcpy(buf, data_.data(), k);
  data_.remove_prefix(k);
  return static_cast<long>(k);
}

const char* to_string(VerifyStatus s) {
  switch (s) {
    case VerifyStatus::kComplete: return "complete";
    case VerifyStatus::kVerifiedPrefix: return "verified_prefix";
    case VerifyStatus::kBroken: return "broken";
    case VerifyStatus::kBadSignature: return "bad_signature";
    case VerifyStatus::kUnknownKey: return "unknown_key";
    case VerifyStatus::kReadError: return "read_error";
  }
  return "?";
}

namespace {

enum class ReadOutcome { kOk, kEof, kShort, kError };

// Reads exactly n bytes unless the input ends.
ReadOutcome read_exact(ByteSource& in, char* buf, std::size_t n, std::uint64_t& total) {
  std::size_t got = 0;
  while (got < n) {
    long r = in.read(buf + got, n - got);
    if (r < 0) return ReadOutcome::kError;
    if (r == 0) return got == 0 ? ReadOutcome::kEof : ReadOutcome::kShort;
    got += static_cast<std::size_t>(r);
    total += static_cast<std::uint64_t>(r);
  }
  return ReadOutcome::kOk;
}

enum class EnvelopeCheck { kOk, kMalformed, kWrongType, kBadSignature, kWrongKey };

// Checks a DSSE envelope: exactly one signature, the expected payload type, a signature by
// `public_key` over PAE(type, payload). On kOk, *payload views the signed payload bytes.
EnvelopeCheck check_envelope(std::string_view frame_payload, std::string_view expected_type,
                             std::string_view public_key, v1::Envelope& env) {
  if (!env.ParseFromArray(frame_payload.data(), static_cast<int>(frame_payload.size()))) {
    return EnvelopeCheck::kMalformed;
  }
  if (env.signatures_size() != 1) return EnvelopeCheck::kMalformed;
  const auto& sig = env.signatures(0);
  // Every byte of a signed frame is either signed (payload, type) or fixed by the rules below, so
  // no bit of it can change unnoticed: the unsigned key_id and public_key must name the signer, and
  // the encoding must be canonical (FORMAT.md: fields in number order, no unknown fields).
  if (sig.public_key() != public_key ||
      sig.key_id() != platform::as_bytes(platform::Sha256::of(public_key))) {
    return EnvelopeCheck::kBadSignature;
  }
  // Protobuf keeps unknown fields and re-emits them, so they would survive the re-encoding check:
  // refuse them explicitly.
  if (!env.GetReflection()->GetUnknownFields(env).empty() ||
      !sig.GetReflection()->GetUnknownFields(sig).empty()) {
    return EnvelopeCheck::kMalformed;
  }
  if (env.SerializeAsString() != frame_payload) return EnvelopeCheck::kMalformed;
  // The type is inside the signed bytes (PAE), so a checkpoint envelope relabelled as a trailer
  // fails the signature even if the label check below were skipped.
  if (!crypto::verify(public_key, pae(env.payload_type(), env.payload()), sig.sig())) {
    return EnvelopeCheck::kBadSignature;
  }
  if (env.payload_type() != expected_type) return EnvelopeCheck::kWrongType;
  return EnvelopeCheck::kOk;
}

}  // namespace

VerifyReport verify_bundle(ByteSource& in, const VerifyOptions& options,
                           const VerifyCallbacks& cb) {
  VerifyReport rep;
  std::uint64_t offset = 0;  // start of the current frame
  std::uint64_t total = 0;
  char fh[kFrameHeaderSize];
  std::string payload;

  auto fail = [&](VerifyStatus s, std::uint64_t at, std::string why) {
    rep.status = s;
    rep.broken_offset = at;
    rep.detail = std::move(why);
  };

  // ---- header -------------------------------------------------------------------------------
  switch (read_exact(in, fh, sizeof fh, total)) {
    case ReadOutcome::kOk: break;
    case ReadOutcome::kError:
      fail(VerifyStatus::kReadError, 0, std::strerror(errno));
      rep.total_bytes = total;
      return rep;
    default:
      fail(VerifyStatus::kBroken, 0, "too short for a bundle header");
      rep.total_bytes = total;
      return rep;
  }
  auto h = decode_frame_header(std::string_view(fh, sizeof fh));
  if (!h) {
    fail(VerifyStatus::kBroken, 0, "not a hozen bundle (bad magic)");
    rep.total_bytes = total;
    return rep;
  }
  if (h->type != FrameType::kHeader || h->seq != 0 || h->len > kMaxHeaderFrame) {
    fail(VerifyStatus::kBroken, 0, "first frame is not a header");
    rep.total_bytes = total;
    return rep;
  }
  payload.resize(h->len);
  if (auto r = read_exact(in, payload.data(), payload.size(), total); r != ReadOutcome::kOk) {
    fail(r == ReadOutcome::kError ? VerifyStatus::kReadError : VerifyStatus::kBroken, 0,
         "header frame truncated");
    rep.total_bytes = total;
    return rep;
  }
  v1::Envelope env;
  if (!env.ParseFromString(payload) || env.signatures_size() != 1) {
    fail(VerifyStatus::kBroken, 0, "header envelope malformed");
    rep.total_bytes = total;
    return rep;
  }
  const std::string claimed_key = env.signatures(0).public_key();
  switch (check_envelope(payload, kHeaderPayloadType, claimed_key, env)) {
    case EnvelopeCheck::kOk: break;
    case EnvelopeCheck::kBadSignature:
      fail(VerifyStatus::kBadSignature, 0, "header signature does not verify");
      rep.total_bytes = total;
      return rep;
    case EnvelopeCheck::kWrongType:
      fail(VerifyStatus::kBroken, 0, "first frame's envelope is not a header envelope");
      rep.total_bytes = total;
      return rep;
    default:
      fail(VerifyStatus::kBroken, 0, "header envelope malformed");
      rep.total_bytes = total;
      return rep;
  }
  v1::Header header;
  if (!header.ParseFromString(env.payload()) || header.signer_public_key() != claimed_key ||
      header.signer_key_id() != platform::as_bytes(platform::Sha256::of(claimed_key)) ||
      header.bundle_id().size() != 16 || header.format_version() != kFormatVersion) {
    fail(VerifyStatus::kBroken, 0, "header payload malformed or signer key mismatch");
    rep.total_bytes = total;
    return rep;
  }
  rep.header = header;
  if (options.expected_public_key && *options.expected_public_key != claimed_key) {
    fail(VerifyStatus::kUnknownKey, 0,
         "signed by " + crypto::fingerprint(claimed_key) + ", not by the expected key");
    rep.total_bytes = total;
    return rep;
  }
  if (options.expected_fingerprint &&
      *options.expected_fingerprint != crypto::fingerprint(claimed_key)) {
    fail(VerifyStatus::kUnknownKey, 0,
         "signed by " + crypto::fingerprint(claimed_key) + ", not by " +
             *options.expected_fingerprint);
    rep.total_bytes = total;
    return rep;
  }
  if (cb.on_header) cb.on_header(header);
  const std::string& key = claimed_key;
  const std::string& bundle_id = header.bundle_id();
  const std::uint32_t max_chunk = std::min(header.max_chunk_bytes(), kMaxChunkFrame);
  const std::uint64_t max_pending =
      std::min<std::uint64_t>(header.checkpoint_interval_bytes(), kMaxPendingBytes) + max_chunk;

  platform::Digest256 chain = chain_start(bundle_id, payload);
  std::uint64_t seq = 1;
  std::uint64_t chunk_count = 0;
  std::uint64_t record_count = 0;
  offset = total;
  rep.verified_bytes = total;
  rep.frames = 1;

  std::deque<std::string> pending;  // chained chunks awaiting a signature
  std::uint64_t pending_bytes = 0;
  std::uint64_t pending_records = 0;
  auto release_pending = [&] {
    for (auto& c : pending) {
      if (cb.on_verified_chunk) cb.on_verified_chunk(c);
      ++rep.verified_chunks;
    }
    pending.clear();
    pending_bytes = 0;
    pending_records = 0;
  };
  auto give_up_pending = [&] {
    for (auto& c : pending) {
      if (cb.on_unverified_chunk) cb.on_unverified_chunk(c);
      ++rep.unverified_chunks;
    }
    pending.clear();
  };
  auto finish_prefix = [&](std::string why) {
    rep.status = VerifyStatus::kVerifiedPrefix;
    rep.detail = std::move(why);
    give_up_pending();
  };
  auto count_records = [](std::string_view chunk) -> std::optional<std::uint64_t> {
    std::uint64_t n = 0;
    while (!chunk.empty()) {
      if (!next_delimited(chunk)) return std::nullopt;
      ++n;
    }
    return n;
  };

  for (;;) {
    offset = total;
    auto r = read_exact(in, fh, sizeof fh, total);
    if (r == ReadOutcome::kError) {
      fail(VerifyStatus::kReadError, offset, std::strerror(errno));
      give_up_pending();
      break;
    }
    if (r == ReadOutcome::kEof) {
      finish_prefix("the bundle ends without a trailer");
      break;
    }
    if (r == ReadOutcome::kShort) {
      finish_prefix("the bundle ends inside a frame header");
      break;
    }
    auto f = decode_frame_header(std::string_view(fh, sizeof fh));
    if (!f) {
      fail(VerifyStatus::kBroken, offset, "bad frame magic");
      give_up_pending();
      break;
    }
    if (f->seq != seq) {
      fail(VerifyStatus::kBroken, offset,
           "frame seq " + std::to_string(f->seq) + " where " + std::to_string(seq) +
               " was expected (frame dropped, duplicated or reordered)");
      give_up_pending();
      break;
    }
    std::uint32_t cap = f->type == FrameType::kChunk ? max_chunk : kMaxSignedFrame;
    if (f->type != FrameType::kChunk && f->type != FrameType::kCheckpoint &&
        f->type != FrameType::kTrailer) {
      fail(VerifyStatus::kBroken, offset, "unexpected frame type");
      give_up_pending();
      break;
    }
    if (f->len > cap) {
      fail(VerifyStatus::kBroken, offset, "frame longer than the limit");
      give_up_pending();
      break;
    }
    payload.resize(f->len);
    r = read_exact(in, payload.data(), payload.size(), total);
    if (r == ReadOutcome::kError) {
      fail(VerifyStatus::kReadError, offset, std::strerror(errno));
      give_up_pending();
      break;
    }
    if (r != ReadOutcome::kOk && f->len > 0) {
      finish_prefix("the bundle ends inside a frame");
      break;
    }
    ++rep.frames;

    if (f->type == FrameType::kChunk) {
      auto n = count_records(payload);
      if (!n) {
        fail(VerifyStatus::kBroken, offset, "chunk does not split into records");
        give_up_pending();
        break;
      }
      chain = chain_next(chain, seq, payload);
      ++chunk_count;
      // Count a per-chunk overhead too, so floods of empty chunks are bounded as well.
      pending_bytes += payload.size() + kFrameHeaderSize + 64;
      pending_records += *n;
      pending.push_back(payload);
      if (pending_bytes > max_pending) {
        fail(VerifyStatus::kBroken, offset, "more unsigned data than the checkpoint interval");
        give_up_pending();
        break;
      }
      ++seq;
      continue;
    }

    const bool is_trailer = f->type == FrameType::kTrailer;
    auto check = check_envelope(payload, is_trailer ? kTrailerPayloadType : kCheckpointPayloadType,
                                key, env);
    if (check == EnvelopeCheck::kBadSignature) {
      fail(VerifyStatus::kBadSignature, offset,
           std::string(is_trailer ? "trailer" : "checkpoint") + " signature does not verify");
      give_up_pending();
      break;
    }
    if (check != EnvelopeCheck::kOk) {
      fail(VerifyStatus::kBroken, offset,
           check == EnvelopeCheck::kWrongType ? "envelope payload type does not match the frame"
                                              : "envelope malformed");
      give_up_pending();
      break;
    }
    // The signed payload must describe exactly this position in exactly this bundle: an old
    // checkpoint replayed later, or one from another bundle, fails here.
    std::string chain_bytes = platform::as_bytes(chain);
    std::uint64_t expect_records = record_count + pending_records;
    if (!is_trailer) {
      v1::Checkpoint cp;
      if (!cp.ParseFromString(env.payload()) || cp.bundle_id() != bundle_id || cp.seq() != seq ||
          cp.chunk_count() != chunk_count || cp.chain() != chain_bytes ||
          cp.total_bytes() != offset || cp.record_count() != expect_records) {
        fail(VerifyStatus::kBroken, offset,
             "checkpoint does not match the chain at this position (altered, reordered or "
             "replayed data before it)");
        give_up_pending();
        break;
      }
      record_count = expect_records;
      release_pending();
      ++rep.checkpoints;
      rep.last_checkpoint_seq = seq;
      rep.verified_bytes = total;
      ++seq;
      continue;
    }
    v1::Trailer t;
    if (!t.ParseFromString(env.payload()) || t.bundle_id() != bundle_id || t.seq() != seq ||
        t.chunk_count() != chunk_count || t.chain() != chain_bytes || t.total_bytes() != offset ||
        t.record_count() != expect_records) {
      fail(VerifyStatus::kBroken, offset,
           "trailer does not match the chain at this position (altered or spliced data)");
      give_up_pending();
      break;
    }
    char extra;
    std::uint64_t after = total;
    auto tail = read_exact(in, &extra, 1, total);
    if (tail == ReadOutcome::kError) {
      fail(VerifyStatus::kReadError, after, std::strerror(errno));
      give_up_pending();
      break;
    }
    if (tail != ReadOutcome::kEof) {
      fail(VerifyStatus::kBroken, after, "data after the trailer");
      give_up_pending();
      break;
    }
    release_pending();
    rep.verified_bytes = total;
    rep.status = VerifyStatus::kComplete;
    rep.reason = t.reason();
    rep.trailer = std::move(t);
    break;
  }
  // Count whatever remains unread as unsigned tail, without buffering it.
  if (rep.status == VerifyStatus::kVerifiedPrefix || rep.status == VerifyStatus::kBroken) {
    char sink[65536];
    for (;;) {
      long n = in.read(sink, sizeof sink);
      if (n <= 0) break;
      total += static_cast<std::uint64_t>(n);
    }
  }
  rep.total_bytes = total;
  rep.unsigned_bytes = total - rep.verified_bytes;
  return rep;
}

bool for_each_record(std::string_view chunk, const std::function<void(const v1::Record&)>& fn) {
  v1::Record rec;
  while (!chunk.empty()) {
    auto bytes = next_delimited(chunk);
    if (!bytes) return false;
    if (!rec.ParseFromArray(bytes->data(), static_cast<int>(bytes->size()))) return false;
    fn(rec);
  }
  return true;
}

}  // namespace hozen::bundle
