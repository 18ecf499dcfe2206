// Internal to the indicator parser (ioc.cpp, ioc_text.cpp, ioc_yaml.cpp): the value recognisers
// shared by the plain-text and YAML formats. Exposed for tests; callers use analysis/ioc.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/analysis/ioc.h"

namespace hozen::analysis::ioc {

struct Recognized {
  IocType type;
  std::string value;  // normalised
};
// Error: the reason, without the value (the caller adds the excerpt).
using Recognition = Expected<Recognized, std::string>;

// A value whose kind the writer declared: `kind` is a plain-text prefix name ("ip", "cidr",
// "domain", "url", "hash", "md5", "sha1", "sha256", "file", "process", "port", "user").
// ip accepts an address or a CIDR, cidr only a CIDR; domain also accepts "*.example.com"
// (the "*." is dropped: subdomains match anyway); network values are refanged first; file,
// process and user values are kept byte-exact (no control bytes, not empty).
Recognition recognize_as(std::string_view kind, std::string_view value);

// A plain-text line's value (comment and blanks already removed), type recognised automatically
// (docs/IOC.md "Recognition"): an explicit "kind:" prefix, else a '/' path, else the refanged
// text as URL, port form, CIDR, IP, hash, glob (file), domain, in that order.
Recognition recognize_line(std::string_view value);

// The line with its CR, surrounding blanks and comment ('#' first, or " #" / "\t#") removed.
std::string_view strip_line(std::string_view line);

// "<reason>: '<escaped excerpt of value>'".
std::string reason_with_text(std::string_view reason, std::string_view value);

// The parsers behind IndicatorSet::parse_text / parse_yaml (bytes already size-checked, BOM
// removed). Sources are "<name>:<line>".
Expected<std::vector<Indicator>, IocError> parse_text_list(std::string_view bytes,
                                                           std::string_view name);
Expected<std::vector<Indicator>, IocError> parse_yaml_document(std::string_view bytes,
                                                               std::string_view name);

}  // namespace hozen::analysis::ioc
