// libFuzzer target: the sudoers parser and the judgements made on its output (alias expansion,
// runs_as_root, is_all_commands).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/parsers/sudoers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = hozen::platform::parsers;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = p::parse_sudoers(text, 4096);
  p::SudoersAliases aliases;
  for (const auto& a : parsed.aliases) {
    if (a.line == 0 || a.members.empty()) __builtin_trap();
    aliases.add(a);
  }
  for (const auto& r : parsed.rules) {
    if (r.line == 0 || r.users.empty() || r.commands.empty()) __builtin_trap();
    for (const auto& u : r.users) {
      if (aliases.expand("User_Alias", u).size() > p::SudoersAliases::kExpandBudget)
        __builtin_trap();
    }
    for (const auto& c : r.commands) {
      if (c.command.empty()) __builtin_trap();
      (void)p::runs_as_root(aliases, c);
      (void)p::is_all_commands(aliases, c);
    }
  }
  for (const auto& m : parsed.malformed) {
    if (m.line == 0 || m.raw.size() > 4096) __builtin_trap();
  }
  return 0;
}
