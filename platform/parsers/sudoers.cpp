#include "platform/parsers/sudoers.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

namespace hozen::platform::parsers {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_upper_word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_alias_name(std::string_view s) {
  if (s.empty() || !(s.front() >= 'A' && s.front() <= 'Z')) return false;
  return std::all_of(s.begin(), s.end(), is_upper_word_char);
}

// Removes the comment of a physical line: '#' outside double quotes and not escaped, unless it
// is followed by a digit (a uid or gid: "#0", "%#1000"). "#include" at the line start is a
// directive, not a comment (checked by the caller).
std::string_view strip_comment(std::string_view line) {
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (c == '#' && !quoted) {
      if (i + 1 < line.size() && line[i + 1] >= '0' && line[i + 1] <= '9') continue;
      return line.substr(0, i);
    }
  }
  return line;
}

// True when `line` ends with an unescaped backslash (a continuation).
bool continues(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[line.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

// Splits on `sep` outside parentheses and double quotes, honouring backslash escapes; fields
// trimmed. Empty fields are kept (the caller decides whether they are malformed).
std::vector<std::string> split_top(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      cur += c;
      cur += s[++i];
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '(') ++depth;
    if (!quoted && c == ')' && depth > 0) --depth;
    if (c == sep && depth == 0 && !quoted) {
      out.emplace_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.emplace_back(trim(cur));
  return out;
}

std::vector<std::string> split_list(std::string_view s) {
  auto v = split_top(s, ',');
  if (v.size() == 1 && v[0].empty()) v.clear();
  return v;
}

// Position of the first unescaped `c` outside double quotes at or after `from`, or npos.
std::size_t find_unescaped(std::string_view s, char c, std::size_t from = 0) {
  bool quoted = false;
  for (std::size_t i = from; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '"') quoted = !quoted;
    if (s[i] == c && !quoted) return i;
  }
  return std::string_view::npos;
}

// Position of the first unescaped character of `set` outside double quotes at or after `from`.
std::size_t find_unescaped_any(std::string_view s, std::string_view set, std::size_t from) {
  bool quoted = false;
  for (std::size_t i = from; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '"') quoted = !quoted;
    if (!quoted && set.find(s[i]) != std::string_view::npos) return i;
  }
  return std::string_view::npos;
}

constexpr std::array<std::string_view, 10> kOptionNames = {
    "ROLE",  "TYPE",      "CWD", "CHROOT", "NOTBEFORE", "NOTAFTER", "TIMEOUT", "APPARMOR_PROFILE",
    "PRIVS", "LIMITPRIVS"};

// Tag pairs: a later member of a pair replaces the earlier one in force.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kTagPairs = {{
    {"NOPASSWD", "PASSWD"},
    {"NOEXEC", "EXEC"},
    {"SETENV", "NOSETENV"},
    {"LOG_INPUT", "NOLOG_INPUT"},
    {"LOG_OUTPUT", "NOLOG_OUTPUT"},
    {"MAIL", "NOMAIL"},
    {"FOLLOW", "NOFOLLOW"},
    {"INTERCEPT", "NOINTERCEPT"},
}};

const std::pair<std::string_view, std::string_view>* tag_pair(std::string_view w) {
  for (const auto& p : kTagPairs) {
    if (p.first == w || p.second == w) return &p;
  }
  return nullptr;
}

bool is_digest_name(std::string_view w) {
  return w == "sha224" || w == "sha256" || w == "sha384" || w == "sha512";
}

// The upper-case word at s[pos...] (letters, digits, '_'), possibly empty.
std::string_view word_at(std::string_view s, std::size_t pos) {
  std::size_t e = pos;
  while (e < s.size() && (is_upper_word_char(s[e]) || (s[e] >= 'a' && s[e] <= 'z'))) ++e;
  return s.substr(pos, e - pos);
}

void skip_ws(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && is_space(s[pos])) ++pos;
}

// Parses "Host_List = Cmnd_Spec_List [: Host_List = Cmnd_Spec_List ...]". Returns an error reason
// or an empty string.
std::string parse_privileges(std::string_view s, std::vector<SudoersCommandSpec>& out) {
  std::size_t pos = 0;
  while (true) {
    std::size_t eq = find_unescaped(s, '=', pos);
    if (eq == std::string_view::npos) return "no '=' after the host list";
    auto hosts = split_list(s.substr(pos, eq - pos));
    if (hosts.empty()) return "empty host list";
    pos = eq + 1;
    SudoersCommandSpec cur;  // Runas, options and tags carried over within this list
    cur.hosts = hosts;
    while (true) {
      skip_ws(s, pos);
      if (pos < s.size() && s[pos] == '(') {
        std::size_t close = s.find(')', pos);
        if (close == std::string_view::npos) return "unterminated Runas spec";
        std::string_view inner = s.substr(pos + 1, close - pos - 1);
        std::size_t colon = find_unescaped(inner, ':');
        cur.runas_users = split_list(inner.substr(0, colon));
        cur.runas_groups = colon == std::string_view::npos ? std::vector<std::string>{}
                                                           : split_list(inner.substr(colon + 1));
        cur.runas_given = true;
        pos = close + 1;
        skip_ws(s, pos);
      }
      // Options (KEY=value) and tags (TAG:) in any order before the command.
      while (true) {
        auto w = word_at(s, pos);
        std::size_t after = pos + w.size();
        if (after < s.size() && s[after] == '=' &&
            std::find(kOptionNames.begin(), kOptionNames.end(), w) != kOptionNames.end()) {
          std::size_t e = after + 1;
          if (e < s.size() && s[e] == '"') {
            std::size_t q = s.find('"', e + 1);
            e = q == std::string_view::npos ? s.size() : q + 1;
          } else {
            while (e < s.size() && !is_space(s[e])) ++e;
          }
          cur.options.emplace_back(s.substr(pos, e - pos));
          pos = e;
          skip_ws(s, pos);
          continue;
        }
        if (after < s.size() && s[after] == ':' && tag_pair(w)) {
          const auto* p = tag_pair(w);
          std::erase_if(cur.tags,
                        [&](const std::string& t) { return t == p->first || t == p->second; });
          cur.tags.emplace_back(w);
          pos = after + 1;
          skip_ws(s, pos);
          continue;
        }
        break;
      }
      cur.digest.clear();
      {
        auto w = word_at(s, pos);
        std::size_t after = pos + w.size();
        if (is_digest_name(w) && after < s.size() && s[after] == ':') {
          std::size_t e = after + 1;
          while (e < s.size() && !is_space(s[e])) ++e;
          cur.digest = std::string(s.substr(pos, e - pos));
          pos = e;
        }
      }
      // One scan to whichever of ',' (next command) or ':' (next Host_List) comes first:
      // searching for each separately rescanned the rest of the line per command (quadratic).
      std::size_t end = find_unescaped_any(s, ",:", pos);
      std::string_view cmd =
          trim(s.substr(pos, end == std::string_view::npos ? s.size() - pos : end - pos));
      SudoersCommandSpec c = cur;
      c.negated = cmd.starts_with('!');
      if (c.negated) cmd = trim(cmd.substr(1));
      if (cmd.empty()) return "empty command";
      c.command = std::string(cmd);
      out.push_back(std::move(c));
      if (end == std::string_view::npos) return {};
      pos = end + 1;
      if (s[end] == ':') break;  // another "Host_List = ..." follows
    }
  }
}

// Removes whitespace next to ',' and after '!' so a User_List or Host_List is one word.
std::string join_lists(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_space(c)) {
      std::size_t j = i;
      while (j < s.size() && is_space(s[j])) ++j;
      bool before_comma = j < s.size() && s[j] == ',';
      bool after_sep = !out.empty() && (out.back() == ',' || out.back() == '!');
      if (before_comma || after_sep) {
        i = j - 1;
        continue;
      }
      out += ' ';
      i = j - 1;
      continue;
    }
    out += c;
    if (c == '\\' && i + 1 < s.size()) out += s[++i];
  }
  return out;
}

constexpr std::array<std::string_view, 4> kDirectives = {"@includedir", "#includedir", "@include",
                                                         "#include"};

bool is_directive(std::string_view text, std::string_view d) {
  return text.starts_with(d) && text.size() > d.size() && is_space(text[d.size()]);
}

void parse_logical(std::uint64_t n, std::string_view text, SudoersParse& out) {
  auto bad = [&](std::string reason) {
    out.malformed.push_back({n, std::string(text), std::move(reason)});
  };
  // Include directives.
  for (std::string_view d : kDirectives) {
    if (is_directive(text, d)) {
      std::string_view p = trim(text.substr(d.size()));
      if (p.size() >= 2 && p.front() == '"' && p.back() == '"') p = p.substr(1, p.size() - 2);
      if (p.empty()) return bad("include without a path");
      out.includes.push_back({n, std::string(d), std::string(p), d.ends_with("dir")});
      return;
    }
  }
  std::string_view first = word_at(text, 0);
  if (first == "Defaults" &&
      (text.size() == first.size() || is_space(text[first.size()]) ||
       std::string_view(":@>!").find(text[first.size()]) != std::string_view::npos)) {
    std::string_view rest = text.substr(first.size());
    SudoersDefaultsLine d;
    d.line = n;
    if (!rest.empty() && !is_space(rest.front())) {
      std::size_t e = 0;
      while (e < rest.size() && !is_space(rest[e])) ++e;
      d.binding = std::string(rest.substr(0, e));
      rest.remove_prefix(e);
    }
    d.text = std::string(trim(rest));
    if (d.text.empty()) return bad("Defaults without settings");
    out.defaults.push_back(std::move(d));
    return;
  }
  if (first == "User_Alias" || first == "Runas_Alias" || first == "Host_Alias" ||
      first == "Cmnd_Alias" || first == "Cmd_Alias") {
    std::string kind = first == "Cmd_Alias" ? "Cmnd_Alias" : std::string(first);
    for (const auto& part : split_top(text.substr(first.size()), ':')) {
      std::size_t eq = find_unescaped(part, '=');
      if (eq == std::string::npos) return bad("alias without '='");
      std::string name(trim(std::string_view(part).substr(0, eq)));
      if (!is_alias_name(name)) return bad("alias name is not upper case [A-Z][A-Z0-9_]*");
      auto members = split_list(std::string_view(part).substr(eq + 1));
      if (members.empty() ||
          std::any_of(members.begin(), members.end(), [](auto& m) { return m.empty(); })) {
        return bad("empty alias member");
      }
      out.aliases.push_back({n, kind, std::move(name), std::move(members)});
    }
    return;
  }
  // User_List Host_List = Cmnd_Spec_List [: Host_List = ...]
  std::size_t eq = find_unescaped(text, '=');
  if (eq == std::string_view::npos) return bad("not a user specification (no '=')");
  std::string lhs = join_lists(trim(text.substr(0, eq)));
  std::size_t sp = lhs.rfind(' ');
  if (sp == std::string::npos) return bad("expected a user list and a host list before '='");
  SudoersUserSpec r;
  r.line = n;
  r.text = std::string(text);
  r.users = split_list(std::string_view(lhs).substr(0, sp));
  if (r.users.empty() || std::any_of(r.users.begin(), r.users.end(), [](auto& u) {
        return u.empty() || u.find(' ') != std::string::npos;
      })) {
    return bad("malformed user list");
  }
  std::string privileges = lhs.substr(sp + 1) + std::string(text.substr(eq));
  if (auto e = parse_privileges(privileges, r.commands); !e.empty()) return bad(std::move(e));
  out.rules.push_back(std::move(r));
}

}  // namespace

SudoersParse parse_sudoers(std::string_view text, std::size_t max_line_bytes) {
  SudoersParse out;
  std::string logical;
  std::uint64_t start = 0;
  bool pending = false;
  bool overlong = false;
  auto flush = [&] {
    std::string_view t = trim(logical);
    if (overlong) {
      out.malformed.push_back({start, std::string(t), "logical line over the length cap"});
    } else if (!t.empty()) {
      parse_logical(start, t, out);
    }
    logical.clear();
    pending = overlong = false;
  };
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (!pending) start = n;
    std::string_view body = line;
    std::string_view lead = trim(line);
    bool directive =
        !pending && (is_directive(lead, "#include") || is_directive(lead, "#includedir"));
    if (!directive) body = strip_comment(line);
    bool more = continues(body);
    if (more) body.remove_suffix(1);
    if (logical.size() + body.size() > max_line_bytes) {
      if (!overlong)
        logical.append(
            body.substr(0, max_line_bytes > logical.size() ? max_line_bytes - logical.size() : 0));
      overlong = true;
    } else {
      logical.append(body);
    }
    pending = more;
    if (!more) flush();
  });
  if (pending) flush();  // a continuation on the last line: parse what there is
  return out;
}

void SudoersAliases::add(const SudoersAliasDef& a) { by_kind_[a.kind][a.name] = a.members; }

bool SudoersAliases::is_alias(std::string_view kind, std::string_view name) const {
  auto k = by_kind_.find(kind);
  return k != by_kind_.end() && k->second.find(name) != k->second.end();
}

void SudoersAliases::expand_into(std::string_view kind, std::string_view member, bool negate,
                                 std::vector<std::string_view>& path, std::size_t& budget,
                                 std::vector<std::string>& out) const {
  if (budget == 0) return;
  --budget;
  bool neg = false;
  while (member.starts_with('!')) {
    neg = !neg;
    member = trim(member.substr(1));
  }
  bool n = negate != neg;
  auto k = by_kind_.find(kind);
  if (k != by_kind_.end()) {
    if (auto it = k->second.find(member); it != k->second.end()) {
      // An alias that (indirectly) contains itself adds nothing more: sudo rejects such a policy.
      if (std::find(path.begin(), path.end(), member) != path.end()) return;
      path.push_back(it->first);
      for (const auto& m : it->second) expand_into(kind, m, n, path, budget, out);
      path.pop_back();
      return;
    }
  }
  std::string leaf = (n ? "!" : "") + std::string(member);
  if (std::find(out.begin(), out.end(), leaf) == out.end()) out.push_back(std::move(leaf));
}

std::vector<std::string> SudoersAliases::expand(std::string_view kind,
                                                std::string_view member) const {
  std::vector<std::string> out;
  std::vector<std::string_view> path;
  std::size_t budget = kExpandBudget;
  expand_into(kind, member, false, path, budget, out);
  return out;
}

const std::vector<std::string>* SudoersAliases::members(std::string_view kind,
                                                       std::string_view name) const {
  auto k = by_kind_.find(kind);
  if (k == by_kind_.end()) return nullptr;
  auto it = k->second.find(name);
  return it == k->second.end() ? nullptr : &it->second;
}

namespace {

// sudo's userlist_matches() for the user root: the list is walked from its END and the first
// entry that matches decides (a negated one denies), so "(!root, ALL)" grants root and
// "(ALL, !root)" does not. An alias is matched the same way over its members and its result is
// inverted when the alias is negated. nullopt: no entry matches. Loops add nothing; at most
// `budget` entries are looked at (hostile nesting).
std::optional<bool> runas_list_matches_root(const SudoersAliases& aliases,
                                            const std::vector<std::string>& list,
                                            const std::set<std::string, std::less<>>& uid0_names,
                                            std::vector<std::string_view>& path,
                                            std::size_t& budget) {
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (budget == 0) return std::nullopt;
    --budget;
    std::string_view m = *it;
    bool neg = false;
    while (m.starts_with('!')) {
      neg = !neg;
      m = trim(m.substr(1));
    }
    std::optional<bool> r;
    if (m == "ALL" || m == "root" || m == "#0" || uid0_names.contains(m)) {
      r = true;
    } else if (const auto* members = aliases.members("Runas_Alias", m)) {
      if (std::find(path.begin(), path.end(), m) != path.end()) continue;
      path.push_back(m);
      r = runas_list_matches_root(aliases, *members, uid0_names, path, budget);
      path.pop_back();
    }
    if (r) return neg ? !*r : *r;
  }
  return std::nullopt;
}

}  // namespace

bool runs_as_root(const SudoersAliases& aliases, const SudoersCommandSpec& c,
                  const std::set<std::string, std::less<>>& uid0_names) {
  if (!c.runas_given) return true;
  if (c.runas_users.empty()) return c.runas_groups.empty();  // "()" default user; "(:g)" self
  std::vector<std::string_view> path;
  std::size_t budget = SudoersAliases::kExpandBudget;
  return runas_list_matches_root(aliases, c.runas_users, uid0_names, path, budget).value_or(false);
}

bool is_all_commands(const SudoersAliases& aliases, const SudoersCommandSpec& c) {
  if (c.negated) return false;
  for (const auto& leaf : aliases.expand("Cmnd_Alias", c.command)) {
    if (leaf == "ALL") return true;
  }
  return false;
}

bool sudoers_includedir_skips(std::string_view name) {
  return name.empty() || name.ends_with('~') || name.find('.') != std::string_view::npos;
}

}  // namespace hozen::platform::parsers
