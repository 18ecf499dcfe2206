// The built-in finding rules: id, severity, the checklist item each answers (seed/README.md),
// and the texts a responder reads, in English and Japanese.
#pragma once

#include <string_view>
#include <vector>

#include "hozen/v1/finding.pb.h"

namespace hozen::analysis {

struct Rule {
  std::string_view id;
  v1::Severity severity;  // the usual severity; a rule may raise or lower it per instance
  std::string_view checklist_id;
  std::string_view title_en;
  std::string_view title_ja;
  std::string_view explanation_en;
  std::string_view explanation_ja;
};

const std::vector<Rule>& all_rules();
// The rule with this id; every id used by the analyzer is in the catalog (a test checks it).
const Rule& rule(std::string_view id);
const char* severity_name(v1::Severity s);  // "critical", "high", "medium", "low", "info"

}  // namespace hozen::analysis
