// IndicatorSet: loading, format detection, de-duplication and the lookup indexes. The value
// recognisers are in ioc_text.cpp, the YAML reader in ioc_yaml.cpp, the matchers in ioc_match.cpp.
#include "agent/analysis/ioc.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "agent/analysis/glob.h"
#include "agent/analysis/ioc_parse.h"
#include "agent/analysis/ioc_values.h"
#include "platform/parse_util.h"
#include "platform/sha256.h"

namespace hozen::analysis {
namespace {

constexpr std::array<const char*, 11> kTypeNames = {
    "ip", "cidr", "domain", "url", "md5", "sha1", "sha256", "file", "process", "port", "user"};
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view without_bom(std::string_view bytes) {
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  return bytes;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The keys of the YAML format (ioc_yaml.cpp): a first line opening with one of them is YAML.
constexpr std::string_view kYamlKeys[] = {"ips",       "domains", "urls",  "hashes", "files",
                                          "processes", "ports",   "users", "name",   "description"};

// `line` (trimmed) is "key:" followed by a blank or the end, the key (bare or quoted) a YAML key
// of the format. "user: root" and "ipz:" are not: they stay plain text (and get a text error).
bool is_format_key_line(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  if (colon + 1 < line.size() && !is_blank(line[colon + 1])) return false;
  std::string_view key = line.substr(0, colon);
  while (!key.empty() && is_blank(key.back())) key.remove_suffix(1);
  if (key.size() >= 2 && (key[0] == '"' || key[0] == '\'') && key.back() == key[0]) {
    key = key.substr(1, key.size() - 2);
  }
  return std::find(std::begin(kYamlKeys), std::end(kYamlKeys), key) != std::end(kYamlKeys);
}

bool is_yaml_opening(std::string_view line) {
  if (line == "---" || line.starts_with("--- ") || line.starts_with("---\t")) return true;
  if (line.starts_with('{') || line.starts_with("- ") || line == "-") return true;
  return is_format_key_line(line);
}

IocError whole_file_error(std::string_view name, std::string message) {
  return IocError{std::string(name), 0, std::move(message)};
}

// The whole file, refused past kMaxIocFileBytes. Read in chunks up to one byte past the cap:
// the size stat reports is not trusted (a FIFO, a file still growing).
Expected<std::string, IocError> read_capped(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Unexpected<IocError>(whole_file_error(path, "is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string why = std::error_code(errno, std::generic_category()).message();
    return Unexpected<IocError>(whole_file_error(path, "cannot open: " + why));
  }
  std::string bytes;
  std::array<char, 1 << 16> chunk;
  while (bytes.size() <= kMaxIocFileBytes && in.read(chunk.data(), chunk.size()).gcount() > 0) {
    bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return Unexpected<IocError>(whole_file_error(path, "read error"));
  if (bytes.size() > kMaxIocFileBytes) {
    return Unexpected<IocError>(whole_file_error(path, "larger than 64 MiB"));
  }
  return bytes;
}

void add_prefix(std::vector<unsigned>& prefixes, unsigned prefix) {
  auto it = std::lower_bound(prefixes.begin(), prefixes.end(), prefix);
  if (it == prefixes.end() || *it != prefix) prefixes.insert(it, prefix);
}

std::string url_origin(const std::string& normalized) {
  const std::size_t host = normalized.find("://") + 3;
  return normalized.substr(0, normalized.find('/', host));
}

}  // namespace

const char* ioc_type_name(IocType type) {
  const auto i = static_cast<std::size_t>(type);
  return i < kTypeNames.size() ? kTypeNames[i] : "unknown";
}

std::optional<IocType> ioc_type_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (name == kTypeNames[i]) return static_cast<IocType>(i);
  }
  return std::nullopt;
}

std::string describe(const IocError& error) {
  if (error.line == 0) return error.file + ": " + error.message;
  return error.file + ":" + std::to_string(error.line) + ": " + error.message;
}

IocFormat detect_format(std::string_view bytes) {
  bytes = without_bom(bytes);
  while (!bytes.empty()) {
    const std::size_t end = bytes.find('\n');
    std::string_view line = bytes.substr(0, end);
    bytes = end == std::string_view::npos ? std::string_view() : bytes.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
    if (line.empty() || line.starts_with('#') || line.starts_with('%')) continue;
    return is_yaml_opening(line) ? IocFormat::kYaml : IocFormat::kText;
  }
  return IocFormat::kText;
}

Expected<IndicatorSet, IocError> IndicatorSet::parse(std::string_view bytes,
                                                     std::string_view name) {
  return detect_format(bytes) == IocFormat::kYaml ? parse_yaml(bytes, name)
                                                  : parse_text(bytes, name);
}

Expected<IndicatorSet, IocError> IndicatorSet::parse_text(std::string_view bytes,
                                                          std::string_view name) {
  if (bytes.size() > kMaxIocFileBytes) {
    return Unexpected<IocError>(whole_file_error(name, "larger than 64 MiB"));
  }
  try {
    auto list = ioc::parse_text_list(without_bom(bytes), name);
    if (!list) return Unexpected<IocError>(std::move(list.error()));
    return from_indicators(std::move(*list), bytes, name);
  } catch (const std::exception& e) {
    return Unexpected<IocError>(whole_file_error(name, std::string("cannot parse: ") + e.what()));
  }
}

Expected<IndicatorSet, IocError> IndicatorSet::parse_yaml(std::string_view bytes,
                                                          std::string_view name) {
  if (bytes.size() > kMaxIocFileBytes) {
    return Unexpected<IocError>(whole_file_error(name, "larger than 64 MiB"));
  }
  try {
    auto list = ioc::parse_yaml_document(without_bom(bytes), name);
    if (!list) return Unexpected<IocError>(std::move(list.error()));
    return from_indicators(std::move(*list), bytes, name);
  } catch (const std::exception& e) {
    return Unexpected<IocError>(whole_file_error(name, std::string("cannot parse: ") + e.what()));
  }
}

Expected<IndicatorSet, IocError> IndicatorSet::load_file(const std::string& path) {
  try {
    auto bytes = read_capped(path);
    if (!bytes) return Unexpected<IocError>(std::move(bytes.error()));
    return parse(*bytes, path);
  } catch (const std::exception& e) {
    return Unexpected<IocError>(whole_file_error(path, std::string("cannot read: ") + e.what()));
  }
}

Expected<IndicatorSet, IocError> IndicatorSet::from_indicators(std::vector<Indicator> list,
                                                               std::string_view bytes,
                                                               std::string_view name) {
  IndicatorSet set;
  for (auto& indicator : list) set.add(std::move(indicator));
  set.sources_.push_back(
      IocSourceInfo{std::string(name), platform::to_hex(platform::Sha256::of(bytes)), set.size()});
  return set;
}

bool IndicatorSet::has(IocType type) const {
  return std::any_of(all_.begin(), all_.end(), [type](const Indicator& i) { return i.type == type; });
}

void IndicatorSet::merge(IndicatorSet&& other) {
  for (auto& indicator : other.all_) add(std::move(indicator));
  for (auto& source : other.sources_) sources_.push_back(std::move(source));
  other = IndicatorSet();
}

bool IndicatorSet::add(Indicator indicator) {
  std::string key = std::string(ioc_type_name(indicator.type)) + '\0' + indicator.value;
  if (keys_.find(key) != keys_.end()) return false;
  keys_.emplace(std::move(key), all_.size());
  all_.push_back(std::move(indicator));
  index_last();
  return true;
}

void IndicatorSet::index_ip(const std::string& value, std::size_t at) {
  ioc::IpNetwork net;
  if (value.find('/') != std::string::npos) {
    auto parsed = ioc::parse_cidr(value);
    if (!parsed) return;  // cannot happen: values are normalised by the parser
    net = *parsed;
  } else {
    auto ip = ioc::parse_ip(value);
    if (!ip) return;
    net = ioc::IpNetwork{*ip, static_cast<unsigned>(ip->length * 8)};
  }
  networks_.emplace(ioc::network_key(net.network, net.prefix), at);
  add_prefix(net.network.length == 4 ? v4_prefixes_ : v6_prefixes_, net.prefix);
}

// A pattern with '/' is matched against whole paths, any other against names; exact ones are
// looked up, globs tried one by one.
void IndicatorSet::index_file(const std::string& value, std::size_t at) {
  const bool whole_path = value.find('/') != std::string::npos;
  if (has_glob_chars(value)) {
    (whole_path ? path_globs_ : name_globs_).push_back(at);
  } else {
    (whole_path ? file_paths_ : file_names_).emplace(value, at);
  }
}

void IndicatorSet::index_last() {
  const std::size_t at = all_.size() - 1;
  const Indicator& ind = all_[at];
  switch (ind.type) {
    case IocType::kIp:
    case IocType::kCidr:
      index_ip(ind.value, at);
      break;
    case IocType::kDomain:
      domains_.emplace(ind.value, at);
      break;
    case IocType::kUrl:
      url_origins_.emplace(url_origin(ind.value), at);
      break;
    case IocType::kMd5:
    case IocType::kSha1:
    case IocType::kSha256:
      hashes_.emplace(ind.value, at);
      break;
    case IocType::kFile:
      index_file(ind.value, at);
      break;
    case IocType::kProcess:
      if (has_glob_chars(ind.value)) {
        process_globs_.push_back(at);
      } else {
        processes_.emplace(ind.value, at);
      }
      break;
    case IocType::kPort:
      if (auto port = platform::parse_uint<std::uint32_t>(ind.value)) ports_.emplace(*port, at);
      break;
    case IocType::kUser:
      users_.emplace(ind.value, at);
      break;
  }
}

std::vector<const Indicator*> IndicatorSet::pointers(std::vector<std::size_t> at) const {
  std::sort(at.begin(), at.end());
  at.erase(std::unique(at.begin(), at.end()), at.end());
  std::vector<const Indicator*> out;
  out.reserve(at.size());
  for (std::size_t i : at) out.push_back(&all_[i]);
  return out;
}

}  // namespace hozen::analysis
