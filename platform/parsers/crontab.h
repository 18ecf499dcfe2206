// Pure parsers of crontab(5) files (Debian/Vixie cron), anacrontab(5), and atd spool files.
// Bytes in, structs out: no I/O. Malformed lines are kept with their bytes; binary garbage only
// adds malformed lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

enum class CronFormat {
  kSystem,  // /etc/crontab, /etc/cron.d/*: a user field after the time fields
  kUser,    // spool crontabs: no user field
};

enum class CronLineKind { kJob, kEnvironment, kAnacronJob };

struct CronLine {
  std::uint64_t line = 0;  // 1-based
  CronLineKind kind = CronLineKind::kJob;
  std::string special;      // "@reboot" ... (kJob; the five fields empty then)
  std::string fields[5];    // minute hour day-of-month month day-of-week, as written
  std::string user;         // kSystem jobs
  std::string command;      // as written, '%' included
  std::string command_line; // up to the first unescaped '%' ("\%" becomes '%')
  std::string stdin_text;   // after it, each further unescaped '%' a newline
  std::string env_name, env_value;  // kEnvironment (quotes around the value removed)
  std::string period, delay, job_id;  // kAnacronJob
};

// Crontab lines: '#' comments and blank lines skipped (leading whitespace allowed); NAME=value
// environment lines; "@special [user] command"; "m h dom mon dow [user] command". Time fields are
// checked like cron does (numbers in range, names jan..dec / sun..sat, '*', ranges, steps, lists);
// a bad field, an unknown @special, or a missing command is malformed. A line holding a NUL byte
// is malformed (cron reads lines as C strings).
ParsedLines<CronLine> parse_crontab(std::string_view text, CronFormat format);

// anacrontab(5): NAME=value lines and "period delay job-identifier command"; period is a number
// of days or @daily/@weekly/@monthly/@yearly/@annually.
ParsedLines<CronLine> parse_anacrontab(std::string_view text);

// Validates one crontab time field (0 minute .. 4 day of week). Exposed for tests.
bool valid_cron_field(std::string_view field, int which);

// Splits a crontab command at the first unescaped '%' (crontab(5)).
void split_cron_command(std::string_view command, std::string* command_line, std::string* stdin_text);

// An atd spool file (a shell script written by at(1)).
struct AtJobFile {
  int header_uid = -1, header_gid = -1;  // "# atrun uid=N gid=M"
  std::string mail_user;                  // "# mail USER N"
  struct Command {
    std::uint64_t line = 0;
    std::string text;
  };
  std::vector<Command> commands;  // the job's own lines
  bool heuristic = false;         // no here-document delimiter: every non-header line kept
};

// Debian's at writes the job as a here-document: `${SHELL:-/bin/sh} << 'marcinDELIMITERxxxx'`
// ... `marcinDELIMITERxxxx`; the lines between are the job. Without that marker (older at, other
// implementations) every line that is not a comment, blank, an `export`ed environment line or
// the `cd ... ||` prologue is kept and `heuristic` is set.
AtJobFile parse_at_job(std::string_view text);

// Debian at spool file names: queue letter, 5 hex digits job number, 8 hex digits of minutes
// since the epoch ("a0000101a2b3c4"). False for other names.
struct AtJobName {
  char queue = 0;
  std::uint32_t job = 0;
  std::int64_t minutes = 0;
};
bool parse_at_job_name(std::string_view name, AtJobName* out);

}  // namespace hozen::platform::parsers
