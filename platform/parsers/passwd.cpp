#include "platform/parsers/passwd.h"

namespace hozen::platform::parsers {

namespace {

bool skip(std::string_view line) { return line.empty() || line.front() == '#'; }

bool nis(std::string_view line) { return line.front() == '+' || line.front() == '-'; }

// NIS compat lines may leave ids empty: they inherit from the NIS map.
bool id_field(std::string_view s, bool compat, std::uint32_t* out) {
  if (compat && s.empty()) return true;
  auto v = parse_uint<std::uint32_t>(s);
  if (!v) return false;
  *out = *v;
  return true;
}

}  // namespace

ParsedLines<PasswdEntry> parse_passwd(std::string_view text) {
  ParsedLines<PasswdEntry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (skip(line)) return;
    auto f = split(line, ':');
    PasswdEntry e;
    e.line = n;
    e.nis_compat = nis(line);
    if (f.size() != 7 && !(e.nis_compat && f.size() < 7)) {
      out.malformed.push_back({n, std::string(line), "expected 7 ':'-separated fields"});
      return;
    }
    f.resize(7);
    if (!id_field(f[2], e.nis_compat, &e.uid) || !id_field(f[3], e.nis_compat, &e.gid)) {
      out.malformed.push_back({n, std::string(line), "uid or gid is not a decimal number"});
      return;
    }
    e.name = f[0];
    e.password = f[1];
    e.gecos = f[4];
    e.home = f[5];
    e.shell = f[6];
    out.entries.push_back(std::move(e));
  });
  return out;
}

ParsedLines<GroupEntry> parse_group(std::string_view text) {
  ParsedLines<GroupEntry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (skip(line)) return;
    auto f = split(line, ':');
    GroupEntry e;
    e.line = n;
    e.nis_compat = nis(line);
    if (f.size() != 4 && !(e.nis_compat && f.size() < 4)) {
      out.malformed.push_back({n, std::string(line), "expected 4 ':'-separated fields"});
      return;
    }
    f.resize(4);
    if (!id_field(f[2], e.nis_compat, &e.gid)) {
      out.malformed.push_back({n, std::string(line), "gid is not a decimal number"});
      return;
    }
    e.name = f[0];
    e.password = f[1];
    if (!f[3].empty()) {
      for (auto m : split(f[3], ',')) e.members.emplace_back(m);
    }
    out.entries.push_back(std::move(e));
  });
  return out;
}

}  // namespace hozen::platform::parsers
