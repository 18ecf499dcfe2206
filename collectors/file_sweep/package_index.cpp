#include "collectors/file_sweep/package_index.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace hozen::collectors::file_sweep {

namespace {
constexpr std::size_t kBlockBytes = 1u << 20;
}

const char* PackageIndex::store(std::string_view path) {
  if (path.size() > kBlockBytes / 4) {  // a long path (hostile md5sums): a block of its own,
    auto big = std::make_unique<char[]>(path.size());  // kept below the block being filled
    std::memcpy(big.get(), path.data(), path.size());
    const char* out = big.get();
    blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1, std::move(big));
    return out;
  }
  if (blocks_.empty() || block_used_ + path.size() > block_size_) {
    blocks_.emplace_back(std::make_unique<char[]>(kBlockBytes));
    block_used_ = 0;
    block_size_ = kBlockBytes;
  }
  char* out = blocks_.back().get() + block_used_;
  std::memcpy(out, path.data(), path.size());
  block_used_ += path.size();
  return out;
}

void PackageIndex::add(std::string_view path, std::string_view md5, std::string_view package) {
  if (md5.size() != 16 || path.size() > std::numeric_limits<std::uint32_t>::max()) return;
  if (packages_.empty() || packages_.back() != package) packages_.emplace_back(package);
  Entry e;
  e.path = store(path);
  e.path_size = static_cast<std::uint32_t>(path.size());
  e.package = static_cast<std::uint32_t>(packages_.size() - 1);
  std::memcpy(e.md5.data(), md5.data(), 16);
  entries_.push_back(e);
}

void PackageIndex::freeze() {
  // Of equal paths the one of the package added last ends its run and is kept. (std::sort: no
  // temporary buffer, unlike stable_sort.)
  std::sort(entries_.begin(), entries_.end(), [this](const Entry& a, const Entry& b) {
    const int c = path_of(a).compare(path_of(b));
    return c != 0 ? c < 0 : a.package < b.package;
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (i + 1 < entries_.size() && path_of(entries_[i]) == path_of(entries_[i + 1])) continue;
    entries_[out++] = entries_[i];
  }
  entries_.resize(out);
  entries_.shrink_to_fit();
  packages_.shrink_to_fit();
}

std::optional<PackageIndex::Hit> PackageIndex::find(std::string_view path) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), path,
                             [this](const Entry& e, std::string_view p) { return path_of(e) < p; });
  if (it == entries_.end() || path_of(*it) != path) return std::nullopt;
  return Hit{std::string_view(it->md5.data(), it->md5.size()), packages_[it->package]};
}

}  // namespace hozen::collectors::file_sweep
