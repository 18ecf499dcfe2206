// Parser for /proc/<pid>/mountinfo (proc(5), Documentation/filesystems/proc.rst §3.5).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::procfs {

struct MountInfo {
  std::uint32_t mount_id = 0;
  std::uint32_t parent_id = 0;
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
  std::string root;         // octal escapes (\040 \011 \012 \134) decoded
  std::string mount_point;  // decoded
  std::string options;
  std::vector<std::string> optional_fields;  // "shared:1", "master:2", ...
  std::string fs_type;
  std::string source;       // decoded
  std::string super_options;
};

// Pure: bytes in, entries out. A line that does not parse is returned in `malformed` with its
// bytes and a reason; it never stops the parse. Never throws.
ParsedLines<MountInfo> parse_mountinfo(std::string_view text);

// Decodes the kernel's mangle() escapes: backslash + three octal digits. Other bytes unchanged.
std::string unescape_octal(std::string_view s);

}  // namespace hozen::platform::procfs
