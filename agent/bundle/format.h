// Bundle format v1: frames, payload types, PAE and the hash chain. docs/FORMAT.md is the spec;
// this header is its executable form. Everything here is pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/sha256.h"

namespace hozen::bundle {

inline constexpr std::string_view kMagic = "HZN1";
inline constexpr std::size_t kFrameHeaderSize = 4 + 1 + 8 + 4;  // magic, type, seq, len

enum class FrameType : std::uint8_t { kHeader = 1, kChunk = 2, kCheckpoint = 3, kTrailer = 4 };

inline constexpr std::string_view kHeaderPayloadType = "application/vnd.hozen.header.v1+protobuf";
inline constexpr std::string_view kCheckpointPayloadType =
    "application/vnd.hozen.checkpoint.v1+protobuf";
inline constexpr std::string_view kTrailerPayloadType = "application/vnd.hozen.trailer.v1+protobuf";

inline constexpr std::uint32_t kFormatVersion = 1;
// Hard caps a reader applies before allocating, whatever the header says.
inline constexpr std::uint32_t kMaxHeaderFrame = 16u << 20;
inline constexpr std::uint32_t kMaxChunkFrame = 8u << 20;  // one record may be this large (a preserved file)
inline constexpr std::uint32_t kMaxSignedFrame = 1u << 20;  // checkpoint / trailer envelopes
inline constexpr std::uint32_t kMaxPendingBytes = 16u << 20;  // unsigned chunks a reader buffers

struct FrameHeader {
  FrameType type;
  std::uint64_t seq;
  std::uint32_t len;
};

std::string encode_frame_header(FrameType type, std::uint64_t seq, std::uint32_t len);
// nullopt when the magic is wrong; the type byte is returned as is (callers check it).
std::optional<FrameHeader> decode_frame_header(std::string_view bytes17);

// DSSE pre-authentication encoding: "DSSEv1 " len(type) " " type " " len(body) " " body.
std::string pae(std::string_view payload_type, std::string_view payload);

// c0 = SHA-256("chain-v1" || bundle_id || SHA-256(header_frame_payload))
platform::Digest256 chain_start(std::string_view bundle_id, std::string_view header_frame_payload);
// ci = SHA-256(c(i-1) || le64(seq) || le64(len(chunk)) || chunk)
platform::Digest256 chain_next(const platform::Digest256& prev, std::uint64_t seq,
                               std::string_view chunk);

void put_le64(std::string& out, std::uint64_t v);
void put_le32(std::string& out, std::uint32_t v);
std::uint64_t get_le64(const char* p);
std::uint32_t get_le32(const char* p);

// Appends a protobuf varint.
void append_varint(std::string& out, std::uint64_t v);
// Appends `message_bytes` to `out` as a length-delimited record (varint length prefix).
void append_delimited(std::string& out, std::string_view message_bytes);
// Reads the next length-delimited record from `in`, advancing it. nullopt at a malformed varint or
// a length running past the end (the chunk is then corrupt).
std::optional<std::string_view> next_delimited(std::string_view& in);

}  // namespace hozen::bundle
