// The artifact tables of the report: one function per table, all through render_table().
#include <cstdio>
#include <string>
#include <vector>

#include "agent/report/html_internal.h"
#include "platform/host.h"
#include "platform/sha256.h"

namespace hozen::report::detail {

using BodyCase = v1::Record::BodyCase;

// ---- cells ---------------------------------------------------------------------------------

Cell cell_text(const Ctx& c, std::string_view raw) {
  Cell cell;
  append_text_capped(cell.html, raw, c.limits.cell_bytes);
  return cell;
}

Cell cell_mono(const Ctx& c, std::string_view raw) {
  Cell cell = cell_text(c, raw);
  cell.mono = true;
  return cell;
}

Cell cell_num(std::int64_t v) {
  Cell cell;
  cell.html = std::to_string(v);
  cell.sort_key = cell.html;
  return cell;
}

Cell cell_unum(std::uint64_t v) {
  Cell cell;
  cell.html = std::to_string(v);
  cell.sort_key = cell.html;
  return cell;
}

Cell cell_time(std::int64_t utc_ns) {
  Cell cell;
  cell.html = utc_ns == 0 ? std::string() : platform::format_rfc3339_ns(utc_ns);
  cell.mono = true;
  return cell;
}

Cell cell_hex(std::string_view raw_bytes) {
  Cell cell;
  cell.html = platform::to_hex(raw_bytes);
  cell.mono = true;
  return cell;
}

Cell cell_octal(std::uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06o", mode);
  Cell cell;
  cell.html = buf;
  cell.mono = true;
  return cell;
}

Cell cell_bool(const Ctx& c, bool v) {
  Cell cell;
  cell.html = v ? html_plain(c.l("yes", "はい")) : std::string();
  return cell;
}

Cell cell_ours(std::string_view text) {
  Cell cell;
  cell.html = html_plain(text);
  return cell;
}

namespace {

Cell cell_source(const Ctx& c, const v1::SourceRef& s) {
  Cell cell = cell_mono(c, s.path());
  if (s.line() != 0) cell.html += ":" + std::to_string(s.line());
  return cell;
}

// Several of our labels for boolean properties that are set, e.g. "deleted", "uid0_not_root".
Cell cell_tags(std::initializer_list<std::pair<bool, std::string_view>> tags) {
  Cell cell;
  for (const auto& [on, name] : tags) {
    if (on) cell.html += "<span class=\"item\">" + html_plain(name) + "</span>";
  }
  return cell;
}

std::string count_text(const Ctx& c, const TableSpec& t) {
  std::string s = std::to_string(t.rows.size()) + " " + std::string(c.l("shown", "件表示")) +
                  " / " + std::to_string(t.seen) + " " +
                  std::string(c.l("in the bundle", "件 (バンドル内)"));
  return s;
}

// A table of one record type: rows from ReportRecords, cells from `cells_of(record)`.
template <class F>
TableSpec make_table(const Ctx& c, BodyCase type, std::string id, std::string_view title,
                     std::vector<std::string> headers, F cells_of) {
  TableSpec t;
  t.id = std::move(id);
  t.title = title;
  t.headers = std::move(headers);
  if (c.in.records == nullptr) return t;
  const auto& records = *c.in.records;
  t.seen = records.seen(type);
  t.left_out = records.left_out(type);
  for (const auto& k : records.rows(type)) {
    Row row;
    row.index = k.index;
    row.verified = k.verified;
    row.flagged = k.priority == 0;
    row.cells = cells_of(k.record);
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::vector<std::string> H(const Ctx& c,
                           std::initializer_list<std::pair<std::string_view, std::string_view>> h) {
  std::vector<std::string> out;
  for (const auto& [en, ja] : h) out.emplace_back(c.l(en, ja));
  return out;
}

void section_open(std::string& out, const Ctx& c, std::string_view id, std::string_view en,
                  std::string_view ja) {
  out += "<section id=\"";
  out += id;
  out += "\"><h2>" + html_plain(c.l(en, ja)) + "</h2>\n";
}

void section_close(std::string& out) { out += "</section>\n"; }

// ---- processes --------------------------------------------------------------------------------

void table_processes(std::string& out, const Ctx& c) {
  auto t = make_table(c, v1::Record::kProcess, "t-process", c.l("Processes", "プロセス"),
                      H(c, {{"PID", "PID"},
                            {"PPID", "PPID"},
                            {"Start (UTC)", "開始 (UTC)"},
                            {"UIDs", "UID"},
                            {"comm", "comm"},
                            {"Executable", "実行ファイル"},
                            {"Flags", "フラグ"},
                            {"argv", "引数 (argv)"},
                            {"cwd", "cwd"},
                            {"Executable SHA-256", "実行ファイル SHA-256"},
                            {"Container", "コンテナ"}}),
                      [&](const v1::Record& r) {
                        const auto& p = r.process();
                        std::string uids;
                        for (auto u : p.uids())
                          uids += (uids.empty() ? "" : "/") + std::to_string(u);
                        return std::vector<Cell>{cell_num(p.pid()),
                                                 cell_num(p.ppid()),
                                                 cell_time(p.start_utc_ns()),
                                                 cell_ours(uids),
                                                 cell_mono(c, p.comm()),
                                                 cell_mono(c, p.exe_path()),
                                                 cell_tags({{p.exe_deleted(), "exe deleted"},
                                                            {p.kernel_thread(), "kernel thread"},
                                                            {p.pid_reused(), "pid reused"},
                                                            {p.argv_truncated(), "argv truncated"},
                                                            {p.tracer_pid() != 0, "traced"},
                                                            {p.collector_self(), "hozen itself"}}),
                                                 cell_list(c, p.argv()),
                                                 cell_mono(c, p.cwd()),
                                                 cell_hex(p.exe_sha256()),
                                                 cell_mono(c, p.container_id().substr(0, 12))};
                      });
  t.note =
      c.l("Processes with a deleted executable or one in a temp or hidden path first; kernel "
          "threads last.",
          "削除済みまたは一時・隠しパスの実行ファイルを持つプロセスを先頭に、カーネルスレッドを末尾"
          "に表示。");
  render_table(out, c, t);

  auto h = make_table(
      c, v1::Record::kHiddenProcess, "t-hidden-process",
      c.l("Hidden processes (cross-check)", "隠しプロセス (相互チェック)"),
      H(c, {{"PID", "PID"}, {"Finding", "検出内容"}, {"Probes", "検出手段"}, {"Detail", "詳細"}}),
      [&](const v1::Record& r) {
        const auto& p = r.hidden_process();
        return std::vector<Cell>{cell_num(p.pid()), cell_mono(c, p.finding()),
                                 cell_list(c, p.probes()), cell_text(c, p.detail())};
      });
  render_table(out, c, h);
}

// ---- network -----------------------------------------------------------------------------------

void table_sockets(std::string& out, const Ctx& c) {
  auto t =
      make_table(c, v1::Record::kSocket, "t-socket", c.l("Sockets", "ソケット"),
                 H(c, {{"Proto", "プロトコル"},
                       {"Local address", "ローカルアドレス"},
                       {"Local port", "ローカルポート"},
                       {"Remote address", "リモートアドレス"},
                       {"Remote port", "リモートポート"},
                       {"State", "状態"},
                       {"Class", "分類"},
                       {"Owners (pid comm)", "所有プロセス (pid comm)"},
                       {"UID", "UID"},
                       {"netns", "netns"}}),
                 [&](const v1::Record& r) {
                   const auto& s = r.socket();
                   Cell owners;
                   for (const auto& o : s.owners()) {
                     owners.html += "<span class=\"item\">" + std::to_string(o.pid()) + " ";
                     append_text_capped(owners.html, o.comm(), c.limits.cell_bytes);
                     owners.html += "</span>";
                   }
                   Cell local = s.protocol() == "unix" ? cell_mono(c, s.unix_path())
                                                       : cell_mono(c, s.local_address());
                   return std::vector<Cell>{cell_mono(c, s.protocol()),
                                            std::move(local),
                                            cell_unum(s.local_port()),
                                            cell_mono(c, s.remote_address()),
                                            cell_unum(s.remote_port()),
                                            cell_mono(c, s.state()),
                                            cell_ours(v1::SocketClass_Name(s.classification())),
                                            std::move(owners),
                                            cell_unum(s.uid()),
                                            cell_unum(s.netns())};
                 });
  t.note = c.l("Listening sockets first, then connections, then the rest (unix, time-wait).",
               "待ち受けソケットを先頭に、次に通信中の接続、その他 (unix、time-wait) の順。");
  render_table(out, c, t);
}

// ---- sessions ----------------------------------------------------------------------------------

void table_sessions(std::string& out, const Ctx& c) {
  auto t = make_table(c, v1::Record::kSession, "t-session",
                      c.l("Current sessions (utmp)", "現在のセッション (utmp)"),
                      H(c, {{"Type", "種別"},
                            {"User", "ユーザ"},
                            {"Line", "端末"},
                            {"Host", "接続元ホスト"},
                            {"Address", "アドレス"},
                            {"Time (UTC)", "日時 (UTC)"},
                            {"PID", "PID"}}),
                      [&](const v1::Record& r) {
                        const auto& s = r.session();
                        return std::vector<Cell>{cell_mono(c, s.entry_type()),
                                                 cell_mono(c, s.user()),
                                                 cell_mono(c, s.line()),
                                                 cell_mono(c, s.host()),
                                                 cell_mono(c, s.address()),
                                                 cell_time(s.time_utc_ns()),
                                                 cell_num(s.pid())};
                      });
  render_table(out, c, t);
}

// ---- users and sudoers
// ---------------------------------------------------------------------------

void table_users(std::string& out, const Ctx& c) {
  auto t = make_table(c, v1::Record::kUserAccount, "t-user-account", c.l("Accounts", "アカウント"),
                      H(c, {{"Name", "名前"},
                            {"UID", "UID"},
                            {"GID", "GID"},
                            {"Home", "ホーム"},
                            {"Shell", "シェル"},
                            {"Password", "パスワード"},
                            {"Groups", "グループ"},
                            {"Flags", "フラグ"},
                            {"Source", "出典"}}),
                      [&](const v1::Record& r) {
                        const auto& u = r.user_account();
                        return std::vector<Cell>{
                            cell_mono(c, u.name()),
                            cell_unum(u.uid()),
                            cell_unum(u.gid()),
                            cell_mono(c, u.home()),
                            cell_mono(c, u.shell()),
                            cell_ours(v1::PasswordState_Name(u.password_state())),
                            cell_list(c, u.supplementary_groups()),
                            cell_tags({{u.uid0_not_root(), "uid0_not_root"},
                                       {u.gid0_not_root(), "gid0_not_root"},
                                       {u.duplicate_uid(), "duplicate_uid"},
                                       {u.duplicate_name(), "duplicate_name"},
                                       {u.password_in_passwd(), "password_in_passwd"},
                                       {u.nis_compat(), "nis_compat"},
                                       {u.shell_is_login(), "login shell"}}),
                            cell_source(c, u.source())};
                      });
  t.note =
      c.l("Second root accounts, empty passwords and duplicate uids first; accounts without a "
          "login shell last.",
          "root 以外の UID 0、空パスワード、重複 UID "
          "を先頭に、ログインシェルのないアカウントを末尾に表示。");
  render_table(out, c, t);

  auto sudo = make_table(c, v1::Record::kSudoersRule, "t-sudoers-rule",
                         c.l("sudoers rules", "sudoers ルール"),
                         H(c, {{"Principal", "対象"},
                               {"Kind", "種別"},
                               {"Becomes root", "root 権限"},
                               {"Without password", "パスワードなし"},
                               {"All commands", "全コマンド"},
                               {"Rule", "ルール"},
                               {"Source", "出典"}}),
                         [&](const v1::Record& r) {
                           const auto& s = r.sudoers_rule();
                           return std::vector<Cell>{cell_mono(c, s.principal()),
                                                    cell_mono(c, s.principal_kind()),
                                                    cell_bool(c, s.can_become_root()),
                                                    cell_bool(c, s.can_become_root_nopasswd()),
                                                    cell_bool(c, s.all_commands_as_root()),
                                                    cell_mono(c, s.text()),
                                                    cell_source(c, s.source())};
                         });
  render_table(out, c, sudo);
}

// ---- logins and authentication
// ---------------------------------------------------------------------

void table_logins(std::string& out, const Ctx& c) {
  auto t =
      make_table(c, v1::Record::kLoginRecord, "t-login-record",
                 c.l("Login history (wtmp, btmp)", "ログイン履歴 (wtmp、btmp)"),
                 H(c, {{"Log", "ログ"},
                       {"Type", "種別"},
                       {"User", "ユーザ"},
                       {"Line", "端末"},
                       {"Host", "接続元ホスト"},
                       {"Address", "アドレス"},
                       {"Time (UTC)", "日時 (UTC)"}}),
                 [&](const v1::Record& r) {
                   const auto& l = r.login_record();
                   return std::vector<Cell>{cell_mono(c, l.log()),     cell_mono(c, l.entry_type()),
                                            cell_mono(c, l.user()),    cell_mono(c, l.line()),
                                            cell_mono(c, l.host()),    cell_mono(c, l.address()),
                                            cell_time(l.time_utc_ns())};
                 });
  t.note = c.l("Failed logins (btmp) first; when over the cap, the latest records are kept.",
               "失敗したログイン (btmp) を先頭に。上限を超えた場合は新しい記録を残します。");
  render_table(out, c, t);

  auto ll = make_table(
      c, v1::Record::kLastlogEntry, "t-lastlog",
      c.l("Last logins (lastlog)", "最終ログイン (lastlog)"),
      H(c,
        {{"UID", "UID"}, {"Time (UTC)", "日時 (UTC)"}, {"Line", "端末"}, {"Host", "接続元ホスト"}}),
      [&](const v1::Record& r) {
        const auto& l = r.lastlog_entry();
        return std::vector<Cell>{cell_unum(l.uid()), cell_time(l.time_utc_ns()),
                                 cell_mono(c, l.line()), cell_mono(c, l.host())};
      });
  render_table(out, c, ll);

  auto a = make_table(c, v1::Record::kAuthEvent, "t-auth-event",
                      c.l("Authentication events (auth logs)", "認証イベント (認証ログ)"),
                      H(c, {{"Time (UTC)", "日時 (UTC)"},
                            {"Kind", "種別"},
                            {"Success", "成功"},
                            {"User", "ユーザ"},
                            {"Target user", "対象ユーザ"},
                            {"TTY", "TTY"},
                            {"Source", "接続元"},
                            {"Service", "サービス"},
                            {"Command / reason", "コマンド / 理由"},
                            {"Log line", "ログ行"}}),
                      [&](const v1::Record& r) {
                        const auto& e = r.auth_event();
                        Cell ok =
                            cell_ours(e.success() ? c.l("yes", "はい") : c.l("FAILED", "失敗"));
                        return std::vector<Cell>{
                            cell_time(e.time_utc_ns()),
                            cell_mono(c, e.kind()),
                            std::move(ok),
                            cell_mono(c, e.user()),
                            cell_mono(c, e.target_user()),
                            cell_mono(c, e.tty()),
                            cell_mono(c, e.source_address()),
                            cell_mono(c, e.service()),
                            cell_mono(c, e.command().empty() ? e.failure_reason() : e.command()),
                            cell_source(c, e.source())};
                      });
  a.note = c.l("sudo, su and failures first; when over the cap, the latest events are kept.",
               "sudo、su と失敗を先頭に。上限を超えた場合は新しいイベントを残します。");
  render_table(out, c, a);
}

// ---- services
// --------------------------------------------------------------------------------------

template <class Exec>
Cell cell_exec(const Ctx& c, const Exec& exec) {
  Cell cell;
  std::size_t n = 0;
  for (const auto& e : exec) {
    if (n++ == 16) {
      cell.html += "<span class=\"cut\">\xe2\x80\xa6</span>";
      break;
    }
    cell.html += "<span class=\"item\">";
    append_text_capped(cell.html, e.directive(), 64);
    cell.html += ": ";
    append_text_capped(cell.html, e.raw(), c.limits.cell_bytes);
    cell.html += "</span>";
  }
  cell.mono = true;
  return cell;
}

void table_services(std::string& out, const Ctx& c) {
  auto t = make_table(c, v1::Record::kSystemdUnit, "t-systemd-unit",
                      c.l("systemd units", "systemd ユニット"),
                      H(c, {{"Name", "名前"},
                            {"Scope", "スコープ"},
                            {"State", "有効状態"},
                            {"Runtime", "実行状態"},
                            {"User", "ユーザ"},
                            {"Commands", "コマンド"},
                            {"Path", "パス"}}),
                      [&](const v1::Record& r) {
                        const auto& u = r.systemd_unit();
                        return std::vector<Cell>{cell_mono(c, u.name()),
                                                 cell_ours(v1::UnitScope_Name(u.scope())),
                                                 cell_ours(v1::UnitEnableState_Name(u.state())),
                                                 cell_ours(v1::UnitRuntimeState_Name(u.runtime())),
                                                 cell_mono(c, u.user()),
                                                 cell_exec(c, u.exec()),
                                                 cell_mono(c, u.path())};
                      });
  t.note = c.l("Units running from a temp or hidden path first, then enabled or running units.",
               "一時・隠しパスから実行されるユニットを先頭に、次に有効または実行中のユニット。");
  render_table(out, c, t);

  auto i = make_table(c, v1::Record::kInitScript, "t-init-script",
                      c.l("SysV / OpenRC init scripts", "SysV / OpenRC 起動スクリプト"),
                      H(c, {{"Name", "名前"},
                            {"Path", "パス"},
                            {"Executable", "実行可能"},
                            {"Start links", "起動リンク"},
                            {"Description", "説明"}}),
                      [&](const v1::Record& r) {
                        const auto& s = r.init_script();
                        std::size_t starts = 0;
                        for (const auto& l : s.links()) starts += l.start() ? 1 : 0;
                        return std::vector<Cell>{cell_mono(c, s.name()), cell_mono(c, s.path()),
                                                 cell_bool(c, s.executable()), cell_unum(starts),
                                                 cell_text(c, s.lsb_description())};
                      });
  render_table(out, c, i);

  auto l =
      make_table(c, v1::Record::kRcLocal, "t-rc-local", c.l("rc.local", "rc.local"),
                 H(c, {{"Path", "パス"}, {"Executable", "実行可能"}, {"Commands", "コマンド"}}),
                 [&](const v1::Record& r) {
                   const auto& s = r.rc_local();
                   Cell cmds;
                   cmds.mono = true;
                   std::size_t n = 0;
                   for (const auto& line : s.commands()) {
                     if (n++ == 64) break;
                     cmds.html += "<span class=\"item\">";
                     append_text_capped(cmds.html, line.text(), c.limits.cell_bytes);
                     cmds.html += "</span>";
                   }
                   return std::vector<Cell>{cell_mono(c, s.path()), cell_bool(c, s.executable()),
                                            std::move(cmds)};
                 });
  render_table(out, c, l);
}

// ---- scheduled tasks
// -----------------------------------------------------------------------------

void table_tasks(std::string& out, const Ctx& c) {
  auto t = make_table(
      c, v1::Record::kCronEntry, "t-cron-entry", c.l("cron and anacron", "cron と anacron"),
      H(c, {{"Source", "種別"},
            {"Runs as", "実行ユーザ"},
            {"Schedule", "スケジュール"},
            {"Command", "コマンド"},
            {"File", "ファイル"}}),
      [&](const v1::Record& r) {
        const auto& e = r.cron_entry();
        std::string sched;
        if (e.line_kind() == v1::CRON_LINE_ENVIRONMENT) {
          sched = "(env)";
        } else if (e.line_kind() == v1::CRON_LINE_ANACRON_JOB) {
          sched = e.anacron_period() + " " + e.anacron_delay() + " " + e.anacron_job_id();
        } else if (!e.special().empty()) {
          sched = e.special();
        } else {
          sched = e.minute() + " " + e.hour() + " " + e.day_of_month() + " " + e.month() + " " +
                  e.day_of_week();
        }
        std::string cmd = e.line_kind() == v1::CRON_LINE_ENVIRONMENT
                              ? e.env_name() + "=" + e.env_value()
                              : e.command();
        return std::vector<Cell>{cell_ours(v1::CronSourceKind_Name(e.source_kind())),
                                 cell_mono(c, e.run_as()), cell_mono(c, sched), cell_mono(c, cmd),
                                 cell_source(c, e.source())};
      });
  t.note = c.l("Jobs first, environment lines last.", "ジョブを先頭に、環境変数の行を末尾に表示。");
  render_table(out, c, t);

  auto p = make_table(c, v1::Record::kPeriodicScript, "t-periodic-script",
                      c.l("cron.hourly/daily/weekly/monthly scripts",
                          "cron.hourly/daily/weekly/monthly スクリプト"),
                      H(c, {{"Period", "周期"},
                            {"Path", "パス"},
                            {"Runs", "実行対象"},
                            {"Mode", "モード"},
                            {"UID", "UID"},
                            {"Why not", "対象外の理由"}}),
                      [&](const v1::Record& r) {
                        const auto& s = r.periodic_script();
                        return std::vector<Cell>{
                            cell_mono(c, s.period()), cell_mono(c, s.path()),
                            cell_bool(c, s.runs()),   cell_octal(s.mode()),
                            cell_unum(s.uid()),       cell_text(c, s.skip_reason())};
                      });
  render_table(out, c, p);

  auto a =
      make_table(c, v1::Record::kAtJob, "t-at-job", c.l("at jobs", "at ジョブ"),
                 H(c, {{"Path", "パス"},
                       {"Scheduled (UTC)", "予定日時 (UTC)"},
                       {"UID", "UID"},
                       {"Commands", "コマンド"}}),
                 [&](const v1::Record& r) {
                   const auto& j = r.at_job();
                   Cell cmds;
                   cmds.mono = true;
                   std::size_t n = 0;
                   for (const auto& line : j.commands()) {
                     if (n++ == 64) break;
                     cmds.html += "<span class=\"item\">";
                     append_text_capped(cmds.html, line.text(), c.limits.cell_bytes);
                     cmds.html += "</span>";
                   }
                   return std::vector<Cell>{cell_mono(c, j.path()), cell_time(j.scheduled_utc_ns()),
                                            cell_unum(j.file_uid()), std::move(cmds)};
                 });
  render_table(out, c, a);

  auto s = make_table(c, v1::Record::kSystemdTimer, "t-systemd-timer",
                      c.l("systemd timers", "systemd タイマー"),
                      H(c, {{"Name", "名前"},
                            {"Triggers", "契機"},
                            {"Unit", "起動ユニット"},
                            {"Commands", "コマンド"},
                            {"State", "有効状態"}}),
                      [&](const v1::Record& r) {
                        const auto& tm = r.systemd_timer();
                        Cell trig;
                        trig.mono = true;
                        std::size_t n = 0;
                        for (const auto& st : tm.triggers()) {
                          if (n++ == 16) break;
                          trig.html += "<span class=\"item\">";
                          append_text_capped(trig.html, st.key(), 64);
                          trig.html += "=";
                          append_text_capped(trig.html, st.value(), c.limits.cell_bytes);
                          trig.html += "</span>";
                        }
                        return std::vector<Cell>{cell_mono(c, tm.name()), std::move(trig),
                                                 cell_mono(c, tm.unit()), cell_exec(c, tm.exec()),
                                                 cell_ours(v1::UnitEnableState_Name(tm.state()))};
                      });
  render_table(out, c, s);
}

// ---- persistence
// -----------------------------------------------------------------------------------

void table_persistence(std::string& out, const Ctx& c) {
  auto t =
      make_table(c, v1::Record::kPersistenceEntry, "t-persistence-entry",
                 c.l("Persistence entries", "永続化エントリ"),
                 H(c, {{"Kind", "種別"},
                       {"Account", "アカウント"},
                       {"Path", "パス"},
                       {"Command", "コマンド"},
                       {"Flags", "フラグ"},
                       {"Source", "出典"}}),
                 [&](const v1::Record& r) {
                   const auto& e = r.persistence_entry();
                   return std::vector<Cell>{cell_mono(c, e.kind()),  cell_mono(c, e.account()),
                                            cell_mono(c, e.path()),  cell_mono(c, e.command()),
                                            cell_list(c, e.flags()), cell_source(c, e.source())};
                 });
  t.note = c.l("Entries with flags first.", "フラグ付きのエントリを先頭に表示。");
  render_table(out, c, t);
}

// ---- kernel
// --------------------------------------------------------------------------------------

void table_kernel(std::string& out, const Ctx& c) {
  auto t = make_table(c, v1::Record::kKernelModule, "t-kernel-module",
                      c.l("Kernel modules", "カーネルモジュール"),
                      H(c, {{"Name", "名前"},
                            {"Size", "サイズ"},
                            {"State", "状態"},
                            {"Taint", "taint"},
                            {"In /proc/modules", "/proc/modules"},
                            {"In /sys/module", "/sys/module"},
                            {"Hidden from /proc/modules", "/proc/modules から隠蔽"},
                            {"Used by", "使用元"}}),
                      [&](const v1::Record& r) {
                        const auto& m = r.kernel_module();
                        return std::vector<Cell>{cell_mono(c, m.name()),
                                                 cell_unum(m.size()),
                                                 cell_mono(c, m.state()),
                                                 cell_mono(c, m.taint()),
                                                 cell_bool(c, m.in_proc_modules()),
                                                 cell_bool(c, m.in_sysfs()),
                                                 cell_bool(c, m.hidden_from_proc_modules()),
                                                 cell_list(c, m.used_by())};
                      });
  t.note = c.l("Hidden or tainting modules first.",
               "隠蔽または taint を設定するモジュールを先頭に表示。");
  render_table(out, c, t);

  auto k = make_table(c, v1::Record::kKernelTaint, "t-kernel-taint",
                      c.l("Kernel taint", "カーネル taint"),
                      H(c, {{"Value", "値"}, {"Flags", "フラグ"}}), [&](const v1::Record& r) {
                        return std::vector<Cell>{cell_unum(r.kernel_taint().value()),
                                                 cell_list(c, r.kernel_taint().flags())};
                      });
  render_table(out, c, k);
}

// ---- file sweep
// ----------------------------------------------------------------------------------

void table_files(std::string& out, const Ctx& c) {
  auto s = make_table(
      c, v1::Record::kSweepSummary, "t-sweep-summary", c.l("Sweep coverage", "調査範囲"),
      H(c, {{"Roots", "対象"},
            {"Profile", "プロファイル"},
            {"Entries", "エントリ"},
            {"Hashed", "ハッシュ済み"},
            {"Flagged", "フラグ付き"},
            {"Problems", "問題"},
            {"Recent days", "最近の日数"}}),
      [&](const v1::Record& r) {
        const auto& w = r.sweep_summary();
        return std::vector<Cell>{cell_list(c, w.roots()),      cell_mono(c, w.profile()),
                                 cell_unum(w.entries()),       cell_unum(w.files_hashed()),
                                 cell_unum(w.files_flagged()), cell_unum(w.problems()),
                                 cell_unum(w.recent_days())};
      });
  render_table(out, c, s);

  auto t = make_table(
      c, v1::Record::kFileEntry, "t-file-entry",
      c.l("File sweep entries", "ファイル調査のエントリ"),
      H(c, {{"Path", "パス"},
            {"Flags", "フラグ"},
            {"Kind", "種別"},
            {"Mode", "モード"},
            {"Owner", "所有者"},
            {"Size", "サイズ"},
            {"mtime (UTC)", "mtime (UTC)"},
            {"ctime (UTC)", "ctime (UTC)"},
            {"btime (UTC)", "btime (UTC)"},
            {"SHA-256", "SHA-256"},
            {"Package", "パッケージ"}}),
      [&](const v1::Record& r) {
        const auto& f = r.file_entry();
        Cell owner = cell_mono(c, f.owner().empty() ? std::to_string(f.uid()) : f.owner());
        Cell pkg = cell_mono(c, f.package());
        if (f.package_check() != v1::PACKAGE_CHECK_UNSPECIFIED) {
          pkg.html += " <span class=\"item\">" +
                      html_plain(v1::PackageCheck_Name(f.package_check())) + "</span>";
        }
        return std::vector<Cell>{cell_mono(c, f.path()),
                                 cell_list(c, f.flags()),
                                 cell_ours(v1::FileKind_Name(f.file_kind())),
                                 cell_octal(f.mode()),
                                 std::move(owner),
                                 cell_unum(f.size()),
                                 cell_time(f.mtime_utc_ns()),
                                 cell_time(f.ctime_utc_ns()),
                                 cell_time(f.btime_utc_ns()),
                                 cell_hex(f.sha256()),
                                 std::move(pkg)};
      });
  t.note = c.l("Every flagged file first, then the other entries in walk order.",
               "フラグ付きのファイルをすべて先頭に、その後その他のエントリを走査順に表示。");
  render_table(out, c, t);
}

// ---- packages
// --------------------------------------------------------------------------------------

void table_packages(std::string& out, const Ctx& c) {
  if (c.in.records == nullptr) return;
  const auto& recs = *c.in.records;
  out += "<p>" + std::to_string(recs.packages_seen()) + " " +
         html_plain(
             c.l("packages in the dpkg database. Listed below: files that differ from their "
                 "package's md5sums, and packages not fully installed.",
                 "件のパッケージ (dpkg データベース)。以下には、パッケージの md5sums と一致しない"
                 "ファイルと、完全にインストールされていないパッケージを表示します。")) +
         "</p>\n";
  TableSpec m;
  m.id = "t-modified-package";
  m.title = c.l("Modified packaged files", "変更されたパッケージのファイル");
  m.headers = H(c, {{"Package", "パッケージ"}, {"Version", "バージョン"}, {"File", "ファイル"}});
  for (const auto& f : recs.modified_package_files()) {
    Row row;
    row.index = f.index;
    row.flagged = true;
    const std::string* version = recs.package_version(f.package);
    row.cells = {cell_mono(c, f.package),
                 cell_mono(c, version != nullptr ? *version : std::string()), cell_mono(c, f.path)};
    m.rows.push_back(std::move(row));
  }
  m.seen = m.rows.size() + recs.modified_package_files_left_out();
  m.left_out = recs.modified_package_files_left_out();
  // The rows are file entries that already have an anchor in the file table.
  m.record_rows = false;
  m.headers.insert(m.headers.begin(), "#");
  for (auto& row : m.rows) {
    Cell link;
    link.html = record_link(c, row.index);
    link.sort_key = std::to_string(row.index);
    row.cells.insert(row.cells.begin(), std::move(link));
  }
  render_table(out, c, m);

  auto p = make_table(
      c, v1::Record::kPackage, "t-package",
      c.l("Packages not fully installed", "完全にインストールされていないパッケージ"),
      H(c, {{"Name", "名前"},
            {"Version", "バージョン"},
            {"Status", "状態"},
            {"Installed (list mtime, UTC)", "インストール日時 (list の mtime, UTC)"}}),
      [&](const v1::Record& r) {
        const auto& k = r.package();
        return std::vector<Cell>{cell_mono(c, k.name()), cell_mono(c, k.version()),
                                 cell_mono(c, k.status()), cell_time(k.list_mtime_utc_ns())};
      });
  p.left_out = 0;  // the others are intact packages: counted above, not rows left out
  render_table(out, c, p);
}

}  // namespace

// ---- shared ------------------------------------------------------------------------------------

std::string record_link(const Ctx& c, std::uint64_t index) {
  std::string n = "#" + std::to_string(index);
  if (c.in.records != nullptr && c.in.records->has_anchor(index)) {
    return "<a href=\"#r" + std::to_string(index) + "\">" + n + "</a>";
  }
  return "<span class=\"cut\" title=\"" +
         html_plain(c.l("not in this report (unverified, over a cap, or absent)",
                        "このレポートに含まれません (未検証、上限超過、または存在しない)")) +
         "\">" + n + "</span>";
}

void render_table(std::string& out, const Ctx& c, const TableSpec& t) {
  out += "<h3>" + html_plain(t.title) + "</h3>\n";
  if (t.rows.empty()) {
    out +=
        "<p class=\"note\">" +
        html_plain(t.seen == 0 ? c.l("No records of this kind.", "この種類のレコードはありません。")
                               : c.l("None listed.", "表示対象はありません。")) +
        (t.seen > 0 ? " (" + count_text(c, t) + ")" : std::string()) + "</p>\n";
    return;
  }
  out += "<p class=\"note\">" + html_plain(count_text(c, t));
  if (t.left_out > 0) {
    out += "; <b>" + std::to_string(t.left_out) + " " +
           html_plain(c.l("left out (cap); 'hozen export' has them all",
                          "件は上限のため省略 ('hozen export' で全件を出力できます)")) +
           "</b>";
  }
  if (!t.note.empty()) out += ". " + html_plain(t.note);
  out += "</p>\n<div class=\"tw\" id=\"" + html_plain(t.id) + "\">\n";
  out += "<div class=\"filter\" hidden><label>" + html_plain(c.l("Filter: ", "絞り込み: ")) +
         "<input type=\"search\"></label> <output></output></div>\n";
  out += "<table class=\"data\"><thead><tr>";
  if (t.record_rows) out += "<th>#</th>";
  for (const auto& h : t.headers) out += "<th>" + html_plain(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr";
    if (t.record_rows) out += " id=\"r" + std::to_string(row.index) + "\"";
    std::string cls;
    if (row.flagged) cls += "flag";
    if (!row.verified) cls += cls.empty() ? "unv" : " unv";
    if (!cls.empty()) out += " class=\"" + cls + "\"";
    out += ">";
    if (t.record_rows) {
      out += "<td data-k=\"" + std::to_string(row.index) + "\">" + std::to_string(row.index);
      auto it = c.cited_by.find(row.index);
      if (it != c.cited_by.end()) {
        for (std::size_t f : it->second) {
          out += " <a href=\"#f" + std::to_string(f) + "\">F" + std::to_string(f) + "</a>";
        }
      }
      if (!row.verified) out += " <span class=\"badge unv-badge\">UNVERIFIED</span>";
      out += "</td>";
    }
    for (const auto& cell : row.cells) {
      out += "<td";
      if (cell.mono) out += " class=\"m\"";
      if (!cell.sort_key.empty()) out += " data-k=\"" + html_plain(cell.sort_key) + "\"";
      out += ">" + cell.html + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
}

void render_artifacts(std::string& out, const Ctx& c) {
  section_open(out, c, "s-processes", "Processes", "プロセス");
  table_processes(out, c);
  section_close(out);
  section_open(out, c, "s-network", "Sockets and listening ports", "ソケットと待ち受けポート");
  table_sockets(out, c);
  section_close(out);
  section_open(out, c, "s-sessions", "Sessions", "セッション");
  table_sessions(out, c);
  section_close(out);
  section_open(out, c, "s-users", "Users and sudoers", "ユーザと sudoers");
  table_users(out, c);
  section_close(out);
  section_open(out, c, "s-logins", "Logins and authentication", "ログインと認証");
  table_logins(out, c);
  section_close(out);
  section_open(out, c, "s-services", "Services", "サービス");
  table_services(out, c);
  section_close(out);
  section_open(out, c, "s-tasks", "Scheduled tasks", "タスク");
  table_tasks(out, c);
  section_close(out);
  section_open(out, c, "s-persistence", "Persistence", "永続化");
  table_persistence(out, c);
  section_close(out);
  section_open(out, c, "s-kernel", "Kernel modules", "カーネルモジュール");
  table_kernel(out, c);
  section_close(out);
  section_open(out, c, "s-files", "File sweep", "ファイル調査");
  table_files(out, c);
  section_close(out);
  section_open(out, c, "s-packages", "Packages", "パッケージ");
  table_packages(out, c);
  section_close(out);
}

}  // namespace hozen::report::detail
