#include "platform/parsers/dpkg.h"

namespace hozen::platform::parsers {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return o;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Fills the typed members from `fields`; reports odd values as malformed lines.
void finish(DpkgPackage& p, std::vector<std::uint64_t>& field_lines, ParsedLines<DpkgPackage>& out,
            const std::vector<std::string>& raw_lines) {
  for (std::size_t i = 0; i < p.fields.size(); ++i) {
    const auto& [name, value] = p.fields[i];
    std::string key = lower(name);
    std::uint64_t ln = field_lines[i];
    auto raw = [&] { return raw_lines[i]; };
    std::string_view first = std::string_view(value).substr(0, value.find('\n'));
    if (key == "package")
      p.package = std::string(trim(first));
    else if (key == "status") {
      p.status = value;
      auto w = split_ws(first);
      if (w.size() == 3) {
        p.want = w[0];
        p.error_flag = w[1];
        p.state = w[2];
      } else {
        out.malformed.push_back({ln, raw(), "Status is not three words (want flag state)"});
      }
    } else if (key == "version")
      p.version = std::string(trim(first));
    else if (key == "architecture")
      p.architecture = std::string(trim(first));
    else if (key == "source")
      p.source = std::string(trim(first));
    else if (key == "maintainer")
      p.maintainer = std::string(trim(first));
    else if (key == "multi-arch")
      p.multi_arch = std::string(trim(first));
    else if (key == "description")
      p.description = std::string(trim(first));
    else if (key == "installed-size") {
      if (auto v = parse_uint<std::uint64_t>(trim(first))) {
        p.installed_size_kib = *v;
        p.has_installed_size = true;
      } else {
        out.malformed.push_back({ln, raw(), "Installed-Size is not a number"});
      }
    } else if (key == "conffiles") {
      std::uint64_t cl = ln;
      for_each_line(value, [&](std::uint64_t k, std::string_view l) {
        cl = ln + k - 1;
        auto w = split_ws(trim(l));
        if (w.empty()) return;
        if (w.size() < 2) {
          out.malformed.push_back({cl, std::string(l), "conffile line without a digest"});
          return;
        }
        DpkgConffile c;
        c.line = cl;
        c.path = w[0];
        c.md5_hex = w[1];
        for (std::size_t j = 2; j < w.size(); ++j) {
          if (w[j] == "obsolete")
            c.obsolete = true;
          else if (w[j] == "remove-on-upgrade")
            c.remove_on_upgrade = true;
        }
        p.conffiles.push_back(std::move(c));
      });
    }
  }
}

}  // namespace

bool hex_decode(std::string_view hex, std::string* out) {
  if (hex.size() % 2) return false;
  std::string o;
  o.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int a = hexval(hex[i]), b = hexval(hex[i + 1]);
    if (a < 0 || b < 0) return false;
    o.push_back(static_cast<char>(a * 16 + b));
  }
  *out = std::move(o);
  return true;
}

ParsedLines<DpkgPackage> parse_dpkg_status(std::string_view text) {
  ParsedLines<DpkgPackage> out;
  DpkgPackage cur;
  std::vector<std::uint64_t> field_lines;
  std::vector<std::string> raw_lines;  // first line of each field, for anomalies
  bool in_stanza = false;
  std::uint64_t last = 0;
  auto close = [&] {
    if (!in_stanza) return;
    cur.lines = last - cur.line + 1;
    finish(cur, field_lines, out, raw_lines);
    if (cur.package.empty()) {
      out.malformed.push_back({cur.line, raw_lines.empty() ? std::string() : raw_lines[0],
                               "stanza without a Package field"});
    } else {
      out.entries.push_back(std::move(cur));
    }
    cur = DpkgPackage{};
    field_lines.clear();
    raw_lines.clear();
    in_stanza = false;
  };
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    std::string_view l = line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (trim(l).empty()) {
      // A line of blanks also ends a stanza (dpkg treats it as the separator).
      close();
      return;
    }
    if (blank(l.front())) {
      if (!in_stanza || cur.fields.empty()) {
        out.malformed.push_back({n, std::string(line), "continuation line outside a field"});
        return;
      }
      last = n;
      auto& v = cur.fields.back().second;
      v += '\n';
      v.append(l.substr(1));
      return;
    }
    if (l.front() == '#') return;  // dpkg accepts comment lines in control data
    auto colon = l.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      out.malformed.push_back(
          {n, std::string(line), "line is neither 'Field: value' nor a continuation"});
      return;
    }
    if (!in_stanza) {
      in_stanza = true;
      cur.line = n;
    }
    last = n;
    cur.fields.emplace_back(std::string(l.substr(0, colon)),
                            std::string(trim(l.substr(colon + 1))));
    field_lines.push_back(n);
    raw_lines.emplace_back(line);
  });
  close();
  return out;
}

ParsedLines<Md5sumLine> parse_md5sums(std::string_view text) {
  ParsedLines<Md5sumLine> out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    if (line.empty()) return;
    Md5sumLine m;
    m.line = n;
    if (line.size() < 35 || !hex_decode(line.substr(0, 32), &m.md5) || line[32] != ' ' ||
        (line[33] != ' ' && line[33] != '*')) {
      out.malformed.push_back({n, std::string(line), "expected '<32 hex digits>  <path>'"});
      return;
    }
    m.path = std::string(line.substr(34));
    out.entries.push_back(std::move(m));
  });
  return out;
}

std::uint64_t count_list_entries(std::string_view text) {
  std::uint64_t n = 0;
  for_each_line(text, [&](std::uint64_t, std::string_view l) { n += !l.empty(); });
  return n;
}

}  // namespace hozen::platform::parsers
