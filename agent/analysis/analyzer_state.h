// Internal to the analyzer: the facts kept between observe() and finish(), and the helper that
// adds a finding. (analyzer.cpp holds the rules; ioc_match.cpp the indicator matching.)
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/analysis/analyzer.h"
#include "agent/analysis/catalog.h"

namespace hozen::analysis {

struct Ref {
  std::uint64_t index;
  std::string_view type;
  std::string_view role;
};

struct ProcInfo {
  std::uint64_t index = 0;
  std::int32_t pid = 0;
  std::string comm;
  std::string exe;  // without " (deleted)"
  bool deleted = false;
  bool memfd = false;
  bool suspect_path = false;
  bool upgraded = false;  // deleted, but a system path: a package upgrade without restart
  std::int64_t start_utc_ns = 0;
};

struct SockInfo {
  std::uint64_t index = 0;
  std::string protocol;
  std::string local_address, remote_address;
  std::uint32_t local_port = 0, remote_port = 0;
  v1::SocketClass classification = v1::SOCKET_CLASS_UNSPECIFIED;
  std::uint64_t netns = 0;
  std::vector<std::pair<std::int32_t, std::uint64_t>> owners;  // (pid, start ticks)
};

struct LoginInfo {
  std::uint64_t index = 0;
  std::string_view type;  // "auth_event" or "login_record"
  std::string user;
  std::string source;
  std::int64_t time_utc_ns = 0;
};

struct EscalationAttempt {
  std::uint64_t index = 0;
  std::string user;
  std::string detail;  // "sudo: user NOT in sudoers", "su to root failed"
  std::int64_t time_utc_ns = 0;
};

// Swept files of one kind in one place (a package, a temp directory, a hidden directory): one
// finding for all of them, so a vendored tree in /tmp is one line, not four hundred.
struct FileGroup {
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  std::uint64_t files = 0;
  std::uint64_t elf = 0;
  std::vector<Ref> refs;          // the first ones (root-owned files replace others once full)
  std::vector<bool> ref_is_root;  // parallel to refs
  std::vector<std::string> examples;
  std::vector<bool> example_is_root;  // parallel to examples
  std::int64_t latest_mtime_utc_ns = 0;
};

struct Analyzer::State {
  AnalysisOptions opt;
  std::uint64_t records = 0;
  std::uint64_t file_entries = 0;  // swept files seen (none: the file checks did not run)
  std::vector<v1::Finding> findings;

  std::map<std::pair<std::int32_t, std::uint64_t>, ProcInfo> procs;  // (pid, start ticks)
  std::vector<SockInfo> sockets;
  std::set<std::string> exe_paths;                                    // of every process
  struct SweptExe {
    v1::PackageCheck package_check = v1::PACKAGE_CHECK_UNSPECIFIED;
    std::uint64_t index = 0;
    std::uint32_t mode = 0;
  };
  std::map<std::string, SweptExe> exe_files;  // swept files that a process or service runs
  // Programs services and timers run (argv[0]), to check their file's mode once swept.
  struct ServiceExec {
    std::string program;
    std::string what;  // "unit ssh.service ExecStart"
    Ref ref;
  };
  std::vector<ServiceExec> service_execs;
  // Accounts and who may become root.
  std::map<std::string, std::set<std::string>> user_groups;  // user -> primary + supplementary groups
  std::map<std::string, std::set<std::string>> group_members;
  std::set<std::string> uid0_users;
  std::map<std::uint32_t, std::string> user_by_uid;
  std::map<std::uint32_t, std::string> group_by_gid;
  std::set<std::string> root_users;   // sudoers: may run commands as root
  std::set<std::string> root_groups;
  bool anyone_may_become_root = false;
  std::vector<LoginInfo> logins;
  std::vector<EscalationAttempt> escalations;
  std::set<std::string> recent_key_files;  // authorized_keys already reported as recent
  std::map<std::pair<std::string, std::string>, FileGroup> file_groups;  // (rule id, place)
  std::map<std::string, std::size_t> file_group_places;                  // places per rule id
  // IOC matches, one finding per (indicator, record type): the first match's finding, then
  // references to the next ones (a brute-forcer's address in 500k auth events is one finding).
  struct IocGroup {
    v1::Finding finding;
    std::uint64_t records = 0;
  };
  std::map<std::pair<std::string, std::string>, IocGroup> ioc_groups;
  std::uint64_t findings_left_out = 0;  // over kMaxFindings
  v1::Finding overflow;                 // add() hands this out once the cap is reached

  // Appends a finding (or, past kMaxFindings, counts it and returns a scratch one).
  v1::Finding& add(std::string_view rule_id, v1::Severity severity, std::string summary,
                   std::string subject, std::int64_t when, std::initializer_list<Ref> refs);
};

// Indicator matches, grouped (indicator_rules.cpp): emitted by finish().
void indicator_findings(Analyzer::State& s);

}  // namespace hozen::analysis
