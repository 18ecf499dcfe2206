// Pure parser of authentication logs (/var/log/auth.log on Debian, /var/log/secure on Red Hat):
// syslog lines written by rsyslog in the traditional format ("Nov 27 10:00:01 host prog[pid]: msg",
// RFC 3164, local time, no year) or the high-precision one ("2026-11-27T10:00:01.123456+09:00
// host prog[pid]: msg", RFC 3339). Messages from sudo, su, sshd, pam_unix and the shadow tools
// (useradd, userdel, usermod, groupadd, groupdel, gpasswd, passwd, chpasswd) become typed events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

struct SyslogTime {
  bool has_year = false;  // RFC 3339 lines carry the year and the UTC offset; RFC 3164 do not
  int year = 0;           // 0 until known (infer_years fills it for RFC 3164 lines)
  int month = 0;          // 1..12
  int day = 0, hour = 0, minute = 0, second = 0;
  std::int64_t nanos = 0;   // fraction of a second (RFC 3339 only)
  bool has_offset = false;  // RFC 3339: utc_offset_s is the writer's offset
  std::int32_t utc_offset_s = 0;
};

// What a recognised message says. Which fields are set depends on `kind`:
//   sudo                  user ran `command` as target_user on tty in cwd; success false when sudo
//                         refused (failure_reason: "3 incorrect password attempts",
//                         "user NOT in sudoers", ...)
//   su                    user became target_user on tty; success false for "FAILED SU"
//   ssh_login             sshd "Accepted|Failed <method> for [invalid user] <target_user> from
//                         <source_address> port <source_port>", key_type/key_fingerprint for keys
//   ssh_invalid_user      sshd "Invalid user <target_user> from <address> port <port>"
//   ssh_preauth_closed    "Connection closed by|Disconnected from authenticating user ..."
//   pam_auth_failure      pam_<module>(<service>:auth): authentication failure; user (ruser or
//                         logname) tried to authenticate as target_user, tty, source_address=rhost
//   session_opened        pam_<module>(<service>:session): session opened for user <target_user>
//   session_closed          (target_uid) by <user>(uid=<uid>)
//   user_added, user_deleted, user_modified, group_added, group_deleted,
//   group_member_added, group_member_removed, password_changed
//                         shadow tools: target_user (the account), group, uid/gid, home, shell,
//                         tty ("from=" of useradd), user (the actor when logged, e.g. gpasswd)
struct AuthEvent {
  std::string kind;
  bool success = true;
  std::string user;                  // the invoking / acting account (sudo, su, session "by")
  std::optional<std::uint32_t> uid;  // its uid when logged
  std::string target_user;           // the account authenticated as, switched to or acted on
  std::optional<std::uint32_t> target_uid;
  std::string tty;
  std::string cwd;
  std::string command;
  std::string failure_reason;
  std::string service;  // PAM service ("sudo", "su-l", "sshd", "cron") or sudo/su
  std::string source_address;
  std::optional<std::uint32_t> source_port;
  std::string method;           // sshd: publickey, password, keyboard-interactive/pam, ...
  std::string key_type;         // sshd publickey: "ED25519", "RSA", ...
  std::string key_fingerprint;  // "SHA256:..."
  bool invalid_user = false;    // sshd: the account does not exist
  std::string group;
  std::optional<std::uint32_t> gid;
  std::string home;
  std::string shell;
  // sudo: a key (USER=, COMMAND=, PWD=...) appears at more than one field boundary, so a free-text
  // field (PWD, ENV, COMMAND) may carry forged fields; the first-in-sudo's-order reading is kept.
  bool ambiguous = false;
};

struct AuthLine {
  std::uint64_t line = 0;  // 1-based
  std::string timestamp;   // as written
  SyslogTime time;
  std::string host;
  std::string program;  // tag without "[pid]"
  std::optional<std::int32_t> pid;
  std::string message;  // text after "tag: "
  AuthEvent event;
};

struct AuthLogParse {
  std::vector<AuthLine> entries;         // recognised events, in line order
  std::vector<MalformedLine> malformed;  // lines that are not syslog (no timestamp or host)
  std::uint64_t lines = 0;               // all lines seen (blank ones included)
  std::uint64_t other_lines = 0;         // syslog lines whose message is not an event we type
};

// Parses `text` line by line. A line is syslog if it starts with an RFC 3164 or RFC 3339
// timestamp followed by a host; otherwise it is malformed (kept with its bytes, at most
// `max_raw` of them). Blank lines are skipped. Lines with a timestamp but no "tag:" or an
// untyped message are counted in other_lines. `max_entries` bounds `entries` (later lines are
// still counted). Pure, thread-safe, never throws.
AuthLogParse parse_auth_log(std::string_view text, std::size_t max_raw = 4096,
                            std::size_t max_entries = SIZE_MAX);

// Parses one syslog line's header; nullopt if it is not one. Exposed for tests.
std::optional<AuthLine> parse_syslog_line(std::string_view line);

// Types `message` from `program`; false when it is not an event we recognise.
bool classify_auth_message(std::string_view program, std::string_view message, AuthEvent* event);

// Fills `year` for lines without one (RFC 3164). `last_year`/`last_month` are the year and month
// of the file's mtime: the last line belongs to the latest (year, month) not after it, and walking
// backwards, a month greater than the month of the line after it means the year before.
void infer_years(std::vector<AuthLine>& lines, int last_year, int last_month);

// Seconds since the epoch of a civil UTC date-time (proleptic Gregorian).
std::int64_t civil_to_unix(int year, int month, int day, int hour, int minute, int second);

}  // namespace hozen::platform::parsers
