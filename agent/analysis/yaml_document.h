// One YAML document from analyst-supplied text (the indicator file, the collect configuration).
// yaml-cpp 0.7's Load parses the first document and silently drops whatever follows it
// ("{ips: [..]}, x", "...\n, y"); its LoadAll loops forever on some of that text (a ',' where a
// document should start). load_one_document parses the first document and then asks the parser
// for exactly one more, so trailing content is reported, never dropped, and never looped on.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>

namespace hozen::analysis {

struct YamlDocument {
  YAML::Node root;                  // null for an empty stream
  std::optional<YAML::Mark> extra;  // where content after the first document starts
};

// Throws YAML::Exception on a syntax error, like YAML::Load.
YamlDocument load_one_document(std::string_view text);

}  // namespace hozen::analysis
