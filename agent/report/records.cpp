#include "agent/report/records.h"

#include <algorithm>
#include <string_view>

#include "agent/analysis/patterns.h"
#include "agent/export/json.h"

namespace hozen::report {
namespace {

using BodyCase = v1::Record::BodyCase;

constexpr std::size_t kEventTextBytes = 512;  // timeline text kept per event
constexpr std::size_t kEvidencePerFinding = 200;
constexpr std::size_t kIndicatorsPerFinding = 10;
constexpr std::size_t kIndicatorFieldBytes = 256;
constexpr std::size_t kRefFieldBytes = 64;

void cap_bytes(std::string* s, std::size_t max) {
  if (s->size() > max) s->resize(max);
}

// A path in a temp directory, or with a hidden component: where implants like to sit. Only
// orders rows (shown first); the findings come from the analysis, not from here.
bool odd_path(std::string_view p) {
  return analysis::in_temp_dir(p) || p.find("/.") != std::string_view::npos;
}

// Which record types have a table, and how rows are ordered. -1: no table.
int priority_of(const v1::Record& r) {
  switch (r.body_case()) {
    case v1::Record::kProcess: {
      const auto& p = r.process();
      if (p.kernel_thread()) return 2;
      return p.exe_deleted() || odd_path(p.exe_path()) ? 0 : 1;
    }
    case v1::Record::kHiddenProcess:
      return r.hidden_process().collector_self() ? 1 : 0;
    case v1::Record::kSocket:
      switch (r.socket().classification()) {
        case v1::LISTENING:
          return 0;
        case v1::ESTABLISHED:
          return 1;
        default:
          return 2;
      }
    case v1::Record::kSession:
      return 1;
    case v1::Record::kUserAccount: {
      const auto& u = r.user_account();
      if (u.uid0_not_root() || u.password_state() == v1::PASSWORD_EMPTY || u.duplicate_uid())
        return 0;
      return u.shell_is_login() ? 1 : 2;
    }
    case v1::Record::kSudoersRule:
      return r.sudoers_rule().can_become_root() ? 0 : 1;
    case v1::Record::kLoginRecord:
      return r.login_record().log() == "btmp" ? 0 : 1;
    case v1::Record::kLastlogEntry:
      return 1;
    case v1::Record::kAuthEvent: {
      const auto& a = r.auth_event();
      return a.kind() == "sudo" || a.kind() == "su" || !a.success() ? 0 : 1;
    }
    case v1::Record::kSystemdUnit: {
      const auto& u = r.systemd_unit();
      for (const auto& e : u.exec()) {
        if (e.argv_size() > 0 && odd_path(e.argv(0))) return 0;
      }
      return u.state() == v1::UNIT_ENABLE_ENABLED || u.runtime() == v1::UNIT_RUNTIME_RUNNING ? 1
                                                                                             : 2;
    }
    case v1::Record::kInitScript:
      return 1;
    case v1::Record::kRcLocal:
      return 0;
    case v1::Record::kCronEntry:
      return r.cron_entry().line_kind() == v1::CRON_LINE_ENVIRONMENT ? 2 : 1;
    case v1::Record::kPeriodicScript:
      return 1;
    case v1::Record::kAtJob:
      return 0;
    case v1::Record::kSystemdTimer:
      return 1;
    case v1::Record::kPersistenceEntry:
      return r.persistence_entry().flags_size() > 0 ? 0 : 1;
    case v1::Record::kKernelModule: {
      const auto& m = r.kernel_module();
      return m.hidden_from_proc_modules() || !m.taint().empty() ? 0 : 1;
    }
    case v1::Record::kKernelTaint:
      return 0;
    case v1::Record::kFileEntry:
      return r.file_entry().flags_size() > 0 ? 0 : 1;
    case v1::Record::kSweepSummary:
      return 0;
    case v1::Record::kPackage:
      return 0;
    default:
      return -1;
  }
}

// Packages are a count: only those not fully installed get a row (and referenced ones).
bool admitted(const v1::Record& r) {
  if (r.has_package()) return r.package().not_fully_installed();
  return true;
}

bool prefers_late(BodyCase t) {
  return t == v1::Record::kLoginRecord || t == v1::Record::kAuthEvent ||
         t == v1::Record::kSession || t == v1::Record::kLastlogEntry;
}

// Fields no table shows and that can be large.
void strip_heavy(v1::Record& r) {
  if (r.has_process()) {
    r.mutable_process()->clear_environ();
    r.mutable_process()->clear_libraries();
  } else if (r.has_systemd_unit()) {
    r.mutable_systemd_unit()->clear_settings();
  } else if (r.has_package()) {
    r.mutable_package()->clear_conffiles();
  } else if (r.has_preserved_file()) {
    r.mutable_preserved_file()->clear_raw();
    r.mutable_preserved_file()->clear_extents();
  }
}

// Row order inside a table: lower priority first; then earlier (or, for logs, later) records.
struct RowBetter {
  bool prefer_late;
  bool operator()(const KeptRecord& a, const KeptRecord& b) const {
    if (a.priority != b.priority) return a.priority < b.priority;
    return prefer_late ? a.index > b.index : a.index < b.index;
  }
};

// Timeline heap: the oldest event on top.
bool event_newer(const TimelineEvent& a, const TimelineEvent& b) { return a.utc_ns > b.utc_ns; }

void append_capped(std::string& out, std::string_view s) {
  std::size_t room = kEventTextBytes > out.size() ? kEventTextBytes - out.size() : 0;
  out.append(s.substr(0, room));
}

}  // namespace

std::string body_type_name(BodyCase type) {
  const auto* f = v1::Record::descriptor()->FindFieldByNumber(static_cast<int>(type));
  return f != nullptr ? f->name() : std::string();
}

ReportRecords::ReportRecords(Limits limits, std::unordered_set<std::uint64_t> referenced)
    : limits_(limits), referenced_(std::move(referenced)) {}

ReportRecords::Table& ReportRecords::table_for(BodyCase type) {
  auto [it, inserted] = tables_.try_emplace(static_cast<int>(type));
  if (inserted) {
    it->second.cap = type == v1::Record::kFileEntry ? limits_.file_rows : limits_.rows_per_table;
    it->second.prefer_late = prefers_late(type);
  }
  return it->second;
}

void ReportRecords::add(const v1::Record& record, bool verified) {
  if (finished_) return;
  ++records_seen_;
  if (!verified) ++unverified_seen_;
  const BodyCase type = record.body_case();
  if (type == v1::Record::kFinding || type == v1::Record::kAnalysisSummary) return;
  add_timeline(record, verified);

  if (record.has_package() && package_versions_.size() < limits_.packages_tracked) {
    package_versions_.try_emplace(record.package().name(), record.package().version());
  }
  if (record.has_file_entry() && record.file_entry().package_check() == v1::PACKAGE_MD5_MISMATCH) {
    if (modified_.size() < limits_.rows_per_table) {
      modified_.push_back(
          {record.file_entry().package(), record.file_entry().path(), record.index()});
    } else {
      ++modified_left_out_;
    }
  }

  const int priority = priority_of(record);
  const bool is_referenced = referenced_.count(record.index()) > 0;
  if (priority < 0) {
    if (is_referenced) add_other(record, verified);
    return;
  }
  Table& t = table_for(type);
  ++t.seen;
  if (!is_referenced && !admitted(record)) return;
  KeptRecord kept{record.index(), verified, priority, record};
  strip_heavy(kept.record);
  if (is_referenced) {
    // Bounded by the referenced set, itself bounded by findings x refs per finding.
    referenced_.erase(record.index());  // a duplicate index in a hostile bundle is kept once
    t.referenced.push_back(std::move(kept));
    return;
  }
  if (t.cap == 0) return;
  RowBetter better{t.prefer_late};
  if (t.heap.size() >= t.cap) {
    // Full: the new row replaces the worst one only if it is better.
    if (!better(kept, t.heap.front())) return;
    std::pop_heap(t.heap.begin(), t.heap.end(), better);
    t.heap.back() = std::move(kept);
  } else {
    t.heap.push_back(std::move(kept));
  }
  std::push_heap(t.heap.begin(), t.heap.end(), better);
}

void ReportRecords::add_other(const v1::Record& record, bool verified) {
  referenced_.erase(record.index());
  if (other_.size() >= limits_.other_evidence) {
    ++other_left_out_;
    return;
  }
  v1::Record copy = record;
  strip_heavy(copy);
  OtherEvidence ev;
  ev.index = record.index();
  ev.verified = verified;
  ev.type = body_type_name(record.body_case());
  const auto* oneof = v1::Record::descriptor()->FindOneofByName("body");
  if (const auto* f = copy.GetReflection()->GetOneofFieldDescriptor(copy, oneof)) {
    ev.json = exporter::to_json(copy.GetReflection()->GetMessage(copy, f));
  }
  if (ev.json.size() > limits_.other_evidence_bytes) {
    ev.json.resize(limits_.other_evidence_bytes);
    ev.json_truncated = true;
  }
  other_.push_back(std::move(ev));
}

void ReportRecords::push_event(TimelineEvent event) {
  if (event.utc_ns == 0) return;
  ++timeline_seen_;
  if (limits_.timeline_events == 0) return;
  if (timeline_.size() >= limits_.timeline_events) {
    if (!event_newer(event, timeline_.front())) return;
    std::pop_heap(timeline_.begin(), timeline_.end(), event_newer);
    timeline_.back() = std::move(event);
  } else {
    timeline_.push_back(std::move(event));
  }
  std::push_heap(timeline_.begin(), timeline_.end(), event_newer);
}

void ReportRecords::add_timeline(const v1::Record& r, bool verified) {
  TimelineEvent e;
  e.record_index = r.index();
  e.has_record = true;
  e.verified = verified;
  switch (r.body_case()) {
    case v1::Record::kProcess: {
      const auto& p = r.process();
      if (p.kernel_thread()) return;
      e.utc_ns = p.start_utc_ns();
      e.kind = EventKind::kProcessStart;
      append_capped(e.text, "pid " + std::to_string(p.pid()) + " ");
      append_capped(e.text, p.comm());
      append_capped(e.text, " ");
      append_capped(e.text, p.exe_path());
      push_event(std::move(e));
      return;
    }
    case v1::Record::kLoginRecord: {
      const auto& l = r.login_record();
      e.utc_ns = l.time_utc_ns();
      if (l.log() == "btmp") {
        e.kind = EventKind::kLoginFailed;
        e.failure = true;
      } else {
        e.kind = l.entry_type() == "USER_PROCESS" ? EventKind::kLogin : EventKind::kLoginOther;
      }
      append_capped(e.text, l.entry_type());
      append_capped(e.text, " ");
      append_capped(e.text, l.user());
      append_capped(e.text, " ");
      append_capped(e.text, l.line());
      if (!l.host().empty()) {
        append_capped(e.text, " from ");
        append_capped(e.text, l.host());
      }
      push_event(std::move(e));
      return;
    }
    case v1::Record::kSession: {
      const auto& s = r.session();
      if (s.entry_type() != "USER_PROCESS") return;
      e.utc_ns = s.time_utc_ns();
      e.kind = EventKind::kSession;
      append_capped(e.text, s.user());
      append_capped(e.text, " ");
      append_capped(e.text, s.line());
      if (!s.host().empty()) {
        append_capped(e.text, " from ");
        append_capped(e.text, s.host());
      }
      push_event(std::move(e));
      return;
    }
    case v1::Record::kAuthEvent: {
      const auto& a = r.auth_event();
      e.utc_ns = a.time_utc_ns();
      e.kind = EventKind::kAuthEvent;
      e.failure = !a.success();
      append_capped(e.text, a.kind());
      append_capped(e.text, a.success() ? " ok " : " FAILED ");
      append_capped(e.text, a.user());
      if (!a.target_user().empty()) {
        append_capped(e.text, " -> ");
        append_capped(e.text, a.target_user());
      }
      if (!a.tty().empty()) {
        append_capped(e.text, " tty ");
        append_capped(e.text, a.tty());
      }
      if (!a.source_address().empty()) {
        append_capped(e.text, " from ");
        append_capped(e.text, a.source_address());
      }
      if (!a.command().empty()) {
        append_capped(e.text, " : ");
        append_capped(e.text, a.command());
      }
      push_event(std::move(e));
      return;
    }
    case v1::Record::kFileEntry: {
      const auto& f = r.file_entry();
      if (f.flags_size() == 0) return;
      e.text = f.path().substr(0, kEventTextBytes);
      append_capped(e.text, " [");
      for (int i = 0; i < f.flags_size(); ++i) {
        if (i > 0) append_capped(e.text, ",");
        append_capped(e.text, f.flags(i));
      }
      append_capped(e.text, "]");
      const std::pair<std::int64_t, EventKind> times[] = {
          {f.mtime_utc_ns(), EventKind::kFileModified},
          {f.ctime_utc_ns(), EventKind::kFileChanged},
          {f.btime_utc_ns(), EventKind::kFileBorn}};
      for (const auto& [t, kind] : times) {
        TimelineEvent copy = e;
        copy.utc_ns = t;
        copy.kind = kind;
        push_event(std::move(copy));
      }
      return;
    }
    default:
      return;
  }
}

void ReportRecords::finish() {
  if (finished_) return;
  finished_ = true;
  for (auto& [type, t] : tables_) {
    t.rows = std::move(t.referenced);
    for (auto& k : t.heap) t.rows.push_back(std::move(k));
    t.heap.clear();
    t.heap.shrink_to_fit();
    std::sort(t.rows.begin(), t.rows.end(), RowBetter{false});
    for (const auto& k : t.rows) anchors_.insert(k.index);
  }
  for (const auto& o : other_) anchors_.insert(o.index);
  std::sort(timeline_.begin(), timeline_.end(), [](const TimelineEvent& a, const TimelineEvent& b) {
    return a.utc_ns != b.utc_ns ? a.utc_ns < b.utc_ns : a.record_index < b.record_index;
  });
}

const std::vector<KeptRecord>& ReportRecords::rows(BodyCase type) const {
  static const std::vector<KeptRecord> kEmpty;
  auto it = tables_.find(static_cast<int>(type));
  return it == tables_.end() ? kEmpty : it->second.rows;
}

std::uint64_t ReportRecords::seen(BodyCase type) const {
  auto it = tables_.find(static_cast<int>(type));
  return it == tables_.end() ? 0 : it->second.seen;
}

std::uint64_t ReportRecords::left_out(BodyCase type) const {
  auto it = tables_.find(static_cast<int>(type));
  if (it == tables_.end()) return 0;
  return it->second.seen > it->second.rows.size() ? it->second.seen - it->second.rows.size() : 0;
}

const std::string* ReportRecords::package_version(const std::string& name) const {
  auto it = package_versions_.find(name);
  return it == package_versions_.end() ? nullptr : &it->second;
}

// ---- findings ---------------------------------------------------------------------------------

void cap_finding(v1::Finding& f, const Limits& limits) {
  const std::size_t n = limits.finding_text_bytes;
  cap_bytes(f.mutable_rule_id(), kRefFieldBytes);
  cap_bytes(f.mutable_checklist_id(), kRefFieldBytes);
  cap_bytes(f.mutable_title_en(), n);
  cap_bytes(f.mutable_title_ja(), n);
  cap_bytes(f.mutable_explanation_en(), n);
  cap_bytes(f.mutable_explanation_ja(), n);
  cap_bytes(f.mutable_summary(), n);
  cap_bytes(f.mutable_subject(), n);
  auto* ev = f.mutable_evidence();
  if (static_cast<std::size_t>(ev->size()) > kEvidencePerFinding) {
    ev->DeleteSubrange(static_cast<int>(kEvidencePerFinding),
                       ev->size() - static_cast<int>(kEvidencePerFinding));
  }
  for (auto& e : *ev) {
    cap_bytes(e.mutable_record_type(), kRefFieldBytes);
    cap_bytes(e.mutable_role(), kRefFieldBytes);
  }
  auto* ind = f.mutable_indicators();
  if (static_cast<std::size_t>(ind->size()) > kIndicatorsPerFinding) {
    ind->DeleteSubrange(static_cast<int>(kIndicatorsPerFinding),
                        ind->size() - static_cast<int>(kIndicatorsPerFinding));
  }
  for (auto& h : *ind) {
    cap_bytes(h.mutable_indicator(), kIndicatorFieldBytes);
    cap_bytes(h.mutable_indicator_type(), kRefFieldBytes);
    cap_bytes(h.mutable_ioc_source(), kIndicatorFieldBytes);
    cap_bytes(h.mutable_matched_field(), kRefFieldBytes);
    cap_bytes(h.mutable_matched_value(), kIndicatorFieldBytes);
  }
}

void FindingCollector::add(const v1::Record& record, bool /*verified*/) {
  if (!record.has_finding()) return;
  Kept k{static_cast<int>(record.finding().severity()), seen_++, record.finding()};
  cap_finding(k.finding, limits_);
  // The least severe (then the latest) finding sits on top and is dropped first.
  auto better = [](const Kept& a, const Kept& b) {
    return a.severity != b.severity ? a.severity > b.severity : a.order < b.order;
  };
  if (limits_.findings == 0) {
    ++left_out_;
    return;
  }
  if (heap_.size() >= limits_.findings) {
    ++left_out_;
    if (!better(k, heap_.front())) return;
    std::pop_heap(heap_.begin(), heap_.end(), better);
    heap_.back() = std::move(k);
  } else {
    heap_.push_back(std::move(k));
  }
  std::push_heap(heap_.begin(), heap_.end(), better);
}

std::vector<v1::Finding> FindingCollector::take() {
  std::sort(heap_.begin(), heap_.end(),
            [](const Kept& a, const Kept& b) { return a.order < b.order; });
  std::vector<v1::Finding> out;
  out.reserve(heap_.size());
  for (auto& k : heap_) out.push_back(std::move(k.finding));
  heap_.clear();
  return out;
}

std::unordered_set<std::uint64_t> referenced_records(const std::vector<v1::Finding>& findings,
                                                     const Limits& limits) {
  std::unordered_set<std::uint64_t> out;
  for (const auto& f : findings) {
    std::size_t n = 0;
    for (const auto& e : f.evidence()) {
      if (n++ >= limits.refs_per_finding) break;
      out.insert(e.record_index());
    }
  }
  return out;
}

}  // namespace hozen::report
