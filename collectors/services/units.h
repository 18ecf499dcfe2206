// systemd units as the manager would load them, worked out from the files alone (systemd is
// never asked; it need not even be PID 1): the search paths of each scope, the first fragment
// found for a name, drop-ins in systemd's order, masks, aliases, template instances and the
// *.wants/ *.requires/ links that enable units. Shared by `services` and `scheduled_tasks`
// (timers). Every file read is preserved through preserve_file. systemd.unit(5).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collectors/framework/evidence.h"
#include "hozen/v1/services.pb.h"
#include "platform/parsers/unit_file.h"

namespace hozen::collectors::services {

// The search path of one systemd manager (highest priority first).
struct UnitScopeDirs {
  v1::UnitScope scope = v1::UNIT_SCOPE_SYSTEM;
  std::string home_user;  // UNIT_SCOPE_USER_HOME: account name
  std::uint32_t uid = 0;  // UNIT_SCOPE_USER_HOME: its uid (matches user@UID.service cgroups)
  struct Dir {
    std::string path;
    bool generated = false;  // /run/systemd/generator*: written at boot by generators
    // A global user dir in a home's search path (systemd --user reads ~/.config/systemd/user,
    // then /etc/systemd/user...): a home unit is shadowed by, and takes drop-ins and links from,
    // these dirs, but a unit found only in them is reported once, in UNIT_SCOPE_USER_GLOBAL.
    bool shared = false;
  };
  std::vector<Dir> dirs;
};

// The system scope, the global user scope, and one home scope per distinct home directory in
// /etc/passwd (parsed directly; preserved). Homes come only from the passwd file. A home scope's
// search path is the home dirs followed by the global user dirs (marked `shared`).
// `uids` (optional) receives account name -> uid from the same passwd parse, for callers that
// need it too (the passwd file is preserved once per collector run).
std::vector<UnitScopeDirs> unit_scopes(const Context& ctx, Sink& sink,
                                       std::map<std::string, std::uint32_t>* uids = nullptr);

struct UnitSettingRef {
  std::string section, key, value;
  v1::SourceRef source;
};

struct MergedUnit {
  std::string name;
  v1::UnitScope scope = v1::UNIT_SCOPE_SYSTEM;
  std::string home_user;
  std::uint32_t uid = 0;
  std::string fragment;  // host path of the winning file ("" when no file was found)
  std::string fragment_link_target;
  bool fragment_truncated = false;
  bool masked = false;
  bool generated = false;
  std::string alias_of;
  std::vector<std::string> shadowed;
  std::vector<std::string> drop_ins;
  std::string template_name, instance;
  std::vector<UnitSettingRef> settings;  // applied in order (fragment, then drop-ins)
  bool settings_truncated = false;
  std::vector<v1::UnitLink> links;
  v1::SourceRef fragment_source;  // line 1 of the fragment

  // The value in effect for a single-valued key: the last assignment ("" if none).
  const UnitSettingRef* last(std::string_view section, std::string_view key) const;
  // A list-valued key: assignments since the last empty one (a reset).
  std::vector<const UnitSettingRef*> list(std::string_view section, std::string_view key) const;
  // The words of a list-valued key ("WantedBy=a.target b.target" -> two words).
  std::vector<std::string> words(std::string_view section, std::string_view key) const;
  bool has_install() const;
};

// Loads every unit of `scope`. Files are preserved once per call through `cache`, malformed
// lines reported once per file. Returns units sorted by name. Stops early when ctx.should_stop().
class UnitLoader {
 public:
  UnitLoader(const Context& ctx, Sink& sink) : ctx_(ctx), sink_(sink) {}
  // `want` (optional) selects the unit names to merge (and so to read): the directories are
  // still listed, but only the selected units' files are read and preserved.
  std::vector<MergedUnit> load(const UnitScopeDirs& scope,
                               const std::function<bool(const std::string&)>& want = {});

 private:
  struct Parsed {
    Preserved file;
    platform::ParsedLines<platform::parsers::UnitAssignment> lines;
  };
  const Parsed* parse(const std::string& path, LinkPolicy links);
  void apply(MergedUnit& u, const Parsed& p);

  const Context& ctx_;
  Sink& sink_;
  std::map<std::string, std::optional<Parsed>> cache_;
};

inline constexpr std::size_t kMaxSettingsPerUnit = 512;

// Exec*= directives of a unit, in systemd's execution order, each command split.
void fill_exec(const MergedUnit& u, google::protobuf::RepeatedPtrField<v1::ExecCommand>* out);

v1::UnitEnableState enable_state(const MergedUnit& u);

// The unit a timer/path/socket activates when it sets no Unit=: same name, ".service".
std::string default_trigger(std::string_view name);

}  // namespace hozen::collectors::services
