// hozen: live-response evidence collector. Dispatches to the subcommands.
#include <openssl/crypto.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "agent/cli/commands.h"

namespace hozen::build {
extern const char* const kVersion;
extern const char* const kGitCommit;
}  // namespace hozen::build

namespace {

constexpr const char* kUsage = R"(usage: hozen <command> [options]

commands:
  collect      take a read-only snapshot of this host into a signed evidence bundle
  verify       check a bundle's chain and signatures and print its provenance
  export       write a bundle's verified records (JSON Lines, CSV, Timesketch, bodyfile)
  analyze      recompute a bundle's findings (built-in rules, --ioc indicator lists)
  hunt         match indicators and rules across many bundles, per host
  report       write a self-contained HTML triage report of a verified bundle
  keygen       make an Ed25519 signing key pair
  collectors   list the collectors with their inputs

'hozen <command> --help' describes each command. Exit codes: docs/CLI.md.
)";

}  // namespace

int main(int argc, char** argv) {
  // Never read the host's openssl.cnf: it could make OpenSSL dlopen providers or engines from the
  // suspect host's disk (REQUIREMENTS req. 3).
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
  std::vector<std::string> full(argv, argv + argc);
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return hozen::cli::kExitUsage;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(full.begin() + 1, full.end());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    std::printf("hozen %s (%s)\n", hozen::build::kVersion, hozen::build::kGitCommit);
    return 0;
  }
  try {
    if (cmd == "collect") return hozen::cli::cmd_collect(args, full);
    if (cmd == "verify") return hozen::cli::cmd_verify(args);
    if (cmd == "export") return hozen::cli::cmd_export(args);
    if (cmd == "report") return hozen::cli::cmd_report(args);
    if (cmd == "analyze") return hozen::cli::cmd_analyze(args);
    if (cmd == "hunt") return hozen::cli::cmd_hunt(args);
    if (cmd == "keygen") return hozen::cli::cmd_keygen(args);
    if (cmd == "collectors") return hozen::cli::cmd_collectors(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hozen %s: internal error: %s\n", cmd.c_str(), e.what());
    return hozen::cli::kExitFailure;
  }
  std::fprintf(stderr, "hozen: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return hozen::cli::kExitUsage;
}
