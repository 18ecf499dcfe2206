// Indicator-of-compromise matching: each record's host values against the responder's list
// (ioc.h). One finding per record that matched, listing every indicator it matched and where.
#include <algorithm>

#include "agent/analysis/analyzer_state.h"
#include "agent/analysis/ioc.h"
#include "agent/analysis/patterns.h"
#include "platform/sha256.h"

namespace hozen::analysis {
namespace {

constexpr std::size_t kMaxHitsPerRecord = 32;  // also: evidence references kept per indicator
constexpr std::size_t kMaxTextBytes = 1u << 20;  // a preserved file scanned for indicators

class Hits {
 public:
  explicit Hits(const IndicatorSet& set) : set_(set) {}
  void add(const Indicator* i, std::string_view field, std::string_view value) {
    if (hits_.size() >= kMaxHitsPerRecord) return;
    for (const auto& h : hits_) {
      if (h.indicator() == i->value && h.matched_field() == field) return;
    }
    v1::IndicatorHit& h = hits_.emplace_back();
    h.set_indicator(i->value);
    h.set_indicator_type(ioc_type_name(i->type));
    h.set_ioc_source(i->source);
    h.set_matched_field(std::string(field));
    h.set_matched_value(std::string(value.substr(0, 240)));
  }
  void all(const std::vector<const Indicator*>& list, std::string_view field, std::string_view value) {
    for (const auto* i : list) add(i, field, value);
  }
  void text(std::string_view field, std::string_view text) {
    for (const auto& t : set_.scan_text(text)) add(t.indicator, field, t.matched);
  }
  const IndicatorSet& set() const { return set_; }
  bool empty() const { return hits_.empty(); }
  std::vector<v1::IndicatorHit>& hits() { return hits_; }

 private:
  const IndicatorSet& set_;
  std::vector<v1::IndicatorHit> hits_;
};

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& v) {
  std::string out;
  for (const auto& a : v) {
    if (out.size() > (64u << 10)) break;
    out += (out.empty() ? "" : " ") + a;
  }
  return out;
}

// The checklist item a match answers, by what matched.
std::string_view checklist_for(const v1::Record& r) {
  switch (r.body_case()) {
    case v1::Record::kSocket:
    case v1::Record::kPreservedFile: return "C1";
    case v1::Record::kProcess: return "H1";
    case v1::Record::kFileEntry: return "H4";
    case v1::Record::kCronEntry:
    case v1::Record::kSystemdTimer:
    case v1::Record::kAtJob: return "H3";
    case v1::Record::kSystemdUnit:
    case v1::Record::kRcLocal:
    case v1::Record::kPersistenceEntry: return "H1";
    case v1::Record::kUserAccount:
    case v1::Record::kAuthEvent:
    case v1::Record::kLoginRecord: return "A2";
    default: return "C1";
  }
}

void socket_hits(Hits& h, const v1::Socket& k) {
  h.all(h.set().match_ip(k.remote_address()), "socket.remote_address", k.remote_address());
  h.all(h.set().match_ip(k.local_address()), "socket.local_address", k.local_address());
  if (k.classification() == v1::LISTENING) {
    h.all(h.set().match_port(k.local_port()), "socket.local_port", std::to_string(k.local_port()));
  } else if (k.remote_port() != 0) {
    h.all(h.set().match_port(k.remote_port()), "socket.remote_port", std::to_string(k.remote_port()));
  }
}

void process_hits(Hits& h, const v1::Process& p) {
  h.all(h.set().match_process(p.comm()), "process.comm", p.comm());
  if (p.argv_size() > 0) {
    auto arg0 = base_name(p.argv(0));
    h.all(h.set().match_process(arg0), "process.argv[0]", arg0);
  }
  auto exe = without_deleted_suffix(p.exe_path());
  h.all(h.set().match_file(exe), "process.exe_path", exe);
  if (!p.exe_sha256().empty()) h.all(h.set().match_hash(p.exe_sha256()), "process.exe_sha256", platform::to_hex(p.exe_sha256()));
  if (!p.exe_md5().empty()) h.all(h.set().match_hash(p.exe_md5()), "process.exe_md5", platform::to_hex(p.exe_md5()));
  if (!p.exe_sha1().empty()) h.all(h.set().match_hash(p.exe_sha1()), "process.exe_sha1", platform::to_hex(p.exe_sha1()));
  h.text("process.argv", joined(p.argv()));
  h.text("process.environ", joined(p.environ()));
}

void file_hits(Hits& h, const v1::FileEntry& f) {
  h.all(h.set().match_file(f.path()), "file_entry.path", f.path());
  if (!f.sha256().empty()) h.all(h.set().match_hash(f.sha256()), "file_entry.sha256", platform::to_hex(f.sha256()));
  if (!f.md5().empty()) h.all(h.set().match_hash(f.md5()), "file_entry.md5", platform::to_hex(f.md5()));
  if (!f.sha1().empty()) h.all(h.set().match_hash(f.sha1()), "file_entry.sha1", platform::to_hex(f.sha1()));
}

// Hosts file, resolver configuration, shell history and every other preserved file: its name,
// its digest, and the indicators its text mentions, line by line.
void preserved_hits(Hits& h, const v1::PreservedFile& f) {
  h.all(h.set().match_file(f.path()), "preserved_file.path", f.path());
  if (!f.sha256().empty()) h.all(h.set().match_hash(f.sha256()), "preserved_file.sha256", platform::to_hex(f.sha256()));
  std::string_view text(f.raw());
  text = text.substr(0, std::min(text.size(), kMaxTextBytes));
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.front() != '#') h.text("preserved_file.raw", line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

void task_hits(Hits& h, const v1::Record& r) {
  switch (r.body_case()) {
    case v1::Record::kCronEntry: h.text("cron_entry.command", r.cron_entry().command()); break;
    case v1::Record::kSystemdTimer:
      for (const auto& e : r.systemd_timer().exec()) h.text("systemd_timer.exec", e.raw());
      break;
    case v1::Record::kSystemdUnit:
      for (const auto& e : r.systemd_unit().exec()) {
        h.text("systemd_unit.exec", e.raw());
        if (e.argv_size() > 0) h.all(h.set().match_file(e.argv(0)), "systemd_unit.exec", e.argv(0));
      }
      break;
    case v1::Record::kAtJob:
      for (const auto& c : r.at_job().commands()) h.text("at_job.command", c.text());
      break;
    case v1::Record::kRcLocal:
      for (const auto& c : r.rc_local().commands()) h.text("rc_local.command", c.text());
      break;
    case v1::Record::kPersistenceEntry:
      h.text("persistence_entry.raw", r.persistence_entry().raw());
      if (!r.persistence_entry().command().empty()) {
        h.all(h.set().match_file(r.persistence_entry().command()), "persistence_entry.command", r.persistence_entry().command());
      }
      break;
    default:
      break;
  }
}

void account_hits(Hits& h, const v1::Record& r) {
  switch (r.body_case()) {
    case v1::Record::kUserAccount: h.all(h.set().match_user(r.user_account().name()), "user_account.name", r.user_account().name()); break;
    case v1::Record::kAuthEvent: {
      const auto& e = r.auth_event();
      h.all(h.set().match_user(e.user()), "auth_event.user", e.user());
      h.all(h.set().match_user(e.target_user()), "auth_event.target_user", e.target_user());
      h.all(h.set().match_ip(e.source_address()), "auth_event.source_address", e.source_address());
      h.all(h.set().match_domain(e.source_address()), "auth_event.source_address", e.source_address());
      h.text("auth_event.command", e.command());
      break;
    }
    case v1::Record::kLoginRecord: {
      const auto& l = r.login_record();
      h.all(h.set().match_user(l.user()), "login_record.user", l.user());
      h.all(h.set().match_ip(l.address()), "login_record.address", l.address());
      h.all(h.set().match_ip(l.host()), "login_record.host", l.host());
      h.all(h.set().match_domain(l.host()), "login_record.host", l.host());
      break;
    }
    default:
      break;
  }
}

}  // namespace

void match_indicators(Analyzer::State& s, const v1::Record& r) {
  Hits h(*s.opt.iocs);
  std::string_view type;
  switch (r.body_case()) {
    case v1::Record::kSocket: socket_hits(h, r.socket()); type = "socket"; break;
    case v1::Record::kProcess: process_hits(h, r.process()); type = "process"; break;
    case v1::Record::kFileEntry: file_hits(h, r.file_entry()); type = "file_entry"; break;
    case v1::Record::kPreservedFile: preserved_hits(h, r.preserved_file()); type = "preserved_file"; break;
    case v1::Record::kCronEntry: type = "cron_entry"; task_hits(h, r); break;
    case v1::Record::kSystemdTimer: type = "systemd_timer"; task_hits(h, r); break;
    case v1::Record::kSystemdUnit: type = "systemd_unit"; task_hits(h, r); break;
    case v1::Record::kAtJob: type = "at_job"; task_hits(h, r); break;
    case v1::Record::kRcLocal: type = "rc_local"; task_hits(h, r); break;
    case v1::Record::kPersistenceEntry: type = "persistence_entry"; task_hits(h, r); break;
    case v1::Record::kUserAccount: type = "user_account"; account_hits(h, r); break;
    case v1::Record::kAuthEvent: type = "auth_event"; account_hits(h, r); break;
    case v1::Record::kLoginRecord: type = "login_record"; account_hits(h, r); break;
    default: return;
  }
  if (h.empty()) return;
  std::int64_t when = 0;
  if (r.has_process()) when = r.process().start_utc_ns();
  if (r.has_auth_event()) when = r.auth_event().time_utc_ns();
  if (r.has_login_record()) when = r.login_record().time_utc_ns();
  if (r.has_file_entry()) when = r.file_entry().mtime_utc_ns();
  for (auto& hit : h.hits()) {
    auto& g = s.ioc_groups[{hit.indicator_type() + " " + hit.indicator(), std::string(type)}];
    v1::Finding& f = g.finding;
    if (g.records == 0) {
      f.set_checklist_id(std::string(checklist_for(r)));
      f.set_subject(hit.indicator());
      f.set_event_utc_ns(when);
    }
    ++g.records;
    if (f.evidence_size() < static_cast<int>(kMaxHitsPerRecord)) {
      auto* e = f.add_evidence();
      e->set_record_index(r.index());
      e->set_record_type(std::string(type));
      e->set_role("matched");
    }
    if (f.indicators_size() < 8) *f.add_indicators() = std::move(hit);
  }
}

void indicator_findings(Analyzer::State& s) {
  for (auto& [key, g] : s.ioc_groups) {
    const auto& [indicator, type] = key;
    const auto& first = g.finding.indicators(0);
    std::string summary = indicator + " (" + first.ioc_source() + ") matched " + std::to_string(g.records) + " " + type +
                          " record(s); first in " + first.matched_field() + ": " + first.matched_value();
    auto& f = s.add("IOC-MATCH", v1::SEVERITY_UNSPECIFIED, std::move(summary), g.finding.subject(), g.finding.event_utc_ns(), {});
    f.set_checklist_id(g.finding.checklist_id());
    *f.mutable_evidence() = std::move(*g.finding.mutable_evidence());
    *f.mutable_indicators() = std::move(*g.finding.mutable_indicators());
  }
  s.ioc_groups.clear();
}

}  // namespace hozen::analysis
