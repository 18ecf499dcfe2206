// The plain-text indicator list and the value recognisers it shares with the YAML format.
#include <algorithm>

#include "agent/analysis/glob.h"
#include "agent/analysis/ioc_parse.h"
#include "agent/analysis/ioc_values.h"
#include "platform/parse_util.h"

namespace hozen::analysis::ioc {
namespace {

Unexpected<std::string> fail(std::string reason) {
  return Unexpected<std::string>(std::move(reason));
}

constexpr std::string_view kBlanks = " \t";

std::string_view trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(kBlanks);
  if (b == std::string_view::npos) return {};
  const std::size_t e = s.find_last_not_of(kBlanks);
  return s.substr(b, e - b + 1);
}

bool has_control_byte(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

Recognition address_or_network(std::string_view value, bool network_only) {
  const std::string r = refang(value);
  if (r.find('/') != std::string::npos) {
    auto net = parse_cidr(r);
    if (!net) return fail("not a CIDR (" + net.error() + ")");
    return Recognized{IocType::kCidr, format_cidr(*net)};
  }
  if (network_only) return fail("not a CIDR (no '/prefix')");
  auto ip = parse_ip(r);
  if (!ip) return fail("not an IP address");
  return Recognized{IocType::kIp, format_ip(*ip)};
}

Recognition domain(std::string_view value) {
  std::string r = refang(value);
  if (r.starts_with("*.")) r.erase(0, 2);
  auto d = normalize_domain(r);
  if (!d) return fail("not a domain (" + d.error() + ")");
  return Recognized{IocType::kDomain, *d};
}

Recognition url(std::string_view value) {
  auto u = parse_url_indicator(refang(value));
  if (!u) return fail("not a URL (" + u.error() + ")");
  return Recognized{IocType::kUrl, u->normalized()};
}

Recognition hash(std::string_view value) {
  auto h = parse_hash(value);
  if (!h) return fail("not a hash (" + h.error() + ")");
  switch (h->kind) {
    case HashKind::kMd5:
      return Recognized{IocType::kMd5, h->hex};
    case HashKind::kSha1:
      return Recognized{IocType::kSha1, h->hex};
    case HashKind::kSha256:
      break;
  }
  return Recognized{IocType::kSha256, h->hex};
}

Recognition port(std::string_view value) {
  auto p = parse_port(value);
  if (!p) return fail("not a port (" + p.error() + ")");
  return Recognized{IocType::kPort, std::to_string(*p)};
}

Recognition verbatim(IocType type, std::string_view value) {
  if (value.empty()) return fail(std::string("empty ") + ioc_type_name(type));
  if (has_control_byte(value)) {
    return fail(std::string("a control byte in a ") + ioc_type_name(type) + " value");
  }
  return Recognized{type, std::string(value)};
}

bool is_port_form(std::string_view r) {
  const std::string lower = lower_ascii(r);
  return lower.starts_with("tcp/") || lower.starts_with("udp/") || lower.ends_with("/tcp") ||
         lower.ends_with("/udp");
}

// The kind named by a "kind:" prefix, when the line has one (and is not "file://..." etc.).
std::optional<std::string> declared_kind(std::string_view value, std::string_view& rest) {
  static constexpr std::string_view kKinds[] = {"ip",   "cidr",    "domain", "url",
                                                "hash", "md5",     "sha1",   "sha256",
                                                "file", "process", "port",   "user"};
  const std::size_t colon = value.find(':');
  if (colon == std::string_view::npos || value.substr(colon + 1).starts_with("//")) {
    return std::nullopt;
  }
  const std::string kind = lower_ascii(value.substr(0, colon));
  if (std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds)) {
    return std::nullopt;
  }
  rest = trim(value.substr(colon + 1));
  return kind;
}

// Why an unrecognised line is not an indicator, as helpfully as the text allows.
std::string unrecognized_reason(const std::string& r) {
  const auto all = [&](std::string_view set) {
    return r.find_first_not_of(set) == std::string::npos;
  };
  if (all("0123456789")) return "a bare number (write port:N for a port)";
  if (all("0123456789.")) return "not a valid IPv4 address";
  if (all("0123456789abcdefABCDEF:.") && r.find(':') != std::string::npos) {
    return "not a valid IPv6 address";
  }
  const std::size_t slash = r.find('/');
  if (slash != std::string::npos && normalize_domain(r.substr(0, slash))) {
    return "a URL needs a scheme (write http://...)";
  }
  if (r.ends_with(':')) {
    return "not an indicator (a YAML file must start with ips:, domains:, urls:, hashes:, files:, "
           "processes:, ports:, users:, name: or description:)";
  }
  if (r.find('.') != std::string::npos && r.find_first_of(kBlanks) == std::string::npos) {
    return "not a domain (" + normalize_domain(r).error() + ")";
  }
  return "not an indicator";
}

// "<hex>  <name>" or "<hex> *<name>": a line of sha256sum/sha1sum/md5sum output.
std::optional<std::string_view> checksum_line_hash(std::string_view value) {
  const std::size_t space = value.find(' ');
  if (space == std::string_view::npos || !hash_kind_for_hex_length(space)) return std::nullopt;
  const std::string_view hex = value.substr(0, space);
  const std::string_view after = value.substr(space + 1);
  if (!is_hex(hex) || !(after.starts_with(' ') || after.starts_with('*')) || after.size() < 2) {
    return std::nullopt;
  }
  return hex;
}

Recognition glob_or_ambiguous(std::string_view value, const std::string& r) {
  if (r.starts_with("*.") && normalize_domain(r.substr(2))) {
    return fail(
        "ambiguous: write the domain without '*.' (subdomains match) or prefix file: for a glob");
  }
  return verbatim(IocType::kFile, value);
}

}  // namespace

std::string reason_with_text(std::string_view reason, std::string_view value) {
  return std::string(reason) + ": '" + excerpt(value) + "'";
}

std::string_view strip_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  line = trim(line);
  if (line.starts_with('#')) return {};
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '#' && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return trim(line.substr(0, i));
    }
  }
  return line;
}

Recognition recognize_as(std::string_view kind, std::string_view value) {
  if (kind == "ip" || kind == "cidr") return address_or_network(value, kind == "cidr");
  if (kind == "domain") return domain(value);
  if (kind == "url") return url(value);
  if (kind == "hash") return hash(value);
  if (kind == "md5" || kind == "sha1" || kind == "sha256") {
    return hash(std::string(kind) + ":" + std::string(value));
  }
  if (kind == "port") return port(value);
  if (kind == "file") return verbatim(IocType::kFile, value);
  if (kind == "process") return verbatim(IocType::kProcess, value);
  if (kind == "user") return verbatim(IocType::kUser, value);
  return fail("unknown indicator kind");
}

Recognition recognize_line(std::string_view value) {
  std::string_view rest;
  if (auto kind = declared_kind(value, rest)) return recognize_as(*kind, rest);
  if (value.starts_with('/')) return verbatim(IocType::kFile, value);
  if (auto hex = checksum_line_hash(value)) return hash(*hex);
  const std::string r = refang(value);
  if (r.find("://") != std::string::npos) return url(r);
  if (is_port_form(r)) return port(r);
  const std::size_t slash = r.find('/');
  if (slash != std::string::npos && parse_ip(r.substr(0, slash))) {
    return address_or_network(r, true);
  }
  if (auto ip = parse_ip(r)) return Recognized{IocType::kIp, format_ip(*ip)};
  if (is_hex(r) && r.size() >= 16) return hash(r);
  if (has_glob_chars(r)) return glob_or_ambiguous(value, r);
  if (auto d = normalize_domain(r)) return Recognized{IocType::kDomain, *d};
  return fail(unrecognized_reason(r));
}

Expected<std::vector<Indicator>, IocError> parse_text_list(std::string_view bytes,
                                                           std::string_view name) {
  std::vector<Indicator> out;
  std::optional<IocError> error;
  const std::string file(name);
  platform::for_each_line(bytes, [&](std::uint64_t n, std::string_view raw) {
    if (error) return;
    const std::size_t line = static_cast<std::size_t>(n);
    if (raw.size() > kMaxIocLineBytes) {
      error = IocError{file, line, reason_with_text("line longer than 8192 bytes", raw)};
      return;
    }
    const std::string_view value = strip_line(raw);
    if (value.empty()) return;
    auto r = recognize_line(value);
    if (!r) {
      error = IocError{file, line, reason_with_text(r.error(), value)};
    } else if (out.size() >= kMaxIndicatorsPerFile) {
      error = IocError{file, line, "more than 1000000 indicators in one file"};
    } else {
      out.push_back(Indicator{r->type, std::move(r->value), file + ":" + std::to_string(line)});
    }
  });
  if (error) return Unexpected<IocError>(std::move(*error));
  return out;
}

}  // namespace hozen::analysis::ioc
