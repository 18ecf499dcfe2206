#include "platform/procfs/cmdline.h"

namespace hozen::platform::procfs {

std::vector<std::string> split_nul(std::string_view bytes) {
  std::vector<std::string> out;
  while (!bytes.empty()) {
    std::size_t nul = bytes.find('\0');
    if (nul == std::string_view::npos) {
      out.emplace_back(bytes);
      break;
    }
    out.emplace_back(bytes.substr(0, nul));
    bytes.remove_prefix(nul + 1);
  }
  return out;
}

}  // namespace hozen::platform::procfs
