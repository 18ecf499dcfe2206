// libFuzzer target: the indicator parsers (plain text, YAML, auto-detected) and, with the same
// bytes, every matcher and the free-text scanner over a set loaded from a fixed advisory.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/analysis/glob.h"
#include "agent/analysis/ioc.h"

namespace {

using hozen::analysis::IndicatorSet;

const IndicatorSet& reference_set() {
  static const IndicatorSet set = [] {
    auto s = IndicatorSet::parse(
        "ips: [203.0.113.7, 198.51.100.0/24, 2001:db8::dead:beef, 2001:db8:bad::/48, 0.0.0.0/0]\n"
        "domains: [evil.example, c2.badcdn.net]\n"
        "urls: [http://203.0.113.7:8080/x.sh, 'https://dropper.evil.example/stage2/']\n"
        "hashes: [d41d8cd98f00b204e9800998ecf8427e, da39a3ee5e6b4b0d3255bfef95601890afd80709]\n"
        "files: [/tmp/*, '*a*a*a*b', kinsing, '/usr/*/.[a-z]*']\n"
        "processes: ['xmr*', 'kworker/[0-9]:?']\n"
        "ports: [4444]\n"
        "users: [backdoor]\n",
        "reference.yaml");
    if (!s) __builtin_trap();
    return std::move(*s);
  }();
  return set;
}

void check_parsed(const hozen::analysis::Expected<IndicatorSet, hozen::analysis::IocError>& r) {
  if (!r) {
    if (r.error().message.empty()) __builtin_trap();
    return;
  }
  for (const auto& i : r->all()) {
    if (i.source.empty()) __builtin_trap();
    // Every stored value is matched by its own matcher (normalised values re-normalise to
    // themselves); addresses and names are checked here, the rest only exercised.
    switch (i.type) {
      case hozen::analysis::IocType::kIp:
        if (r->match_ip(i.value).empty()) __builtin_trap();
        break;
      case hozen::analysis::IocType::kDomain:
        if (r->match_domain(i.value).empty()) __builtin_trap();
        break;
      case hozen::analysis::IocType::kUrl:
        if (r->match_url(i.value).empty()) __builtin_trap();
        break;
      case hozen::analysis::IocType::kUser:
        if (r->match_user(i.value).empty()) __builtin_trap();
        break;
      default:
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_parsed(IndicatorSet::parse(bytes, "fuzz"));
  check_parsed(IndicatorSet::parse_text(bytes, "fuzz.txt"));
  check_parsed(IndicatorSet::parse_yaml(bytes, "fuzz.yaml"));
  check_parsed(IndicatorSet::parse_yaml("ips:\n  - " + std::string(bytes) + "\n", "wrapped.yaml"));

  const IndicatorSet& set = reference_set();
  (void)set.match_ip(bytes);
  (void)set.match_domain(bytes);
  (void)set.match_url(bytes);
  (void)set.match_hash(bytes);
  (void)set.match_file(bytes);
  (void)set.match_process(bytes);
  (void)set.match_user(bytes);
  std::uint32_t port = 0;
  for (std::size_t i = 0; i < size && i < 4; ++i) port = (port << 8) | data[i];
  (void)set.match_port(port);
  for (const auto& hit : set.scan_text(bytes)) {
    if (hit.indicator == nullptr || bytes.find(hit.matched) == std::string_view::npos) {
      __builtin_trap();
    }
  }
  (void)hozen::analysis::glob_match(bytes.substr(0, 64), bytes);
  return 0;
}
