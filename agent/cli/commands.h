// The hozen subcommands. Each takes the arguments after the subcommand name (args[0] is the
// subcommand) and returns the process exit code (docs/CLI.md lists them).
#pragma once

#include <string>
#include <vector>

namespace hozen::cli {

// Exit codes shared by the commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // internal failure; verify: complete but cut short
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSetup = 3;        // cannot create output / read key or input
inline constexpr int kExitOutputExhausted = 4;
inline constexpr int kExitInterrupted = 5;
inline constexpr int kExitDeadline = 6;
// verify / export
inline constexpr int kExitIncomplete = 1;   // intact and signed, but the collection was cut short
inline constexpr int kExitPrefix = 10;
inline constexpr int kExitBroken = 11;
inline constexpr int kExitBadSignature = 12;
inline constexpr int kExitUnknownKey = 13;

int cmd_keygen(const std::vector<std::string>& args);
int cmd_collect(const std::vector<std::string>& args, const std::vector<std::string>& full_argv);
int cmd_verify(const std::vector<std::string>& args);
int cmd_export(const std::vector<std::string>& args);
int cmd_collectors(const std::vector<std::string>& args);
int cmd_report(const std::vector<std::string>& args);  // report_command.cpp
int cmd_analyze(const std::vector<std::string>& args);
int cmd_hunt(const std::vector<std::string>& args);

}  // namespace hozen::cli
