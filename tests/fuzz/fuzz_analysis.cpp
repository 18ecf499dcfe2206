// libFuzzer target: the finding rules over hostile records. The input is split at 0xFF 0x00
// pairs; each part is parsed as a Record (what a bundle's chunk hands the analyzer) and, when it
// does not parse, its bytes become the host strings of a few typical records (argv, command
// lines, paths, addresses). Every record goes through the analyzer with an indicator list, then
// the joins run. Checks: no crash; every finding names a rule of the catalog and cites only
// records that were observed.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "agent/analysis/analyzer.h"
#include "agent/analysis/catalog.h"
#include "agent/analysis/ioc.h"
#include "agent/analysis/patterns.h"

using namespace hozen;

namespace {

const analysis::IndicatorSet& indicators() {
  static const analysis::IndicatorSet set = [] {
    auto s = analysis::IndicatorSet::parse(
        "203.0.113.7\n198.51.100.0/24\nevil.example\nprocess:xmr*\nport:4444\nuser:backdoor\n/tmp/*\n"
        "d41d8cd98f00b204e9800998ecf8427e\nhxxp://evil.example/x.sh\n",
        "fuzz.txt");
    return s ? std::move(*s) : analysis::IndicatorSet{};
  }();
  return set;
}

void as_records(std::string_view bytes, std::uint64_t index, analysis::Analyzer& a) {
  std::string b(bytes);
  v1::Record r;
  r.set_index(index);
  auto& p = *r.mutable_process();
  p.set_pid(static_cast<int>(bytes.size()));
  p.set_exe_path(b);
  p.set_comm(b.substr(0, 16));
  p.add_argv(b);
  p.add_environ(b);
  p.set_exe_deleted(!bytes.empty() && (bytes[0] & 1));
  a.observe(r);
  v1::Record k;
  k.set_index(index + 1);
  auto& s = *k.mutable_socket();
  s.set_family(bytes.size() % 2 ? 2 : 10);
  s.set_protocol("tcp");
  s.set_remote_address(b);
  s.set_local_address(b);
  s.set_classification(bytes.size() % 3 ? v1::ESTABLISHED : v1::LISTENING);
  s.add_owners()->set_pid(static_cast<int>(bytes.size()));
  a.observe(k);
  v1::Record c;
  c.set_index(index + 2);
  c.mutable_cron_entry()->set_line_kind(v1::CRON_LINE_JOB);
  c.mutable_cron_entry()->set_command_line(b);
  a.observe(c);
  v1::Record f;
  f.set_index(index + 3);
  f.mutable_file_entry()->set_path(b);
  f.mutable_file_entry()->add_flags("elf_in_temp");
  f.mutable_file_entry()->set_sha256(b.substr(0, 32));
  a.observe(f);
  v1::Record h;
  h.set_index(index + 4);
  h.mutable_preserved_file()->set_raw(b);
  a.observe(h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  analysis::AnalysisOptions o;
  o.iocs = &indicators();
  o.now_utc_ns = 1'780'000'000'000'000'000;
  analysis::Analyzer a(o);
  std::set<std::uint64_t> seen;
  std::uint64_t index = 0;
  while (true) {
    auto cut = in.find(std::string_view("\xff\x00", 2));
    std::string_view part = in.substr(0, cut);
    v1::Record r;
    if (r.ParseFromArray(part.data(), static_cast<int>(part.size()))) {
      r.set_index(index);
      a.observe(r);
      seen.insert(index);
      ++index;
    } else {
      as_records(part, index, a);
      for (int i = 0; i < 5; ++i) seen.insert(index + i);
      index += 5;
    }
    (void)analysis::command_red_flags(part);
    (void)analysis::program_of(part);
    (void)analysis::terminal_safe(part);
    if (cut == std::string_view::npos) break;
    in.remove_prefix(cut + 2);
  }
  auto res = a.finish();
  for (const auto& f : res.findings) {
    (void)analysis::rule(f.rule_id());  // throws (and so aborts) for an unknown id
    for (const auto& e : f.evidence()) {
      if (seen.count(e.record_index()) == 0) __builtin_trap();
    }
  }
  (void)analysis::format_summary(res, 5);
  return 0;
}
