#include "agent/report/checklist.h"

#include <array>

namespace hozen::report {
namespace {

// Titles in Japanese follow the wording of JPCERT/CC's guidance (jpcert-apt-response.ja.txt).
constexpr std::string_view kDetEn = "Detection and analysis";
constexpr std::string_view kDetJa = "検知・分析";
constexpr std::string_view kHostEn = "Quick check of the suspect host";
constexpr std::string_view kHostJa = "被疑端末の簡易調査";
constexpr std::string_view kSimEn = "Similar communication from other hosts";
constexpr std::string_view kSimJa = "被疑端末と類似する通信の確認";
constexpr std::string_view kSrvEn =
    "Compromise of internal servers (Active Directory, file servers)";
constexpr std::string_view kSrvJa =
    "内部向けサーバ (Active Directory、ファイルサーバなど) への侵害の確認";
constexpr std::string_view kPathEn = "Intrusion path and time";
constexpr std::string_view kPathJa = "侵入経路と侵入時期の調査、推測";

constexpr std::array<ChecklistItem, 15> kItems{{
    {"C1", kDetEn, kDetJa, "Communication with C2 servers or malware destinations",
     "C&C (C2) サーバやマルウエアの通信先サイトへの通信の有無", "", ""},
    {"C2", kDetEn, kDetJa, "Communication with tampered (watering-hole) or malware-hosting sites",
     "攻撃者によって改ざんされたサイト (いわゆる水飲み場攻撃) やマルウエア設置サイトへの通信の有無",
     "", ""},
    {"C3", kDetEn, kDetJa,
     "Execution of a targeted-mail attachment, or access to the site it leads to",
     "標的型攻撃メールの添付ファイルの実行や誘導先サイトへの通信の有無", "", ""},
    {"H1", kHostEn, kHostJa, "Suspicious services running", "不審なサービスの実行の有無", "", ""},
    {"H2", kHostEn, kHostJa, "Unintended listening ports", "意図しない待ち受けポートの有無", "",
     ""},
    {"H3", kHostEn, kHostJa, "Suspicious scheduled tasks", "不審なタスク登録の有無", "", ""},
    {"H4", kHostEn, kHostJa, "Suspicious files", "不審なファイルの有無", "", ""},
    {"H5", kHostEn, kHostJa, "Unintended communication beyond the reported destinations",
     "連絡を受けた通信先以外への意図しない通信の有無", "", ""},
    {"S1", kSimEn, kSimJa, "The same destinations or similar requests from other hosts",
     "別端末において同じ通信先への通信や類似するリクエストの有無",
     "Needs several hosts: run 'hozen hunt' over the bundles of other hosts.",
     "複数端末の比較が必要です。他の端末のバンドルに対して 'hozen hunt' を実行してください。"},
    {"S2", kSimEn, kSimJa, "The same targeted mail received on other hosts",
     "別端末で同様の標的型攻撃メールの受信",
     "Mail logs are outside a host bundle; 'hozen hunt' can match attachment names and hashes.",
     "メールログはホストのバンドルの対象外です。'hozen hunt' "
     "で添付ファイル名やハッシュを照合できます。"},
    {"A1", kSrvEn, kSrvJa,
     "Internal servers: suspicious services, listening ports, scheduled tasks and files",
     "内部向けサーバにおける不審なサービス・意図しない待ち受けポート・不審なタスク登録・不審なファ"
     "イルの有無",
     "", ""},
    {"A2", kSrvEn, kSrvJa,
     "Authentication requests to admin accounts from terminals of unprivileged users",
     "権限が無いユーザの端末から管理者アカウントへの認証要求の有無", "", ""},
    {"P1", kPathEn, kPathJa, "Sender and time of the targeted mail",
     "標的型攻撃メールの送信元や受信日時",
     "Mail systems are outside a host bundle; the timeline below helps to correlate.",
     "メールシステムはホストのバンドルの対象外です。下のタイムラインで突き合わせてください。"},
    {"P2", kPathEn, kPathJa, "Infection through a tampered site, and when",
     "改ざんサイト閲覧による感染とその日時", "", ""},
    {"P3", kPathEn, kPathJa, "Intrusion through public or DMZ servers, and when",
     "公開サーバや DMZ サーバ経由での侵入の有無とその日時", "", ""},
}};

}  // namespace

std::span<const ChecklistItem> checklist() { return kItems; }

const ChecklistItem* find_checklist_item(std::string_view id) {
  for (const auto& item : kItems) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

}  // namespace hozen::report
