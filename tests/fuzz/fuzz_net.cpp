// libFuzzer target: the /proc/net socket table parsers (inet, inet6, unix, packet).
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/procfs/net.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto a = hozen::platform::procfs::parse_proc_net_inet(text, AF_INET);
  auto b = hozen::platform::procfs::parse_proc_net_inet(text, AF_INET6);
  auto u = hozen::platform::procfs::parse_proc_net_unix(text);
  auto k = hozen::platform::procfs::parse_proc_net_packet(text);
  if (a.entries.size() + b.entries.size() + u.entries.size() + k.entries.size() > 4 * (size + 1)) {
    __builtin_trap();
  }
  return 0;
}
