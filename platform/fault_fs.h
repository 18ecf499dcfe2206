// A decorating FileSystem for tests: fails chosen host paths with a chosen errno and records every
// path asked for (so tests can check collectors stay inside their declared inputs). Tests run as
// root, so permission failures are injected here rather than with chmod.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "platform/fs.h"

namespace hozen::platform {

class FaultFileSystem final : public FileSystem {
 public:
  explicit FaultFileSystem(const FileSystem& inner) : inner_(inner) {}

  // Every later access to exactly `host_path` fails with `err` (e.g. EACCES).
  void fail(const std::string& host_path, int err) { faults_[host_path] = err; }

  // Host paths whose metadata only was read (lstat, never opened, listed or read as a link).
  std::set<std::string> stat_only() const {
    std::lock_guard lock(mu_);
    std::set<std::string> out;
    for (const auto& p : accessed_) {
      if (!opened_.count(p)) out.insert(p);
    }
    return out;
  }

  // Host paths accessed so far (any operation).
  std::set<std::string> accessed() const {
    std::lock_guard lock(mu_);
    return accessed_;
  }

  Result<FileContent> read_file(std::string_view p, std::size_t cap) const override {
    if (auto e = check(p, "openat2")) return platform::Unexpected(*e);
    return inner_.read_file(p, cap);
  }
  Result<SparseContent> read_data_extents(std::string_view p, std::size_t cap,
                                          std::size_t max_extents) const override {
    if (auto e = check(p, "openat2")) return platform::Unexpected(*e);
    return inner_.read_data_extents(p, cap, max_extents);
  }
  Result<std::string> read_link(std::string_view p) const override {
    if (auto e = check(p, "readlinkat")) return platform::Unexpected(*e);
    return inner_.read_link(p);
  }
  Result<struct stat> lstat(std::string_view p) const override {
    if (auto e = check(p, "fstatat", false)) return platform::Unexpected(*e);
    return inner_.lstat(p);
  }
  Result<std::vector<DirEntry>> list_dir(std::string_view p, std::size_t max) const override {
    if (auto e = check(p, "openat2")) return platform::Unexpected(*e);
    return inner_.list_dir(p, max);
  }
  Result<UniqueFd> open_directory(std::string_view p, bool* noatime_refused) const override {
    if (auto e = check(p, "openat2")) return platform::Unexpected(*e);
    return inner_.open_directory(p, noatime_refused);
  }
  std::string root_description() const override { return inner_.root_description(); }

 private:
  std::optional<Error> check(std::string_view p, const char* op, bool opens = true) const {
    std::lock_guard lock(mu_);
    accessed_.emplace(p);
    if (opens) opened_.emplace(p);
    auto it = faults_.find(std::string(p));
    if (it == faults_.end()) return std::nullopt;
    return Error::from_errno(it->second, op, p);
  }

  const FileSystem& inner_;
  std::map<std::string, int> faults_;
  mutable std::mutex mu_;
  mutable std::set<std::string> accessed_;
  mutable std::set<std::string> opened_;  // read, listed, or read as a link
};

}  // namespace hozen::platform
