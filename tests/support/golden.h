// Golden files (STYLE §9, tier 2): tests/golden/<name>.jsonl. Run with HOZEN_UPDATE_GOLDEN=1 to
// rewrite them after a deliberate change, and review the diff like code.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "platform/parse_util.h"
#include "tests/support/temp_dir.h"

namespace hozen::testing {

inline void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(HOZEN_SOURCE_DIR) + "/tests/golden/" + name + ".jsonl";
  if (const char* u = std::getenv("HOZEN_UPDATE_GOLDEN"); u != nullptr && std::string(u) == "1") {
    write_all(path, actual);
    WARN("updated " << path);
    return;
  }
  std::string expected = read_all(path);
  INFO("golden file " << path << " (HOZEN_UPDATE_GOLDEN=1 rewrites it)");
  // Line by line, so a failure shows the first differing record.
  auto lines = [](const std::string& s) {
    std::vector<std::string> out;
    platform::for_each_line(s, [&](std::uint64_t, std::string_view l) { out.emplace_back(l); });
    return out;
  };
  auto e = lines(expected), a = lines(actual);
  for (std::size_t i = 0; i < std::min(e.size(), a.size()); ++i) {
    INFO("line " << i + 1);
    REQUIRE(a[i] == e[i]);
  }
  REQUIRE(a.size() == e.size());
}

}  // namespace hozen::testing
