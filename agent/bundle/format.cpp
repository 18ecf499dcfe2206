#include "agent/bundle/format.h"

namespace hozen::bundle {

void put_le64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint64_t get_le64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
std::uint32_t get_le32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string encode_frame_header(FrameType type, std::uint64_t seq, std::uint32_t len) {
  std::string out(kMagic);
  out += static_cast<char>(type);
  put_le64(out, seq);
  put_le32(out, len);
  return out;
}

std::optional<FrameHeader> decode_frame_header(std::string_view b) {
  if (b.size() != kFrameHeaderSize || b.substr(0, 4) != kMagic) return std::nullopt;
  return FrameHeader{static_cast<FrameType>(static_cast<unsigned char>(b[4])),
                     get_le64(b.data() + 5), get_le32(b.data() + 13)};
}

std::string pae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

platform::Digest256 chain_start(std::string_view bundle_id, std::string_view header_frame_payload) {
  platform::Sha256 h;
  h.update("chain-v1");
  h.update(bundle_id);
  auto inner = platform::Sha256::of(header_frame_payload);
  h.update(inner.data(), inner.size());
  return h.finish();
}

platform::Digest256 chain_next(const platform::Digest256& prev, std::uint64_t seq,
                               std::string_view chunk) {
  platform::Sha256 h;
  std::string prefix(reinterpret_cast<const char*>(prev.data()), prev.size());
  put_le64(prefix, seq);
  put_le64(prefix, chunk.size());
  h.update(prefix);
  h.update(chunk);
  return h.finish();
}

void append_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void append_delimited(std::string& out, std::string_view message_bytes) {
  append_varint(out, message_bytes.size());
  out += message_bytes;
}

std::optional<std::string_view> next_delimited(std::string_view& in) {
  std::uint64_t len = 0;
  std::size_t i = 0;
  for (int shift = 0;; shift += 7) {
    if (i >= in.size() || shift > 28) return std::nullopt;  // records are < 2^32 bytes
    auto b = static_cast<unsigned char>(in[i++]);
    len |= std::uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) break;
  }
  if (len > in.size() - i) return std::nullopt;
  std::string_view rec = in.substr(i, len);
  in.remove_prefix(i + len);
  return rec;
}

}  // namespace hozen::bundle
