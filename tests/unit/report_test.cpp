// The HTML report: escaping of hostile host bytes, checklist coverage, findings grouped and
// linked to their evidence rows, caps stated, Japanese titles, the CSP hash of the one script.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "agent/export/json.h"
#include "agent/report/checklist.h"
#include "agent/report/html.h"
#include "agent/report/html_escape.h"
#include "agent/report/records.h"
#include "platform/sha256.h"

using namespace hozen;
using report::html_attr;
using report::html_text;

namespace {

std::size_t count(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1))
    ++n;
  return n;
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

const std::string kScriptName = "<script>alert(1)</script>";
const std::string kImgArg = "\"><img src=x onerror=alert(1)>";
const std::string kSingleQuote = "' onmouseover='alert(1)";

v1::Record process_record(std::uint64_t index, int pid, const std::string& comm) {
  v1::Record r;
  r.set_index(index);
  auto* p = r.mutable_process();
  p->set_pid(pid);
  p->set_comm(comm);
  p->set_exe_path(
      std::string("/tmp/\xff\xfe"
                  "bad\nname\0x",
                  17));
  p->add_argv(comm);
  p->add_argv(kImgArg);
  p->add_argv(kSingleQuote);
  p->set_start_utc_ns(1'700'000'000'000'000'000);
  return r;
}

v1::Record socket_record(std::uint64_t index, std::uint32_t port) {
  v1::Record r;
  r.set_index(index);
  auto* s = r.mutable_socket();
  s->set_protocol("tcp");
  s->set_local_address("0.0.0.0");
  s->set_local_port(port);
  s->set_state("LISTEN");
  s->set_classification(v1::LISTENING);
  return r;
}

v1::Record file_record(std::uint64_t index, const std::string& path, bool flagged) {
  v1::Record r;
  r.set_index(index);
  auto* f = r.mutable_file_entry();
  f->set_path(path);
  f->set_mtime_utc_ns(1'700'000'000'000'000'000 + static_cast<std::int64_t>(index));
  if (flagged) f->add_flags("elf_in_temp");
  return r;
}

v1::Finding finding(const std::string& checklist, v1::Severity sev, const std::string& title,
                    std::initializer_list<std::uint64_t> refs) {
  v1::Finding f;
  f.set_rule_id("HZ-TEST-" + checklist);
  f.set_checklist_id(checklist);
  f.set_severity(sev);
  f.set_title_en(title);
  f.set_title_ja("日本語の" + title);
  f.set_explanation_en("explanation in English");
  f.set_explanation_ja("日本語の説明");
  f.set_summary("summary of " + title);
  for (auto r : refs) {
    auto* e = f.add_evidence();
    e->set_record_index(r);
    e->set_record_type("socket");
    e->set_role("listener");
  }
  return f;
}

report::ReportInput base_input() {
  report::ReportInput in;
  in.verification.level = report::VerifyLevel::kComplete;
  in.verification.status_text = "COMPLETE (collection complete)";
  in.verification.file = "b.hozen";
  in.verification.signer_fingerprint = "SHA256:00";
  v1::Header h;
  h.mutable_host()->set_hostname("host<b>");
  h.mutable_invocation()->set_case_id("CASE-1");
  h.mutable_invocation()->set_examiner(
      "Ex\xff"
      "aminer");
  in.header = h;
  in.analysis = v1::AnalysisSummary();
  return in;
}

// The script block of the page, which must be exactly ours.
std::string script_block(const std::string& page) {
  auto a = page.find("<script>");
  auto b = page.find("</script>", a);
  if (a == std::string::npos || b == std::string::npos) return {};
  return page.substr(a + 8, b - a - 8);
}

}  // namespace

TEST_CASE("report: host bytes are escaped for text and attributes", "[report]") {
  CHECK(html_text(kScriptName) == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(html_attr(kImgArg) == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  CHECK(html_attr(kSingleQuote) == "&#39; onmouseover=&#39;alert(1)");
  CHECK(html_attr("a&b") == "a&amp;b");
  // Invalid UTF-8, NUL, newline, other controls: visible escapes.
  CHECK(html_attr(std::string("a\xff"
                              "b",
                              3)) == "a\\xffb");
  CHECK(html_attr(std::string("a\0b", 3)) == "a\\0b");
  CHECK(html_attr("a\nb\rc\td\x1b"
                  "e\x7f") == "a\\nb\\rc\\td\\x1be\\x7f");
  CHECK(html_attr("c:\\x41") == "c:\\\\x41");
  // Overlong '/', an encoded surrogate, a truncated sequence, a code point above U+10FFFF.
  CHECK(html_attr("\xc0\xaf") == "\\xc0\\xaf");
  CHECK(html_attr("\xed\xa0\x80") == "\\xed\\xa0\\x80");
  CHECK(html_attr("\xe3\x81") == "\\xe3\\x81");
  CHECK(html_attr("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
  // C1 control (U+0085) and a right-to-left override are made visible.
  CHECK(html_attr("\xc2\x85") == "\\xc2\\x85");
  CHECK(html_attr("evil\xe2\x80\xaetxt.exe") == "evil\\u{202e}txt.exe");
  // Well-formed text is kept.
  CHECK(html_attr("証拠保全 café") == "証拠保全 café");
  // In text, escapes are marked up (our span), never the host bytes.
  CHECK(html_text(std::string("\xff", 1)) == "<span class=\"esc\">\\xff</span>");
}

TEST_CASE("report: capped text keeps whole characters and says how much was cut", "[report]") {
  std::string out;
  report::append_text_capped(out, "証拠保全", 4);  // 3-byte characters: one fits
  CHECK(contains(out, "証"));
  CHECK_FALSE(contains(out, "\\x"));
  CHECK(contains(out, "(+9 bytes)"));
}

TEST_CASE("report: a hostile process renders as text, no markup injected", "[report]") {
  report::Limits limits;
  report::ReportRecords records(limits);
  records.add(process_record(1, 4242, kScriptName), true);
  records.add(process_record(2, 4243, kImgArg), true);
  records.finish();
  auto in = base_input();
  in.records = &records;
  for (auto lang : {report::Lang::kEn, report::Lang::kJa}) {
    std::string page = report::render_html(in, lang);
    CHECK(count(page, "<script") == 1);  // ours only
    CHECK(script_block(page) == report::report_script());
    CHECK_FALSE(contains(page, "<img"));
    CHECK_FALSE(contains(page, "onerror=alert(1)>"));
    CHECK_FALSE(contains(page, "' onmouseover='"));
    CHECK(contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(contains(page, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    CHECK(contains(page, "<span class=\"esc\">\\xff</span>"));
    CHECK(contains(page, "<span class=\"esc\">\\n</span>"));
    CHECK(contains(page, "<span class=\"esc\">\\0</span>"));
    CHECK(contains(page, "host&lt;b&gt;"));
    CHECK(contains(page, "Ex<span class=\"esc\">\\xff</span>aminer"));
    // No event attribute anywhere: the script attaches its handlers from the DOM.
    CHECK_FALSE(contains(page, " onclick="));
    CHECK_FALSE(contains(page, " onload="));
    CHECK(contains(page, "id=\"r1\""));
    CHECK(contains(page, "id=\"r2\""));
  }
}

TEST_CASE("report: the CSP allows exactly the inline script, by hash", "[report]") {
  auto in = base_input();
  std::string page = report::render_html(in, report::Lang::kEn);
  auto digest = platform::Sha256::of(report::report_script());
  std::string expected = "'sha256-" + exporter::base64(platform::as_bytes(digest)) + "'";
  CHECK(report::script_hash_source() == expected);
  CHECK(expected.size() == 8 + 44 + 1);
  CHECK(contains(
      page, "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src " + expected));
  // The policy comes before any host value (the title holds the host name).
  CHECK(page.find("Content-Security-Policy") < page.find("host&lt;b&gt;"));
  CHECK_FALSE(contains(page, "http://"));
  CHECK_FALSE(contains(page, "https://"));
  CHECK_FALSE(contains(page, "src=\""));
}

TEST_CASE("report: every checklist item is shown in order, with 'no finding' where none",
          "[report]") {
  auto in = base_input();
  in.findings.push_back(finding("H2", v1::SEVERITY_HIGH, "listener", {}));
  std::string page = report::render_html(in, report::Lang::kEn);
  std::size_t last = 0;
  for (const auto& item : report::checklist()) {
    auto pos = page.find("id=\"c-" + std::string(item.id) + "\"");
    REQUIRE(pos != std::string::npos);
    CHECK(pos > last);
    last = pos;
    CHECK(contains(page, std::string(item.title_en)));
  }
  CHECK(report::checklist().size() == 15);
  CHECK(count(page, "No finding") == 14);
}

TEST_CASE("report: findings grouped by checklist item, severity first, linked to evidence",
          "[report]") {
  report::ReportRecords records(report::Limits{}, {5, 999});
  records.add(socket_record(5, 4444), true);
  records.add(socket_record(6, 22), true);
  records.finish();
  auto in = base_input();
  in.records = &records;
  in.findings.push_back(finding("H2", v1::SEVERITY_LOW, "low listener", {6}));
  in.findings.push_back(finding("C1", v1::SEVERITY_CRITICAL, "c2 contact", {5}));
  in.findings.push_back(finding("H2", v1::SEVERITY_HIGH, "high listener", {5, 999}));
  in.findings.push_back(finding("Z9", v1::SEVERITY_MEDIUM, "unknown item", {}));
  std::string page = report::render_html(in, report::Lang::kEn);

  auto c1 = page.find("id=\"c-C1\"");
  auto h2 = page.find("id=\"c-H2\"");
  auto h3 = page.find("id=\"c-H3\"");
  CHECK(page.find("c2 contact") > c1);
  CHECK(page.find("c2 contact") < h2);
  auto high = page.find("high listener");
  auto low = page.find("low listener");
  CHECK(high > h2);
  CHECK(low < h3);
  CHECK(high < low);  // severity first within the item
  CHECK(contains(page, "id=\"c-other\""));
  CHECK(page.find("unknown item") > page.find("id=\"c-other\""));
  // Evidence links point at rows that exist; a missing record is named, not linked.
  CHECK(contains(page, "<a href=\"#r5\">#5</a>"));
  CHECK(contains(page, "id=\"r5\""));
  CHECK(contains(page, "<a href=\"#r6\">#6</a>"));
  CHECK_FALSE(contains(page, "href=\"#r999\""));
  CHECK(contains(page, "#999"));
  // The row links back to the findings citing it.
  CHECK(contains(page, "<a href=\"#f1\">F1</a>"));
  CHECK(contains(page, "id=\"f1\""));
  CHECK(contains(page, "explanation in English"));
}

TEST_CASE("report: tables are capped, flagged rows first, and the page says how many were left out",
          "[report]") {
  report::Limits limits;
  limits.file_rows = 3;
  limits.timeline_events = 4;
  report::ReportRecords records(limits, {9});
  for (std::uint64_t i = 0; i < 10; ++i) {
    records.add(file_record(i, "/tmp/f" + std::to_string(i), i == 7 || i == 8), true);
  }
  records.finish();
  const auto& rows = records.rows(v1::Record::kFileEntry);
  // Referenced #9 always kept; flagged #7 and #8; one unflagged row (the first) fills the cap.
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].index == 7);
  CHECK(rows[1].index == 8);
  CHECK(records.seen(v1::Record::kFileEntry) == 10);
  CHECK(records.left_out(v1::Record::kFileEntry) == 6);
  CHECK(records.has_anchor(9));
  CHECK_FALSE(records.has_anchor(5));
  // Timeline: flagged files only (3 times each, 0 skipped), the latest kept.
  CHECK(records.timeline().size() == 2);  // mtime of #7 and #8; ctime and btime are 0
  auto in = base_input();
  in.records = &records;
  std::string page = report::render_html(in, report::Lang::kEn);
  CHECK(contains(page, "4 shown / 10 in the bundle; <b>6 left out (cap)"));
  std::string ja = report::render_html(in, report::Lang::kJa);
  CHECK(contains(ja, "6 件は上限のため省略"));
}

TEST_CASE("report: bounded memory over many records", "[report]") {
  report::Limits limits;
  limits.file_rows = 10;
  limits.timeline_events = 10;
  report::ReportRecords records(limits);
  for (std::uint64_t i = 0; i < 200000; ++i) {
    records.add(file_record(i, "/usr/bin/x" + std::to_string(i), i % 1000 == 0), true);
  }
  records.finish();
  CHECK(records.rows(v1::Record::kFileEntry).size() == 10);
  CHECK(records.left_out(v1::Record::kFileEntry) == 199990);
  CHECK(records.timeline().size() == 10);
  CHECK(records.timeline_left_out() == 190);
  // The latest flagged files are the ones kept on the timeline, oldest first.
  CHECK(records.timeline().back().record_index == 199000);
}

TEST_CASE("report: --lang ja uses Japanese titles", "[report]") {
  auto in = base_input();
  in.findings.push_back(finding("H2", v1::SEVERITY_HIGH, "listener", {}));
  std::string page = report::render_html(in, report::Lang::kJa);
  CHECK(contains(page, "<html lang=\"ja\">"));
  CHECK(contains(page, "意図しない待ち受けポートの有無"));
  CHECK(contains(page, "C&amp;C (C2) サーバやマルウエアの通信先サイトへの通信の有無"));
  CHECK(contains(page, "権限が無いユーザの端末から管理者アカウントへの認証要求の有無"));
  CHECK(contains(page, "所見なし"));
  CHECK(contains(page, "日本語のlistener"));
  CHECK(contains(page, "日本語の説明"));
  CHECK(contains(page, "検証済み: 完全"));
  CHECK_FALSE(contains(page, "Unintended listening ports"));
}

TEST_CASE("report: a broken or prefix bundle is obvious at the top", "[report]") {
  auto in = base_input();
  in.verification.level = report::VerifyLevel::kBroken;
  in.verification.status_text = "BROKEN at offset 123: chain mismatch";
  in.verification.unverified_records = 7;
  std::string page = report::render_html(in, report::Lang::kEn);
  auto banner = page.find("<div class=\"banner bad\" id=\"status\">BROKEN");
  REQUIRE(banner != std::string::npos);
  CHECK(banner < page.find("id=\"verification\""));
  CHECK(banner < page.find("id=\"findings\""));
  CHECK(contains(page, "left out of this report"));
  in.verification.level = report::VerifyLevel::kPrefix;
  page = report::render_html(in, report::Lang::kEn);
  CHECK(contains(page, "<div class=\"banner bad\" id=\"status\">VERIFIED PREFIX ONLY"));
  in.header.reset();
  page = report::render_html(in, report::Lang::kEn);
  CHECK(contains(page, "The header did not verify"));
}

TEST_CASE("report: without analysis results, 'no finding' is not presented as clean", "[report]") {
  auto in = base_input();
  in.analysis.reset();
  std::string page = report::render_html(in, report::Lang::kEn);
  CHECK(contains(page, "no analysis results"));
}

TEST_CASE("report: findings from records are capped, most severe kept, text bounded", "[report]") {
  report::Limits limits;
  limits.findings = 2;
  limits.finding_text_bytes = 16;
  report::FindingCollector collector(limits);
  const v1::Severity sevs[] = {v1::SEVERITY_LOW, v1::SEVERITY_HIGH, v1::SEVERITY_INFO,
                               v1::SEVERITY_CRITICAL};
  std::uint64_t i = 0;
  for (auto s : sevs) {
    v1::Record r;
    r.set_index(i++);
    *r.mutable_finding() = finding("H4", s, std::string(100, 'x'), {});
    for (int k = 0; k < 500; ++k)
      r.mutable_finding()->add_evidence()->set_record_index(static_cast<std::uint64_t>(k));
    collector.add(r, true);
  }
  auto kept = collector.take();
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].severity() == v1::SEVERITY_HIGH);  // bundle order
  CHECK(kept[1].severity() == v1::SEVERITY_CRITICAL);
  CHECK(kept[0].title_en().size() == 16);
  CHECK(kept[0].evidence_size() == 200);
  CHECK(collector.left_out() == 2);
  auto refs = report::referenced_records(kept, limits);
  CHECK(refs.size() == limits.refs_per_finding);
}

TEST_CASE("report: referenced records without a table are shown as other evidence", "[report]") {
  report::ReportRecords records(report::Limits{}, {3});
  v1::Record r;
  r.set_index(3);
  r.mutable_anomaly()->set_kind("odd<thing>");
  r.mutable_anomaly()->set_raw(std::string("\xff<script>", 9));
  records.add(r, false);
  records.finish();
  CHECK(records.has_anchor(3));
  auto in = base_input();
  in.records = &records;
  in.findings.push_back(finding("H4", v1::SEVERITY_MEDIUM, "anomaly", {3}));
  std::string page = report::render_html(in, report::Lang::kEn);
  CHECK(contains(page, "<div class=\"ev\" id=\"r3\">"));
  CHECK(contains(page, "UNVERIFIED"));
  CHECK(count(page, "<script") == 1);
}

TEST_CASE("report: unverified rows are marked", "[report]") {
  report::ReportRecords records;
  records.add(socket_record(4, 80), false);
  records.finish();
  auto in = base_input();
  in.records = &records;
  in.verification.unverified_records = 1;
  in.verification.unverified_included = true;
  std::string page = report::render_html(in, report::Lang::kEn);
  CHECK(contains(page, "<tr id=\"r4\" class=\"flag unv\">"));
  CHECK(contains(page, "UNVERIFIED</span>"));
  CHECK(contains(page, "are included and marked UNVERIFIED: 1<"));
}

TEST_CASE("report: every record type renders, and every cited record gets an anchor", "[report]") {
  const auto* body = v1::Record::descriptor()->FindOneofByName("body");
  REQUIRE(body != nullptr);
  std::unordered_set<std::uint64_t> all;
  for (int i = 0; i < body->field_count(); ++i) all.insert(static_cast<std::uint64_t>(i));
  report::ReportRecords records(report::Limits{}, all);
  v1::Finding cites_all = finding("H4", v1::SEVERITY_INFO, "all", {});
  for (int i = 0; i < body->field_count(); ++i) {
    v1::Record r;
    r.set_index(static_cast<std::uint64_t>(i));
    r.GetReflection()->MutableMessage(&r, body->field(i));  // an empty body of that type
    records.add(r, true);
    cites_all.add_evidence()->set_record_index(static_cast<std::uint64_t>(i));
  }
  records.finish();
  for (int i = 0; i < body->field_count(); ++i) {
    const std::string name = body->field(i)->name();
    if (name == "finding" || name == "analysis_summary") continue;  // shown as findings
    INFO(name);
    CHECK(records.has_anchor(static_cast<std::uint64_t>(i)));
  }
  auto in = base_input();
  in.records = &records;
  in.findings.push_back(cites_all);
  for (auto lang : {report::Lang::kEn, report::Lang::kJa}) {
    std::string page = report::render_html(in, lang);
    CHECK(count(page, "<script") == 1);
    CHECK(contains(page, "</html>\n"));
  }
}

TEST_CASE("report: the analysis run and its indicator files are named", "[report]") {
  auto in = base_input();
  in.analysis->set_ruleset_version("0.1.0");
  in.analysis->set_records_analyzed(42);
  in.analysis->add_rules_run("HZ-PROC-DELETED-EXE");
  auto* src = in.analysis->add_ioc_sources();
  src->set_name("iocs<1>.txt");
  src->set_sha256(std::string(32, '\x01'));
  src->set_indicators(7);
  std::string page = report::render_html(in, report::Lang::kEn);
  CHECK(contains(page, "1 rules run over 42 records"));
  CHECK(contains(page, "iocs&lt;1&gt;.txt"));
  CHECK(contains(page, "7 indicators"));
  CHECK(contains(report::render_html(in, report::Lang::kJa), "7 件の指標"));
}
