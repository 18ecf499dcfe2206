#include "collectors/framework/collector.h"

#include "platform/host.h"
#include "platform/paths.h"

namespace hozen::collectors {

bool Context::should_stop() const {
  return stop_.load(std::memory_order_relaxed) ||
         (deadline_mono_ns_ > 0 && platform::monotonic_ns() >= deadline_mono_ns_);
}

v1::ItemStatus status_for(const platform::Error& e) {
  using platform::ErrorKind;
  switch (e.kind) {
    case ErrorKind::kNotFound: return v1::ITEM_VANISHED;
    case ErrorKind::kDenied: return v1::ITEM_DENIED;
    case ErrorKind::kMalformed: return v1::ITEM_MALFORMED;
    case ErrorKind::kLimit: return v1::ITEM_TRUNCATED;
    case ErrorKind::kTimeout: return v1::ITEM_TIMEOUT;
    default: return v1::ITEM_FAILED;
  }
}

bool input_allowed(std::string_view p, const std::vector<std::string_view>& inputs,
                   const std::vector<std::string>& homes) {
  // The framework lstat's the password-hash files for every preserved file (the secrets guard in
  // evidence.cpp); it never reads them for a collector that did not ask.
  for (auto secret : platform::paths::kSecretFiles) {
    if (p == secret) return true;
  }
  for (std::string_view in : inputs) {
    if (in.starts_with("~/")) {
      // Under any account's home: "~/" is the whole home, "~/.ssh/authorized_keys" one file.
      for (const auto& h : homes) {
        std::string rooted = (h.ends_with('/') ? h.substr(0, h.size() - 1) : h) + std::string(in.substr(1));
        if (input_allowed(p, {rooted}, {})) return true;
      }
      continue;
    }
    if (in == p) return true;
    if (in.ends_with("/*")) {
      std::string_view dir = in.substr(0, in.size() - 1);  // keeps the '/'
      if (p.starts_with(dir) && p.find('/', dir.size()) == std::string_view::npos) return true;
      if (p == in.substr(0, in.size() - 2)) return true;  // the directory itself
    } else if (in.ends_with('/')) {
      if (p.starts_with(in) || p == in.substr(0, in.size() - 1)) return true;
    }
  }
  return false;
}

}  // namespace hozen::collectors
