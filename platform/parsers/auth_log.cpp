#include "platform/parsers/auth_log.h"

#include <algorithm>
#include <array>

namespace hozen::platform::parsers {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// `n` digits at s[pos..]; -1 if any is not a digit.
int digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!digit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

int month_of(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == m) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool valid_clock(int h, int m, int s) {
  return h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s <= 60;
}

// "Nov 27 10:00:01" / "Nov  1 10:00:01" (RFC 3164): 15 bytes.
std::optional<SyslogTime> parse_3164(std::string_view s, std::size_t* used) {
  if (s.size() < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':')
    return std::nullopt;
  SyslogTime t;
  t.month = month_of(s.substr(0, 3));
  int day = s[4] == ' ' ? digits(s, 5, 1) : digits(s, 4, 2);
  t.hour = digits(s, 7, 2);
  t.minute = digits(s, 10, 2);
  t.second = digits(s, 13, 2);
  if (t.month == 0 || day < 1 || day > 31 || !valid_clock(t.hour, t.minute, t.second))
    return std::nullopt;
  t.day = day;
  *used = 15;
  return t;
}

// "2026-11-27T10:00:01[.123456](Z|+09:00)" (RFC 3339).
std::optional<SyslogTime> parse_3339(std::string_view s, std::size_t* used) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  SyslogTime t;
  t.has_year = true;
  t.year = digits(s, 0, 4);
  t.month = digits(s, 5, 2);
  t.day = digits(s, 8, 2);
  t.hour = digits(s, 11, 2);
  t.minute = digits(s, 14, 2);
  t.second = digits(s, 17, 2);
  if (t.year < 0 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 ||
      !valid_clock(t.hour, t.minute, t.second)) {
    return std::nullopt;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::int64_t scale = 100'000'000;
    std::size_t start = i;
    while (i < s.size() && digit(s[i])) {
      if (scale > 0) t.nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    t.has_offset = true;
    ++i;
  } else if (i + 6 <= s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int h = digits(s, i + 1, 2), m = digits(s, i + 4, 2);
    if (h < 0 || m < 0 || h > 23 || m > 59) return std::nullopt;
    t.has_offset = true;
    t.utc_offset_s = (h * 3600 + m * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  *used = i;
  return t;
}

bool starts(std::string_view s, std::string_view p) { return s.starts_with(p); }

// Text between `open` and the next `close` after it; empty view + false if absent.
bool between(std::string_view s, std::string_view open, std::string_view close,
             std::string_view* out, std::string_view* rest = nullptr) {
  auto a = s.find(open);
  if (a == std::string_view::npos) return false;
  a += open.size();
  auto b = s.find(close, a);
  if (b == std::string_view::npos) return false;
  *out = s.substr(a, b - a);
  if (rest) *rest = s.substr(b + close.size());
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "name(uid=N)" or "name" or "(uid=N)".
void name_uid(std::string_view s, std::string* name, std::optional<std::uint32_t>* uid) {
  auto p = s.find("(uid=");
  if (p != std::string_view::npos && s.ends_with(")")) {
    *uid = parse_uint<std::uint32_t>(s.substr(p + 5, s.size() - p - 6));
    s = s.substr(0, p);
  }
  *name = std::string(s);
}

// "<addr> port <port>" at the front of s; returns the rest.
std::string_view addr_port(std::string_view s, AuthEvent* e) {
  auto sp = s.find(' ');
  e->source_address = std::string(s.substr(0, sp));
  if (sp == std::string_view::npos) return {};
  s = s.substr(sp + 1);
  if (starts(s, "port ")) {
    s.remove_prefix(5);
    auto end = s.find(' ');
    e->source_port = parse_uint<std::uint32_t>(s.substr(0, end));
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end + 1);
  }
  return s;
}

// "key=value key=value ..." (pam_unix authentication failure), values without spaces.
std::string_view kv(std::string_view s, std::string_view key) {
  for (auto tok : split_ws(s)) {
    if (tok.size() > key.size() && tok.substr(0, key.size()) == key && tok[key.size()] == '=') {
      return tok.substr(key.size() + 1);
    }
  }
  return {};
}

// The " ; "-separated parts of sudo's reason prefix, trimmed, empty parts dropped.
std::vector<std::string_view> split_fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    auto end = s.find(" ; ", pos);
    auto part = trim(s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (!part.empty() && part != ";") out.push_back(part);
    if (end == std::string_view::npos) break;
    pos = end + 3;
  }
  return out;
}

// A last non-COMMAND field ends the line: drop a dangling " ;" and blanks.
std::string_view trim_field_end(std::string_view s) {
  s = trim(s);
  if (s.ends_with(" ;")) s.remove_suffix(2);
  return trim(s);
}

// "name=bob, UID=1001, ..." (shadow tools).
std::string_view field(std::string_view s, std::string_view key) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    auto end = s.find(", ", pos);
    auto tok = s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (tok.size() > key.size() && tok.substr(0, key.size()) == key && tok[key.size()] == '=') {
      return tok.substr(key.size() + 1);
    }
    if (end == std::string_view::npos) break;
    pos = end + 2;
  }
  return {};
}

// sudo(8) log line (sudo's eventlog new_logline(), fields in this fixed order):
//   "alice : [reason ; [error ; ]]TTY=pts/0 ; [CHROOT=d ; ]PWD=/home/alice ; USER=root ;
//    [GROUP=g ; ][TSID=x ; ][ENV=A=1 B=2 ; ]COMMAND=/bin/bash args"
// PWD, ENV and COMMAND are free text (a directory name or an argument may hold " ; USER=x"), so
// the fields are taken in sudo's order: reasons only from the text before the first "TTY="
// field, then each value runs to the first " ; " that is followed by a LATER key in that order,
// and COMMAND is the rest of the line after the first COMMAND= field that follows them. A PWD of
// "/tmp/a ; b" therefore stays one directory (not a failure reason). When a key appears more
// than once at a field boundary no rule can tell a forged field from the real one (a crafted
// PWD and a crafted argument produce the same bytes): the first-in-order reading is kept and
// the event is flagged `ambiguous`.
constexpr std::string_view kSudoKeys[] = {"TTY=", "CHROOT=", "PWD=", "USER=", "GROUP=",
                                          "TSID=", "ENV=", "COMMAND="};
constexpr std::size_t kSudoCommand = std::size(kSudoKeys) - 1;

// The first field boundary at or after `from` (the start of `s`, or just after " ; ") where one
// of kSudoKeys[first..] begins; npos when none. `key` gets the index of the key found.
std::size_t next_sudo_key(std::string_view s, std::size_t from, std::size_t first,
                          std::size_t* key) {
  for (std::size_t pos = from; pos <= s.size();) {
    const bool boundary = pos == 0 || (pos >= 3 && s.substr(pos - 3, 3) == " ; ");
    if (boundary) {
      for (std::size_t k = first; k < std::size(kSudoKeys); ++k) {
        if (s.substr(pos).starts_with(kSudoKeys[k])) {
          *key = k;
          return pos;
        }
      }
    }
    // From pos - 1 so that " ; ; KEY=" still finds the second separator; always progresses.
    std::size_t sep = s.find(" ; ", pos == 0 ? 0 : pos - 1);
    if (sep == std::string_view::npos) break;
    pos = sep + 3;
  }
  return std::string_view::npos;
}

bool sudo_line(std::string_view m, AuthEvent* e) {
  m = trim(m);
  auto colon = m.find(" : ");
  if (colon == std::string_view::npos) return false;
  std::string_view rest = m.substr(colon + 3);
  std::size_t key = 0;
  std::size_t at = next_sudo_key(rest, 0, 0, &key);
  if (at == std::string_view::npos) return false;
  e->kind = "sudo";
  e->service = "sudo";
  e->user = std::string(m.substr(0, colon));
  // Failure reasons: only the text before the first field ("3 incorrect password attempts ; ").
  std::string reasons;
  for (std::string_view part : split_fields(rest.substr(0, at))) {
    if (!reasons.empty()) reasons += "; ";
    reasons += part;
  }
  while (at != std::string_view::npos) {
    const std::size_t k = key;
    const std::size_t value_at = at + kSudoKeys[k].size();
    std::size_t next = k == kSudoCommand ? std::string_view::npos
                                         : next_sudo_key(rest, value_at, k + 1, &key);
    std::string_view value = rest.substr(
        value_at, next == std::string_view::npos ? std::string_view::npos : next - 3 - value_at);
    if (next == std::string_view::npos && k != kSudoCommand) value = trim_field_end(value);
    const std::string_view name = kSudoKeys[k];
    if (name == "TTY=") e->tty = std::string(value);
    else if (name == "PWD=") e->cwd = std::string(value);
    else if (name == "USER=") e->target_user = std::string(value);
    else if (name == "COMMAND=") e->command = std::string(value);
    // CHROOT, GROUP, TSID, ENV: kept in the message.
    at = next;
  }
  // A key seen at more than one field boundary: forged fields are possible.
  for (std::size_t k = 0; k < std::size(kSudoKeys) && !e->ambiguous; ++k) {
    std::size_t seen = 0;
    for (std::size_t pos = 0; (pos = rest.find(kSudoKeys[k], pos)) != std::string_view::npos;
         pos += kSudoKeys[k].size()) {
      if (pos == 0 || (pos >= 3 && rest.substr(pos - 3, 3) == " ; ")) ++seen;
    }
    e->ambiguous = seen > 1;
  }
  if (!reasons.empty()) {
    e->success = false;
    e->failure_reason = std::move(reasons);
  }
  return true;
}

// pam_<module>(<service>:<type>): <text>
bool pam_line(std::string_view m, AuthEvent* e) {
  if (!starts(m, "pam_")) return false;
  auto open = m.find('(');
  auto close = m.find("): ");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return false;
  auto inner = m.substr(open + 1, close - open - 1);
  auto c = inner.find(':');
  std::string_view service = inner.substr(0, c);
  std::string_view type = c == std::string_view::npos ? std::string_view{} : inner.substr(c + 1);
  std::string_view text = m.substr(close + 3);
  e->service = std::string(service);
  if (type == "session" && starts(text, "session opened for user ")) {
    e->kind = "session_opened";
    text.remove_prefix(24);
    auto by = text.find(" by ");
    name_uid(text.substr(0, by), &e->target_user, &e->target_uid);
    if (by != std::string_view::npos) name_uid(trim(text.substr(by + 4)), &e->user, &e->uid);
    return true;
  }
  if (type == "session" && starts(text, "session closed for user ")) {
    e->kind = "session_closed";
    name_uid(trim(text.substr(24)), &e->target_user, &e->target_uid);
    return true;
  }
  if (type == "auth" && starts(text, "authentication failure;")) {
    e->kind = "pam_auth_failure";
    e->success = false;
    e->failure_reason = "authentication failure";
    auto args = text.substr(23);
    e->target_user = std::string(kv(args, "user"));
    auto ruser = kv(args, "ruser");
    e->user = std::string(ruser.empty() ? kv(args, "logname") : ruser);
    if (auto uid = parse_uint<std::uint32_t>(kv(args, "uid"))) e->uid = uid;
    e->tty = std::string(kv(args, "tty"));
    e->source_address = std::string(kv(args, "rhost"));
    return true;
  }
  if (type == "chauthtok" && starts(text, "password changed for ")) {
    e->kind = "password_changed";
    e->target_user = std::string(trim(text.substr(21)));
    return true;
  }
  return false;
}

bool su_line(std::string_view m, AuthEvent* e) {
  e->service = "su";
  bool failed = false;
  // util-linux su: "(to root) alice on pts/1", "FAILED SU (to root) alice on pts/1"
  if (starts(m, "FAILED SU ")) {
    failed = true;
    m.remove_prefix(10);
  }
  std::string_view target, rest;
  if (starts(m, "(to ") && between(m, "(to ", ") ", &target, &rest)) {
    e->kind = "su";
    e->success = !failed;
    e->target_user = std::string(target);
    auto on = rest.rfind(" on ");
    e->user = std::string(rest.substr(0, on));
    if (on != std::string_view::npos) e->tty = std::string(rest.substr(on + 4));
    if (failed) e->failure_reason = "FAILED SU";
    return true;
  }
  // shadow su: "Successful su for root by alice", "FAILED su for root by alice",
  // "+ pts/1 alice:root", "- pts/1 alice:root"
  for (auto [prefix, ok] : {std::pair{std::string_view("Successful su for "), true},
                            std::pair{std::string_view("FAILED su for "), false}}) {
    if (!starts(m, prefix)) continue;
    auto body = m.substr(prefix.size());
    auto by = body.find(" by ");
    e->kind = "su";
    e->success = ok;
    e->target_user = std::string(body.substr(0, by));
    if (by != std::string_view::npos) e->user = std::string(body.substr(by + 4));
    if (!ok) e->failure_reason = "FAILED su";
    return true;
  }
  if (m.size() > 2 && (m[0] == '+' || m[0] == '-') && m[1] == ' ') {
    auto parts = split_ws(m.substr(2));
    if (parts.size() == 2 && parts[1].find(':') != std::string_view::npos) {
      e->kind = "su";
      e->success = m[0] == '+';
      e->tty = std::string(parts[0]);
      auto c = parts[1].find(':');
      e->user = std::string(parts[1].substr(0, c));
      e->target_user = std::string(parts[1].substr(c + 1));
      if (!e->success) e->failure_reason = "FAILED su";
      return true;
    }
  }
  return false;
}

bool sshd_line(std::string_view m, AuthEvent* e) {
  e->service = "sshd";
  auto user_from = [&](std::string_view s) -> std::string_view {
    if (starts(s, "invalid user ")) {
      e->invalid_user = true;
      s.remove_prefix(13);
    }
    auto from = s.rfind(" from ");
    if (from == std::string_view::npos) return {};
    e->target_user = std::string(s.substr(0, from));
    return addr_port(s.substr(from + 6), e);
  };
  for (auto [prefix, ok] : {std::pair{std::string_view("Accepted "), true},
                            std::pair{std::string_view("Failed "), false}}) {
    if (!starts(m, prefix)) continue;
    auto body = m.substr(prefix.size());
    auto sp = body.find(" for ");
    if (sp == std::string_view::npos) return false;
    e->kind = "ssh_login";
    e->success = ok;
    e->method = std::string(body.substr(0, sp));
    auto rest = user_from(body.substr(sp + 5));
    if (!ok) e->failure_reason = "Failed " + e->method;
    // "ssh2: ED25519 SHA256:..." (publickey) or "ssh2: RSA-CERT SHA256:... ID ..."
    if (auto colon = rest.find(": "); colon != std::string_view::npos) {
      auto k = split_ws(rest.substr(colon + 2));
      if (!k.empty()) e->key_type = std::string(k[0]);
      if (k.size() > 1) e->key_fingerprint = std::string(k[1]);
    }
    return true;
  }
  if (starts(m, "Invalid user ")) {
    e->kind = "ssh_invalid_user";
    e->success = false;
    e->invalid_user = true;
    e->failure_reason = "Invalid user";
    auto body = m.substr(13);
    auto from = body.rfind(" from ");
    if (from == std::string_view::npos) {
      e->target_user = std::string(body);
      return true;
    }
    e->target_user = std::string(body.substr(0, from));
    addr_port(body.substr(from + 6), e);
    return true;
  }
  for (auto prefix : {std::string_view("Connection closed by authenticating user "),
                      std::string_view("Disconnected from authenticating user "),
                      std::string_view("Connection closed by invalid user "),
                      std::string_view("Disconnected from invalid user ")}) {
    if (!starts(m, prefix)) continue;
    e->kind = "ssh_preauth_closed";
    e->success = false;
    e->invalid_user = prefix.find("invalid") != std::string_view::npos;
    e->failure_reason = std::string(prefix.substr(0, prefix.size() - 1));
    // "<user> <addr> port <port> [preauth]": the user may be empty or contain spaces
    auto body = m.substr(prefix.size());
    auto port = body.rfind(" port ");
    if (port == std::string_view::npos) return true;
    auto head = body.substr(0, port);
    auto sp = head.rfind(' ');
    e->target_user = sp == std::string_view::npos ? std::string() : std::string(head.substr(0, sp));
    addr_port(body.substr(sp == std::string_view::npos ? 0 : sp + 1), e);
    return true;
  }
  return false;
}

// 'bob' -> bob
std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') return s.substr(1, s.size() - 2);
  return s;
}

bool shadow_line(std::string_view program, std::string_view m, AuthEvent* e) {
  e->service = std::string(program);
  std::string_view a, b, rest;
  if (starts(m, "new user: ")) {
    auto f = m.substr(10);
    e->kind = "user_added";
    e->target_user = std::string(field(f, "name"));
    e->target_uid = parse_uint<std::uint32_t>(field(f, "UID"));
    e->gid = parse_uint<std::uint32_t>(field(f, "GID"));
    e->home = std::string(field(f, "home"));
    e->shell = std::string(field(f, "shell"));
    e->tty = std::string(field(f, "from"));
    return true;
  }
  if (starts(m, "new group: ") || starts(m, "group added to ")) {
    auto f = m.substr(m.find(": ") + 2);
    e->kind = "group_added";
    e->group = std::string(field(f, "name"));
    e->gid = parse_uint<std::uint32_t>(field(f, "GID"));
    return true;
  }
  // "add 'bob' to group 'sudo'", "add 'bob' to shadow group 'sudo'"
  if (starts(m, "add '") && between(m, "add '", "' to ", &a, &rest)) {
    auto g = rest.find("group '");
    if (g == std::string_view::npos) return false;
    e->kind = "group_member_added";
    e->target_user = std::string(a);
    e->group = std::string(unquote(rest.substr(g + 6)));
    return true;
  }
  // "delete 'bob' from group 'sudo'", "delete user 'bob'"
  if (starts(m, "delete user '")) {
    e->kind = "user_deleted";
    e->target_user = std::string(unquote(m.substr(12)));
    return true;
  }
  if (starts(m, "delete '") && between(m, "delete '", "' from ", &a, &rest)) {
    auto g = rest.find("group '");
    if (g == std::string_view::npos) return false;
    e->kind = "group_member_removed";
    e->target_user = std::string(a);
    e->group = std::string(unquote(rest.substr(g + 6)));
    return true;
  }
  // userdel: "removed group 'bob' owned by 'bob'"; groupdel: "group 'devs' removed[ from ...]"
  if (starts(m, "removed group '") && between(m, "removed group '", "'", &a)) {
    e->kind = "group_deleted";
    e->group = std::string(a);
    return true;
  }
  if (starts(m, "group '") && between(m, "group '", "' removed", &a)) {
    e->kind = "group_deleted";
    e->group = std::string(a);
    return true;
  }
  // gpasswd: "user bob added by root to group sudo", "user bob removed by root from group sudo"
  if (starts(m, "user ")) {
    auto w = split_ws(m);
    if (w.size() == 8 && w[3] == "by" && (w[2] == "added" || w[2] == "removed") &&
        w[6] == "group") {
      e->kind = w[2] == "added" ? "group_member_added" : "group_member_removed";
      e->target_user = std::string(w[1]);
      e->user = std::string(w[4]);
      e->group = std::string(w[7]);
      return true;
    }
  }
  // shadow passwd: "password for 'bob' changed by 'root'"
  if (starts(m, "password for '") && between(m, "password for '", "' changed", &a, &rest)) {
    e->kind = "password_changed";
    e->target_user = std::string(a);
    if (between(rest, "by '", "'", &b)) e->user = std::string(b);
    return true;
  }
  // usermod: "change user 'bob' shell from ...", "lock user 'bob' password", "change user name ..."
  if (program == "usermod" && between(m, "user '", "'", &a)) {
    e->kind = "user_modified";
    e->target_user = std::string(a);
    return true;
  }
  return false;
}

bool is_shadow_tool(std::string_view p) {
  return p == "useradd" || p == "userdel" || p == "usermod" || p == "groupadd" || p == "groupdel" ||
         p == "groupmod" || p == "gpasswd" || p == "passwd" || p == "chpasswd" || p == "chage" ||
         p == "newusers";
}

}  // namespace

bool classify_auth_message(std::string_view program, std::string_view message, AuthEvent* event) {
  AuthEvent e;
  bool ok = false;
  if (starts(message, "pam_")) {
    ok = pam_line(message, &e);
  } else if (program == "sudo") {
    ok = sudo_line(message, &e);
  } else if (program == "su") {
    ok = su_line(message, &e);
  } else if (program == "sshd" || program == "sshd-session") {
    ok = sshd_line(message, &e);
  } else if (is_shadow_tool(program)) {
    ok = shadow_line(program, message, &e);
  }
  if (ok) *event = std::move(e);
  return ok;
}

std::optional<AuthLine> parse_syslog_line(std::string_view line) {
  AuthLine out;
  std::size_t used = 0;
  auto t = parse_3339(line, &used);
  if (!t) t = parse_3164(line, &used);
  if (!t || used >= line.size() || line[used] != ' ') return std::nullopt;
  out.timestamp = std::string(line.substr(0, used));
  out.time = *t;
  std::string_view rest = line.substr(used + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  auto sp = rest.find(' ');
  if (rest.empty()) return std::nullopt;
  out.host = std::string(rest.substr(0, sp));
  rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
  // tag: "prog[pid]:" or "prog:"; no tag leaves program empty and the message whole.
  auto colon = rest.find(':');
  auto tag = rest.substr(0, colon);
  if (colon != std::string_view::npos && !tag.empty() && tag.find(' ') == std::string_view::npos) {
    auto br = tag.find('[');
    if (br != std::string_view::npos && tag.back() == ']') {
      out.pid = parse_uint<std::int32_t>(tag.substr(br + 1, tag.size() - br - 2));
      tag = tag.substr(0, br);
    }
    out.program = std::string(tag);
    rest = rest.substr(colon + 1);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  }
  out.message = std::string(rest);
  return out;
}

AuthLogParse parse_auth_log(std::string_view text, std::size_t max_raw, std::size_t max_entries) {
  AuthLogParse out;
  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    out.lines = n;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;
    auto parsed = parse_syslog_line(line);
    if (!parsed) {
      out.malformed.push_back({n, std::string(line.substr(0, max_raw)),
                               "not a syslog line (no RFC 3164 or RFC 3339 timestamp and host)"});
      return;
    }
    if (parsed->program.empty() ||
        !classify_auth_message(parsed->program, parsed->message, &parsed->event)) {
      ++out.other_lines;
      return;
    }
    if (out.entries.size() >= max_entries) return;
    parsed->line = n;
    out.entries.push_back(std::move(*parsed));
  });
  return out;
}

void infer_years(std::vector<AuthLine>& lines, int last_year, int last_month) {
  int year = last_year, next_month = last_month;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->time.has_year) {
      // A dated line anchors what precedes it.
      year = it->time.year;
      next_month = it->time.month;
      continue;
    }
    if (it->time.month > next_month) --year;
    it->time.year = year;
    next_month = it->time.month;
  }
}

std::int64_t civil_to_unix(int year, int month, int day, int hour, int minute, int second) {
  // Days from civil (Howard Hinnant's algorithm, public domain description).
  std::int64_t y = year - (month <= 2 ? 1 : 0);
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t mp = (month + 9) % 12;
  std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace hozen::platform::parsers
