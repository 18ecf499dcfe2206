// Parser for utmp/wtmp/btmp files (utmp(5); glibc bits/utmp.h, x86_64 layout).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hozen::platform::procfs {

// The size of glibc's struct utmp on x86_64 (and every 64-bit glibc target that defines
// __WORDSIZE_TIME64_COMPAT32, which keeps the 32-bit time fields).
inline constexpr std::size_t kUtmpRecordSize = 384;

struct UtmpEntry {
  std::int16_t type =
      0;  // ut_type: EMPTY 0, RUN_LVL 1, BOOT_TIME 2, ..., USER_PROCESS 7, DEAD_PROCESS 8
  std::int32_t pid = 0;
  std::string line, id, user, host;  // raw bytes up to the first NUL (or the whole array)
  std::int16_t exit_termination = 0, exit_status = 0;
  std::int32_t session = 0;
  std::int64_t tv_sec = 0;  // seconds since the epoch, from a signed 32-bit field
  std::int32_t tv_usec = 0;
  std::array<std::uint8_t, 16>
      addr_v6{};  // ut_addr_v6 bytes as stored (network order); IPv4 in 0-3
};

struct UtmpParse {
  std::vector<UtmpEntry> entries;
  std::uint64_t trailing_bytes = 0;  // bytes of a short last record (a cut copy, a partial write)
};

// Decodes consecutive 384-byte records of glibc x86_64 struct utmp:
//   0 ut_type int16, 2 padding, 4 ut_pid int32, 8 ut_line[32], 40 ut_id[4], 44 ut_user[32],
//   76 ut_host[256], 332 ut_exit {e_termination int16, e_exit int16}, 336 ut_session int32,
//   340 ut_tv {tv_sec int32, tv_usec int32}, 348 ut_addr_v6 int32[4], 364 __glibc_reserved[20].
// Integers are little-endian, decoded byte by byte so the result does not depend on the host.
// Char arrays end at their first NUL; a full array without NUL is kept whole (ut_line, ut_user may
// fill their field). Every complete record is returned, whatever its type (EMPTY slots included),
// so a caller sees exactly what the file holds; nothing is validated. A final partial record is
// not decoded and is counted in `trailing_bytes`. Pure, thread-safe, never throws.
UtmpParse parse_utmp(std::string_view bytes);

}  // namespace hozen::platform::procfs
