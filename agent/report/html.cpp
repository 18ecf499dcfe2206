// The page: head (CSP, style), verification banner, chain of custody, findings by checklist item,
// artifact tables (html_tables.cpp), timeline, other evidence, the one inline script.
#include "agent/report/html.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

#include "agent/export/json.h"
#include "agent/report/checklist.h"
#include "agent/report/html_escape.h"
#include "agent/report/html_internal.h"
#include "platform/host.h"
#include "platform/sha256.h"

namespace hozen::report {

using detail::Cell;
using detail::Ctx;

namespace {

// ---- static parts ----------------------------------------------------------------------------

// Print-friendly: no scroll boxes, no filter boxes, rows never split, badges keep their colour.
constexpr std::string_view kStyle = R"(
:root{--bad:#b00020;--warn:#8a5300;--ok:#1b6e20;--mut:#555;--line:#ccc}
body{font:14px/1.4 system-ui,"Noto Sans CJK JP","Hiragino Sans",sans-serif;margin:0 1.5em 3em;color:#111}
h1{font-size:1.5em;margin:.6em 0 .2em}h2{border-bottom:2px solid #333;margin-top:2em}
h3{margin:1.4em 0 .4em}h4{margin:1em 0 .3em}
nav ol{columns:3;font-size:.9em}
.banner{padding:.8em 1em;border:3px solid;font-weight:bold;font-size:1.2em;margin:1em 0}
.banner.ok{border-color:var(--ok);color:var(--ok);background:#eef8ee}
.banner.warn{border-color:var(--warn);color:var(--warn);background:#fff6e5}
.banner.bad{border-color:var(--bad);color:#fff;background:var(--bad)}
.banner small{display:block;font-weight:normal;font-size:.8em}
.alert{border-left:6px solid var(--bad);padding:.4em .8em;background:#fdecee;color:var(--bad)}
.note{color:var(--mut);font-size:.9em}
table{border-collapse:collapse;margin:.3em 0 1em}
th,td{border:1px solid var(--line);padding:2px 6px;vertical-align:top;text-align:left}
thead th{background:#eee;position:sticky;top:0}
th.sortable{cursor:pointer}th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
table.kv th{background:#f4f4f4;white-space:nowrap;font-weight:normal;color:#333}
td.m,.mono,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
td{word-break:break-word;max-width:40em}
tr.flag td{background:#fff3f3}tr.unv td{background:#fffbe0}tr.fail td{color:var(--bad)}
tr:target td,li:target,div:target{outline:3px solid #0645ad}
.tw{overflow-x:auto}
.esc{color:#a0006e;background:#f7e6f2;border-radius:2px}
.cut{color:var(--mut);font-style:italic}
.item{display:inline-block;border:1px solid #ddd;border-radius:3px;padding:0 3px;margin:0 2px 2px 0;background:#fafafa}
.badge{display:inline-block;padding:0 .5em;border-radius:3px;font-size:.8em;font-weight:bold;color:#fff;background:#666}
.sev-5{background:#6a0010}.sev-4{background:var(--bad)}.sev-3{background:#c25e00}.sev-2{background:#8a7a00}.sev-1{background:#4a6a8a}
.unv-badge{background:#8a5300}
.cid{display:inline-block;min-width:2.2em;font-weight:bold}
.none{color:var(--ok)}
ol.findings{padding-left:1.2em}ol.findings>li{margin:.6em 0;padding:.3em .5em;border:1px solid var(--line)}
.filter{margin:.2em 0}
.ev pre{white-space:pre-wrap;word-break:break-all;border:1px solid var(--line);padding:.4em}
@media print{.filter,nav{display:none}.tw{overflow:visible}thead th{position:static}
tr,li{break-inside:avoid}body{margin:0;font-size:10px}td{max-width:none}
.banner,.badge,tr.flag td,.esc{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)";

// Sorting (click or Enter on a header) and filtering (a text box per table). Reads only the DOM;
// the page shows everything without it. Kept free of any host value: its hash is in the CSP.
constexpr std::string_view kScript = R"((function () {
  'use strict';
  document.documentElement.classList.add('js');
  function key(td) {
    if (!td) return '';
    var k = td.getAttribute('data-k');
    return k !== null ? k : td.textContent;
  }
  function cmp(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== '' && b !== '' && !isNaN(x) && !isNaN(y)) return x - y;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function sortBy(table, col, th) {
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) ths[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c = cmp(key(r1.cells[col]), key(r2.cells[col]));
      return asc ? c : -c;
    });
    for (var j = 0; j < rows.length; j++) body.appendChild(rows[j]);
  }
  function filter(table, q, count) {
    q = q.toLowerCase();
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = q === '' || rows[i].textContent.toLowerCase().indexOf(q) >= 0;
      rows[i].hidden = !hit;
      if (hit) shown++;
    }
    count.textContent = q === '' ? '' : shown + ' / ' + rows.length;
  }
  function setup(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) {
      (function (th, col) {
        th.tabIndex = 0;
        th.classList.add('sortable');
        th.addEventListener('click', function () { sortBy(table, col, th); });
        th.addEventListener('keydown', function (e) {
          if (e.key === 'Enter') sortBy(table, col, th);
        });
      })(ths[i], i);
    }
    var box = table.parentNode.querySelector('.filter');
    if (box) {
      var input = box.querySelector('input'), count = box.querySelector('output');
      box.hidden = false;
      input.addEventListener('input', function () { filter(table, input.value, count); });
    }
  }
  var tables = document.querySelectorAll('table.data');
  for (var t = 0; t < tables.length; t++) setup(tables[t]);
})();
)";

std::string fmt_time(std::int64_t utc_ns) {
  return utc_ns == 0 ? std::string("\xe2\x80\x94") : platform::format_rfc3339_ns(utc_ns);
}

std::string severity_label(const Ctx& c, v1::Severity s) {
  switch (s) {
    case v1::SEVERITY_CRITICAL:
      return std::string(c.l("CRITICAL", "緊急"));
    case v1::SEVERITY_HIGH:
      return std::string(c.l("HIGH", "高"));
    case v1::SEVERITY_MEDIUM:
      return std::string(c.l("MEDIUM", "中"));
    case v1::SEVERITY_LOW:
      return std::string(c.l("LOW", "低"));
    case v1::SEVERITY_INFO:
      return std::string(c.l("INFO", "情報"));
    default:
      return std::string(c.l("UNRATED", "未評価"));
  }
}

int severity_rank(v1::Severity s) {
  int v = static_cast<int>(s);
  return v >= 0 && v <= 5 ? v : 0;
}

std::string badge(const Ctx& c, v1::Severity s) {
  return "<span class=\"badge sev-" + std::to_string(severity_rank(s)) + "\">" +
         html_plain(severity_label(c, s)) + "</span>";
}

void kv(std::string& out, std::string_view label, const std::string& value_html) {
  out += "<tr><th>";
  out += html_plain(label);
  out += "</th><td>";
  out += value_html;
  out += "</td></tr>\n";
}

std::string text(const Ctx& c, std::string_view raw) {
  std::string s;
  append_text_capped(s, raw, c.limits.cell_bytes);
  return s;
}

std::string hex_html(std::string_view raw) {
  return raw.empty() ? std::string("\xe2\x80\x94")
                     : "<span class=\"mono\">" + platform::to_hex(raw) + "</span>";
}

// ---- page sections -----------------------------------------------------------------------------

void render_head(std::string& out, const Ctx& c) {
  out += "<!DOCTYPE html>\n<html lang=\"";
  out += c.lang == Lang::kJa ? "ja" : "en";
  out += "\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Before any host value: nothing but our one script, our inline style and fragment links.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src " +
      script_hash_source() + "; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  out += html_plain(c.l("hozen triage report", "hozen トリアージレポート"));
  if (c.in.header) {
    out += " \xe2\x80\x94 ";
    out += html_attr(c.in.header->host().hostname().substr(0, 256));  // RCDATA: no markup
  }
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n";
}

void render_nav(std::string& out, const Ctx& c) {
  out += "<nav><ol>";
  const std::pair<std::string_view, std::pair<std::string_view, std::string_view>> items[] = {
      {"verification", {"Verification and chain of custody", "検証と証拠保全の記録"}},
      {"findings", {"Findings by checklist item", "チェックリスト項目別の所見"}},
      {"s-processes", {"Processes", "プロセス"}},
      {"s-network", {"Sockets and listening ports", "ソケットと待ち受けポート"}},
      {"s-sessions", {"Sessions", "セッション"}},
      {"s-users", {"Users and sudoers", "ユーザと sudoers"}},
      {"s-logins", {"Logins and authentication", "ログインと認証"}},
      {"s-services", {"Services", "サービス"}},
      {"s-tasks", {"Scheduled tasks", "タスク"}},
      {"s-persistence", {"Persistence", "永続化"}},
      {"s-kernel", {"Kernel modules", "カーネルモジュール"}},
      {"s-files", {"File sweep", "ファイル調査"}},
      {"s-packages", {"Packages", "パッケージ"}},
      {"timeline", {"Timeline", "タイムライン"}},
      {"evidence", {"Other evidence", "その他の証拠"}},
  };
  for (const auto& [id, labels] : items) {
    out += "<li><a href=\"#";
    out += id;
    out += "\">";
    out += html_plain(c.l(labels.first, labels.second));
    out += "</a></li>";
  }
  out += "</ol></nav>\n";
}

void render_banner(std::string& out, const Ctx& c) {
  const auto& v = c.in.verification;
  std::string cls = "bad";
  std::string_view head;
  switch (v.level) {
    case VerifyLevel::kComplete:
      cls = "ok";
      head = c.l("VERIFIED: COMPLETE", "検証済み: 完全");
      break;
    case VerifyLevel::kIncomplete:
      cls = "warn";
      head = c.l("VERIFIED, BUT THE COLLECTION WAS CUT SHORT", "検証済み (ただし収集は途中で終了)");
      break;
    case VerifyLevel::kPrefix:
      head = c.l("VERIFIED PREFIX ONLY: NO TRAILER", "先頭部分のみ検証済み: トレーラなし");
      break;
    case VerifyLevel::kBroken:
      head = c.l("BROKEN: THE BUNDLE IS DAMAGED OR TAMPERED WITH",
                 "破損: バンドルが損傷または改ざんされています");
      break;
    case VerifyLevel::kBadSignature:
      head = c.l("BAD SIGNATURE", "署名が不正です");
      break;
    case VerifyLevel::kUnknownKey:
      head = c.l("UNKNOWN KEY: NOT SIGNED BY THE EXPECTED KEY",
                 "不明な鍵: 指定された鍵で署名されていません");
      break;
    case VerifyLevel::kReadError:
      head = c.l("READ ERROR", "読み取りエラー");
      break;
  }
  out += "<div class=\"banner " + cls + "\" id=\"status\">" + html_plain(head) + "<small>" +
         html_text(v.status_text) + "</small></div>\n";
  if (v.unverified_records > 0) {
    out += "<p class=\"alert\">";
    if (v.unverified_included) {
      out += html_plain(
          c.l("Records not covered by a valid signature are included and marked "
              "UNVERIFIED: ",
              "有効な署名で保護されていないレコードを含めています (UNVERIFIED と表示): "));
    } else {
      out +=
          html_plain(c.l("Records not covered by a valid signature are left out of this report "
                         "(--include-unverified shows them, marked): ",
                         "有効な署名で保護されていないレコードはこのレポートから除外しています "
                         "(--include-unverified で表示できます): "));
    }
    out += std::to_string(v.unverified_records) + "</p>\n";
  }
  if (!v.key_pinned && v.level != VerifyLevel::kUnknownKey) {
    out += "<p class=\"note\">";
    out += html_plain(
        c.l("No expected signer was given (--key/--fingerprint): the signatures prove "
            "integrity, not who signed. Compare the signer fingerprint below with the "
            "one noted at collection.",
            "署名者が指定されていません (--key/--fingerprint)。署名は完全性を証明しますが、"
            "署名者は証明しません。下の署名者フィンガープリントを収集時に控えた値と照合してください"
            "。"));
    out += "</p>\n";
  }
}

void render_collector_runs(std::string& out, const Ctx& c) {
  if (!c.in.trailer || c.in.trailer->collector_runs_size() == 0) return;
  detail::TableSpec t;
  t.id = "t-collector-runs";
  t.record_rows = false;
  t.title = c.l("Collector runs", "コレクタの実行結果");
  t.headers = {std::string(c.l("Collector", "コレクタ")),     std::string(c.l("Status", "状態")),
               std::string(c.l("Records", "レコード数")),     std::string(c.l("Anomalies", "異常")),
               std::string(c.l("Start (UTC)", "開始 (UTC)")), std::string(c.l("Detail", "詳細"))};
  for (const auto& r : c.in.trailer->collector_runs()) {
    detail::Row row;
    row.index = 0;
    row.flagged = r.status() != v1::RUN_OK && r.status() != v1::RUN_SKIPPED;
    row.cells = {
        detail::cell_text(c, r.collector_id()), detail::cell_ours(v1::RunStatus_Name(r.status())),
        detail::cell_unum(r.records_emitted()), detail::cell_unum(r.anomalies()),
        detail::cell_time(r.start_utc_ns()),    detail::cell_text(c, r.status_detail())};
    t.rows.push_back(std::move(row));
  }
  t.seen = t.rows.size();
  detail::render_table(out, c, t);
}

void render_custody(std::string& out, const Ctx& c) {
  const auto& v = c.in.verification;
  out += "<section id=\"verification\"><h2>";
  out += html_plain(c.l("Verification and chain of custody", "検証と証拠保全の記録"));
  out += "</h2>\n<table class=\"kv\">\n";
  kv(out, c.l("Bundle file", "バンドルファイル"),
     text(c, v.file) + " (" + std::to_string(v.file_bytes) + " bytes)");
  kv(out, c.l("Verification", "検証結果"), html_text(v.status_text));
  kv(out, c.l("Records", "レコード"),
     std::to_string(v.verified_records) + " " + html_plain(c.l("verified", "件検証済み")) + ", " +
         std::to_string(v.unverified_records) + " " +
         html_plain(c.l("not covered by a signature", "件は署名の範囲外")) + " (" +
         std::to_string(v.verified_records + v.unverified_records) + " " +
         html_plain(c.l("in total", "件中")) + ")");
  std::string signer = v.signer_fingerprint.empty()
                           ? std::string("\xe2\x80\x94")
                           : "<span class=\"mono\">" + html_text(v.signer_fingerprint) + "</span>";
  if (c.in.header && c.in.header->ephemeral_key()) {
    signer += " " + html_plain(c.l("(per-run key)", "(実行ごとの鍵)"));
  }
  if (v.key_pinned)
    signer += " " + html_plain(c.l("(matches the expected key)", "(指定された鍵と一致)"));
  kv(out, c.l("Signer fingerprint", "署名者フィンガープリント"), signer);
  kv(out, c.l("Bundle id", "バンドル ID"),
     "<span class=\"mono\">" + html_text(v.bundle_id_hex) + "</span>");
  kv(out, c.l("Chain head", "ハッシュチェーン末尾"),
     v.chain_head_hex.empty() ? html_plain(c.l("(no valid trailer)", "(有効なトレーラなし)"))
                              : "<span class=\"mono\">" + html_text(v.chain_head_hex) + "</span>");
  if (c.in.header) {
    const auto& h = *c.in.header;
    const auto& inv = h.invocation();
    const auto& host = h.host();
    const auto& tool = h.tool();
    kv(out, c.l("Case id", "事案 ID"), text(c, inv.case_id()));
    kv(out, c.l("Examiner", "調査担当者"), text(c, inv.examiner()));
    kv(out, c.l("Evidence id", "証拠品 ID"), text(c, inv.evidence_id()));
    if (!inv.notes().empty()) kv(out, c.l("Notes", "メモ"), text(c, inv.notes()));
    kv(out, c.l("Host name", "ホスト名"), text(c, host.hostname()));
    kv(out, "machine-id", "<span class=\"mono\">" + text(c, host.machine_id()) + "</span>");
    kv(out, "boot id", "<span class=\"mono\">" + text(c, host.boot_id()) + "</span>");
    kv(out, c.l("Kernel", "カーネル"),
       text(c, host.kernel_name()) + " " + text(c, host.kernel_release()) + " " +
           text(c, host.kernel_version()) + " " + text(c, host.machine()));
    if (!host.product_name().empty() || !host.product_serial().empty() ||
        !host.product_uuid().empty()) {
      kv(out, c.l("Hardware", "ハードウェア"),
         text(c, host.product_name()) + " serial " + text(c, host.product_serial()) + " uuid " +
             text(c, host.product_uuid()));
    }
    std::string ifs;
    for (const auto& i : host.interfaces()) {
      ifs += "<span class=\"item\">" + text(c, i.name()) + " " + platform::to_hex(i.mac());
      for (const auto& a : i.addresses()) ifs += " " + text(c, a);
      ifs += "</span>";
    }
    kv(out, c.l("Interfaces", "インタフェース"), ifs);
    kv(out, c.l("Time zone", "タイムゾーン"),
       "TZ=" + text(c, host.tz_env()) + " localtime\xe2\x86\x92" +
           text(c, host.localtime_target()) + " timezone=" + text(c, host.timezone_file()));
    kv(out, c.l("Collection started (UTC)", "収集開始 (UTC)"),
       fmt_time(h.clocks().realtime_ns()) + " " +
           html_plain(h.clocks().ntp_synchronized()
                          ? c.l("(NTP synchronized)", "(NTP 同期済み)")
                          : c.l("(NTP NOT synchronized)", "(NTP 未同期)")));
    if (c.in.trailer) {
      kv(out, c.l("Collection ended (UTC)", "収集終了 (UTC)"),
         fmt_time(c.in.trailer->end_utc_ns()) + " (" +
             html_plain(v1::TrailerReason_Name(c.in.trailer->reason())) + ", " +
             std::to_string(c.in.trailer->record_count()) + " records, " +
             std::to_string(c.in.trailer->records_dropped()) + " dropped)");
    }
    kv(out, c.l("Tool", "ツール"),
       text(c, tool.name()) + " " + text(c, tool.version()) + " commit " +
           text(c, tool.git_commit()) + " (" + text(c, tool.build_type()) +
           (tool.statically_linked() ? ", static" : ", dynamic") + ")");
    kv(out, c.l("Tool binary SHA-256", "ツール実行ファイルの SHA-256"),
       (tool.executable_sha256().empty() ? html_plain(c.l("(not recorded)", "(記録なし)"))
                                         : hex_html(tool.executable_sha256())) +
           " " + text(c, tool.executable_path()));
    kv(out, c.l("Command line", "コマンドライン"), detail::cell_list(c, inv.argv()).html);
    kv(out, c.l("Configuration SHA-256", "設定の SHA-256"), hex_html(inv.config_sha256()));
    char caps[32];
    std::snprintf(caps, sizeof caps, "%016llx",
                  static_cast<unsigned long long>(h.credentials().cap_effective()));
    kv(out, c.l("Collector credentials", "収集時の権限"),
       "uid " + std::to_string(h.credentials().uid()) + " euid " +
           std::to_string(h.credentials().euid()) + " CapEff " + caps);
  } else {
    out += "<tr><td colspan=\"2\" class=\"alert\">";
    out += html_plain(c.l("The header did not verify: no provenance can be shown.",
                          "ヘッダが検証できないため、収集元の情報は表示できません。"));
    out += "</td></tr>\n";
  }
  if (!c.in.tool_version.empty() || c.in.generated_utc_ns != 0) {
    kv(out, c.l("Report", "レポート"),
       html_plain(c.l("generated ", "作成 ")) + fmt_time(c.in.generated_utc_ns) + " hozen " +
           html_text(c.in.tool_version));
  }
  out += "</table>\n";
  render_collector_runs(out, c);
  out += "</section>\n";
}

// ---- findings
// ------------------------------------------------------------------------------------

const std::string& pick(const Ctx& c, const std::string& en, const std::string& ja) {
  if (c.lang == Lang::kJa) return ja.empty() ? en : ja;
  return en.empty() ? ja : en;
}

void render_finding(std::string& out, const Ctx& c, const v1::Finding& f, std::size_t pos) {
  out += "<li class=\"finding\" id=\"f" + std::to_string(pos) + "\">";
  out += badge(c, f.severity());
  out += " <b>";
  out += text(c, pick(c, f.title_en(), f.title_ja()));
  out += "</b> <span class=\"mono note\">";
  out += text(c, f.rule_id());
  out += "</span>";
  if (!f.summary().empty()) out += "<div class=\"summary mono\">" + text(c, f.summary()) + "</div>";
  const std::string& expl = pick(c, f.explanation_en(), f.explanation_ja());
  if (!expl.empty()) {
    out += "<div class=\"expl\">";
    append_text_capped(out, expl, c.limits.finding_text_bytes);
    out += "</div>";
  }
  out += "<div class=\"note\">";
  if (f.event_utc_ns() != 0)
    out += html_plain(c.l("When: ", "日時: ")) + fmt_time(f.event_utc_ns()) + " ";
  if (!f.subject().empty()) out += html_plain(c.l("Subject: ", "対象: ")) + text(c, f.subject());
  out += "</div>";
  if (f.indicators_size() > 0) {
    out += "<div>" + html_plain(c.l("Indicators: ", "IOC: "));
    for (const auto& h : f.indicators()) {
      out += "<span class=\"item\">" + text(c, h.indicator()) + " (" + text(c, h.indicator_type()) +
             ", " + text(c, h.ioc_source()) + ") \xe2\x86\x92 " + text(c, h.matched_field()) +
             " = " + text(c, h.matched_value()) + "</span>";
    }
    out += "</div>";
  }
  if (f.evidence_size() > 0) {
    out += "<div>" + html_plain(c.l("Evidence: ", "根拠: "));
    std::size_t n = 0;
    for (const auto& e : f.evidence()) {
      if (n == c.limits.refs_per_finding) {
        out += "<span class=\"cut\">" + html_plain(c.l("and ", "ほか ")) +
               std::to_string(static_cast<std::size_t>(f.evidence_size()) - n) +
               html_plain(c.l(" more", " 件")) + "</span>";
        break;
      }
      out += "<span class=\"item\">" + detail::record_link(c, e.record_index()) + " " +
             text(c, e.record_type());
      if (!e.role().empty()) out += " (" + text(c, e.role()) + ")";
      out += "</span>";
      ++n;
    }
    out += "</div>";
  }
  out += "</li>\n";
}

void render_findings_of(std::string& out, const Ctx& c, const std::vector<std::size_t>& positions) {
  std::vector<std::size_t> sorted = positions;
  std::stable_sort(sorted.begin(), sorted.end(), [&](std::size_t a, std::size_t b) {
    return severity_rank(c.in.findings[a].severity()) > severity_rank(c.in.findings[b].severity());
  });
  out += "<ol class=\"findings\">\n";
  std::size_t shown = 0;
  for (std::size_t pos : sorted) {
    if (shown == c.limits.findings_per_item) break;
    render_finding(out, c, c.in.findings[pos], pos);
    ++shown;
  }
  out += "</ol>\n";
  if (sorted.size() > shown) {
    out += "<p class=\"alert\">" + std::to_string(sorted.size() - shown) + " " +
           html_plain(c.l("more findings of this item are not shown (cap).",
                          "件の所見は上限のため表示していません。")) +
           "</p>\n";
  }
}

void render_severity_counts(std::string& out, const Ctx& c) {
  std::array<std::size_t, 6> counts{};
  for (const auto& f : c.in.findings)
    ++counts[static_cast<std::size_t>(severity_rank(f.severity()))];
  out += "<p>";
  for (int s = 5; s >= 0; --s) {
    if (counts[static_cast<std::size_t>(s)] == 0) continue;
    out += badge(c, static_cast<v1::Severity>(s)) + " " +
           std::to_string(counts[static_cast<std::size_t>(s)]) + " &nbsp; ";
  }
  out += html_plain(c.l("Total: ", "合計: ")) + std::to_string(c.in.findings.size());
  if (!c.in.findings_source.empty()) out += " (" + html_plain(c.in.findings_source) + ")";
  out += "</p>\n";
}

// Which rules and indicator files produced the findings (the bundle's analysis_summary).
void render_analysis(std::string& out, const Ctx& c) {
  if (!c.in.analysis) return;
  const auto& a = *c.in.analysis;
  out += "<p class=\"note\">" + html_plain(c.l("Analysis: rules of hozen ", "分析: hozen ")) +
         text(c, a.ruleset_version()) + html_plain(c.l("", " のルール")) + ", " +
         std::to_string(a.rules_run_size()) + html_plain(c.l(" rules run over ", " 件を ")) +
         std::to_string(a.records_analyzed()) + html_plain(c.l(" records", " 件のレコードに適用"));
  if (a.ioc_sources_size() == 0) {
    out += html_plain(c.l("; no indicator file", "、IOC ファイルなし"));
  }
  out += "</p>\n";
  if (a.ioc_sources_size() > 0) {
    out += "<ul class=\"note\">";
    int n = 0;
    for (const auto& src : a.ioc_sources()) {
      if (n++ == 64) break;
      out += "<li>" + html_plain(c.l("Indicator file ", "IOC ファイル ")) + text(c, src.name()) +
             " SHA-256 " + hex_html(src.sha256()) + ", " + std::to_string(src.indicators()) +
             html_plain(c.l(" indicators", " 件の指標")) + "</li>";
    }
    out += "</ul>\n";
  }
}

void render_findings(std::string& out, const Ctx& c) {
  out += "<section id=\"findings\"><h2>";
  out += html_plain(c.l("Findings by checklist item", "チェックリスト項目別の所見"));
  out += "</h2>\n";
  if (!c.in.analysis && c.in.findings.empty()) {
    out += "<p class=\"alert\">";
    out +=
        html_plain(c.l("This bundle holds no analysis results: \"no finding\" below means not "
                       "analysed, not clean.",
                       "このバンドルには分析結果がありません。以下の「所見なし」は未分析を意味し、"
                       "問題がないことを意味しません。"));
    out += "</p>\n";
  }
  if (c.in.findings_left_out > 0) {
    out += "<p class=\"alert\">" + std::to_string(c.in.findings_left_out) + " " +
           html_plain(c.l("findings were left out (cap; the least severe first).",
                          "件の所見を上限のため除外しました (重要度の低いものから)。")) +
           "</p>\n";
  }
  render_severity_counts(out, c);
  render_analysis(out, c);

  std::map<std::string, std::vector<std::size_t>> by_item;
  std::vector<std::size_t> other;
  for (std::size_t i = 0; i < c.in.findings.size(); ++i) {
    const auto& id = c.in.findings[i].checklist_id();
    if (find_checklist_item(id) != nullptr) {
      by_item[id].push_back(i);
    } else {
      other.push_back(i);
    }
  }
  std::string_view group;
  for (const auto& item : checklist()) {
    std::string_view g = c.l(item.group_en, item.group_ja);
    if (g != group) {
      out += "<h3>" + html_plain(g) + "</h3>\n";
      group = g;
    }
    auto it = by_item.find(std::string(item.id));
    std::size_t n = it == by_item.end() ? 0 : it->second.size();
    out += "<div class=\"check\" id=\"c-" + std::string(item.id) + "\"><h4><span class=\"cid\">" +
           std::string(item.id) + "</span> " + html_plain(c.l(item.title_en, item.title_ja));
    out += n > 0 ? " <span class=\"note\">(" + std::to_string(n) + ")</span>" : std::string();
    out += "</h4>\n";
    std::string_view note = c.l(item.note_en, item.note_ja);
    if (!note.empty()) out += "<p class=\"note\">" + html_plain(note) + "</p>\n";
    if (n == 0) {
      out += "<p class=\"none\">" + html_plain(c.l("No finding", "所見なし")) + "</p>\n";
    } else {
      render_findings_of(out, c, it->second);
    }
    out += "</div>\n";
  }
  if (!other.empty()) {
    out += "<h3>" +
           html_plain(c.l("Other findings (no known checklist id)",
                          "その他の所見 (不明なチェックリスト ID)")) +
           "</h3>\n<div class=\"check\" id=\"c-other\">\n";
    render_findings_of(out, c, other);
    out += "</div>\n";
  }
  out += "</section>\n";
}

// ---- timeline --------------------------------------------------------------------------------

std::string_view event_label(const Ctx& c, EventKind k) {
  switch (k) {
    case EventKind::kProcessStart:
      return c.l("process start", "プロセス開始");
    case EventKind::kLogin:
      return c.l("login", "ログイン");
    case EventKind::kLoginFailed:
      return c.l("failed login", "ログイン失敗");
    case EventKind::kLoginOther:
      return c.l("login record", "ログイン記録");
    case EventKind::kSession:
      return c.l("session", "セッション");
    case EventKind::kAuthEvent:
      return c.l("authentication", "認証");
    case EventKind::kFileModified:
      return c.l("file modified (mtime)", "ファイル更新 (mtime)");
    case EventKind::kFileChanged:
      return c.l("file changed (ctime)", "ファイル変更 (ctime)");
    case EventKind::kFileBorn:
      return c.l("file created (btime)", "ファイル作成 (btime)");
    case EventKind::kFinding:
      return c.l("finding", "所見");
  }
  return "";
}

void render_timeline(std::string& out, const Ctx& c) {
  std::vector<TimelineEvent> events;
  std::uint64_t left_out = 0;
  if (c.in.records != nullptr) {
    events = c.in.records->timeline();
    left_out = c.in.records->timeline_left_out();
  }
  for (std::size_t i = 0; i < c.in.findings.size(); ++i) {
    const auto& f = c.in.findings[i];
    if (f.event_utc_ns() == 0) continue;
    TimelineEvent e;
    e.utc_ns = f.event_utc_ns();
    e.kind = EventKind::kFinding;
    e.text = f.summary().empty() ? pick(c, f.title_en(), f.title_ja()) : f.summary();
    e.finding = i;
    events.push_back(std::move(e));
  }
  std::stable_sort(
      events.begin(), events.end(),
      [](const TimelineEvent& a, const TimelineEvent& b) { return a.utc_ns < b.utc_ns; });
  detail::TableSpec t;
  t.id = "t-timeline";
  t.record_rows = false;
  t.title = c.l("Events (UTC)", "イベント (UTC)");
  t.headers = {std::string(c.l("Time (UTC)", "日時 (UTC)")), std::string(c.l("Event", "種別")),
               std::string(c.l("What", "内容")), std::string(c.l("Record", "レコード"))};
  for (const auto& e : events) {
    detail::Row row;
    row.index = e.record_index;
    row.verified = e.verified;
    row.flagged = e.kind == EventKind::kFinding;
    Cell what = detail::cell_text(c, e.text);
    Cell link;
    if (e.kind == EventKind::kFinding) {
      link.html = "<a href=\"#f" + std::to_string(e.finding) + "\">" +
                  badge(c, c.in.findings[e.finding].severity()) + "</a>";
    } else if (e.has_record) {
      link.html = detail::record_link(c, e.record_index);
      link.sort_key = std::to_string(e.record_index);
    }
    Cell kind = detail::cell_ours(event_label(c, e.kind));
    if (e.failure) kind.html = "<b>" + kind.html + "</b>";
    row.cells = {detail::cell_time(e.utc_ns), std::move(kind), std::move(what), std::move(link)};
    t.rows.push_back(std::move(row));
  }
  t.seen = events.size() + left_out;
  t.left_out = left_out;
  t.note =
      c.l("Process starts, logins, authentication events, times of flagged files and findings. "
          "When over the cap, the latest events are kept.",
          "プロセス開始、ログイン、認証イベント、フラグ付きファイルの時刻、所見。上限を超えた場合は"
          "新しいものを残します。");
  out += "<section id=\"timeline\"><h2>" + html_plain(c.l("Timeline", "タイムライン")) + "</h2>\n";
  detail::render_table(out, c, t);
  out += "</section>\n";
}

// ---- other evidence -----------------------------------------------------------------------------

void render_other_evidence(std::string& out, const Ctx& c) {
  out += "<section id=\"evidence\"><h2>" + html_plain(c.l("Other evidence", "その他の証拠")) +
         "</h2>\n";
  out += "<p class=\"note\">" +
         html_plain(c.l("Records cited by findings that have no table above (export JSON form).",
                        "所見が参照しているが上の表にないレコード (エクスポートの JSON 形式)。")) +
         "</p>\n";
  if (c.in.records != nullptr) {
    for (const auto& ev : c.in.records->other_evidence()) {
      out += "<div class=\"ev\" id=\"r" + std::to_string(ev.index) + "\"><b>#" +
             std::to_string(ev.index) + " " + html_text(ev.type) + "</b>";
      if (!ev.verified) out += " <span class=\"badge unv-badge\">UNVERIFIED</span>";
      out += "<pre>" + html_text(ev.json);
      if (ev.json_truncated) out += "<span class=\"cut\">\xe2\x80\xa6</span>";
      out += "</pre></div>\n";
    }
    if (c.in.records->other_evidence_left_out() > 0) {
      out += "<p class=\"alert\">" + std::to_string(c.in.records->other_evidence_left_out()) + " " +
             html_plain(c.l("more cited records not shown (cap).",
                            "件の参照レコードは上限のため表示していません。")) +
             "</p>\n";
    }
  }
  out += "</section>\n";
}

void render_script(std::string& out) {
  out += "<script>";
  out += kScript;
  out += "</script>\n";
}

}  // namespace

const std::string& report_script() {
  static const std::string s(kScript);
  return s;
}

std::string script_hash_source() {
  auto digest = platform::Sha256::of(report_script());
  return "'sha256-" + exporter::base64(platform::as_bytes(digest)) + "'";
}

std::string render_html(const ReportInput& in, Lang lang) {
  Ctx c{in, lang, in.records != nullptr ? in.records->limits() : Limits{}, {}};
  for (std::size_t i = 0; i < in.findings.size(); ++i) {
    std::size_t n = 0;
    for (const auto& e : in.findings[i].evidence()) {
      if (n++ >= c.limits.refs_per_finding) break;
      auto& v = c.cited_by[e.record_index()];
      if (v.size() < 8) v.push_back(i);
    }
  }
  std::string out;
  render_head(out, c);
  out += "<h1>" + html_plain(c.l("hozen triage report", "hozen トリアージレポート")) + "</h1>\n";
  render_banner(out, c);
  render_nav(out, c);
  render_custody(out, c);
  render_findings(out, c);
  detail::render_artifacts(out, c);
  render_timeline(out, c);
  render_other_evidence(out, c);
  render_script(out);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace hozen::report
