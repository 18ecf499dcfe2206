#include "agent/analysis/catalog.h"

#include <stdexcept>

namespace hozen::analysis {

const std::vector<Rule>& all_rules() {
  static const std::vector<Rule> kRules = {
      {"HZ-PROC-HIDDEN", v1::SEVERITY_CRITICAL, "H1", "Process hidden from the process list",
       "プロセス一覧から隠されたプロセス",
       "A pid answers kernel probes but readdir(/proc) does not list it, or a mount covers its /proc entry. "
       "Rootkits hide processes this way. Examine the pid with tools that do not rely on /proc listings and "
       "consider a memory image.",
       "カーネルへの問い合わせには応答するが /proc の一覧に現れない、またはマウントで /proc の項目が隠されている"
       "プロセスです。ルートキットが用いる手口です。/proc の一覧に依存しない方法で確認し、メモリイメージの取得を"
       "検討してください。"},
      {"HZ-PROC-DELETED-EXE", v1::SEVERITY_HIGH, "H1", "Process running a deleted executable",
       "削除された実行ファイルで動作しているプロセス",
       "The file the process was started from no longer exists on disk. Malware often deletes itself after "
       "starting; a package upgrade without restart also causes it (lower severity for system paths). The "
       "running binary's hash is in the process record; its bytes can still be read through /proc/<pid>/exe.",
       "プロセスの起動元ファイルがディスク上に存在しません。マルウェアは起動後に自身を削除することがあります。"
       "パッケージ更新後に再起動していない場合にも起こります（システムパスでは重要度を下げています）。"
       "実行中のバイナリのハッシュはプロセスの記録にあります。"},
      {"HZ-PROC-MEMFD-EXE", v1::SEVERITY_MEDIUM, "H1", "Process running from memory (memfd)",
       "メモリ上（memfd）から実行されているプロセス",
       "The executable is an anonymous memory file: nothing of it exists on disk. Fileless malware runs this "
       "way; so do container runtimes (runc) and some sandboxes and self-updating agents, hence medium. Check "
       "the process's parent and argv; a connection or listener it holds is reported as high.",
       "実行ファイルが匿名メモリファイルで、ディスク上に実体がありません。ファイルレスマルウェアの手口ですが、"
       "コンテナランタイム（runc）や一部のサンドボックス・自己更新型エージェントも同様に動作するため中程度としています。"
       "親プロセスと引数を確認してください。このプロセスが持つ通信や待ち受けは高として報告されます。"},
      {"HZ-PROC-SUSPECT-PATH", v1::SEVERITY_HIGH, "H1", "Process running from a temporary or hidden directory",
       "一時ディレクトリまたは隠しディレクトリから実行されているプロセス",
       "Legitimate software is installed in system directories; attackers drop tools in /tmp, /dev/shm or "
       "hidden directories. Check how the file got there (file times, the timeline) and what it talks to.",
       "正規のソフトウェアはシステムディレクトリに導入されます。攻撃者は /tmp、/dev/shm や隠しディレクトリに"
       "ツールを置きます。ファイルの作成経緯（タイムライン）と通信先を確認してください。"},
      {"HZ-NET-LISTENER-SUSPECT-BINARY", v1::SEVERITY_HIGH, "H2",
       "Listening port owned by a deleted, unpackaged or temporary-directory binary",
       "削除済み・パッケージ外・一時ディレクトリのバイナリが待ち受けているポート",
       "A port is open for connections by a program that no package installed, that was deleted, or that runs "
       "from a temporary directory: a typical backdoor. Identify the program and block the port.",
       "パッケージ管理外、削除済み、または一時ディレクトリのプログラムが接続を待ち受けています。"
       "典型的なバックドアの特徴です。プログラムを特定し、ポートを遮断してください。"},
      {"HZ-NET-LISTENERS", v1::SEVERITY_INFO, "H2", "Ports listening on non-loopback addresses",
       "ループバック以外で待ち受けているポート",
       "Every socket that accepts connections from other hosts, with its program. Compare with the ports "
       "this server is meant to offer.",
       "他のホストからの接続を受け付けるすべてのソケットとそのプログラムです。本来提供すべきポートと比較してください。"},
      {"HZ-NET-SHELL-CONNECTION", v1::SEVERITY_HIGH, "C1",
       "Network connection held by a shell, relay or interpreter",
       "シェル・中継ツール・インタプリタが保持するネットワーク接続",
       "A shell (or nc/socat) with a connection to another host is the shape of a reverse shell; an "
       "interpreter with an outbound connection may be a script-based implant (lower severity). Check the "
       "remote address against the indicators and the process tree.",
       "他ホストとの接続を持つシェル（または nc/socat）はリバースシェルの特徴です。外向き接続を持つインタプリタは"
       "スクリプト型の不正プログラムの可能性があります（重要度は低め）。通信先と親子関係を確認してください。"},
      {"HZ-NET-SUSPECT-BINARY-CONNECTION", v1::SEVERITY_HIGH, "C1",
       "Connection held by a deleted, in-memory or temporary-directory binary",
       "削除済み・メモリ上・一時ディレクトリのバイナリが保持する通信",
       "A program that left no file on disk, or runs from a temporary or hidden directory, talks to another "
       "host: the shape of an implant calling its C2 server. Check the remote address against the indicators.",
       "ディスク上にファイルを残さない、または一時・隠しディレクトリから実行されているプログラムが他ホストと通信しています。"
       "C2 サーバと通信する不正プログラムの特徴です。通信先を IOC と照合してください。"},
      {"HZ-NET-OUTBOUND", v1::SEVERITY_INFO, "H5", "Established connections to other hosts",
       "他ホストとの確立済み接続",
       "Every established connection to a non-loopback address with its program, for comparison with the "
       "destinations already reported.",
       "ループバック以外との確立済み接続とそのプログラムの一覧です。報告済みの通信先と比較してください。"},
      {"HZ-TASK-SUSPECT-COMMAND", v1::SEVERITY_HIGH, "H3",
       "Scheduled task that downloads and runs code, decodes a payload, or runs from a temporary directory",
       "コードのダウンロード実行・ペイロードの復号・一時ディレクトリからの実行を行う定期実行タスク",
       "Cron jobs, at jobs and systemd timers are the usual way malware survives a reboot. This command "
       "fetches and runs code, decodes base64, opens /dev/tcp, or runs a program from a temporary directory.",
       "cron、at、systemd タイマーはマルウェアの永続化によく使われます。このコマンドはコードの取得と実行、"
       "base64 の復号、/dev/tcp の利用、または一時ディレクトリのプログラムの実行を行います。"},
      {"HZ-SERVICE-SUSPECT-COMMAND", v1::SEVERITY_HIGH, "H1",
       "Service that downloads and runs code, decodes a payload, or runs from a temporary directory",
       "コードのダウンロード実行・ペイロードの復号・一時ディレクトリからの実行を行うサービス",
       "A systemd unit or rc.local command with the shape of a dropper or a backdoor.",
       "systemd ユニットまたは rc.local のコマンドが、ドロッパーやバックドアの特徴を持っています。"},
      {"HZ-USER-UID0", v1::SEVERITY_HIGH, "A2", "Account with UID 0 other than root",
       "root 以外の UID 0 アカウント", "A second account with root's uid is a classic backdoor.",
       "root と同じ UID を持つ別アカウントは典型的なバックドアです。"},
      {"HZ-USER-EMPTY-PASSWORD", v1::SEVERITY_MEDIUM, "A2", "Account that logs in without a password",
       "パスワードなしでログインできるアカウント",
       "The password field is empty: anyone can log in as this account where password logins are allowed.",
       "パスワード欄が空です。パスワード認証が許可されていれば誰でもこのアカウントでログインできます。"},
      {"HZ-AUTH-UNPRIVILEGED-ESCALATION", v1::SEVERITY_MEDIUM, "A2",
       "Attempts to become root by an account that is not allowed to",
       "root 権限を許可されていないアカウントによる権限昇格の試行",
       "sudo or su was tried by an account that sudoers does not allow to become root (JPCERT/CC: "
       "authentication requests to administrator accounts from unprivileged users' terminals).",
       "sudoers で root になることを許可されていないアカウントが sudo または su を試みました"
       "（一般利用者の端末から管理者アカウントへの認証要求）。"},
      {"HZ-AUTH-ADMIN-NEW-SOURCE", v1::SEVERITY_MEDIUM, "A2",
       "Administrator login from a source not seen before in the logs",
       "ログ上で初めて現れた接続元からの管理者ログイン",
       "An account that can become root logged in from an address that the earlier part of the logs never "
       "shows. Confirm with the account's owner.",
       "root になれるアカウントが、ログの前半に現れない接続元からログインしました。利用者本人に確認してください。"},
      {"HZ-SSH-KEY-FORCED-COMMAND", v1::SEVERITY_MEDIUM, "A2", "SSH key with a forced command",
       "強制コマンド付きの SSH 鍵",
       "An authorized_keys entry runs a fixed command at login. Legitimate for backups and automation; also a "
       "way to hide a backdoor. Check the command.",
       "authorized_keys の項目がログイン時に固定のコマンドを実行します。バックアップ等では正当ですが、"
       "バックドアの隠蔽にも使われます。コマンドを確認してください。"},
      {"HZ-SSH-KEY-RECENT", v1::SEVERITY_LOW, "A2", "authorized_keys changed recently",
       "最近変更された authorized_keys",
       "The file was modified within the recent window before collection: check that every key is known.",
       "収集前の一定期間内に変更されています。すべての鍵が既知のものか確認してください。"},
      {"HZ-LD-SO-PRELOAD", v1::SEVERITY_HIGH, "H1", "Library preloaded into every program (/etc/ld.so.preload)",
       "全プログラムに事前ロードされるライブラリ（/etc/ld.so.preload）",
       "Every dynamically linked program loads this library first. Userland rootkits use it to hide files, "
       "processes and connections from the host's own tools.",
       "動的リンクされたすべてのプログラムがこのライブラリを最初に読み込みます。ユーザランド型ルートキットが"
       "ファイル・プロセス・通信を隠すために用います。"},
      {"HZ-PAM-NONSTANDARD-MODULE", v1::SEVERITY_HIGH, "A2", "PAM module outside the standard directories",
       "標準ディレクトリ外の PAM モジュール",
       "Authentication loads a module from an unusual path (or pam_exec runs a program): PAM backdoors log "
       "or accept passwords this way.",
       "認証処理が通常と異なるパスのモジュールを読み込みます（または pam_exec でプログラムを実行します）。"
       "PAM バックドアはこの方法でパスワードを記録・受理します。"},
      {"HZ-KMOD-HIDDEN", v1::SEVERITY_CRITICAL, "H1", "Kernel module hidden from /proc/modules",
       "/proc/modules から隠されたカーネルモジュール",
       "A loadable module is present in /sys/module but missing from /proc/modules: kernel rootkits unlink "
       "themselves from the module list.",
       "/sys/module に存在するが /proc/modules に現れないモジュールです。カーネル型ルートキットはモジュール一覧から"
       "自身を外します。"},
      {"HZ-KERNEL-TAINTED", v1::SEVERITY_MEDIUM, "H1", "Kernel tainted by an out-of-tree or unsigned module",
       "ツリー外または未署名モジュールによるカーネル汚染",
       "The kernel records that an out-of-tree, unsigned or proprietary module was loaded. Confirm every "
       "module is expected (drivers such as GPU or storage drivers are common causes).",
       "ツリー外・未署名・プロプライエタリなモジュールが読み込まれたことをカーネルが記録しています。"
       "すべてのモジュールが想定どおりか確認してください（GPU やストレージのドライバがよくある原因です）。"},
      {"HZ-FILE-PACKAGE-MODIFIED", v1::SEVERITY_HIGH, "H4", "Packaged file modified after installation",
       "導入後に改変されたパッケージのファイル",
       "The file's MD5 no longer matches the digest its package recorded: a replaced system binary is a "
       "classic way to hide an attacker.",
       "ファイルの MD5 がパッケージの記録と一致しません。システムバイナリの置き換えは攻撃者の隠蔽の典型的な手口です。"},
      {"HZ-FILE-SUID-UNPACKAGED", v1::SEVERITY_HIGH, "H4", "SUID/SGID file that no package installed",
       "パッケージ管理外の SUID/SGID ファイル",
       "A set-uid or set-gid program outside the packaged set gives whoever runs it the owner's rights: a "
       "common way to keep root access.",
       "パッケージ管理外の set-uid / set-gid プログラムは実行者に所有者の権限を与えます。root 権限維持の典型的な手口です。"},
      {"HZ-FILE-EXEC-IN-TEMP", v1::SEVERITY_HIGH, "H4", "Executable or script in a temporary directory",
       "一時ディレクトリ内の実行ファイルまたはスクリプト",
       "Attack tools and the payloads of targeted mail are typically dropped in temporary directories "
       "(JPCERT/CC C3: traces of executing an attachment).",
       "攻撃ツールや標的型メールのペイロードは一時ディレクトリに置かれることが多いです（添付ファイル実行の痕跡）。"},
      {"HZ-FILE-EXEC-IN-HIDDEN-DIR", v1::SEVERITY_MEDIUM, "H4", "Executable or script in a hidden directory",
       "隠しディレクトリ内の実行ファイルまたはスクリプト",
       "An ELF binary or script inside a directory whose name starts with a dot, outside the usual ones.",
       "名前がドットで始まる通常と異なるディレクトリ内の ELF バイナリまたはスクリプトです。"},
      {"HZ-COVERAGE-NO-FILE-SWEEP", v1::SEVERITY_INFO, "H4", "Files were not swept: the file checks did not run",
       "ファイル調査が未実施のため、ファイルの確認は行われていません",
       "The bundle has no file sweep, so no finding under H4 (and the file part of C3) means \"not checked\", not "
       "\"clean\". Collect again with the file sweep: hozen collect --only file_sweep (or --sweep DIR).",
       "このバンドルにはファイル調査の結果が含まれないため、H4（および C3 のファイル部分）に検出がないことは「問題なし」"
       "ではなく「未確認」を意味します。ファイル調査付きで再度収集してください: hozen collect --only file_sweep"
       "（または --sweep DIR）。"},
      {"IOC-MATCH", v1::SEVERITY_CRITICAL, "C1", "Indicator of compromise matched",
       "侵害の痕跡（IOC）に一致",
       "A value on this host matches an indicator from the list the responder supplied. Confirm the match and "
       "look for the same indicator on other hosts (hozen hunt).",
       "このホストの値が、提供された IOC リストの指標と一致しました。内容を確認し、他のホストでも同じ指標を"
       "探してください（hozen hunt）。"},
  };
  return kRules;
}

const Rule& rule(std::string_view id) {
  for (const auto& r : all_rules()) {
    if (r.id == id) return r;
  }
  throw std::logic_error("unknown rule id");  // a programming error: a test covers every id
}

const char* severity_name(v1::Severity s) {
  switch (s) {
    case v1::SEVERITY_CRITICAL: return "critical";
    case v1::SEVERITY_HIGH: return "high";
    case v1::SEVERITY_MEDIUM: return "medium";
    case v1::SEVERITY_LOW: return "low";
    case v1::SEVERITY_INFO: return "info";
    default: return "unspecified";
  }
}

}  // namespace hozen::analysis
