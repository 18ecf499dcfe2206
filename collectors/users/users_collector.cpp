#include "collectors/users/users_collector.h"

#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "collectors/framework/evidence.h"
#include "platform/checked_time.h"
#include "platform/parsers/passwd.h"
#include "platform/parsers/shadow.h"
#include "platform/parsers/sudoers.h"
#include "platform/paths.h"

namespace hozen::collectors::users {

namespace parsers = platform::parsers;

namespace {


// Forwards to `inner`, rewriting the raw bytes of PreservedFile records with `redact` (which
// returns nullopt when nothing needs hiding). preserve_file digests the real bytes before it emits,
// so the blob's sha256 stays that of the file as found; the blob is marked `redacted`.
class RedactingSink final : public Sink {
 public:
  using Redact = std::function<std::optional<std::string>(std::string_view)>;
  RedactingSink(Sink& inner, Redact redact) : inner_(inner), redact_(std::move(redact)) {}
  bool emit(v1::Record&& r) override {
    if (r.has_preserved_file()) {
      auto* f = r.mutable_preserved_file();
      if (auto red = redact_(f->raw())) {
        f->set_raw(std::move(*red));
        f->set_redacted(true);
      }
    }
    return inner_.emit(std::move(r));
  }
  bool anomaly(std::string_view kind, std::string_view path, std::uint64_t line,
               std::string_view detail, std::string_view raw) override {
    return inner_.anomaly(kind, path, line, detail, raw);
  }
  bool item_error(std::string_view item, const platform::Error& e) override {
    return inner_.item_error(item, e);
  }
  void item(v1::ItemStatus s) override { inner_.item(s); }

 private:
  Sink& inner_;
  Redact redact_;
};

v1::PasswordState to_proto(parsers::PasswordState s) {
  switch (s) {
    case parsers::PasswordState::kSet:
      return v1::PASSWORD_SET;
    case parsers::PasswordState::kLocked:
      return v1::PASSWORD_LOCKED;
    case parsers::PasswordState::kEmpty:
      return v1::PASSWORD_EMPTY;
    case parsers::PasswordState::kNoLogin:
      return v1::PASSWORD_NO_LOGIN;
  }
  return v1::PASSWORD_UNKNOWN;
}

// passwd(5): an empty shell means /bin/sh. nologin and false refuse a login.
bool shell_is_login(std::string_view shell) {
  return !(shell.ends_with("/nologin") || shell.ends_with("/false") || shell == "nologin" ||
           shell == "false");
}

// Malformed passwd/group lines may carry a hash in field 2: never put it into an anomaly.
bool report_malformed_redacted(Sink& sink, std::string_view kind, const Preserved& file,
                               const std::vector<platform::MalformedLine>& lines) {
  for (const auto& m : lines) {
    auto red = parsers::redact_field2_hashes(m.raw);
    if (!sink.anomaly(kind, file.path, m.line, m.reason, red ? *red : m.raw)) return false;
  }
  return true;
}

std::string_view basename(std::string_view p) {
  auto s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

std::string dirname(std::string_view p) {
  auto s = p.rfind('/');
  return s == std::string_view::npos || s == 0 ? std::string("/") : std::string(p.substr(0, s));
}

// Lexically resolves "." and ".." in an absolute path, so "/etc/sudoers.d/../passwd" cannot pass
// for a path under /etc/sudoers.d/ (symlinks are never followed by the walk, so this is exact).
std::string normalize_path(std::string_view p) {
  std::vector<std::string_view> parts;
  for (auto c : platform::split(p, '/')) {
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(c);
  }
  std::string out;
  for (auto c : parts) {
    out += '/';
    out += c;
  }
  return out.empty() ? "/" : out;
}

struct SudoersFileParse {
  Preserved file;
  parsers::SudoersParse parse;
};

// Walks /etc/sudoers and its includes the way sudo does (sudoers(5) "Including other files"),
// preserving and parsing each file read, and emitting a SudoersFile record for every candidate.
class SudoersWalk {
 public:
  // `inputs`: where includes may be read; `secrets`: files never to read as sudoers (by inode).
  SudoersWalk(const Context& ctx, Sink& sink, std::vector<std::string_view> inputs,
              std::vector<struct stat> secrets)
      : ctx_(ctx), sink_(sink), inputs_(std::move(inputs)), secrets_(std::move(secrets)) {}

  // False when the sink refused a record or the collector must stop.
  bool visit(const std::string& path, unsigned depth, std::string_view directive,
             const v1::SourceRef* from) {
    if (ctx_.should_stop()) return false;
    v1::Record r;
    auto* f = r.mutable_sudoers_file();
    f->set_path(path);
    f->set_depth(depth);
    f->set_directive(std::string(directive));
    if (from) *f->mutable_included_from() = *from;
    auto done = [&](v1::SudoersFileStatus s) {
      f->set_status(s);
      return sink_.emit(std::move(r));
    };
    if (depth > kMaxIncludeDepth) return done(v1::SUDOERS_FILE_DEPTH_LIMIT);
    if (depth > 0 && !input_allowed(path, inputs_)) return done(v1::SUDOERS_FILE_OUTSIDE_INPUTS);
    if (visited_.contains(path)) return done(v1::SUDOERS_FILE_LOOP);
    auto st = ctx_.host().lstat(path);
    if (!st) {
      if (st.error().kind == platform::ErrorKind::kNotFound) return done(v1::SUDOERS_FILE_MISSING);
      sink_.item_error(path, st.error());
      return done(v1::SUDOERS_FILE_UNREADABLE);
    }
    f->set_owner_uid(st->st_uid);
    f->set_mode(st->st_mode);
    // sudo refuses a sudoers file not owned by root, or writable by others (or by a group other
    // than root's): such a file is a finding even though sudo would not use it.
    f->set_unsafe_owner_or_mode(st->st_uid != 0 || (st->st_mode & S_IWOTH) ||
                                ((st->st_mode & S_IWGRP) && st->st_gid != 0));
    if (S_ISLNK(st->st_mode)) {
      // sudo follows a symlink to a regular file. We record the link and its target and never
      // read through it: a link is how a sudoers entry is pointed at another file (or at a
      // secret such as /etc/shadow, whose bytes must never land in the bundle).
      PreserveOptions o;
      o.links = LinkPolicy::kRecordOnly;
      (void)preserve_file(ctx_, sink_, path, o);
      if (auto t = ctx_.host().read_link(path)) f->set_link_target(*t);
      return done(v1::SUDOERS_FILE_LINK_NOT_FOLLOWED);
    }
    if (!S_ISREG(st->st_mode)) {
      // preserve_file records the item error and never opens a FIFO or device.
      (void)preserve_file(ctx_, sink_, path);
      return done(v1::SUDOERS_FILE_NOT_REGULAR);
    }
    for (const auto& s : secrets_) {
      if (s.st_ino == st->st_ino && s.st_dev == st->st_dev) {
        sink_.item(v1::ITEM_NOT_ATTEMPTED);
        return done(v1::SUDOERS_FILE_SECRET_NOT_READ);
      }
    }
    visited_.insert(path);
    auto p = preserve_file(ctx_, sink_, path);
    if (!p) return done(v1::SUDOERS_FILE_UNREADABLE);
    if (!done(v1::SUDOERS_FILE_PARSED)) return false;
    // sudo's own lexer has no line limit, but a logical line over 64 KiB is no policy a human
    // wrote: cap it (malformed, first bytes kept) so joined continuations stay bounded.
    auto parsed = parsers::parse_sudoers(p->bytes, kMaxSudoersLogicalLine);
    SudoersFileParse fp{std::move(*p), std::move(parsed)};
    if (!report_malformed(sink_, "sudoers_malformed_line", fp.file, fp.parse)) return false;
    files_.push_back(std::move(fp));
    std::size_t me = files_.size() - 1;
    // Includes are processed in order; files_ may grow meanwhile, so copy what is needed.
    auto includes = files_[me].parse.includes;
    Preserved self = files_[me].file;
    for (const auto& inc : includes) {
      if (ctx_.should_stop()) return false;
      v1::SourceRef ref;
      set_source(&ref, self, inc.line);
      // sudo 1.9.1+: a relative include path is relative to the including file's directory.
      std::string target = normalize_path(
          inc.path.starts_with('/') ? inc.path : platform::join_path(dirname(path), inc.path));
      bool ok = inc.is_dir ? visit_dir(target, depth + 1, inc.directive, ref)
                           : visit(target, depth + 1, inc.directive, &ref);
      if (!ok) return false;
    }
    return true;
  }

  const std::vector<SudoersFileParse>& files() const { return files_; }

 private:
  bool visit_dir(const std::string& dir, unsigned depth, std::string_view directive,
                 const v1::SourceRef& from) {
    if (depth > kMaxIncludeDepth || !input_allowed(dir, inputs_))
      return visit(dir, depth, directive, &from);
    auto st = ctx_.host().lstat(dir);
    if (!st || !S_ISDIR(st->st_mode)) return visit(dir, depth, directive, &from);  // records why
    for (const auto& entry : list_dir_paths(ctx_, sink_, dir)) {
      if (ctx_.should_stop()) return false;
      if (parsers::sudoers_includedir_skips(basename(entry))) {
        // sudo ignores these names (editor backups, "x.dpkg-old", "README~"): record, do not read.
        v1::Record r;
        auto* f = r.mutable_sudoers_file();
        f->set_path(entry);
        f->set_depth(depth);
        f->set_directive(std::string(directive));
        *f->mutable_included_from() = from;
        if (auto est = ctx_.host().lstat(entry)) {
          f->set_owner_uid(est->st_uid);
          f->set_mode(est->st_mode);
        }
        f->set_status(v1::SUDOERS_FILE_SKIPPED_NAME);
        sink_.item(v1::ITEM_NOT_ATTEMPTED);
        if (!sink_.emit(std::move(r))) return false;
        continue;
      }
      if (!visit(entry, depth, directive, &from)) return false;
    }
    return true;
  }

  const Context& ctx_;
  Sink& sink_;
  std::vector<std::string_view> inputs_;
  std::vector<struct stat> secrets_;
  std::set<std::string> visited_;
  std::vector<SudoersFileParse> files_;
};

// "!authenticate" among the settings of a Defaults line.
bool disables_authentication(std::string_view settings) {
  for (auto s : platform::split(settings, ',')) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (s == "!authenticate") return true;
  }
  return false;
}

const char* principal_kind(const parsers::SudoersAliases& aliases, std::string_view p) {
  if (p == "ALL") return "all";
  if (p.starts_with("%:")) return "non_unix_group";
  if (p.starts_with("%#")) return "gid";
  if (p.starts_with('%')) return "group";
  if (p.starts_with('+')) return "netgroup";
  if (p.starts_with('#')) return "uid";
  if (aliases.is_alias("User_Alias", p)) return "alias";
  return "user";
}

// `names_by_uid`: passwd names per uid, so a "#1005" principal matches "Defaults:svc-backup".
bool emit_sudoers(const Context& ctx, Sink& sink, const std::vector<SudoersFileParse>& files,
                  const std::multimap<std::string, std::string>& names_by_uid) {
  parsers::SudoersAliases aliases;
  for (const auto& f : files) {
    for (const auto& a : f.parse.aliases) aliases.add(a);
  }
  // Every passwd name with uid 0 is root to sudo ("(toor) ALL" runs commands as uid 0).
  std::set<std::string, std::less<>> uid0_names;
  auto [uid0_lo, uid0_hi] = names_by_uid.equal_range("0");
  for (auto it = uid0_lo; it != uid0_hi; ++it) uid0_names.insert(it->second);
  // Principals for whom a Defaults line turns authentication off ("" = everyone).
  std::set<std::string> no_auth;
  for (const auto& f : files) {
    for (const auto& d : f.parse.defaults) {
      if (ctx.should_stop()) return false;
      v1::Record r;
      auto* m = r.mutable_sudoers_defaults();
      m->set_binding(d.binding);
      m->set_text(d.text);
      bool off = disables_authentication(d.text);
      m->set_disables_authentication(off);
      set_source(m->mutable_source(), f.file, d.line);
      if (off && d.binding.empty()) no_auth.insert("");
      if (off && d.binding.starts_with(':')) {
        for (const auto& u : platform::split(std::string_view(d.binding).substr(1), ',')) {
          for (const auto& leaf : aliases.expand("User_Alias", u)) no_auth.insert(leaf);
        }
      }
      if (!sink.emit(std::move(r))) return false;
    }
    for (const auto& a : f.parse.aliases) {
      v1::Record r;
      auto* m = r.mutable_sudoers_alias();
      m->set_kind(a.kind);
      m->set_name(a.name);
      for (const auto& x : a.members) m->add_members(x);
      set_source(m->mutable_source(), f.file, a.line);
      if (!sink.emit(std::move(r))) return false;
    }
  }
  const std::size_t text_cap = ctx.limits().max_anomaly_raw_bytes;
  for (const auto& f : files) {
    for (const auto& rule : f.parse.rules) {
      for (const auto& who : rule.users) {
        if (ctx.should_stop()) return false;
        v1::Record r;
        auto* m = r.mutable_sudoers_rule();
        bool negated = who.starts_with('!');
        std::string_view p = negated ? std::string_view(who).substr(1) : std::string_view(who);
        m->set_principal(std::string(p));
        const char* kind = principal_kind(aliases, p);
        m->set_principal_kind(kind);
        m->set_is_group(p.starts_with('%') && !p.starts_with("%:"));
        m->set_negated(negated);
        std::vector<std::string> leaves{std::string(p)};
        if (std::string_view(kind) == "alias") {
          leaves = aliases.expand("User_Alias", p);
          for (const auto& l : leaves) m->add_expanded_users(l);
        }
        std::vector<std::string> names = leaves;
        for (const auto& l : leaves) {
          if (!l.starts_with('#')) continue;
          auto [lo, hi] = names_by_uid.equal_range(l.substr(1));
          for (auto it = lo; it != hi; ++it) names.push_back(it->second);
        }
        bool noauth =
            no_auth.contains("") || std::any_of(names.begin(), names.end(),
                                                [&](const auto& l) { return no_auth.contains(l); });
        bool root = false, root_nopw = false, all_root = false;
        for (const auto& c : rule.commands) {
          auto* pc = m->add_commands();
          for (const auto& h : c.hosts) pc->add_hosts(h);
          for (const auto& u : c.runas_users) pc->add_runas_users(u);
          for (const auto& g : c.runas_groups) pc->add_runas_groups(g);
          pc->set_runas_given(c.runas_given);
          for (const auto& t : c.tags) pc->add_tags(t);
          for (const auto& o : c.options) pc->add_options(o);
          pc->set_digest(c.digest);
          pc->set_command(c.command);
          pc->set_negated(c.negated);
          bool nopw = noauth || std::find(c.tags.begin(), c.tags.end(), "NOPASSWD") != c.tags.end();
          bool as_root = parsers::runs_as_root(aliases, c, uid0_names);
          bool all = parsers::is_all_commands(aliases, c);
          pc->set_nopasswd(nopw);
          pc->set_all_commands(all);
          pc->set_runs_as_root(as_root);
          if (!c.negated && as_root) {
            root = true;
            root_nopw = root_nopw || nopw;
            all_root = all_root || all;
          }
        }
        // "!bob" in a User_List excludes bob: the rule grants him nothing.
        m->set_can_become_root(root && !negated);
        m->set_can_become_root_nopasswd(root_nopw && !negated);
        m->set_all_commands_as_root(all_root && !negated);
        m->set_text(rule.text.substr(0, text_cap));
        set_source(m->mutable_source(), f.file, rule.line);
        if (!sink.emit(std::move(r))) return false;
      }
    }
  }
  return true;
}

}  // namespace

std::vector<std::string_view> UsersCollector::inputs() const {
  // gshadow is only lstat'ed (to recognise it behind a sudoers include); never read.
  // @include targets elsewhere are recorded (SUDOERS_FILE_OUTSIDE_INPUTS), not read: sudo would
  // read them, so the directive itself (with its SourceRef) is the finding.
  return {platform::paths::kPasswd,  platform::paths::kGroup,
          platform::paths::kShadow,  platform::paths::kGshadow,
          platform::paths::kSudoers, platform::paths::kSudoersDirEntries};
}

Outcome UsersCollector::collect(const Context& ctx, Sink& sink) noexcept {
  const auto cancelled = Outcome{v1::RUN_CANCELLED, "stopped"};

  // passwd and group: a hash in field 2 (hosts without shadow) is redacted in the blob too.
  RedactingSink field2(sink,
                       [](std::string_view raw) { return parsers::redact_field2_hashes(raw); });
  RedactingSink shadow_sink(sink, [](std::string_view raw) { return parsers::redact_shadow(raw); });
  PreserveOptions must;
  must.report_missing = true;

  auto passwd_file = preserve_file(ctx, field2, platform::paths::kPasswd, must);
  if (!passwd_file && ctx.should_stop()) return cancelled;
  auto group_file = preserve_file(ctx, field2, platform::paths::kGroup, must);
  PreserveOptions shadow_options = must;
  shadow_options.allow_secret = true;  // redacted by shadow_sink before it is emitted
  auto shadow_file = preserve_file(ctx, shadow_sink, platform::paths::kShadow, shadow_options);
  if (ctx.should_stop()) return cancelled;

  platform::ParsedLines<parsers::PasswdEntry> pw;
  platform::ParsedLines<parsers::GroupEntry> gr;
  platform::ParsedLines<parsers::ShadowEntry> sh;
  if (passwd_file) {
    pw = parsers::parse_passwd(passwd_file->bytes);
    if (!report_malformed_redacted(sink, "passwd_malformed_line", *passwd_file, pw.malformed))
      return cancelled;
  }
  if (group_file) {
    gr = parsers::parse_group(group_file->bytes);
    if (!report_malformed_redacted(sink, "group_malformed_line", *group_file, gr.malformed))
      return cancelled;
  }
  if (shadow_file) {
    sh = parsers::parse_shadow(shadow_file->bytes);  // malformed raw is already redacted
    if (!report_malformed(sink, "shadow_malformed_line", *shadow_file, sh)) return cancelled;
  }

  std::map<std::string, std::size_t> name_count;
  std::map<std::uint32_t, std::size_t> uid_count;
  for (const auto& e : pw.entries) {
    if (e.nis_compat) continue;
    uid_count[e.uid]++;
    name_count[e.name]++;
  }
  std::map<std::uint32_t, std::string> group_name;
  std::map<std::uint32_t, std::size_t> gid_count;
  std::map<std::string, std::size_t> gname_count;
  for (const auto& g : gr.entries) {
    if (g.nis_compat) continue;
    group_name.emplace(g.gid, g.name);  // first line wins, as in NSS files
    gid_count[g.gid]++;
    gname_count[g.name]++;
  }
  std::map<std::string, const parsers::ShadowEntry*> shadow_by_name;
  for (const auto& s : sh.entries) shadow_by_name.emplace(s.name, &s);

  std::set<std::string> known;
  for (const auto& e : pw.entries) {
    if (ctx.should_stop()) return cancelled;
    known.insert(e.name);
    v1::Record r;
    auto* a = r.mutable_user_account();
    a->set_name(e.name);
    a->set_uid(e.uid);
    a->set_gid(e.gid);
    a->set_gecos(e.gecos);
    a->set_home(e.home);
    a->set_shell(e.shell);
    a->set_shell_is_login(!e.nis_compat && shell_is_login(e.shell));
    if (auto g = group_name.find(e.gid); g != group_name.end() && !e.nis_compat)
      a->set_primary_group(g->second);
    for (const auto& g : gr.entries) {
      if (std::find(g.members.begin(), g.members.end(), e.name) != g.members.end())
        a->add_supplementary_groups(g.name);
    }
    a->set_nis_compat(e.nis_compat);
    const parsers::ShadowEntry* s = nullptr;
    if (auto it = shadow_by_name.find(e.name); it != shadow_by_name.end()) s = it->second;
    a->set_has_shadow_entry(s != nullptr);
    // glibc consults shadow only when the passwd field is "x".
    if (e.nis_compat) {
      a->set_password_state(v1::PASSWORD_UNKNOWN);
    } else if (e.password != "x") {
      auto c = parsers::classify_password(e.password);
      a->set_password_in_passwd(true);
      a->set_password_state(to_proto(c.state));
      a->set_password_scheme(c.scheme);
    } else if (s) {
      a->set_password_state(to_proto(s->password.state));
      a->set_password_scheme(s->password.scheme);
    } else {
      a->set_password_state(v1::PASSWORD_UNKNOWN);
    }
    if (s) {
      if (s->last_change) {
        a->set_last_change_days(*s->last_change);
        if (auto ns = platform::days_to_ns(*s->last_change)) {
          a->set_last_change_utc_ns(*ns);
        } else {
          a->set_aging_time_out_of_range(true);
        }
        a->set_must_change_password(*s->last_change == 0);
      }
      if (s->min_days) a->set_min_days(*s->min_days);
      if (s->max_days) a->set_max_days(*s->max_days);
      if (s->warn_days) a->set_warn_days(*s->warn_days);
      if (s->inactive_days) a->set_inactive_days(*s->inactive_days);
      if (s->expire) {
        a->set_expire_days(*s->expire);
        if (auto ns = platform::days_to_ns(*s->expire)) {
          a->set_expire_utc_ns(*ns);
        } else {
          a->set_aging_time_out_of_range(true);
        }
      }
      set_source(a->mutable_shadow_source(), *shadow_file, s->line);
    }
    if (!e.nis_compat) {
      a->set_uid0_not_root(e.uid == 0 && e.name != "root");
      a->set_gid0_not_root(e.gid == 0 && e.name != "root");
      a->set_duplicate_uid(uid_count[e.uid] > 1);
      a->set_duplicate_name(name_count[e.name] > 1);
    }
    set_source(a->mutable_source(), *passwd_file, e.line);
    if (!sink.emit(std::move(r))) return cancelled;
  }
  if (shadow_file) {
    for (const auto& s : sh.entries) {
      if (!known.contains(s.name) && !s.name.starts_with('+') && !s.name.starts_with('-')) {
        if (!sink.anomaly("shadow_entry_without_passwd", shadow_file->path, s.line,
                          "shadow line for a name with no passwd line", s.name)) {
          return cancelled;
        }
      }
    }
  }
  for (const auto& g : gr.entries) {
    if (ctx.should_stop()) return cancelled;
    v1::Record r;
    auto* m = r.mutable_user_group();
    m->set_name(g.name);
    m->set_gid(g.gid);
    for (const auto& x : g.members) {
      m->add_members(x);
      if (!known.contains(x) && passwd_file) m->add_unknown_members(x);
    }
    m->set_nis_compat(g.nis_compat);
    if (!g.nis_compat) {
      m->set_gid0_not_root(g.gid == 0 && g.name != "root");
      m->set_duplicate_gid(gid_count[g.gid] > 1);
      m->set_duplicate_name(gname_count[g.name] > 1);
      // A hash (possibly behind "!") is replaced by its token; markers such as "x" or "!" are not.
      m->set_password_in_group(parsers::classify_password(g.password).token != g.password);
    }
    set_source(m->mutable_source(), *group_file, g.line);
    if (!sink.emit(std::move(r))) return cancelled;
  }

  // Never preserve the password databases again as sudoers files (a hard link in sudoers.d).
  std::vector<struct stat> secrets;
  if (shadow_file) secrets.push_back(shadow_file->st);
  if (auto g = ctx.host().lstat(platform::paths::kGshadow); g && S_ISREG(g->st_mode))
    secrets.push_back(*g);
  if (passwd_file) secrets.push_back(passwd_file->st);
  if (group_file) secrets.push_back(group_file->st);
  // Includes are followed only to /etc/sudoers and the entries of /etc/sudoers.d (not deeper: an
  // intermediate symlinked directory would be resolved by the filesystem and could lead anywhere).
  // "@include /etc/shadow" (or passwd, which may hold hashes) must never preserve a password
  // database unredacted in the role of a sudoers file.
  SudoersWalk walk(ctx, sink, {platform::paths::kSudoers, platform::paths::kSudoersDirEntries},
                   std::move(secrets));
  if (!walk.visit(std::string(platform::paths::kSudoers), 0, {}, nullptr)) return cancelled;
  std::multimap<std::string, std::string> names_by_uid;
  for (const auto& e : pw.entries) {
    if (!e.nis_compat) names_by_uid.emplace(std::to_string(e.uid), e.name);
  }
  if (!emit_sudoers(ctx, sink, walk.files(), names_by_uid)) return cancelled;
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::users
