// Pure parser of sudoers(5) text: enough of the grammar to answer "who can become root, with or
// without a password": user specifications, aliases, Defaults (kept as written) and include
// directives. It never evaluates host names or runs anything; the caller follows includes.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

// One command of a Cmnd_Spec_List with the Runas spec, options and tags in force for it (sudo
// carries them over to the following commands of the same list).
struct SudoersCommandSpec {
  std::vector<std::string> hosts;
  std::vector<std::string> runas_users;
  std::vector<std::string> runas_groups;
  bool runas_given = false;
  std::vector<std::string> tags;     // "NOPASSWD", "NOEXEC"... (the later of PASSWD/NOPASSWD wins)
  std::vector<std::string> options;  // "CWD=/tmp", "TIMEOUT=5m"... as written
  std::string digest;                // "sha256:..." as written
  std::string command;               // without a leading '!'
  bool negated = false;
};

struct SudoersUserSpec {
  std::uint64_t line = 0;          // first physical line
  std::string text;                // the logical line (continuations joined, comment removed)
  std::vector<std::string> users;  // User_List members as written ("!bob" keeps its '!')
  std::vector<SudoersCommandSpec> commands;
};

struct SudoersAliasDef {
  std::uint64_t line = 0;
  std::string kind;  // "User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias" ("Cmd_Alias" too)
  std::string name;
  std::vector<std::string> members;
};

struct SudoersDefaultsLine {
  std::uint64_t line = 0;
  std::string binding;  // ":alice", "@host", ">root", "!/bin/ls", or ""
  std::string text;
};

struct SudoersIncludeDirective {
  std::uint64_t line = 0;
  std::string directive;  // "@include", "#include", "@includedir", "#includedir"
  std::string path;       // as written (quotes removed); may be relative or contain %h
  bool is_dir = false;
};

struct SudoersParse {
  std::vector<SudoersUserSpec> rules;
  std::vector<SudoersAliasDef> aliases;
  std::vector<SudoersDefaultsLine> defaults;
  std::vector<SudoersIncludeDirective> includes;
  std::vector<MalformedLine> malformed;  // raw: the logical line; line: its first physical line
};

// Parses one sudoers file. Line continuations ("\" at the end) join lines (the entry keeps the
// first line number). '#' starts a comment unless it begins "#include"/"#includedir" or is
// followed by a digit (a uid, "#0"). Any input is accepted: what does not parse becomes a
// malformed line, and parsing continues with the next line. Logical lines are capped at
// `max_line_bytes` (longer ones are malformed, first bytes kept).
SudoersParse parse_sudoers(std::string_view text, std::size_t max_line_bytes = 64 << 10);

// Aliases of every kind, from all files of a policy (sudo's aliases are global).
class SudoersAliases {
 public:
  // Bounds the work of one expand() (hostile policies can nest aliases exponentially).
  static constexpr std::size_t kExpandBudget = 4096;
  void add(const SudoersAliasDef& a);
  // The leaves `member` stands for in aliases of `kind` ("User_Alias"...): itself when it is not
  // an alias; recursively expanded otherwise. A '!' in front of an alias negates its leaves.
  // Leaves are deduplicated; a loop adds nothing more; at most kExpandBudget steps.
  std::vector<std::string> expand(std::string_view kind, std::string_view member) const;
  bool is_alias(std::string_view kind, std::string_view name) const;
  // The members of alias `name` of `kind` as written (not expanded), or nullptr.
  const std::vector<std::string>* members(std::string_view kind, std::string_view name) const;

 private:
  void expand_into(std::string_view kind, std::string_view member, bool negate,
                   std::vector<std::string_view>& path, std::size_t& budget,
                   std::vector<std::string>& out) const;
  std::map<std::string, std::map<std::string, std::vector<std::string>, std::less<>>, std::less<>>
      by_kind_;
};

// True when the command may run as root: no Runas spec (sudo's default, root), or a Runas user
// list that matches root the way sudo decides it: walked from the end, the first entry that
// matches root ("ALL", "root", "#0", any name in `uid0_names` (passwd names with uid 0), or a
// Runas_Alias that matches) decides, a '!' inverting it. So "(!root, ALL)" grants root (ALL is
// last) and "(ALL, !root)" does not. "(:group)" alone runs as the invoking user: false.
bool runs_as_root(const SudoersAliases& aliases, const SudoersCommandSpec& c,
                  const std::set<std::string, std::less<>>& uid0_names = {});

// True when the command is "ALL" or a Cmnd_Alias that expands to "ALL".
bool is_all_commands(const SudoersAliases& aliases, const SudoersCommandSpec& c);

// sudo's @includedir rule: names ending in '~' or containing '.' are skipped (editor backups,
// package leftovers such as "x.dpkg-old").
bool sudoers_includedir_skips(std::string_view name);

}  // namespace hozen::platform::parsers
