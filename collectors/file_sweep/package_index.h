// dpkg's md5sums of every installed package, held compactly for the file sweep (T59: the sweep's
// memory must stay small on a host with 100k+ packaged files): one copy of each path in 1 MiB
// blocks, and a sorted array of 32-byte entries (path, package number, raw MD5) searched by path.
// About path + 32 bytes per file, against ~230 for a hash map of strings.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hozen::collectors::file_sweep {

class PackageIndex {
 public:
  struct Hit {
    std::string_view md5;      // 16 raw bytes
    std::string_view package;  // the package's name
  };

  // While loading: one listed file of `package` (md5: raw bytes, only 16-byte digests are kept).
  // The same path added again for a later package replaces the earlier entry.
  void add(std::string_view path, std::string_view md5, std::string_view package);
  // After the last add(), before the first find().
  void freeze();

  [[nodiscard]] std::optional<Hit> find(std::string_view path) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    const char* path = nullptr;
    std::uint32_t path_size = 0;
    std::uint32_t package = 0;  // index into packages_
    std::array<char, 16> md5{};
  };
  std::string_view path_of(const Entry& e) const { return {e.path, e.path_size}; }
  const char* store(std::string_view path);

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t block_used_ = 0, block_size_ = 0;
  std::vector<Entry> entries_;
  std::vector<std::string> packages_;
};

}  // namespace hozen::collectors::file_sweep
