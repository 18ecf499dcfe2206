#include "platform/procfs/maps.h"

#include <algorithm>

#include "platform/procfs/num.h"

namespace hozen::platform::procfs {

namespace {

bool perms_ok(std::string_view p) {
  return p.size() == 4 && (p[0] == 'r' || p[0] == '-') && (p[1] == 'w' || p[1] == '-') &&
         (p[2] == 'x' || p[2] == '-') && (p[3] == 'p' || p[3] == 's');
}

}  // namespace

ParsedLines<MapEntry> parse_maps(std::string_view text) {
  ParsedLines<MapEntry> out;
  // One allocation for an ordinary process; bounded, since blank lines would count too.
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  out.entries.reserve(std::min<std::size_t>(lines, 4096));
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty()) return;
    auto bad = [&](const char* why) {
      out.malformed.push_back(MalformedLine{n, std::string(line), why});
    };
    std::string_view rest = line;
    std::string_view range = take_token(rest);
    std::string_view perms = take_token(rest);
    std::string_view offset = take_token(rest);
    std::string_view dev = take_token(rest);
    std::string_view inode = take_token(rest);
    if (inode.empty()) return bad("maps: fewer than 5 fields");

    MapEntry m;
    std::size_t dash = range.find('-');
    if (dash == std::string_view::npos) return bad("maps: address range without '-'");
    auto start = detail::parse_hex<std::uint64_t>(range.substr(0, dash));
    auto end = detail::parse_hex<std::uint64_t>(range.substr(dash + 1));
    if (!start || !end) return bad("maps: address not hex");
    if (*end < *start) return bad("maps: end address below start");
    m.start = *start;
    m.end = *end;
    if (!perms_ok(perms)) return bad("maps: permissions not [r-][w-][x-][ps]");
    m.perms = std::string(perms);
    auto off = detail::parse_hex<std::uint64_t>(offset);
    if (!off) return bad("maps: offset not hex");
    m.offset = *off;
    std::size_t colon = dev.find(':');
    if (colon == std::string_view::npos) return bad("maps: device not major:minor");
    auto maj = detail::parse_hex<std::uint32_t>(dev.substr(0, colon));
    auto min = detail::parse_hex<std::uint32_t>(dev.substr(colon + 1));
    if (!maj || !min) return bad("maps: device numbers not hex");
    m.dev_major = *maj;
    m.dev_minor = *min;
    auto ino = parse_uint<std::uint64_t>(inode);
    if (!ino) return bad("maps: inode not a number");
    m.inode = *ino;
    // show_map_vma() pads with spaces to a fixed column before the name; names start with '/',
    // '[' or another printable byte, never with a space, so all leading spaces are padding.
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    m.path = std::string(rest);
    out.entries.push_back(std::move(m));
  });
  return out;
}

}  // namespace hozen::platform::procfs
