// Pure parsers of /etc/passwd and /etc/group (passwd(5), group(5)). Read directly, never through
// NSS: the host's libraries are never loaded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

struct PasswdEntry {
  std::uint64_t line = 0;  // 1-based
  std::string name;
  std::string password;    // the passwd field as written ("x", "*", "" ...): not a hash on shadow systems
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string gecos;
  std::string home;
  std::string shell;
  bool nis_compat = false;  // a "+"/"-" NIS compat line (kept, ids may be empty)
};

struct GroupEntry {
  std::uint64_t line = 0;
  std::string name;
  std::string password;
  std::uint32_t gid = 0;
  std::vector<std::string> members;
  bool nis_compat = false;
};

// Blank lines and '#' comments are skipped. A line without exactly 7 (passwd) or 4 (group)
// ':'-separated fields, or with a non-numeric id, is malformed (kept with its bytes).
ParsedLines<PasswdEntry> parse_passwd(std::string_view text);
ParsedLines<GroupEntry> parse_group(std::string_view text);

}  // namespace hozen::platform::parsers
