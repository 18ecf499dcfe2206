#include "platform/procfs/mountinfo.h"

namespace hozen::platform::procfs {

std::string unescape_octal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto is_oct = [](char c) { return c >= '0' && c <= '7'; };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && is_oct(s[i + 1]) && is_oct(s[i + 2]) && is_oct(s[i + 3])) {
      int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
      if (v <= 0xff) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

ParsedLines<MountInfo> parse_mountinfo(std::string_view text) {
  ParsedLines<MountInfo> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty()) return;
    auto bad = [&](const char* why) {
      out.malformed.push_back(MalformedLine{n, std::string(line), why});
    };
    // Fields are separated by single spaces; the kernel escapes spaces inside fields.
    auto f = split(line, ' ');
    if (f.size() < 10) return bad("fewer than 10 fields");
    MountInfo m;
    auto id = parse_uint<std::uint32_t>(f[0]);
    auto parent = parse_uint<std::uint32_t>(f[1]);
    if (!id || !parent) return bad("mount id or parent id not a number");
    m.mount_id = *id;
    m.parent_id = *parent;
    auto dev = split(f[2], ':');
    if (dev.size() != 2) return bad("device not major:minor");
    auto maj = parse_uint<std::uint32_t>(dev[0]);
    auto min = parse_uint<std::uint32_t>(dev[1]);
    if (!maj || !min) return bad("device numbers not numbers");
    m.major = *maj;
    m.minor = *min;
    m.root = unescape_octal(f[3]);
    m.mount_point = unescape_octal(f[4]);
    m.options = std::string(f[5]);
    std::size_t i = 6;
    while (i < f.size() && f[i] != "-") m.optional_fields.emplace_back(f[i++]);
    if (i >= f.size()) return bad("no '-' separator");
    if (f.size() - i != 4) return bad("not 3 fields after the separator");
    m.fs_type = unescape_octal(f[i + 1]);
    m.source = unescape_octal(f[i + 2]);
    m.super_options = std::string(f[i + 3]);
    out.entries.push_back(std::move(m));
  });
  return out;
}

}  // namespace hozen::platform::procfs
