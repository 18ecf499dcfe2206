#include "collectors/kernel_modules/kernel_modules_collector.h"

#include <map>

#include "platform/paths.h"
#include "platform/procfs/modules.h"

namespace hozen::collectors::kernel_modules {

std::vector<std::string> decode_taint(std::uint64_t value) {
  static constexpr const char* kBits[] = {
      "P proprietary module loaded",       "F module force-loaded",
      "S kernel running on an out-of-spec system", "R module force-unloaded",
      "M machine check exception",          "B bad page referenced",
      "U taint requested by userspace",     "D kernel died recently (OOPS or BUG)",
      "A ACPI table overridden",            "W kernel issued a warning",
      "C staging driver loaded",            "I firmware workaround applied",
      "O out-of-tree module loaded",        "E unsigned module loaded",
      "L soft lockup occurred",             "K kernel live-patched",
      "X auxiliary taint",                  "T built with struct randomization",
      "N in-kernel test module loaded",     "J userspace used a mutating debug op in fwctl"};
  std::vector<std::string> out;
  for (std::size_t bit = 0; bit < 64; ++bit) {
    if ((value >> bit) & 1u) {
      out.emplace_back(bit < std::size(kBits) ? kBits[bit] : "bit " + std::to_string(bit) + " (unknown)");
    }
  }
  return out;
}

std::vector<std::string_view> KernelModulesCollector::inputs() const {
  return {platform::paths::kProcModules, platform::paths::kTainted, platform::paths::kSysModuleTree};
}

Outcome KernelModulesCollector::collect(const Context& ctx, Sink& sink) noexcept {
  const platform::FileSystem& live = *ctx.live();
  const std::size_t cap = ctx.limits().max_file_bytes;
  std::map<std::string, v1::KernelModule> modules;
  auto pm = live.read_file(platform::paths::kProcModules, cap);
  const bool proc_modules_complete = pm && !pm->truncated;
  if (pm) {
    sink.item(pm->truncated ? v1::ITEM_TRUNCATED : v1::ITEM_OK);
    auto parsed = platform::procfs::parse_modules(pm->bytes);
    for (const auto& bad : parsed.malformed) {
      sink.anomaly("proc_modules_malformed_line", platform::paths::kProcModules, bad.line, bad.reason, bad.raw);
    }
    for (const auto& e : parsed.entries) {
      v1::KernelModule& m = modules[e.name];
      m.set_name(e.name);
      m.set_size(e.size);
      m.set_refcount(e.refcount);
      for (const auto& u : e.used_by) m.add_used_by(u);
      m.set_state(e.state);
      m.set_address(e.address);
      m.set_taint(e.taint);
      m.set_in_proc_modules(true);
    }
  } else if (pm.error().kind != platform::ErrorKind::kNotFound) {  // no CONFIG_MODULES: absent
    sink.item_error(platform::paths::kProcModules, pm.error());
  }
  auto dir = live.list_dir(platform::paths::kSysModule, ctx.limits().max_dir_entries);
  if (dir) {
    for (const auto& entry : *dir) {
      if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped"};
      std::string base = platform::join_path(platform::paths::kSysModule, entry.name);
      // initstate exists only for loadable modules; built-ins have a /sys/module entry too.
      bool loadable = live.lstat(platform::join_path(base, "initstate")).has_value();
      auto it = modules.find(entry.name);
      if (it == modules.end()) {
        if (!loadable) continue;  // built-in: not a loaded module
        it = modules.emplace(entry.name, v1::KernelModule{}).first;
        it->second.set_name(entry.name);
        it->second.set_refcount(-1);
      }
      v1::KernelModule& m = it->second;
      m.set_in_sysfs(true);
      m.set_sysfs_loadable(loadable);
      if (auto t = live.read_file(platform::join_path(base, "taint"), 64)) {
        std::string v = t->bytes;
        while (!v.empty() && v.back() == '\n') v.pop_back();
        m.set_sysfs_taint(v);
      } else if (t.error().kind != platform::ErrorKind::kNotFound) {
        sink.item_error(platform::join_path(base, "taint"), t.error());
      }
    }
  } else if (dir.error().kind != platform::ErrorKind::kNotFound) {
    sink.item_error(platform::paths::kSysModule, dir.error());
  }
  // A module missing from /proc/modules counts as hidden only if /proc/modules was read whole,
  // and still misses it on a second read (it may have been loaded in between).
  std::string second;
  if (proc_modules_complete) {
    if (auto again = live.read_file(platform::paths::kProcModules, cap)) second = std::move(again->bytes);
  }
  for (auto& [name, m] : modules) {
    bool candidate = proc_modules_complete && !m.in_proc_modules() && m.sysfs_loadable();
    if (candidate) {
      for (const auto& e : platform::procfs::parse_modules(second).entries) {
        if (e.name == name) candidate = false;
      }
    }
    m.set_hidden_from_proc_modules(candidate);
    v1::Record r;
    *r.mutable_kernel_module() = std::move(m);
    if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
  }
  if (auto t = live.read_file(platform::paths::kTainted, 64)) {
    std::string_view v = t->bytes;
    v1::Record r;
    auto* kt = r.mutable_kernel_taint();
    if (auto n = platform::parse_uint<std::uint64_t>(v.substr(0, v.find('\n')))) {
      kt->set_value(*n);
      for (auto& f : decode_taint(*n)) kt->add_flags(std::move(f));
    } else {
      sink.anomaly("tainted_malformed", platform::paths::kTainted, 1, "not a number", v);
    }
    sink.emit(std::move(r));
  } else {
    sink.item_error(platform::paths::kTainted, t.error());
  }
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::kernel_modules
