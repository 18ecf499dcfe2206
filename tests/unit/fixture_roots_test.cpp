// Every file-based collector over every fixture scenario (tests/fixtures/*/), as `collect --root`
// runs them: nothing read outside the declared inputs, every parsed entry's SourceRef names a
// preserved blob of the same run whose digest matches, and no collector fails outright.
#include <catch2/catch.hpp>

#include <filesystem>

#include "collectors/registry.h"
#include "platform/fault_fs.h"
#include "platform/paths.h"
#include "tests/support/evidence_check.h"
#include "tests/support/fixture_root.h"

using namespace hozen;

TEST_CASE("file-based collectors over every fixture root: inputs, preserved sources", "[fixtures]") {
  std::vector<std::string> scenarios;
  for (const auto& e : std::filesystem::directory_iterator(std::string(HOZEN_SOURCE_DIR) + "/tests/fixtures")) {
    if (e.is_directory()) scenarios.push_back(e.path().filename().string());
  }
  std::sort(scenarios.begin(), scenarios.end());
  auto registry = collectors::make_registry();
  std::size_t refs = 0;
  for (const auto& scenario : scenarios) {
    testing::FixtureRoot root(scenario);
    auto rooted = platform::RootedFileSystem::open(root.root());
    REQUIRE(rooted);
    const auto homes = testing::fixture_homes(root.root());
    for (const auto& c : registry) {
      if (c->live_only() || !c->default_enabled()) continue;
      INFO("scenario " << scenario << ", collector " << c->id());
      platform::FaultFileSystem fs(**rooted);
      auto sink = testing::run_on_fs(*c, fs);
      CHECK(sink.outcome.status != v1::RUN_FAILED);
      refs += testing::check_sources_preserved(sink.records);
      auto inputs = c->inputs();
      const bool stats_named = std::find(inputs.begin(), inputs.end(), platform::paths::kStatNamedPaths) != inputs.end();
      const auto stat_only = fs.stat_only();
      for (const auto& p : fs.accessed()) {
        INFO("accessed " << p);
        if (stats_named && stat_only.count(p)) continue;  // metadata of a path the host's data names
        CHECK(collectors::input_allowed(p, inputs, homes));
      }
      for (const auto& r : sink.records) CHECK(r.body_case() != v1::Record::BODY_NOT_SET);
    }
  }
  // The persistent-state scenarios carry parsed entries: the check above must have had work.
  if (!scenarios.empty()) CHECK(refs > 0);
}
