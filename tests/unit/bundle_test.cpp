// The bundle format under attack: round trip, bit flips (T35), truncation (T34), spliced,
// reordered, dropped and duplicated chunks (T36), replayed checkpoints (T37), envelope type
// confusion (T38), pinned keys, time-based checkpoints, never-overwrite (T60).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <thread>

#include "agent/bundle/format.h"
#include "agent/bundle/reader.h"
#include "agent/bundle/writer.h"
#include "agent/crypto/ed25519.h"
#include "tests/support/temp_dir.h"

using namespace hozen;
using bundle::FrameType;
using bundle::VerifyStatus;

namespace {

const crypto::SigningKey& test_key() {
  static crypto::SigningKey k = *crypto::SigningKey::generate();
  return k;
}
const crypto::SigningKey& other_key() {
  static crypto::SigningKey k = *crypto::SigningKey::generate();
  return k;
}

bundle::WriterOptions small_options() {
  bundle::WriterOptions o;
  o.target_chunk_bytes = 400;
  o.checkpoint_interval_bytes = 900;
  o.sync = false;
  return o;
}

// Writes a bundle of `n` test records and returns its bytes.
std::string make_bundle(int n, const crypto::SigningKey& key = test_key(),
                        bundle::WriterOptions opt = small_options(), int payload = 100,
                        char first = 'a') {
  testing::TempDir dir;
  std::string path = dir / "b.hozen";
  auto fd = bundle::create_output_file(path);
  REQUIRE(fd);
  v1::Header h;
  h.mutable_invocation()->set_case_id("case-1");
  auto w = bundle::BundleWriter::start(std::move(*fd), key, h, opt);
  REQUIRE(w);
  for (int i = 0; i < n; ++i) {
    v1::Record r;
    r.set_collector("test");
    r.mutable_test_payload()->set_n(static_cast<std::uint64_t>(i));
    r.mutable_test_payload()->set_data(std::string(static_cast<std::size_t>(payload), static_cast<char>(first + i % 26)));
    REQUIRE((*w)->append(r) == bundle::AppendResult::kOk);
  }
  auto fin = (*w)->finish({});
  REQUIRE(fin.trailer_written);
  return testing::read_all(path);
}

struct Frame {
  std::size_t offset;
  FrameType type;
  std::uint64_t seq;
  std::string bytes;  // whole frame, header included
};

std::vector<Frame> split_frames(const std::string& b) {
  std::vector<Frame> out;
  std::size_t off = 0;
  while (off + bundle::kFrameHeaderSize <= b.size()) {
    auto h = bundle::decode_frame_header(std::string_view(b).substr(off, bundle::kFrameHeaderSize));
    REQUIRE(h);
    std::size_t len = bundle::kFrameHeaderSize + h->len;
    out.push_back({off, h->type, h->seq, b.substr(off, len)});
    off += len;
  }
  REQUIRE(off == b.size());
  return out;
}

std::string join(const std::vector<Frame>& frames) {
  std::string out;
  for (const auto& f : frames) out += f.bytes;
  return out;
}

void set_seq(Frame& f, std::uint64_t seq) {
  std::string h = bundle::encode_frame_header(f.type, seq, static_cast<std::uint32_t>(f.bytes.size() - bundle::kFrameHeaderSize));
  f.bytes.replace(0, h.size(), h);
  f.seq = seq;
}

struct Result {
  bundle::VerifyReport rep;
  std::vector<std::string> verified;
  std::vector<std::uint64_t> record_ns;
};

Result verify(const std::string& b, std::optional<std::string> key = std::nullopt) {
  Result r;
  bundle::MemorySource src(b);
  bundle::VerifyOptions o;
  o.expected_public_key = key;
  bundle::VerifyCallbacks cb;
  cb.on_verified_chunk = [&](std::string_view c) {
    r.verified.emplace_back(c);
    bundle::for_each_record(c, [&](const v1::Record& rec) { r.record_ns.push_back(rec.test_payload().n()); });
  };
  r.rep = bundle::verify_bundle(src, o, cb);
  return r;
}

std::vector<std::string> chunk_payloads(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) {
    if (f.type == FrameType::kChunk) out.push_back(f.bytes.substr(bundle::kFrameHeaderSize));
  }
  return out;
}

}  // namespace

TEST_CASE("round trip: every record comes back verified, in order", "[bundle]") {
  std::string b = make_bundle(60);
  auto frames = split_frames(b);
  REQUIRE(frames.front().type == FrameType::kHeader);
  REQUIRE(frames.back().type == FrameType::kTrailer);
  std::size_t checkpoints = 0, chunks = 0;
  for (const auto& f : frames) {
    checkpoints += f.type == FrameType::kCheckpoint;
    chunks += f.type == FrameType::kChunk;
  }
  CHECK(checkpoints >= 3);
  CHECK(chunks >= 6);
  auto r = verify(b);
  REQUIRE(r.rep.status == VerifyStatus::kComplete);
  CHECK(r.rep.reason == v1::COMPLETE);
  REQUIRE(r.rep.header);
  CHECK(r.rep.header->invocation().case_id() == "case-1");
  REQUIRE(r.record_ns.size() == 60);
  for (std::uint64_t i = 0; i < 60; ++i) CHECK(r.record_ns[i] == i);
  CHECK(r.rep.trailer->record_count() == 60);
  CHECK(r.rep.unsigned_bytes == 0);
}

TEST_CASE("a pinned key must match; a wrong one is UNKNOWN_KEY", "[bundle]") {
  std::string b = make_bundle(5);
  CHECK(verify(b, test_key().public_key()).rep.status == VerifyStatus::kComplete);
  auto r = verify(b, other_key().public_key());
  CHECK(r.rep.status == VerifyStatus::kUnknownKey);
  CHECK(r.verified.empty());
}

TEST_CASE("T35: a bit flip at every byte is detected at or before the next signed frame", "[bundle]") {
  std::string b = make_bundle(20);
  auto frames = split_frames(b);
  auto originals = chunk_payloads(frames);
  for (std::size_t i = 0; i < b.size(); ++i) {
    std::string m = b;
    m[i] = static_cast<char>(m[i] ^ (1 << (i % 8)));
    auto r = verify(m);
    INFO("flipped byte " << i);
    REQUIRE(r.rep.status != VerifyStatus::kComplete);
    // Which frame holds the byte, and where is the first signed frame at or after it?
    std::size_t fi = 0;
    while (fi + 1 < frames.size() && frames[fi + 1].offset <= i) ++fi;
    std::size_t signed_at = fi;
    // A flipped type byte can turn a checkpoint into a chunk frame (types 3 -> 2): it is then
    // chained as data and caught by the next signed frame (nothing unverified is handed out).
    if (i == frames[fi].offset + 4 && frames[fi].type != FrameType::kChunk && signed_at + 1 < frames.size()) ++signed_at;
    while (frames[signed_at].type == FrameType::kChunk) ++signed_at;
    if (r.rep.status == VerifyStatus::kBroken || r.rep.status == VerifyStatus::kBadSignature) {
      CHECK(r.rep.broken_offset <= frames[signed_at].offset);
    }
    // Nothing altered is ever handed out as verified.
    for (std::size_t k = 0; k < r.verified.size(); ++k) REQUIRE(r.verified[k] == originals[k]);
  }
}

TEST_CASE("T34: truncation at every offset is never complete and keeps the signed prefix", "[bundle]") {
  std::string b = make_bundle(20);
  auto frames = split_frames(b);
  auto originals = chunk_payloads(frames);
  for (std::size_t cut = 0; cut < b.size(); ++cut) {
    auto r = verify(b.substr(0, cut));
    INFO("cut at " << cut);
    REQUIRE(r.rep.status != VerifyStatus::kComplete);
    std::size_t header_end = frames[0].bytes.size();
    if (cut < header_end) {
      CHECK(r.rep.status == VerifyStatus::kBroken);
      continue;
    }
    REQUIRE(r.rep.status == VerifyStatus::kVerifiedPrefix);
    // Checkpoints wholly inside the cut are all verified; the chunks they cover are delivered.
    std::uint64_t expect_cp = 0;
    std::size_t covered_chunks = 0, chunks_seen = 0;
    for (const auto& f : frames) {
      if (f.offset + f.bytes.size() > cut) break;
      if (f.type == FrameType::kChunk) ++chunks_seen;
      if (f.type == FrameType::kCheckpoint) {
        ++expect_cp;
        covered_chunks = chunks_seen;
      }
    }
    CHECK(r.rep.checkpoints == expect_cp);
    REQUIRE(r.verified.size() == covered_chunks);
    for (std::size_t k = 0; k < covered_chunks; ++k) CHECK(r.verified[k] == originals[k]);
    CHECK(r.rep.unsigned_bytes == cut - r.rep.verified_bytes);
  }
}

TEST_CASE("T36: reordered, duplicated, dropped and spliced chunks are rejected", "[bundle]") {
  std::string b = make_bundle(30);
  auto frames = split_frames(b);
  std::vector<std::size_t> chunk_idx;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].type == FrameType::kChunk) chunk_idx.push_back(i);
  }
  REQUIRE(chunk_idx.size() >= 4);
  // Two adjacent chunks (no checkpoint between them), to swap.
  std::size_t a = 0;
  while (a + 1 < frames.size() &&
         !(frames[a].type == FrameType::kChunk && frames[a + 1].type == FrameType::kChunk)) {
    ++a;
  }
  REQUIRE(a + 1 < frames.size());

  auto renumber = [](std::vector<Frame>& fs) {
    for (std::size_t i = 0; i < fs.size(); ++i) set_seq(fs[i], i);
  };

  SECTION("reordered, seq left as is") {
    auto f = frames;
    std::swap(f[a], f[a + 1]);
    CHECK(verify(join(f)).rep.status == VerifyStatus::kBroken);
  }
  SECTION("reordered and renumbered") {
    auto f = frames;
    std::swap(f[a], f[a + 1]);
    renumber(f);
    auto r = verify(join(f));
    CHECK(r.rep.status == VerifyStatus::kBroken);
    CHECK(r.rep.detail.find("does not match the chain") != std::string::npos);
  }
  SECTION("duplicated, renumbered") {
    auto f = frames;
    f.insert(f.begin() + static_cast<long>(a), f[a]);
    renumber(f);
    CHECK(verify(join(f)).rep.status == VerifyStatus::kBroken);
  }
  SECTION("dropped, renumbered") {
    auto f = frames;
    f.erase(f.begin() + static_cast<long>(a));
    renumber(f);
    CHECK(verify(join(f)).rep.status == VerifyStatus::kBroken);
  }
  SECTION("dropped, seq gap") {
    auto f = frames;
    f.erase(f.begin() + static_cast<long>(a));
    auto r = verify(join(f));
    CHECK(r.rep.status == VerifyStatus::kBroken);
    CHECK(r.rep.broken_offset == frames[a].offset);
  }
  SECTION("chunk from another bundle by the same key, at the same position") {
    std::string other = make_bundle(30, test_key(), small_options(), 100, 'A');
    auto of = split_frames(other);
    REQUIRE(of.size() > a);
    REQUIRE(of[a].type == FrameType::kChunk);
    auto f = frames;
    f[a] = of[a];
    CHECK(verify(join(f)).rep.status == VerifyStatus::kBroken);
  }
  SECTION("header of another bundle in front of this bundle's frames") {
    std::string other = make_bundle(30);
    auto f = frames;
    f[0] = split_frames(other)[0];
    CHECK(verify(join(f)).rep.status == VerifyStatus::kBroken);
  }
  SECTION("data appended after the trailer") {
    CHECK(verify(b + frames[1].bytes).rep.status == VerifyStatus::kBroken);
  }
}

TEST_CASE("T37: an old checkpoint replayed at a later position is rejected", "[bundle]") {
  std::string b = make_bundle(30);
  auto frames = split_frames(b);
  std::vector<std::size_t> cps;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].type == FrameType::kCheckpoint) cps.push_back(i);
  }
  REQUIRE(cps.size() >= 2);
  auto f = frames;
  Frame replay = frames[cps[0]];
  set_seq(replay, f[cps[1]].seq);
  f[cps[1]] = replay;
  auto r = verify(join(f));
  CHECK(r.rep.status == VerifyStatus::kBroken);
  CHECK(r.rep.broken_offset == frames[cps[1]].offset);
  // Everything up to the first checkpoint stays verified.
  CHECK(r.rep.checkpoints == 1);
}

TEST_CASE("T38: envelope type confusion is rejected", "[bundle]") {
  std::string b = make_bundle(30);
  auto frames = split_frames(b);
  std::size_t cp = 0;
  while (frames[cp].type != FrameType::kCheckpoint) ++cp;

  SECTION("a checkpoint envelope in a trailer frame") {
    auto f = frames;
    f.back().bytes = bundle::encode_frame_header(FrameType::kTrailer, f.back().seq,
                                                 static_cast<std::uint32_t>(frames[cp].bytes.size() - bundle::kFrameHeaderSize)) +
                     frames[cp].bytes.substr(bundle::kFrameHeaderSize);
    auto r = verify(join(f));
    CHECK(r.rep.status == VerifyStatus::kBroken);
  }
  SECTION("a checkpoint envelope relabelled as a trailer (label outside the signature)") {
    v1::Envelope env;
    REQUIRE(env.ParseFromString(frames[cp].bytes.substr(bundle::kFrameHeaderSize)));
    env.set_payload_type(std::string(bundle::kTrailerPayloadType));
    std::string p = env.SerializeAsString();
    auto f = frames;
    f.back().bytes = bundle::encode_frame_header(FrameType::kTrailer, f.back().seq, static_cast<std::uint32_t>(p.size())) + p;
    CHECK(verify(join(f)).rep.status == VerifyStatus::kBadSignature);
  }
  SECTION("a checkpoint envelope as the header") {
    auto f = frames;
    f[0].bytes = bundle::encode_frame_header(FrameType::kHeader, 0,
                                             static_cast<std::uint32_t>(frames[cp].bytes.size() - bundle::kFrameHeaderSize)) +
                 frames[cp].bytes.substr(bundle::kFrameHeaderSize);
    auto r = verify(join(f));
    CHECK(r.rep.status != VerifyStatus::kComplete);
    CHECK_FALSE(r.rep.header.has_value());
  }
  SECTION("a header signed by another key with this bundle's frames") {
    std::string other = make_bundle(30, other_key());
    auto f = frames;
    f[0] = split_frames(other)[0];
    auto r = verify(join(f));
    CHECK(r.rep.status != VerifyStatus::kComplete);
    CHECK(r.verified.empty());
  }
}

TEST_CASE("time bound: unsigned data gets a checkpoint within the interval", "[bundle]") {
  testing::TempDir dir;
  std::string path = dir / "t.hozen";
  auto fd = bundle::create_output_file(path);
  REQUIRE(fd);
  bundle::WriterOptions o;
  o.checkpoint_interval_ms = 300;
  o.sync = false;
  auto w = bundle::BundleWriter::start(std::move(*fd), test_key(), v1::Header{}, o);
  REQUIRE(w);
  v1::Record r;
  r.mutable_test_payload()->set_n(7);
  REQUIRE((*w)->append(r) == bundle::AppendResult::kOk);
  std::this_thread::sleep_for(std::chrono::milliseconds(900));
  // Read the file as it is now, as a crash would leave it.
  auto snapshot = verify(testing::read_all(path));
  CHECK(snapshot.rep.status == VerifyStatus::kVerifiedPrefix);
  CHECK(snapshot.rep.checkpoints == 1);
  REQUIRE(snapshot.record_ns.size() == 1);
  CHECK(snapshot.record_ns[0] == 7);
  (*w)->finish({});
}

TEST_CASE("a record larger than a chunk is refused and counted, not written", "[bundle]") {
  testing::TempDir dir;
  auto fd = bundle::create_output_file(dir / "big.hozen");
  REQUIRE(fd);
  auto w = bundle::BundleWriter::start(std::move(*fd), test_key(), v1::Header{}, small_options());
  REQUIRE(w);
  v1::Record r;
  r.mutable_test_payload()->set_data(std::string(9u << 20, 'x'));
  CHECK((*w)->append(r) == bundle::AppendResult::kTooLarge);
  auto fin = (*w)->finish({});
  CHECK(fin.records_dropped == 1);
  auto v = verify(testing::read_all(dir / "big.hozen"));
  CHECK(v.rep.status == VerifyStatus::kComplete);
  CHECK(v.rep.trailer->records_dropped() == 1);
}

TEST_CASE("T60: output files are never overwritten and planted symlinks are not followed", "[bundle]") {
  testing::TempDir dir;
  testing::write_all(dir / "victim", "keep me");
  REQUIRE(::symlink((dir / "victim").c_str(), (dir / "out.hozen").c_str()) == 0);
  auto fd = bundle::create_output_file(dir / "out.hozen");
  REQUIRE_FALSE(fd);
  CHECK(fd.error().err == EEXIST);
  CHECK(testing::read_all(dir / "victim") == "keep me");
  testing::write_all(dir / "exists.hozen", "old");
  CHECK_FALSE(bundle::create_output_file(dir / "exists.hozen"));
  CHECK(testing::read_all(dir / "exists.hozen") == "old");
  auto ok = bundle::create_output_file(dir / "new.hozen");
  REQUIRE(ok);
  struct stat st {};
  REQUIRE(::stat((dir / "new.hozen").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
}

TEST_CASE("length-delimited records: malformed varints and overlong lengths are refused", "[bundle]") {
  std::string buf;
  bundle::append_delimited(buf, "abc");
  bundle::append_delimited(buf, std::string(300, 'z'));
  std::string_view in = buf;
  CHECK(bundle::next_delimited(in) == std::string_view("abc"));
  CHECK(bundle::next_delimited(in)->size() == 300);
  CHECK(in.empty());
  std::string_view bad1("\x80\x80\x80\x80\x80\x01", 6);
  CHECK_FALSE(bundle::next_delimited(bad1));
  std::string_view bad2("\x05" "ab", 3);
  CHECK_FALSE(bundle::next_delimited(bad2));
  std::string_view bad3("\x80", 1);
  CHECK_FALSE(bundle::next_delimited(bad3));
}

TEST_CASE("unknown fields smuggled into a signed envelope are rejected", "[bundle]") {
  std::string b = make_bundle(30);
  auto frames = split_frames(b);
  // Field 15, length-delimited, 3 bytes: unknown to Envelope and preserved by protobuf.
  const std::string extra("\x7a\x03" "abc", 5);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].type == FrameType::kChunk) continue;
    auto f = frames;
    std::string payload = f[i].bytes.substr(bundle::kFrameHeaderSize) + extra;
    f[i].bytes = bundle::encode_frame_header(f[i].type, f[i].seq, static_cast<std::uint32_t>(payload.size())) + payload;
    INFO("frame " << i);
    CHECK(verify(join(f)).rep.status != VerifyStatus::kComplete);
  }
}

TEST_CASE("a flood of empty chunks without checkpoints is refused, memory bounded", "[bundle]") {
  std::string b = make_bundle(1);
  auto frames = split_frames(b);
  std::string forged = frames[0].bytes;
  for (std::uint64_t seq = 1; seq < 300000; ++seq) forged += bundle::encode_frame_header(FrameType::kChunk, seq, 0);
  auto r = verify(forged);
  CHECK(r.rep.status == VerifyStatus::kBroken);
  CHECK(r.rep.detail.find("checkpoint interval") != std::string::npos);
}

TEST_CASE("appenders racing with finish() never lose a record silently", "[bundle]") {
  testing::TempDir dir;
  auto fd = bundle::create_output_file(dir / "race.hozen");
  REQUIRE(fd);
  bundle::WriterOptions o = small_options();
  o.queue_depth = 1;
  auto w = bundle::BundleWriter::start(std::move(*fd), test_key(), v1::Header{}, o);
  REQUIRE(w);
  std::atomic<std::uint64_t> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        v1::Record r;
        r.mutable_test_payload()->set_n(static_cast<std::uint64_t>(t * 100000 + i));
        r.mutable_test_payload()->set_data(std::string(64, 'r'));
        if ((*w)->append(r) == bundle::AppendResult::kOk) ++ok;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto fin = (*w)->finish({});
  for (auto& th : threads) th.join();
  REQUIRE(fin.trailer_written);
  auto v = verify(testing::read_all(dir / "race.hozen"));
  REQUIRE(v.rep.status == VerifyStatus::kComplete);
  // Every record reported kOk is in the file, or counted as dropped; none is in both.
  CHECK(v.record_ns.size() == fin.records_written);
  CHECK(fin.records_written <= ok.load());
  CHECK(ok.load() - fin.records_written <= fin.records_dropped);
  // No empty chunk frames from double submission.
  for (const auto& f : split_frames(testing::read_all(dir / "race.hozen"))) {
    if (f.type == FrameType::kChunk) CHECK(f.bytes.size() > bundle::kFrameHeaderSize);
  }
}

TEST_CASE("a record of several MiB (a preserved file) gets a chunk of its own and verifies", "[bundle]") {
  testing::TempDir dir;
  auto fd = bundle::create_output_file(dir / "large.hozen");
  REQUIRE(fd);
  bundle::WriterOptions o;
  o.sync = false;
  auto w = bundle::BundleWriter::start(std::move(*fd), test_key(), v1::Header{}, o);
  REQUIRE(w);
  v1::Record small;
  small.mutable_test_payload()->set_n(1);
  REQUIRE((*w)->append(small) == bundle::AppendResult::kOk);
  v1::Record big;
  big.mutable_preserved_file()->set_path("/var/lib/dpkg/info/big.md5sums");
  big.mutable_preserved_file()->set_raw(std::string(5u << 20, 'm'));
  REQUIRE((*w)->append(big) == bundle::AppendResult::kOk);
  REQUIRE((*w)->append(small) == bundle::AppendResult::kOk);
  auto fin = (*w)->finish({});
  CHECK(fin.records_dropped == 0);
  auto v = verify(testing::read_all(dir / "large.hozen"));
  CHECK(v.rep.status == VerifyStatus::kComplete);
  std::vector<v1::Record> records;
  for (const auto& c : v.verified) bundle::for_each_record(c, [&](const v1::Record& rec) { records.push_back(rec); });
  REQUIRE(records.size() == 3);
  CHECK(records[1].preserved_file().raw().size() == (5u << 20));
}

TEST_CASE("a record that makes the chunk buffer grow lands intact (libstdc++ 12 resize_and_overwrite)", "[bundle]") {
  // With a few KiB buffered, a record of ~420 KiB makes the buffer double its capacity; the
  // serializer once wrote it at the end of the new capacity and left zeros in its place.
  testing::TempDir dir;
  auto fd = bundle::create_output_file(dir / "grow.hozen");
  REQUIRE(fd);
  bundle::WriterOptions o;
  o.sync = false;
  auto w = bundle::BundleWriter::start(std::move(*fd), test_key(), v1::Header{}, o);
  REQUIRE(w);
  v1::Record small;
  small.mutable_test_payload()->set_data(std::string(10000, 's'));
  REQUIRE((*w)->append(small) == bundle::AppendResult::kOk);
  v1::Record big;
  big.mutable_test_payload()->set_data(std::string(420000, 'b'));
  REQUIRE((*w)->append(big) == bundle::AppendResult::kOk);
  (*w)->finish({});
  auto v = verify(testing::read_all(dir / "grow.hozen"));
  CHECK(v.rep.status == VerifyStatus::kComplete);
  std::vector<v1::Record> records;
  for (const auto& c : v.verified) bundle::for_each_record(c, [&](const v1::Record& rec) { records.push_back(rec); });
  REQUIRE(records.size() == 2);
  CHECK(records[1].test_payload().data() == std::string(420000, 'b'));
}
