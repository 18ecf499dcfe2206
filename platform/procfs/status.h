// Parser for /proc/<pid>/status (proc(5) "/proc/pid/status"; Documentation/filesystems/proc.rst
// Table 1-2; kernel fs/proc/array.c proc_pid_status()).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/error.h"
#include "platform/parse_util.h"

namespace hozen::platform::procfs {

// The fields a collector needs; -1 means "line absent or unparsable".
struct ProcStatus {
  // "Name:" value as written: the kernel escapes some bytes of comm (a newline appears as the two
  // bytes "\n", a backslash as "\\"); the escapes are kept, not decoded. Raw bytes.
  std::string name;
  char state = 0;  // first character of "State:", e.g. 'S' of "S (sleeping)"
  std::int32_t tgid = -1, pid = -1, ppid = -1, tracer_pid = -1;
  std::array<std::uint32_t, 4> uid{}, gid{};  // real, effective, saved set, filesystem
  bool has_ids = false;                       // both Uid: and Gid: parsed
  std::vector<std::uint32_t> groups;          // supplementary groups
  std::uint64_t cap_inh = 0, cap_prm = 0, cap_eff = 0, cap_bnd = 0, cap_amb = 0;  // bit masks
  std::int64_t vm_rss_kb = -1;  // KiB; absent for kernel threads
  std::int32_t threads = -1;
  std::int32_t seccomp = -1;        // 0 disabled, 1 strict, 2 filter
  std::int32_t no_new_privs = -1;   // 0 or 1
  std::vector<std::int32_t> nspid;  // pid in each pid namespace, outermost first
  // Known keys whose value did not parse, and repeated known keys (the first value is kept).
  std::vector<MalformedLine> malformed;
};

// Parses "Key:\tvalue" lines. Unknown keys are ignored (the file grows with every kernel), so are
// lines without ':'. A known key whose value does not parse leaves its field at the default and is
// recorded in `malformed`; it does not fail the parse. Pure and thread-safe; never throws.
//
// Errors: kMalformed ("parse") only when there is neither a "Name:" nor a "Pid:" line (nothing
// identifies the task: wrong file, or empty/cut before the first line).
[[nodiscard]] Result<ProcStatus> parse_status(std::string_view text);

}  // namespace hozen::platform::procfs
