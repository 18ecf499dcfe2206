#include "platform/procfs/utmp.h"

namespace hozen::platform::procfs {

namespace {

constexpr std::size_t kType = 0, kPid = 4, kLine = 8, kLineLen = 32, kId = 40, kIdLen = 4,
                      kUser = 44, kUserLen = 32, kHost = 76, kHostLen = 256, kExitTerm = 332,
                      kExitStatus = 334, kSession = 336, kTvSec = 340, kTvUsec = 344, kAddrV6 = 348;
static_assert(kAddrV6 + 16 + 20 == kUtmpRecordSize);

std::uint32_t le32(std::string_view r, std::size_t off) {
  return static_cast<std::uint32_t>(static_cast<std::uint8_t>(r[off])) |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(r[off + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(r[off + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(r[off + 3])) << 24;
}

std::uint16_t le16(std::string_view r, std::size_t off) {
  return static_cast<std::uint16_t>(static_cast<std::uint8_t>(r[off]) |
                                    static_cast<std::uint8_t>(r[off + 1]) << 8);
}

// Two's complement reinterpretation, well-defined since C++20.
std::int32_t s32(std::string_view r, std::size_t off) {
  return static_cast<std::int32_t>(le32(r, off));
}
std::int16_t s16(std::string_view r, std::size_t off) {
  return static_cast<std::int16_t>(le16(r, off));
}

std::string cstr(std::string_view r, std::size_t off, std::size_t len) {
  std::string_view field = r.substr(off, len);
  return std::string(field.substr(0, field.find('\0')));
}

}  // namespace

UtmpParse parse_utmp(std::string_view bytes) {
  UtmpParse out;
  out.entries.reserve(bytes.size() / kUtmpRecordSize);
  while (bytes.size() >= kUtmpRecordSize) {
    std::string_view r = bytes.substr(0, kUtmpRecordSize);
    UtmpEntry e;
    e.type = s16(r, kType);
    e.pid = s32(r, kPid);
    e.line = cstr(r, kLine, kLineLen);
    e.id = cstr(r, kId, kIdLen);
    e.user = cstr(r, kUser, kUserLen);
    e.host = cstr(r, kHost, kHostLen);
    e.exit_termination = s16(r, kExitTerm);
    e.exit_status = s16(r, kExitStatus);
    e.session = s32(r, kSession);
    e.tv_sec = s32(r, kTvSec);
    e.tv_usec = s32(r, kTvUsec);
    for (std::size_t i = 0; i < 16; ++i) e.addr_v6[i] = static_cast<std::uint8_t>(r[kAddrV6 + i]);
    out.entries.push_back(std::move(e));
    bytes.remove_prefix(kUtmpRecordSize);
  }
  out.trailing_bytes = bytes.size();
  return out;
}

}  // namespace hozen::platform::procfs
