#include "collectors/system/system_collector.h"

#include <unistd.h>

#include "collectors/system/host_identity.h"
#include "collectors/system/os_release.h"
#include "platform/host.h"
#include "platform/parse_util.h"
#include "platform/paths.h"
#include "platform/procfs/mountinfo.h"
#include "platform/sha256.h"

namespace hozen::collectors::system {
namespace {

namespace paths = platform::paths;

std::optional<std::string> read_small(const platform::FileSystem& fs, std::string_view path,
                                      const Context& ctx, Sink& sink) {
  auto c = fs.read_file(path, ctx.limits().max_file_bytes);
  if (!c) {
    sink.item_error(path, c.error());
    return std::nullopt;
  }
  sink.item(c->truncated ? v1::ITEM_TRUNCATED : v1::ITEM_OK);
  return std::move(c->bytes);
}

std::optional<double> parse_double(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

void fill_live(const Context& ctx, Sink& sink, v1::SystemInfo& info) {
  const platform::FileSystem& live = *ctx.live();
  if (auto up = read_small(live, paths::kUptime, ctx, sink)) {
    std::string_view line = *up;
    auto f = platform::split_ws(line.substr(0, line.find('\n')));
    auto a = f.size() == 2 ? parse_double(f[0]) : std::nullopt;
    auto b = f.size() == 2 ? parse_double(f[1]) : std::nullopt;
    if (a && b) {
      info.set_uptime_s(*a);
      info.set_idle_s(*b);
    } else {
      sink.anomaly("uptime_malformed", paths::kUptime, 1, "expected two numbers", *up);
    }
  }
  if (auto la = read_small(live, paths::kLoadavg, ctx, sink)) {
    // "0.00 0.01 0.05 1/123 4567" (proc(5))
    std::string_view line = *la;
    auto f = platform::split_ws(line.substr(0, line.find('\n')));
    bool ok = f.size() == 5;
    auto* l = info.mutable_load();
    if (ok) {
      auto a = parse_double(f[0]), b = parse_double(f[1]), c = parse_double(f[2]);
      auto rs = platform::split(f[3], '/');
      auto last = platform::parse_uint<std::uint32_t>(f[4]);
      ok = a && b && c && rs.size() == 2 && last;
      auto run = ok ? platform::parse_uint<std::uint32_t>(rs[0]) : std::nullopt;
      auto ent = ok ? platform::parse_uint<std::uint32_t>(rs[1]) : std::nullopt;
      ok = ok && run && ent;
      if (ok) {
        l->set_one(*a);
        l->set_five(*b);
        l->set_fifteen(*c);
        l->set_runnable(*run);
        l->set_entities(*ent);
        l->set_last_pid(*last);
      }
    }
    if (!ok) sink.anomaly("loadavg_malformed", paths::kLoadavg, 1, "unexpected format", *la);
  }
  if (auto st = read_small(live, paths::kProcStat, ctx, sink)) {
    bool found = false;
    platform::for_each_line(*st, [&](std::uint64_t, std::string_view line) {
      if (!line.starts_with("btime ")) return;
      if (auto v = platform::parse_uint<std::int64_t>(line.substr(6))) {
        info.set_btime_s(*v);
        found = true;
      }
    });
    if (!found) sink.anomaly("stat_no_btime", paths::kProcStat, 0, "no btime line", {});
  }
  if (auto cmd = read_small(live, paths::kCmdline, ctx, sink)) {
    if (!cmd->empty() && cmd->back() == '\n') cmd->pop_back();
    info.set_kernel_cmdline(*cmd);
  }
  if (auto t = read_small(live, paths::kTainted, ctx, sink)) {
    if (!t->empty() && t->back() == '\n') t->pop_back();
    info.set_kernel_tainted(*t);
  }
  if (auto pm = read_small(live, paths::kPidMax, ctx, sink)) {
    std::string_view v = *pm;
    if (auto n = platform::parse_uint<std::uint64_t>(v.substr(0, v.find('\n')))) info.set_pid_max(*n);
  }
}

void emit_mounts(const Context& ctx, Sink& sink) {
  auto text = read_small(*ctx.live(), paths::kSelfMountinfo, ctx, sink);
  if (!text) return;
  auto parsed = platform::procfs::parse_mountinfo(*text);
  for (const auto& bad : parsed.malformed) {
    sink.anomaly("mountinfo_malformed_line", paths::kSelfMountinfo, bad.line, bad.reason, bad.raw);
  }
  for (auto& m : parsed.entries) {
    if (ctx.should_stop()) return;
    v1::Record r;
    auto* p = r.mutable_mount();
    p->set_mount_id(m.mount_id);
    p->set_parent_id(m.parent_id);
    p->set_major(m.major);
    p->set_minor(m.minor);
    p->set_root(std::move(m.root));
    p->set_mount_point(std::move(m.mount_point));
    p->set_options(std::move(m.options));
    for (auto& o : m.optional_fields) p->add_optional_fields(std::move(o));
    p->set_fs_type(std::move(m.fs_type));
    p->set_source(std::move(m.source));
    p->set_super_options(std::move(m.super_options));
    if (!sink.emit(std::move(r))) return;
  }
}

void emit_os_release(const Context& ctx, Sink& sink) {
  // os-release(5): /etc/os-release, falling back to /usr/lib/os-release.
  std::string_view path = paths::kOsRelease;
  auto c = ctx.host().read_file(path, ctx.limits().max_file_bytes);
  if (!c && c.error().kind == platform::ErrorKind::kNotFound) {
    path = paths::kOsReleaseFallback;
    c = ctx.host().read_file(path, ctx.limits().max_file_bytes);
  }
  if (!c) {
    sink.item_error(path, c.error());
    return;
  }
  sink.item(c->truncated ? v1::ITEM_TRUNCATED : v1::ITEM_OK);
  v1::Record r;
  auto* os = r.mutable_os_release();
  os->set_path(std::string(path));
  os->set_truncated(c->truncated);
  if (!c->truncated) os->set_raw_sha256(platform::as_bytes(platform::Sha256::of(c->bytes)));
  auto parsed = parse_os_release(c->bytes);
  for (const auto& bad : parsed.malformed) {
    sink.anomaly("os_release_malformed_line", path, bad.line, bad.reason, bad.raw);
  }
  for (auto& [k, v] : parsed.entries) {
    auto* kv = os->add_fields();
    kv->set_key(std::move(k));
    kv->set_value(std::move(v));
  }
  os->set_raw(std::move(c->bytes));
  sink.emit(std::move(r));
}

}  // namespace

std::vector<std::string_view> SystemCollector::inputs() const {
  return {paths::kMachineId,       paths::kHostnameFile,      paths::kLocaltime,
          paths::kTimezone,        paths::kOsRelease,         paths::kOsReleaseFallback,
          paths::kBootId,          paths::kDmiProductUuid,    paths::kDmiProductSerial,
          paths::kDmiProductName,  paths::kUptime,            paths::kLoadavg,
          paths::kProcStat,        paths::kCmdline,           paths::kTainted,
          paths::kPidMax,          paths::kSelfMountinfo};
}

Outcome SystemCollector::collect(const Context& ctx, Sink& sink) noexcept {
  v1::Record r;
  auto* info = r.mutable_system_info();
  *info->mutable_host() =
      read_host_identity(ctx.host(), ctx.live(), &sink, ctx.limits().max_file_bytes);
  if (ctx.live() != nullptr) {
    auto clocks = platform::read_clocks();
    *info->mutable_clocks() = to_proto(clocks, "system");
    info->set_boot_utc_ns(clocks.realtime_ns - clocks.boottime_ns);
    info->set_page_size(static_cast<std::uint64_t>(ctx.facts().page_size));
    info->set_clock_ticks(static_cast<std::uint64_t>(ctx.facts().clock_ticks));
    fill_live(ctx, sink, *info);
  }
  if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
  emit_os_release(ctx, sink);
  if (ctx.live() != nullptr) emit_mounts(ctx, sink);
  if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped"};
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::system
