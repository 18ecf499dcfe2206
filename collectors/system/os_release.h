// Parser for os-release(5): KEY=value lines, values optionally quoted with shell-like escapes.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "platform/parse_util.h"

namespace hozen::collectors::system {

using KeyValuePair = std::pair<std::string, std::string>;

// Pure. Comments and blank lines are skipped; other lines without a valid KEY= are malformed.
platform::ParsedLines<KeyValuePair> parse_os_release(std::string_view text);

}  // namespace hozen::collectors::system
