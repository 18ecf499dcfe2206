// Internal pieces of the HTML renderer shared by html.cpp (page, custody, findings, timeline)
// and html_tables.cpp (artifact tables). Not part of the report's interface.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/report/html.h"
#include "agent/report/html_escape.h"

namespace hozen::report::detail {

// The context every section renders with.
struct Ctx {
  const ReportInput& in;
  Lang lang;
  Limits limits;
  // Record index -> positions in in.findings of the findings that cite it (first refs only).
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> cited_by;

  // Our own text in the chosen language (never host bytes).
  std::string_view l(std::string_view en, std::string_view ja) const {
    return lang == Lang::kJa ? ja : en;
  }
};

// One table cell: markup built only by the cell_* helpers (host bytes escaped there), and an
// optional numeric sort key for the inline script (data-k).
struct Cell {
  std::string html;
  std::string sort_key;
  bool mono = false;
};

struct Row {
  std::uint64_t index = 0;
  bool verified = true;
  bool flagged = false;  // priority 0: shown first, highlighted
  std::vector<Cell> cells;
};

struct TableSpec {
  std::string id;                    // anchor of the table ("t-process"); ours
  std::string title;                 // ours, already in the chosen language
  std::vector<std::string> headers;  // ours
  std::vector<Row> rows;
  std::uint64_t seen = 0;      // records of this kind in the bundle
  std::uint64_t left_out = 0;  // not shown (over the cap)
  std::string note;            // ours: how rows are chosen and ordered
  bool record_rows = true;     // rows are records: a "#" column and an anchor r<index>
};

Cell cell_text(const Ctx& c, std::string_view raw);  // host bytes, capped
Cell cell_mono(const Ctx& c, std::string_view raw);  // host bytes, fixed width
Cell cell_num(std::int64_t v);
Cell cell_unum(std::uint64_t v);
Cell cell_time(std::int64_t utc_ns);
Cell cell_hex(std::string_view raw_bytes);  // digests, ids
Cell cell_octal(std::uint32_t mode);
Cell cell_bool(const Ctx& c, bool v);
Cell cell_ours(std::string_view text);  // our own label

// Each element of a repeated bytes field apart in <span class="item">, never joined (capped
// count and bytes).
template <class Repeated>
Cell cell_list(const Ctx& c, const Repeated& items) {
  Cell cell;
  std::size_t n = 0;
  const std::size_t max_items = 64;
  std::size_t budget = c.limits.cell_bytes * 4;
  for (const auto& item : items) {
    if (n == max_items || budget == 0) {
      cell.html += "<span class=\"cut\">\xe2\x80\xa6 (+" +
                   std::to_string(static_cast<std::size_t>(items.size()) - n) + ")</span>";
      break;
    }
    cell.html += "<span class=\"item\">";
    std::size_t take = std::min<std::size_t>(budget, c.limits.cell_bytes);
    append_text_capped(cell.html, item, take);
    budget -= std::min<std::size_t>(budget, std::min<std::size_t>(item.size(), take) + 1);
    cell.html += "</span>";
    ++n;
  }
  return cell;
}

// Appends a table (or a sentence saying there is nothing of this kind) to `out`.
void render_table(std::string& out, const Ctx& c, const TableSpec& t);

// Appends every artifact section (processes ... packages).
void render_artifacts(std::string& out, const Ctx& c);

// "<a href="#r12">#12</a>" when the page has that record, else "#12" as text.
std::string record_link(const Ctx& c, std::uint64_t index);

}  // namespace hozen::report::detail
