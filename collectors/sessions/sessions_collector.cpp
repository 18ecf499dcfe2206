#include "collectors/sessions/sessions_collector.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>

#include "platform/paths.h"
#include "platform/procfs/utmp.h"

namespace hozen::collectors::sessions {

const char* utmp_type_name(int type) {
  static constexpr const char* kNames[] = {"EMPTY",        "RUN_LVL",       "BOOT_TIME",
                                           "NEW_TIME",     "OLD_TIME",      "INIT_PROCESS",
                                           "LOGIN_PROCESS", "USER_PROCESS", "DEAD_PROCESS",
                                           "ACCOUNTING"};
  return type >= 0 && type < static_cast<int>(std::size(kNames)) ? kNames[type] : "UNKNOWN";
}

std::vector<std::string_view> SessionsCollector::inputs() const {
  return {platform::paths::kUtmp, platform::paths::kUtmpLegacy};
}

Outcome SessionsCollector::collect(const Context& ctx, Sink& sink) noexcept {
  std::string_view path = platform::paths::kUtmp;
  auto c = ctx.host().read_file(path, ctx.limits().max_file_bytes);
  if (!c && c.error().kind == platform::ErrorKind::kNotFound) {
    path = platform::paths::kUtmpLegacy;
    c = ctx.host().read_file(path, ctx.limits().max_file_bytes);
  }
  if (!c) {
    if (c.error().kind == platform::ErrorKind::kNotFound) {
      return {v1::RUN_OK, "no utmp file (no login records on this host)"};
    }
    sink.item_error(path, c.error());
    return {v1::RUN_PARTIAL, c.error().message()};
  }
  sink.item(c->truncated ? v1::ITEM_TRUNCATED : v1::ITEM_OK);
  auto parsed = platform::procfs::parse_utmp(c->bytes);
  if (parsed.trailing_bytes > 0) {
    sink.anomaly("utmp_trailing_bytes", path, 0, "file size is not a multiple of the record size",
                 std::string_view(c->bytes).substr(c->bytes.size() - parsed.trailing_bytes));
  }
  std::uint64_t offset = 0;
  for (const auto& e : parsed.entries) {
    if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped"};
    v1::Record r;
    auto* s = r.mutable_session();
    s->set_entry_type(utmp_type_name(e.type));
    s->set_entry_type_code(e.type);
    s->set_pid(e.pid);
    s->set_line(e.line);
    s->set_id(e.id);
    s->set_user(e.user);
    s->set_host(e.host);
    bool v4 = std::all_of(e.addr_v6.begin() + 4, e.addr_v6.end(), [](auto b) { return b == 0; });
    bool zero = std::all_of(e.addr_v6.begin(), e.addr_v6.end(), [](auto b) { return b == 0; });
    if (!zero) {
      char buf[INET6_ADDRSTRLEN] = {};
      if (::inet_ntop(v4 ? AF_INET : AF_INET6, e.addr_v6.data(), buf, sizeof buf)) s->set_address(buf);
    }
    s->set_session(e.session);
    s->set_time_utc_ns(e.tv_sec * 1'000'000'000 + std::int64_t{e.tv_usec} * 1000);
    s->set_exit_termination(e.exit_termination);
    s->set_exit_status(e.exit_status);
    s->set_source(std::string(path));
    s->set_record_offset(offset);
    offset += platform::procfs::kUtmpRecordSize;
    if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
  }
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::sessions
