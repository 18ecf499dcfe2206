// Splitter for /proc/<pid>/cmdline and /proc/<pid>/environ (proc(5) "/proc/pid/cmdline",
// "/proc/pid/environ"; kernel fs/proc/base.c get_mm_cmdline()).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hozen::platform::procfs {

// Splits NUL-separated strings, keeping every byte (argv and environment are raw bytes, never
// joined; STYLE §6).
//  - one trailing NUL ends the last element and does not add an empty one: "a\0b\0" -> {a, b};
//  - interior empty strings are kept, since argv may contain "": "a\0\0b\0" -> {a, "", b};
//    so is a final empty argument: "a\0\0" -> {a, ""};
//  - without a trailing NUL (a process that rewrote its argv area, setproctitle-style, or a read
//    cut at a cap) the last element is kept as it is: "a\0b" -> {a, b};
//  - empty input (kernel threads, zombies) -> {}.
// Pure and thread-safe; never throws.
std::vector<std::string> split_nul(std::string_view bytes);

}  // namespace hozen::platform::procfs
