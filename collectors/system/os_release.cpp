#include "collectors/system/os_release.h"

namespace hozen::collectors::system {

platform::ParsedLines<KeyValuePair> parse_os_release(std::string_view text) {
  platform::ParsedLines<KeyValuePair> out;
  platform::for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string_view::npos || line[b] == '#') return;
    line.remove_prefix(b);
    std::size_t eq = line.find('=');
    auto bad = [&](const char* why) {
      out.malformed.push_back(platform::MalformedLine{n, std::string(line), why});
    };
    if (eq == 0 || eq == std::string_view::npos) return bad("no KEY=");
    std::string_view key = line.substr(0, eq);
    for (char c : key) {
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '_';
      if (!ok) return bad("key is not [A-Za-z0-9_]");
    }
    std::string_view v = line.substr(eq + 1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
    std::string value;
    if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
      char q = v.front();
      if (v.size() < 2 || v.back() != q) return bad("unterminated quote");
      v = v.substr(1, v.size() - 2);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (q == '"' && v[i] == '\\' && i + 1 < v.size()) {
          value += v[++i];
        } else {
          value += v[i];
        }
      }
    } else {
      value = std::string(v);
    }
    out.entries.emplace_back(std::string(key), std::move(value));
  });
  return out;
}

}  // namespace hozen::collectors::system
