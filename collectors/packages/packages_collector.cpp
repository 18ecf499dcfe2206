#include "collectors/packages/packages_collector.h"

#include <set>
#include <string>

#include "collectors/framework/evidence.h"
#include "platform/checked_time.h"
#include "platform/parsers/dpkg.h"
#include "platform/paths.h"

namespace hozen::collectors::packages {

namespace paths = platform::paths;
namespace parsers = platform::parsers;

namespace {

// A file time as ns; 0 (unset) when a hostile timestamp does not fit (no signed overflow).
std::int64_t utc_ns(const struct timespec& ts) {
  return platform::seconds_to_ns(ts.tv_sec, ts.tv_nsec).value_or(0);
}

bool fully_installed(const parsers::DpkgPackage& p) {
  return (p.want == "install" || p.want == "hold") && p.error_flag == "ok" &&
         p.state == "installed";
}

}  // namespace

std::vector<std::string_view> PackagesCollector::inputs() const {
  static const std::string kInfoEntries = std::string(paths::kDpkgInfoDir) + "/*";
  return {paths::kDpkgStatus, kInfoEntries};
}

Outcome PackagesCollector::collect(const Context& ctx, Sink& sink) noexcept {
  // The status file and the lists of big packages (SDKs, -dev packages: 50k files) run to several
  // MB: allow them 8x the per-file cap before capping, so counts stay complete.
  PreserveOptions big;
  big.cap = ctx.limits().max_file_bytes * 8;
  auto status = preserve_file(ctx, sink, paths::kDpkgStatus, big);
  if (!status) return {v1::RUN_OK, "no dpkg status file (not a dpkg-based system)"};
  if (status->truncated) {
    sink.anomaly("dpkg_status_capped", status->path, 0,
                 "status file over the read cap: parsed a prefix", {});
  }
  auto parsed = parsers::parse_dpkg_status(status->bytes);
  if (!report_malformed(sink, "dpkg_status_malformed_line", *status, parsed)) {
    return {v1::RUN_CANCELLED, "output stopped"};
  }

  // info/ once: which .list/.md5sums files exist (name or name:arch).
  std::set<std::string> info;
  for (auto& p : list_dir_paths(ctx, sink, paths::kDpkgInfoDir)) info.insert(std::move(p));
  std::set<std::string> used;
  auto pick = [&](const parsers::DpkgPackage& p, std::string_view ext) -> std::string {
    for (const std::string& stem : {p.package + ":" + p.architecture, p.package}) {
      std::string path = platform::join_path(paths::kDpkgInfoDir, stem + std::string(ext));
      if (info.count(path)) {
        used.insert(path);
        return path;
      }
    }
    return {};
  };

  std::uint64_t not_installed = 0;
  for (const auto& p : parsed.entries) {
    if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped"};
    v1::Record r;
    auto* k = r.mutable_package();
    k->set_name(p.package);
    k->set_version(p.version);
    k->set_architecture(p.architecture);
    k->set_source_package(p.source);
    k->set_maintainer(p.maintainer);
    k->set_installed_size_kib(p.installed_size_kib);
    k->set_status(p.status);
    k->set_want(p.want);
    k->set_error_flag(p.error_flag);
    k->set_state(p.state);
    k->set_not_fully_installed(!fully_installed(p));
    not_installed += k->not_fully_installed();
    k->set_multi_arch(p.multi_arch);
    k->set_description(p.description);
    set_source(k->mutable_source(), *status, p.line);
    for (const auto& c : p.conffiles) {
      auto* cf = k->add_conffiles();
      cf->set_path(c.path);
      std::string md5;
      if (c.md5_hex.size() == 32 && parsers::hex_decode(c.md5_hex, &md5)) {
        cf->set_md5(md5);
      } else {
        cf->set_md5_text(c.md5_hex);
      }
      cf->set_obsolete(c.obsolete);
      cf->set_remove_on_upgrade(c.remove_on_upgrade);
      set_source(cf->mutable_source(), *status, c.line);
    }

    // The file list: preserved whole (the evidence), counted here. Its mtime is when dpkg last
    // unpacked the package (install or upgrade).
    if (std::string list = pick(p, ".list"); !list.empty()) {
      if (auto f = preserve_file(ctx, sink, list, big)) {
        k->set_list_path(list);
        k->set_list_mtime_utc_ns(utc_ns(f->st.st_mtim));
        k->set_file_count(parsers::count_list_entries(f->bytes));
        k->set_list_truncated(f->truncated);
        if (f->truncated)
          sink.anomaly("dpkg_list_capped", list, 0, "file list over the read cap: count is partial",
                       {});
      }
    }
    if (std::string sums = pick(p, ".md5sums"); !sums.empty()) {
      if (auto f = preserve_file(ctx, sink, sums, big)) {
        auto m = parsers::parse_md5sums(f->bytes);
        k->set_md5sums_truncated(f->truncated);
        if (f->truncated)
          sink.anomaly("dpkg_md5sums_capped", sums, 0,
                       "md5sums over the read cap: count is partial", {});
        if (!report_malformed(sink, "dpkg_md5sums_malformed_line", *f, m))
          return {v1::RUN_CANCELLED, "output stopped"};
        k->set_md5sums_path(sums);
        k->set_md5sums_count(m.entries.size());
        k->set_md5sums_malformed(m.malformed.size());
        k->set_md5sums_mtime_utc_ns(utc_ns(f->st.st_mtim));
      }
    }
    if (!sink.emit(std::move(r))) return {v1::RUN_CANCELLED, "output stopped"};
  }
  // A file list no package of the status file claims: a package removed without dpkg, or files
  // slipped into the database. Its files would otherwise look packaged to the file sweep.
  std::uint64_t orphans = 0;
  for (const auto& path : info) {
    if (!path.ends_with(".list") || used.count(path)) continue;
    ++orphans;
    preserve_file(ctx, sink, path, big);  // kept as evidence like the others
    if (!sink.anomaly("dpkg_list_without_package", path, 0,
                      "no package in the status file owns this file list", {})) {
      return {v1::RUN_CANCELLED, "output stopped"};
    }
  }
  return {v1::RUN_OK, std::to_string(orphans) + " orphan lists, " +
                          std::to_string(parsed.entries.size()) + " packages, " +
                          std::to_string(not_installed) + " not fully installed"};
}

}  // namespace hozen::collectors::packages
