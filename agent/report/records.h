// What the HTML report keeps of a bundle's records: a bounded selection per artifact table, a
// bounded timeline, and the records the findings point at. A bundle can hold millions of
// file_entry records: everything here is fed one record at a time while the bundle is verified,
// and memory stays bounded by Limits whatever the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hozen/v1/finding.pb.h"
#include "hozen/v1/record.pb.h"

namespace hozen::report {

struct Limits {
  std::size_t rows_per_table = 1000;        // rows kept per artifact table (flagged rows first)
  std::size_t file_rows = 2000;             // rows of the file sweep table (flagged files first)
  std::size_t timeline_events = 5000;       // the latest events are kept
  std::size_t findings = 1000;              // findings kept from records (highest severity first)
  std::size_t findings_per_item = 200;      // findings shown per checklist item
  std::size_t refs_per_finding = 20;        // evidence links shown per finding
  std::size_t finding_text_bytes = 2048;    // each text field of a finding kept from a record
  std::size_t cell_bytes = 1024;            // bytes of a host value shown in a table cell
  std::size_t other_evidence = 2000;        // referenced records of types without a table
  std::size_t other_evidence_bytes = 4096;  // shown of each of those (JSON)
  std::size_t packages_tracked = 200000;    // package name -> version, for modified-package rows
};

// One record kept for a table.
struct KeptRecord {
  std::uint64_t index = 0;  // Record.index
  bool verified = true;     // covered by a signature
  int priority = 0;         // 0 = shown first (flagged); larger = less interesting
  v1::Record record;        // heavy fields no table shows (environ, libraries, settings) cleared
};

// A kept record of a type no table shows, referenced by a finding.
struct OtherEvidence {
  std::uint64_t index = 0;
  bool verified = true;
  std::string type;  // body field name
  std::string json;  // the body as export JSON, capped at Limits::other_evidence_bytes
  bool json_truncated = false;
};

enum class EventKind {
  kProcessStart,
  kLogin,        // wtmp USER_PROCESS
  kLoginFailed,  // btmp
  kLoginOther,   // logout, boot, runlevel
  kSession,      // utmp
  kAuthEvent,
  kFileModified,  // mtime of a flagged file
  kFileChanged,   // ctime
  kFileBorn,      // btime
  kFinding,
};

struct TimelineEvent {
  std::int64_t utc_ns = 0;
  EventKind kind = EventKind::kProcessStart;
  std::string text;  // raw host bytes and our ASCII labels: escape before showing
  std::uint64_t record_index = 0;
  bool has_record = false;  // record_index names a record of the bundle
  bool verified = true;
  bool failure = false;     // a failed authentication or login
  std::size_t finding = 0;  // kFinding: position in ReportInput::findings
};

// A file the sweep found changed against dpkg's md5sums.
struct ModifiedPackageFile {
  std::string package;
  std::string path;
  std::uint64_t index = 0;
};

// Bounded, streaming selection of a bundle's records for the report. Feed every record with
// add() in bundle order, then call finish() once; the accessors are valid after finish().
// `referenced` holds the Record.index values findings link to: those records are always kept
// (in their table, or as OtherEvidence), whatever the caps. Not thread-safe.
class ReportRecords {
 public:
  explicit ReportRecords(Limits limits = {}, std::unordered_set<std::uint64_t> referenced = {});

  void add(const v1::Record& record, bool verified);
  void finish();

  // Rows of one record type (v1::Record::kProcess, ...), flagged first, then in bundle order.
  const std::vector<KeptRecord>& rows(v1::Record::BodyCase type) const;
  // Records of that type seen, and how many of them are not in rows().
  std::uint64_t seen(v1::Record::BodyCase type) const;
  std::uint64_t left_out(v1::Record::BodyCase type) const;

  // Every record index that is in some table row or in other_evidence(): an anchor "r<index>"
  // exists for it in the page.
  bool has_anchor(std::uint64_t index) const { return anchors_.count(index) > 0; }

  const std::vector<OtherEvidence>& other_evidence() const { return other_; }
  std::uint64_t other_evidence_left_out() const { return other_left_out_; }

  // Events from records, oldest first (findings are added by the renderer).
  const std::vector<TimelineEvent>& timeline() const { return timeline_; }
  std::uint64_t timeline_seen() const { return timeline_seen_; }
  std::uint64_t timeline_left_out() const { return timeline_seen_ - timeline_.size(); }

  // Packages: how many package records, their versions (capped), and files found modified.
  std::uint64_t packages_seen() const { return seen(v1::Record::kPackage); }
  const std::string* package_version(const std::string& name) const;
  const std::vector<ModifiedPackageFile>& modified_package_files() const { return modified_; }
  std::uint64_t modified_package_files_left_out() const { return modified_left_out_; }

  // Records of any type, verified and not, and the unverified ones that were fed.
  std::uint64_t records_seen() const { return records_seen_; }
  std::uint64_t unverified_seen() const { return unverified_seen_; }

  const Limits& limits() const { return limits_; }

 private:
  struct Table {
    std::vector<KeptRecord> heap;        // bounded; the worst row on top
    std::vector<KeptRecord> referenced;  // kept regardless of the cap
    std::vector<KeptRecord> rows;        // after finish()
    std::uint64_t seen = 0;
    std::size_t cap = 0;
    bool prefer_late = false;  // logs: keep the latest rows when over the cap
  };

  Table& table_for(v1::Record::BodyCase type);
  void add_timeline(const v1::Record& record, bool verified);
  void push_event(TimelineEvent event);
  void add_other(const v1::Record& record, bool verified);

  Limits limits_;
  std::unordered_set<std::uint64_t> referenced_;
  std::map<int, Table> tables_;
  std::unordered_set<std::uint64_t> anchors_;
  std::vector<OtherEvidence> other_;
  std::uint64_t other_left_out_ = 0;
  std::vector<TimelineEvent> timeline_;  // a heap (newest-first comparator) until finish()
  std::uint64_t timeline_seen_ = 0;
  std::unordered_map<std::string, std::string> package_versions_;
  std::vector<ModifiedPackageFile> modified_;
  std::uint64_t modified_left_out_ = 0;
  std::uint64_t records_seen_ = 0;
  std::uint64_t unverified_seen_ = 0;
  bool finished_ = false;
};

// Bounded collection of the `finding` records of a bundle: at most Limits::findings (highest
// severity kept), each text field capped at Limits::finding_text_bytes, evidence and indicator
// lists capped. Not thread-safe.
class FindingCollector {
 public:
  explicit FindingCollector(Limits limits = {}) : limits_(limits) {}
  void add(const v1::Record& record, bool verified);
  // The kept findings, in bundle order. Call once.
  std::vector<v1::Finding> take();
  std::uint64_t seen() const { return seen_; }
  std::uint64_t left_out() const { return left_out_; }

 private:
  struct Kept {
    int severity;
    std::uint64_t order;
    v1::Finding finding;
  };
  Limits limits_;
  std::vector<Kept> heap_;  // the least severe, latest finding on top
  std::uint64_t seen_ = 0;
  std::uint64_t left_out_ = 0;
};

// Caps a finding's text fields, evidence and indicators (hostile input: any length).
void cap_finding(v1::Finding& finding, const Limits& limits);

// The record indexes the report links to: the first Limits::refs_per_finding evidence refs of
// each finding.
std::unordered_set<std::uint64_t> referenced_records(const std::vector<v1::Finding>& findings,
                                                     const Limits& limits);

// The body field name of a record type ("process"), "" for none.
std::string body_type_name(v1::Record::BodyCase type);

}  // namespace hozen::report
