#include "agent/export/timesketch.h"

#include <array>
#include <vector>

#include "agent/export/json.h"
#include "agent/export/record_types.h"
#include "agent/export/text.h"
#include "platform/host.h"

namespace hozen::exporter {
namespace {

using google::protobuf::FieldDescriptor;

// Keys the event itself uses; a body field of the same name is renamed "<type>_<name>".
constexpr std::array<std::string_view, 11> kReservedKeys = {
    "message",   "datetime", "timestamp",    "timestamp_desc",
    "data_type", "hostname", "record_index", "record_type",
    "verified",  "tag",      "label"};

bool reserved(std::string_view key) {
  for (auto k : kReservedKeys) {
    if (k == key) return true;
  }
  return !key.empty() && key[0] == '_';
}

std::string t(std::string_view host_text) { return escape_text(host_text); }

// The body's fields as ",\"key\":value..." (see the header for the differences from JSON).
std::string body_fields(const std::string& type, const google::protobuf::Message& body) {
  std::string out;
  for_each_field(body, [&](const FieldValue& v) {
    if (type == "preserved_file" && (v.field->name() == "raw" || v.field->name() == "extents")) {
      return;
    }
    std::string key = v.field->name();
    if (v.b64) key += "_b64";
    if (reserved(key)) key = type + "_" + key;
    out += ',';
    append_json_string(out, key);
    out += ':';
    if (v.json_string || v.field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      append_json_string(out, v.text);
    } else {
      out += v.text;
    }
  });
  return out;
}

struct Event {
  std::int64_t utc_ns;
  std::string_view desc;
  std::string message;
};

std::string_view kind_word(v1::FileKind k) {
  switch (k) {
    case v1::FILE_REGULAR:
      return "regular file";
    case v1::FILE_DIRECTORY:
      return "directory";
    case v1::FILE_SYMLINK:
      return "symlink";
    case v1::FILE_FIFO:
      return "fifo";
    case v1::FILE_SOCKET:
      return "socket";
    case v1::FILE_CHAR_DEVICE:
      return "character device";
    case v1::FILE_BLOCK_DEVICE:
      return "block device";
    default:
      return "file";
  }
}

std::string endpoint(std::uint32_t family, std::string_view addr, std::uint32_t port) {
  std::string s = family == 10 ? "[" + t(addr) + "]" : t(addr);
  return s + ":" + std::to_string(port);
}

// "user alice on pts/0 from 10.0.0.1" from whichever parts are present.
std::string who(std::string_view user, std::string_view line, std::string_view host,
                std::string_view address) {
  std::string s;
  if (!user.empty()) s += "user " + t(user);
  if (!line.empty()) s += (s.empty() ? "on " : " on ") + t(line);
  std::string_view from = !host.empty() ? host : address;
  if (!from.empty()) s += (s.empty() ? "from " : " from ") + t(from);
  return s;
}

std::vector<Event> events_of(const v1::Record& r) {
  std::vector<Event> ev;
  auto add = [&](std::int64_t ns, std::string_view desc, std::string message) {
    if (ns != 0) ev.push_back({ns, desc, std::move(message)});
  };
  switch (r.body_case()) {
    case v1::Record::kFileEntry: {
      const auto& f = r.file_entry();
      std::string m = t(f.path());
      if (!f.link_target().empty()) m += " -> " + t(f.link_target());
      m += " (" + std::string(kind_word(f.file_kind()));
      if (f.file_kind() == v1::FILE_REGULAR) m += ", " + std::to_string(f.size()) + " bytes";
      m += ", uid " + std::to_string(f.uid()) + ")";
      if (f.flags_size() > 0) {
        m += " flags:";
        for (const auto& fl : f.flags()) m += " " + t(fl);
      }
      add(f.mtime_utc_ns(), "Content Modification Time", m);
      add(f.atime_utc_ns(), "Last Access Time", m);
      add(f.ctime_utc_ns(), "Metadata Modification Time", m);
      add(f.btime_utc_ns(), "Creation Time", m);
      break;
    }
    case v1::Record::kProcess: {
      const auto& p = r.process();
      std::string m = "pid " + std::to_string(p.pid()) + " (" + t(p.comm()) + ") started";
      if (!p.exe_path().empty()) m += ": " + t(p.exe_path());
      if (p.exe_deleted()) m += " [executable deleted]";
      add(p.start_utc_ns(), "Process Start", m);
      break;
    }
    case v1::Record::kLoginRecord: {
      const auto& l = r.login_record();
      std::string_view desc = "Login Record Time";
      if (l.log() == "btmp") {
        desc = "Failed Login";
      } else if (l.entry_type() == "USER_PROCESS") {
        desc = "Login";
      } else if (l.entry_type() == "DEAD_PROCESS") {
        desc = "Logout";
      } else if (l.entry_type() == "BOOT_TIME") {
        desc = "Boot";
      }
      std::string m = t(l.log()) + " " + t(l.entry_type());
      std::string w = who(l.user(), l.line(), l.host(), l.address());
      if (!w.empty()) m += ": " + w;
      add(l.time_utc_ns(), desc, m);
      break;
    }
    case v1::Record::kLastlogEntry: {
      const auto& l = r.lastlog_entry();
      std::string m = "last login of uid " + std::to_string(l.uid());
      std::string w = who({}, l.line(), l.host(), {});
      if (!w.empty()) m += " " + w;
      add(l.time_utc_ns(), "Last Login", m);
      break;
    }
    case v1::Record::kSession: {
      const auto& s = r.session();
      std::string m = "utmp " + t(s.entry_type());
      std::string w = who(s.user(), s.line(), s.host(), s.address());
      if (!w.empty()) m += ": " + w;
      add(s.time_utc_ns(), s.entry_type() == "USER_PROCESS" ? "Login" : "Session Record Time", m);
      break;
    }
    case v1::Record::kAuthEvent: {
      const auto& a = r.auth_event();
      std::string m = t(a.kind()) + (a.success() ? " (success)" : " (failure)");
      if (!a.message().empty()) {
        m += ": " + (a.program().empty() ? std::string() : t(a.program()) + ": ") + t(a.message());
      } else {
        std::string w = who(a.user(), a.tty(), a.source_address(), {});
        if (!w.empty()) m += ": " + w;
        if (!a.target_user().empty()) m += " as " + t(a.target_user());
      }
      add(a.time_utc_ns(), "Authentication Event", m);
      break;
    }
    case v1::Record::kSocket: {
      const auto& s = r.socket();
      std::string m = t(s.protocol());
      if (!s.state().empty()) m += " " + t(s.state());
      if (s.protocol() == "unix") {
        if (!s.unix_path().empty()) m += " " + t(s.unix_path());
      } else if (!s.local_address().empty()) {
        m += " " + endpoint(s.family(), s.local_address(), s.local_port());
        if (!s.remote_address().empty() && s.classification() != v1::LISTENING) {
          m += " -> " + endpoint(s.family(), s.remote_address(), s.remote_port());
        }
      }
      for (const auto& o : s.owners()) {
        m += " (" + t(o.comm()) + " pid " + std::to_string(o.pid()) + ")";
      }
      add(r.utc_ns(),
          s.classification() == v1::LISTENING ? "Listener Observed" : "Connection Observed", m);
      break;
    }
    case v1::Record::kPersistenceEntry: {
      const auto& p = r.persistence_entry();
      std::string m = t(p.kind()) + " in " + t(p.path());
      if (!p.command().empty()) m += ": " + t(p.command());
      std::int64_t ns = 0;
      if (p.has_file()) {
        ns = p.file().mtime_utc_ns();
      } else if (p.has_library()) {
        ns = p.library().mtime_utc_ns();
        m += " (library " + t(p.library().resolved_path()) + ")";
      }
      add(ns, "Content Modification Time", m);
      break;
    }
    case v1::Record::kPreservedFile: {
      const auto& p = r.preserved_file();
      std::string m = "preserved " + t(p.path()) + " (" + std::to_string(p.size()) + " bytes)";
      add(p.mtime_utc_ns(), "Content Modification Time", m);
      add(p.ctime_utc_ns(), "Metadata Modification Time", m);
      break;
    }
    case v1::Record::kAtJob: {
      const auto& a = r.at_job();
      std::string m = "at job " + t(a.path()) + " of uid " + std::to_string(a.file_uid());
      if (a.commands_size() > 0) m += ": " + t(a.commands(0).text());
      add(a.scheduled_utc_ns(), "Scheduled Time", m);
      break;
    }
    case v1::Record::kPackage: {
      const auto& p = r.package();
      std::string m = "package " + t(p.name()) + " " + t(p.version());
      if (!p.architecture().empty()) m += " " + t(p.architecture());
      add(p.list_mtime_utc_ns(), "Package Installed or Upgraded", m);
      break;
    }
    case v1::Record::kUserAccount: {
      const auto& u = r.user_account();
      std::string who_s = t(u.name()) + " (uid " + std::to_string(u.uid()) + ")";
      if (u.has_last_change_utc_ns()) {
        add(u.last_change_utc_ns(), "Password Change", "password of " + who_s + " changed");
      }
      if (u.has_expire_utc_ns()) {
        add(u.expire_utc_ns(), "Account Expiration", "account " + who_s + " expires");
      }
      break;
    }
    case v1::Record::kFinding: {
      const auto& f = r.finding();
      std::string sev = v1::Severity_Name(f.severity());
      if (sev.starts_with("SEVERITY_")) sev.erase(0, 9);
      std::string m = "[" + sev + "] " + t(f.rule_id());
      if (!f.checklist_id().empty()) m += " (" + t(f.checklist_id()) + ")";
      m += ": " + t(f.summary().empty() ? f.title_en() : f.summary());
      add(f.event_utc_ns(), "Finding Event Time", m);
      break;
    }
    default:
      break;
  }
  return ev;
}

}  // namespace

std::string timesketch_datetime(std::int64_t utc_ns) {
  // RFC 3339 with nanoseconds ("....123456789Z") floors towards the past; keep six digits.
  std::string s = platform::format_rfc3339_ns(utc_ns);
  s.erase(s.size() - 4, 3);
  return s;
}

std::size_t append_timesketch_events(std::string& out, const v1::Record& r, bool verified,
                                     std::string_view hostname) {
  std::vector<Event> ev = events_of(r);
  if (ev.empty()) return 0;
  const std::string type = record_type(r);
  std::string common = ",\"data_type\":";
  append_json_string(common, "hozen:" + type);
  common += ",\"hostname\":";
  append_json_string(common, t(hostname));
  common += ",\"record_index\":" + std::to_string(r.index());
  common += ",\"record_type\":";
  append_json_string(common, type);
  common += verified ? ",\"verified\":true" : ",\"verified\":false";
  common += body_fields(type, *record_body(r));
  for (const auto& e : ev) {
    out += "{\"message\":";
    append_json_string(out, e.message);
    out += ",\"datetime\":";
    append_json_string(out, timesketch_datetime(e.utc_ns));
    out += ",\"timestamp\":";
    out += std::to_string(floor_micros(e.utc_ns));
    out += ",\"timestamp_desc\":";
    append_json_string(out, e.desc);
    out += common;
    out += "}\n";
  }
  return ev.size();
}

}  // namespace hozen::exporter
