// libFuzzer target: the HTML report over hostile records. The input is a serialized Record (any
// type, any bytes) and is also used raw as host text. Whatever it holds, the page keeps our one
// script, and escaped host text contains no markup character of its own.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/report/html.h"
#include "agent/report/html_escape.h"
#include "agent/report/records.h"

namespace {

std::size_t count(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1))
    ++n;
  return n;
}

// html_text() output with our escape spans removed must hold no < > " ' of the host.
void check_escaped(std::string_view raw) {
  std::string s = hozen::report::html_text(raw);
  std::string stripped;
  constexpr std::string_view kOpen = "<span class=\"esc\">", kClose = "</span>";
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, kOpen.size(), kOpen) == 0) {
      i += kOpen.size();
    } else if (s.compare(i, kClose.size(), kClose) == 0) {
      i += kClose.size();
    } else {
      stripped += s[i++];
    }
  }
  if (stripped.find_first_of("<>\"'") != std::string::npos) __builtin_trap();
  std::string a = hozen::report::html_attr(raw);
  if (a.find_first_of("<>\"'") != std::string::npos) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hozen;
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  check_escaped(raw);

  v1::Record parsed;
  bool ok = parsed.ParseFromArray(data, static_cast<int>(size));
  v1::Record proc;
  proc.set_index(1);
  proc.mutable_process()->set_comm(std::string(raw));
  proc.mutable_process()->add_argv(std::string(raw));

  report::Limits limits;
  limits.rows_per_table = 4;
  limits.file_rows = 4;
  limits.timeline_events = 4;
  report::FindingCollector findings(limits);
  v1::Finding f;
  f.set_checklist_id(std::string(raw.substr(0, 4)));
  f.set_summary(std::string(raw));
  f.set_title_en(std::string(raw));
  f.add_evidence()->set_record_index(ok ? parsed.index() : 1);
  v1::Record fr;
  fr.set_index(2);
  *fr.mutable_finding() = f;
  findings.add(fr, true);
  if (ok) findings.add(parsed, true);
  auto kept = findings.take();

  report::ReportRecords records(limits, report::referenced_records(kept, limits));
  records.add(proc, true);
  if (ok) records.add(parsed, false);
  records.finish();

  report::ReportInput in;
  in.verification.status_text = std::string(raw);
  in.verification.file = std::string(raw);
  in.findings = std::move(kept);
  in.records = &records;
  v1::Header h;
  h.mutable_host()->set_hostname(std::string(raw));
  in.header = h;
  for (auto lang : {report::Lang::kEn, report::Lang::kJa}) {
    std::string page = report::render_html(in, lang);
    if (count(page, "<script") != 1) __builtin_trap();
    if (page.find("<img") != std::string::npos) __builtin_trap();
  }
  return 0;
}
