#include "platform/procfs/modules.h"

#include "platform/procfs/num.h"

namespace hozen::platform::procfs {

ParsedLines<ModuleEntry> parse_modules(std::string_view text) {
  ParsedLines<ModuleEntry> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty()) return;
    auto bad = [&](const char* why) {
      out.malformed.push_back(MalformedLine{n, std::string(line), why});
    };
    auto f = split_ws(line);
    if (f.size() < 6) return bad("modules: fewer than 6 columns");
    if (f.size() > 7) return bad("modules: more than 7 columns");
    ModuleEntry m;
    m.name = std::string(f[0]);
    auto size = parse_uint<std::uint64_t>(f[1]);
    if (!size) return bad("modules: size not a number");
    m.size = *size;
    if (f[2] != "-") {
      auto rc = detail::parse_int<std::int64_t>(f[2]);
      if (!rc) return bad("modules: refcount not a number");
      m.refcount = *rc;
    }
    if (f[3] != "-") {
      auto deps = split(f[3], ',');
      // "a,b," splits into {a, b, ""}: the last piece is the trailing comma's.
      if (deps.back().empty()) deps.pop_back();
      for (auto d : deps) {
        if (d.empty()) return bad("modules: empty name in used-by list");
        if (d == "[permanent]") {
          m.permanent = true;
        } else {
          m.used_by.emplace_back(d);
        }
      }
    }
    m.state = std::string(f[4]);
    if (f[5].size() < 3 || f[5].substr(0, 2) != "0x") return bad("modules: address not 0x...");
    auto addr = detail::parse_hex<std::uint64_t>(f[5].substr(2));
    if (!addr) return bad("modules: address not hex");
    m.address = *addr;
    if (f.size() == 7) {
      std::string_view t = f[6];
      if (t.size() < 2 || t.front() != '(' || t.back() != ')')
        return bad("modules: taint not (...)");
      m.taint = std::string(t.substr(1, t.size() - 2));
    }
    out.entries.push_back(std::move(m));
  });
  return out;
}

}  // namespace hozen::platform::procfs
