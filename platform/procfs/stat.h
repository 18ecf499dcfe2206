// Parser for /proc/<pid>/stat (proc(5) "/proc/pid/stat"; Documentation/filesystems/proc.rst
// Table 1-4; kernel fs/proc/array.c do_task_stat()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/error.h"

namespace hozen::platform::procfs {

// PF_KTHREAD from include/linux/sched.h: the task is a kernel thread.
inline constexpr std::uint32_t kPfKthread = 0x00200000;

// Fields 1-24 of proc(5)'s list; the numbering in comments is proc(5)'s.
struct ProcStat {
  std::int32_t pid = 0;          // (1)
  std::string comm;              // (2) raw bytes between the first '(' and the last ')'
  char state = 0;                // (3) R S D Z T t X I ...
  std::int32_t ppid = 0;         // (4)
  std::int32_t pgrp = 0;         // (5)
  std::int32_t session = 0;      // (6)
  std::int32_t tty_nr = 0;       // (7) encoded device number
  std::int32_t tpgid = 0;        // (8)
  std::uint32_t flags = 0;       // (9) PF_* bits
  std::uint64_t minflt = 0;      // (10)
  std::uint64_t majflt = 0;      // (12)
  std::uint64_t utime = 0;       // (14) clock ticks
  std::uint64_t stime = 0;       // (15) clock ticks
  std::int64_t priority = 0;     // (18)
  std::int64_t nice = 0;         // (19)
  std::int64_t num_threads = 0;  // (20)
  std::uint64_t starttime = 0;   // (22) clock ticks after boot
  std::uint64_t vsize = 0;       // (23) bytes
  std::int64_t rss = 0;          // (24) pages
  bool kernel_thread = false;    // flags & PF_KTHREAD
};

// Parses the single line of /proc/<pid>/stat: "<pid> (<comm>) <state> <ppid> ...".
//
// comm is taken between the FIRST '(' and the LAST ')', because a process chooses its own comm
// (prctl(PR_SET_NAME), or the executable's name) and it may contain spaces, parentheses and
// newlines; everything after the last ')' is kernel-formatted numbers. A trailing newline is
// accepted, not required. Fields after (24) are not checked (later kernels append more; a reader
// must not depend on how many), so a cut after field (24) cannot be detected here: the caller's
// read reports truncation. Pure and thread-safe; never throws.
//
// Errors: kMalformed ("parse") when the text is truncated before field (24), when the parentheses
// are missing, or when a numeric field does not parse or overflows its type.
[[nodiscard]] Result<ProcStat> parse_stat(std::string_view text);

}  // namespace hozen::platform::procfs
