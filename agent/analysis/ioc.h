// Indicators of compromise: the lists a responder is sent (YAML or plain text, defanged or not),
// parsed all-or-nothing, and matched against host bytes (addresses, host names, URLs, hashes,
// paths, process names, ports, user names, free text). docs/IOC.md describes the formats and
// the matching rules for analysts; this header states the contracts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "platform/expected.h"

namespace hozen::analysis {

// std::expected / std::unexpected under g++ (C++23); the project's stand-in under clang 14, which
// the libFuzzer build uses and whose libstdc++ does not enable <expected> (platform/expected.h).
template <class T, class E>
using Expected = platform::detail::Expected<T, E>;
template <class E>
using Unexpected = platform::detail::Unexpected<E>;

// clang-format off
enum class IocType { kIp, kCidr, kDomain, kUrl, kMd5, kSha1, kSha256, kFile, kProcess, kPort, kUser };
// clang-format on

// "ip","cidr","domain","url","md5","sha1","sha256","file","process","port","user".
const char* ioc_type_name(IocType type);
// The inverse of ioc_type_name (exact, lower-case); nullopt for anything else.
std::optional<IocType> ioc_type_from_name(std::string_view name);

struct Indicator {
  IocType type;
  // Normalised: refanged, lower-cased where case does not matter, hashes lower hex (docs/IOC.md).
  std::string value;
  std::string source;  // "<file name>:<line>" where it was written
};

struct IocError {
  std::string file;
  std::size_t line = 0;  // 1-based; 0 = the whole file
  std::string message;   // host/analyst bytes inside it are escaped and capped
};

// "iocs.txt:12: not an indicator: 'foo bar'" ("iocs.txt: ..." when line is 0).
std::string describe(const IocError& error);

struct IocSourceInfo {
  std::string name;        // as given to parse() / the path given to load_file()
  std::string sha256_hex;  // of the file's bytes, lower-case hex
  std::size_t indicators;  // distinct indicators the file lists
};

enum class IocFormat { kText, kYaml };

// The format parse() picks: YAML when the first line that is not blank, a '#' comment or a '%'
// directive is "---", starts a flow mapping '{' or a sequence "- ", or is one of the format's keys
// (ips, domains, urls, hashes, files, processes, ports, users, name, description; bare or quoted)
// followed by ':' and a blank or the end of the line. Otherwise the plain-text list: "user: root"
// and "port:4444" are text.
IocFormat detect_format(std::string_view bytes);

inline constexpr std::size_t kMaxIocFileBytes = 64u << 20;  // load_file() and parse() refuse more
inline constexpr std::size_t kMaxIocLineBytes = 8192;       // a longer text line is an error
inline constexpr std::size_t kMaxIndicatorsPerFile = 1'000'000;

class IndicatorSet {
 public:
  IndicatorSet() = default;

  // Parses one file's bytes in the format detect_format() picks. All or nothing: the first bad
  // line or entry -> IocError with its line number and the offending text (escaped, capped),
  // and no set. Duplicates (same type and normalised value) are kept once, the first source
  // winning. Never throws (yaml-cpp's exceptions, even bad_alloc, become an IocError). Errors also
  // for: more than kMaxIocFileBytes, a text line over kMaxIocLineBytes, more than
  // kMaxIndicatorsPerFile entries.
  static Expected<IndicatorSet, IocError> parse(std::string_view bytes, std::string_view name);
  // The same, with the format forced.
  static Expected<IndicatorSet, IocError> parse_text(std::string_view bytes, std::string_view name);
  static Expected<IndicatorSet, IocError> parse_yaml(std::string_view bytes, std::string_view name);

  // Reads the analyst's file at `path` (ordinary open/read: this is not host data), refusing more
  // than kMaxIocFileBytes, then parse() with `path` as the name. Errors (line 0): cannot open,
  // a directory, a read error, too large. Never throws.
  static Expected<IndicatorSet, IocError> load_file(const std::string& path);

  // Adds `other`'s indicators (duplicates of ones already here are dropped) and its sources.
  // Invalidates the Indicator pointers returned by the matchers before the call.
  void merge(IndicatorSet&& other);

  bool empty() const { return all_.empty(); }
  std::size_t size() const { return all_.size(); }
  const std::vector<Indicator>& all() const { return all_; }
  const std::vector<IocSourceInfo>& sources() const { return sources_; }
  // Whether any indicator is of `type` (the sweep computes MD5 / SHA-1 only when asked).
  bool has(IocType type) const;

  // Matchers. Inputs are host bytes (any bytes, any length); each returns the matching
  // indicators in the set's order, each once, pointing into all() (valid until the set changes).
  // None throws except std::bad_alloc; all are const and safe to call from several threads.

  // Exact IPs and CIDRs. Accepts "10.1.2.3", "fe80::1", "[fe80::1]", "fe80::1%eth0" (the zone is
  // ignored). An IPv4-mapped IPv6 address (::ffff:10.1.2.3) is the IPv4 address: it matches IPv4
  // indicators and only those.
  std::vector<const Indicator*> match_ip(std::string_view address_text) const;
  // ASCII case-insensitive, one trailing dot ignored; "a.evil.com" matches "evil.com",
  // "notevil.com" and "evil.com.cn" do not.
  std::vector<const Indicator*> match_domain(std::string_view host) const;
  // Both sides normalised (parse_url: scheme and host lower-case, default port, user info and
  // fragment dropped). Matches when equal, or when the indicator is a prefix of the text's URL at
  // a path boundary: the indicator ends in '/', or the text continues with '/' or '?'.
  std::vector<const Indicator*> match_url(std::string_view url) const;
  // MD5/SHA-1/SHA-256 as hex (any case, 32/40/64 digits) or raw digest bytes (16/20/32 bytes).
  std::vector<const Indicator*> match_hash(std::string_view hex_or_raw) const;
  // Glob (analysis/glob.h: '*' also crosses '/'). A pattern containing '/' is matched against
  // the whole path, any other against the path's last component.
  std::vector<const Indicator*> match_file(std::string_view path) const;
  // Glob against a process name as given (comm, or argv[0]'s basename: the caller picks).
  std::vector<const Indicator*> match_process(std::string_view name) const;
  std::vector<const Indicator*> match_port(std::uint32_t port) const;
  // Exact, case-sensitive (Linux user names are).
  std::vector<const Indicator*> match_user(std::string_view name) const;

  // Finds ip/cidr/domain/url/hash indicators mentioned anywhere in free text (a command line, an
  // environment value, a cron command, a shell history line, a hosts file line). Tokens are runs
  // of [A-Za-z0-9.:/_%-]; a token holding "://" is a URL and runs on over ?&=#~+!$*,;@[] too.
  // Each token is tested as a URL (schemeless "host/path" as http:// and https://), its host (or
  // the token without ":port") as an address or domain, and as a hash when it is 32/40/64 hex
  // digits. Encoded text (base64, hex of a string) is not decoded. Hits come in text order, one
  // per (indicator, matched) pair.
  struct TextHit {
    const Indicator* indicator;
    std::string matched;  // the substring of `text` that matched (a token or a URL's host)
  };
  std::vector<TextHit> scan_text(std::string_view text) const;

 private:
  using Index = std::unordered_multimap<std::string, std::size_t>;

  static Expected<IndicatorSet, IocError> from_indicators(std::vector<Indicator> list,
                                                          std::string_view bytes,
                                                          std::string_view name);
  bool add(Indicator indicator);  // false when a duplicate
  void index_last();
  void index_ip(const std::string& value, std::size_t at);
  void index_file(const std::string& value, std::size_t at);
  std::vector<const Indicator*> pointers(std::vector<std::size_t> at) const;
  void scan_token(std::string_view token, std::vector<TextHit>& hits) const;
  void scan_host(std::string_view host, std::vector<TextHit>& hits) const;

  std::vector<Indicator> all_;
  std::vector<IocSourceInfo> sources_;
  Index keys_;  // type name + '\0' + value -> index (duplicate detection)
  // Addresses and networks: masked address bytes + one byte of prefix length -> index; the prefix
  // lengths in use per family, so a lookup costs one probe per distinct length.
  Index networks_;
  std::vector<unsigned> v4_prefixes_, v6_prefixes_;
  Index domains_;
  Index url_origins_;  // scheme://host[:port] -> index
  Index hashes_;       // lower hex
  Index users_;
  Index file_paths_, file_names_, processes_;  // exact (no glob character)
  std::vector<std::size_t> path_globs_, name_globs_, process_globs_;
  std::unordered_map<std::uint32_t, std::size_t> ports_;
};

}  // namespace hozen::analysis
