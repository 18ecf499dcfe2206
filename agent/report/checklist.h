// The JPCERT/CC APT-response checklist (shared/seed/README.md, jpcert-apt-response.ja.txt) that
// findings and the report are organised by: ids C1..P3, their group, and titles in English and in
// the Japanese of the JPCERT/CC text.
#pragma once

#include <span>
#include <string_view>

namespace hozen::report {

struct ChecklistItem {
  std::string_view id;        // "C1"
  std::string_view group_en;  // "Detection and analysis"
  std::string_view group_ja;
  std::string_view title_en;
  std::string_view title_ja;
  std::string_view note_en;  // how hozen answers it, when a host bundle cannot ("" otherwise)
  std::string_view note_ja;
};

// The items in report order: C1 C2 C3 H1 H2 H3 H4 H5 S1 S2 A1 A2 P1 P2 P3.
std::span<const ChecklistItem> checklist();

// The item with this id, or nullptr.
const ChecklistItem* find_checklist_item(std::string_view id);

}  // namespace hozen::report
