// Parser for /proc/<pid>/maps (proc(5) "/proc/pid/maps"; Documentation/filesystems/proc.rst
// §1.1 "maps"; kernel fs/proc/task_mmu.c show_map_vma()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/parse_util.h"

namespace hozen::platform::procfs {

struct MapEntry {
  std::uint64_t start = 0, end = 0;  // virtual addresses, [start, end)
  std::string perms;                 // 4 characters: [r-][w-][x-][ps]
  std::uint64_t offset = 0;          // file offset in bytes
  std::uint32_t dev_major = 0, dev_minor = 0;
  std::uint64_t inode = 0;  // 0 for anonymous mappings
  // Raw bytes to the end of the line: "/usr/bin/cat", "[heap]", "[anon:name]", "" when anonymous,
  // "/path (deleted)" as written. The kernel escapes '\n' in file paths as "\012" (seq_path), so a
  // path never spans lines; the escape is kept as written.
  std::string path;
};

// One mapping per line: "start-end perms offset major:minor inode [padding path]". Numbers are hex
// except the inode (decimal). The path is everything after the inode and the padding spaces the
// kernel adds to align the column. A line that does not parse goes to `malformed` with its 1-based
// number, bytes and reason; it never stops the parse. Empty lines are skipped. Pure, thread-safe,
// never throws.
ParsedLines<MapEntry> parse_maps(std::string_view text);

}  // namespace hozen::platform::procfs
