// `users`: local accounts and groups (/etc/passwd, /etc/group, /etc/shadow) and who can become
// root through sudo (/etc/sudoers and its includes), parsed directly: never NSS, never sudo.
// Password hashes never leave the host: /etc/shadow is preserved redacted (see users.proto).
#pragma once

#include "collectors/framework/collector.h"

namespace hozen::collectors::users {

class UsersCollector final : public Collector {
 public:
  std::string_view id() const override { return "users"; }
  std::string_view description() const override {
    return "accounts, groups, password state and aging (never hashes), sudoers rules: who can "
           "become root";
  }
  std::vector<std::string_view> inputs() const override;
  Outcome collect(const Context& ctx, Sink& sink) noexcept override;
};

// Deepest @include nesting followed (the main file is depth 0).
inline constexpr unsigned kMaxIncludeDepth = 8;
// Cap on one sudoers logical line (continuations joined); longer lines are malformed.
inline constexpr std::size_t kMaxSudoersLogicalLine = 64 << 10;

}  // namespace hozen::collectors::users
