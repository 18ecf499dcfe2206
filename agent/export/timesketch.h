// Timesketch export: JSON Lines, one event per line (docs/FORMAT.md §Export, "timesketch";
// Timesketch's own format: docs "Import from JSON or CSV").
//
// Each event has "message" (a one-line summary), "datetime" (ISO 8601 UTC with microseconds,
// "2026-11-27T14:00:30.490273Z"), "timestamp" (integer microseconds since the epoch, floored),
// "timestamp_desc", "data_type" ("hozen:<record type>"), "hostname" (from the bundle header),
// "record_index", "record_type", "verified", then the body's fields by the JSON export's rules,
// except: nested messages are JSON text in a string (so one key never holds an object in one
// event and a string in another: Timesketch indexes every event of a sketch into one mapping),
// a body field whose name is one of the keys above is renamed "<record type>_<name>", and
// preserved_file's `raw` and `extents` (file contents) are left out. Text built for "message"
// and "hostname" is escaped with escape_text() (valid UTF-8 stays, other bytes as \xNN).
//
// Events per record type (a zero or unset time gives no event):
//   file_entry       mtime, atime, ctime, btime: "Content Modification Time", "Last Access Time",
//                    "Metadata Modification Time", "Creation Time"
//   process          start: "Process Start"
//   login_record     wtmp USER_PROCESS "Login", DEAD_PROCESS "Logout", BOOT_TIME "Boot";
//                    btmp "Failed Login"; any other entry "Login Record Time"
//   lastlog_entry    "Last Login"
//   session          USER_PROCESS "Login", others "Session Record Time"
//   auth_event       "Authentication Event"
//   socket           the record's time (a socket has none of its own): "Listener Observed" for
//                    listening sockets, "Connection Observed" for the others
//   persistence_entry  the file's or library's mtime: "Content Modification Time"
//   preserved_file   mtime, ctime (the evidence copies of cron tables, unit files, logs...)
//   at_job           scheduled time: "Scheduled Time"
//   package          mtime of the dpkg .list file: "Package Installed or Upgraded"
//   user_account     last password change: "Password Change"; expiry: "Account Expiration"
//   finding          event_utc_ns: "Finding Event Time"
// Other types give no events.
#pragma once

#include <string>
#include <string_view>

#include "hozen/v1/record.pb.h"

namespace hozen::exporter {

// Appends the events of one record, each a line ending in "\n"; returns how many. `hostname`
// is the bundle header's host.hostname (raw bytes).
std::size_t append_timesketch_events(std::string& out, const v1::Record& r, bool verified,
                                     std::string_view hostname);

// "2026-11-27T14:00:30.490273Z": microseconds, floored.
std::string timesketch_datetime(std::int64_t utc_ns);

}  // namespace hozen::exporter
