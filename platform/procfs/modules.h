// Parser for /proc/modules (proc(5) "/proc/modules"; Documentation/filesystems/proc.rst §1.3;
// kernel kernel/module/procfs.c m_show() and print_unload_info()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::procfs {

struct ModuleEntry {
  std::string name;
  std::uint64_t size = 0;      // bytes of core + init sections
  std::int64_t refcount = -1;  // -1 when the kernel prints "-" (built without CONFIG_MODULE_UNLOAD)
  std::vector<std::string> used_by;  // modules that use this one; "[permanent]" is not listed here
  std::string state;                 // "Live", "Loading", "Unloading"
  std::uint64_t address = 0;         // load address; 0 when kptr_restrict hides it
  std::string taint;       // taint flags between the parentheses, e.g. "OE"; "" when none.
                           // A trailing '+' (loading) or '-' (unloading) is kept as written.
  bool permanent = false;  // "[permanent]" in the used-by column: has init but no exit
};

// One module per line: "name size refcount deps, state 0xaddr[ (taint)]". deps is a list of names
// each followed by ',' (the kernel always writes the trailing comma), or "-" for none. A line that
// does not parse goes to `malformed` with its 1-based number, bytes and reason; it never stops the
// parse. Empty lines are skipped. Pure, thread-safe, never throws.
ParsedLines<ModuleEntry> parse_modules(std::string_view text);

}  // namespace hozen::platform::procfs
