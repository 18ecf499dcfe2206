// `persistence`: files that make a Linux host run code or accept logins outside services and
// cron — authorized_keys of every account (options, fingerprints), ~/.ssh/rc, /etc/ld.so.preload
// and the loader's search path, shell init files (system and per-user), the PAM stack,
// sshd_config with its Includes, udev rules that run programs, update-motd.d, XDG autostart and
// modules-load.d. Every file parsed is preserved; every entry points back to its line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/framework/collector.h"

namespace hozen::collectors::persistence {

class PersistenceCollector final : public Collector {
 public:
  std::string_view id() const override { return "persistence"; }
  std::string_view description() const override {
    return "authorized_keys, ssh rc, ld.so.preload, shell init, PAM, sshd_config, udev RUN, motd, "
           "autostart, modules-load.d";
  }
  // Besides these, the collector reads the per-account files listed in kHomeFiles under every
  // home directory named by /etc/passwd (wherever it is), the paths an AuthorizedKeysFile
  // names, and lstat()s (never reads) the libraries and PAM modules that parsed lines name.
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// Files looked at in each home directory, relative to it, and the entry kind they make.
struct HomeFile {
  std::string_view relative;
  std::string_view kind;  // "authorized_key", "ssh_rc", "shell_init", "environment_file", "shell_history"
};
inline constexpr HomeFile kHomeFiles[] = {
    {".ssh/authorized_keys", "authorized_key"},
    {".ssh/authorized_keys2", "authorized_key"},
    {".ssh/rc", "ssh_rc"},
    {".bashrc", "shell_init"},
    {".bash_profile", "shell_init"},
    {".bash_login", "shell_init"},
    {".profile", "shell_init"},
    {".bash_logout", "shell_init"},
    {".zshrc", "shell_init"},
    {".zprofile", "shell_init"},
    {".zshenv", "shell_init"},
    {".zlogin", "shell_init"},
    {".pam_environment", "environment_file"},  // read by pam_env (user_readenv)
    // Command histories: kept as preserved files (the commands typed, for the timeline and for
    // indicator matching), not parsed into entries.
    {".bash_history", "shell_history"},
    {".zsh_history", "shell_history"},
    {".sh_history", "shell_history"},
    {".ash_history", "shell_history"},
    {".history", "shell_history"},
    {".python_history", "shell_history"},
    {".mysql_history", "shell_history"},
    {".psql_history", "shell_history"},
};
inline constexpr std::string_view kHomeAutostartDir = ".config/autostart";

// Expands sshd's AuthorizedKeysFile tokens (%h home, %u user, %U uid, %% percent); a relative
// result is taken relative to the home (sshd_config(5) TOKENS). Unknown tokens are kept as is.
std::string expand_authorized_keys_file(std::string_view pattern, std::string_view user,
                                        std::string_view home, std::uint32_t uid);

// True for a path in a temporary or world-writable-by-design location (/tmp, /var/tmp, /dev/shm,
// /run/user...) — where nothing should be run from.
bool in_temp_dir(std::string_view path);

}  // namespace hozen::collectors::persistence
