#include "collectors/file_sweep/file_sweep_collector.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <unordered_map>

#include "collectors/framework/evidence.h"
#include "collectors/file_sweep/package_index.h"
#include "collectors/framework/parallel.h"
#include "platform/hash_pool.h"
#include "platform/host.h"
#include "platform/parsers/dpkg.h"
#include "platform/parsers/passwd.h"
#include "platform/paths.h"
#include "platform/procfs/mountinfo.h"
#include "platform/procfs/process_dir.h"
#include "platform/walk.h"

namespace hozen::collectors::file_sweep {

namespace paths = platform::paths;

namespace {

constexpr std::int64_t kDayNs = 86'400'000'000'000;

bool under(std::string_view path, std::string_view dir_slash) {
  return path.starts_with(dir_slash) || path == dir_slash.substr(0, dir_slash.size() - 1);
}
template <class List>
bool under_any(std::string_view path, const List& dirs) {
  return std::any_of(std::begin(dirs), std::end(dirs), [&](std::string_view d) { return under(path, d); });
}

// A path component (below the root) that starts with '.': a hidden directory or file.
bool has_hidden_component(std::string_view path) {
  for (std::size_t i = path.find("/."); i != std::string_view::npos; i = path.find("/.", i + 1)) {
    std::string_view rest = path.substr(i + 1);
    std::string_view comp = rest.substr(0, rest.find('/'));
    if (comp != "." && comp != "..") return true;
  }
  return false;
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Hidden names that systems ship in system paths (not worth a flag).
bool usual_hidden(std::string_view name) {
  static constexpr std::string_view kUsual[] = {".build-id", ".keep", ".gitkeep", ".placeholder",
                                                ".pwd.lock", ".java", ".updated", ".etckeeper",
                                                ".gitignore", ".dwz", ".debug", ".hmac"};
  return std::find(std::begin(kUsual), std::end(kUsual), name) != std::end(kUsual) ||
         name.ends_with(".hmac");
}

v1::FileKind kind_of(std::uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return v1::FILE_REGULAR;
    case S_IFDIR: return v1::FILE_DIRECTORY;
    case S_IFLNK: return v1::FILE_SYMLINK;
    case S_IFIFO: return v1::FILE_FIFO;
    case S_IFSOCK: return v1::FILE_SOCKET;
    case S_IFCHR: return v1::FILE_CHAR_DEVICE;
    case S_IFBLK: return v1::FILE_BLOCK_DEVICE;
    default: return v1::FILE_KIND_UNSPECIFIED;
  }
}

std::string_view header_kind(std::string_view head) {
  if (head.starts_with("\x7f" "ELF")) return "elf";
  if (head.starts_with("#!")) return "script";
  return {};
}

// Virtual and network filesystems are never walked (their "files" are the kernel's, or reading
// them can hang): devices from the live mountinfo.
struct SkipSet {
  std::set<std::uint64_t> devices;
  std::vector<std::string> described;
  std::vector<std::string> mount_points;  // where those filesystems are mounted
};

SkipSet skipped_filesystems(const Context& ctx, Sink& sink) {
  SkipSet out;
  if (ctx.live() == nullptr) return out;  // an image: nothing is mounted inside it
  auto c = ctx.live()->read_file(paths::kSelfMountinfo, ctx.limits().max_file_bytes);
  if (!c) {
    sink.item_error(paths::kSelfMountinfo, c.error());
    return out;
  }
  static constexpr std::string_view kVirtual[] = {
      "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs",
      "securityfs", "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs",
      "binfmt_misc", "efivarfs", "rpc_pipefs", "nsfs", "selinuxfs"};
  for (const auto& m : platform::procfs::parse_mountinfo(c->bytes).entries) {
    const std::string& t = m.fs_type;
    bool remote = t.starts_with("fuse") || t.starts_with("nfs") || t == "cifs" || t == "smb3" ||
                  t == "9p" || t == "ceph" || t == "glusterfs" || t == "afs" || t == "lustre";
    if (remote || std::find(std::begin(kVirtual), std::end(kVirtual), t) != std::end(kVirtual)) {
      if (out.devices.insert(makedev(m.major, m.minor)).second) out.described.push_back(t + " on " + m.mount_point);
      out.mount_points.push_back(m.mount_point);
    }
  }
  return out;
}

// For the progress line only: the inodes in use on the filesystems the walk will enter (each
// root's, and those mounted below a root that are not skipped), each counted once. An estimate:
// it counts what the roots do not reach on a shared filesystem (the default roots walk ~3/4 of
// a Debian root filesystem: the percentage ends near 75 % and the ETA runs long) and orphaned
// inodes. 0 (unknown) when a filesystem does not count inodes (btrfs), and, with
// `whole_filesystems_only` (explicit --sweep paths, often a small part of a large filesystem),
// unless every root is a mount point.
std::uint64_t estimate_entries(const Context& ctx, const std::vector<std::string>& roots, const SkipSet& skip,
                               bool whole_filesystems_only) {
  std::vector<platform::procfs::MountInfo> mounts;
  if (ctx.live() != nullptr) {
    if (auto c = ctx.live()->read_file(paths::kSelfMountinfo, ctx.limits().max_file_bytes)) {
      mounts = platform::procfs::parse_mountinfo(c->bytes).entries;
    }
  }
  if (whole_filesystems_only) {
    for (const auto& r : roots) {
      if (r != "/" && std::none_of(mounts.begin(), mounts.end(), [&](const auto& m) { return m.mount_point == r; })) {
        return 0;
      }
    }
  }
  std::set<std::uint64_t> seen;
  std::uint64_t total = 0;
  std::vector<std::string_view> walked;  // roots the walk enters (not on a skipped filesystem)
  // Each path counts the filesystem it resolves to now (a shadowed mount is not walked either).
  auto add = [&](std::string_view path, bool is_root) {
    bool refused = false;
    auto fd = ctx.host().open_directory(path, &refused);
    struct stat st {};
    if (!fd || ::fstat(fd->get(), &st) != 0 || skip.devices.count(st.st_dev)) return true;
    if (is_root) walked.push_back(path);
    if (!seen.insert(st.st_dev).second) return true;
    auto n = platform::inodes_in_use(fd->get());
    total += n.value_or(0);
    return n.has_value();
  };
  for (const auto& r : roots) {
    if (!add(r, true)) return 0;
  }
  for (const auto& m : mounts) {
    if (skip.devices.count(makedev(m.major, m.minor))) continue;  // never opened: NFS can hang
    bool below = std::any_of(walked.begin(), walked.end(), [&](std::string_view r) {
      return m.mount_point != r && m.mount_point.starts_with(r) &&
             (r == "/" || (m.mount_point.size() > r.size() && m.mount_point[r.size()] == '/'));
    });
    if (below && !add(m.mount_point, false)) return 0;
  }
  return total;
}

}  // namespace

std::vector<std::string> entry_flags(const EntryFacts& f) {
  std::vector<std::string> out;
  const bool temp = under_any(f.path, paths::kTempDirs);
  const bool system = under_any(f.path, paths::kSystemPaths);
  const bool bin_dir = under_any(f.path, paths::kSystemBinDirs);
  const bool regular = S_ISREG(f.mode);
  const bool executable_content = !f.header_kind.empty();
  if (executable_content && temp) out.push_back(f.header_kind == "elf" ? "elf_in_temp" : "script_in_temp");
  if (executable_content && has_hidden_component(f.path)) out.push_back(f.header_kind == "elf" ? "elf_in_hidden_dir" : "script_in_hidden_dir");
  std::string_view name = base_name(f.path);
  if (name.starts_with('.') && (temp || system) && !usual_hidden(name)) {
    out.push_back(temp ? "hidden_in_temp" : "hidden_in_system_path");
  }
  if (regular && (f.mode & S_ISUID)) out.push_back("suid");
  if (regular && (f.mode & S_ISGID)) out.push_back("sgid");
  if (system && !S_ISLNK(f.mode) && (f.mode & S_IWOTH) && !(S_ISDIR(f.mode) && (f.mode & S_ISVTX))) {
    out.push_back("world_writable_system");
  }
  if (f.has_capability) out.push_back("file_capabilities");
  if (f.immutable) out.push_back("immutable");
  if (f.append_only) out.push_back("append_only");
  const std::int64_t window = static_cast<std::int64_t>(f.recent_days) * kDayNs;
  if (f.now_ns - f.mtime_ns < window || f.now_ns - f.ctime_ns < window) out.push_back("recently_changed");
  if (regular && bin_dir && !f.packaged) out.push_back("unpackaged_in_system_bin_dir");
  // Born after its last modification: the mtime was set back (or the file was copied with its
  // times kept). A hint where files should not appear from nowhere.
  if (regular && f.has_btime && f.btime_ns > f.mtime_ns + 1'000'000'000 && !f.packaged && (temp || bin_dir)) {
    out.push_back("btime_after_mtime");
  }
  return out;
}

namespace {

// Flags worth a copy of the file's bytes in the bundle (small files only, within the budget).
bool worth_preserving(const std::vector<std::string>& flags) {
  // (ELF files in hidden dirs are mostly tool caches in homes: flagged, hashed, not copied.)
  static constexpr std::string_view kSuspicious[] = {"elf_in_temp", "script_in_temp",
                                                     "unpackaged_in_system_bin_dir", "btime_after_mtime"};
  return std::any_of(flags.begin(), flags.end(), [](const std::string& f) {
    return std::find(std::begin(kSuspicious), std::end(kSuspicious), f) != std::end(kSuspicious);
  });
}

class Sweep {
 public:
  Sweep(const Context& ctx, Sink& sink) : ctx_(ctx), sink_(sink), now_ns_(platform::realtime_ns()) {}

  Outcome run();

 private:
  void load_names();
  void load_packages();
  std::vector<std::string> roots();
  bool on_entry(const platform::WalkEntry& e);
  void on_hashed(platform::HashResult&& r);
  void emit(v1::Record&& r) {
    if (!sink_.emit(std::move(r))) stop_ = true;
  }
  std::string package_key(std::string_view path) const;
  void load_referenced();
  void visit_unwalked_references();

  const Context& ctx_;
  LockedSink sink_;
  const std::int64_t now_ns_;
  std::unordered_map<std::uint32_t, std::string> users_, groups_;
  PackageIndex packaged_;  // compact: 127k packaged files must not cost ~30 MB (T59)
  bool merged_usr_ = false;
  SkipSet skip_;
  struct Reference {
    std::vector<std::string> sources;
    bool seen = false;       // met by the walk (or visited on its own)
    bool attempted = false;  // visit_unwalked_references tried it
    unsigned hops = 0;       // reached through this many referenced symlinks
  };
  void follow_link(const std::string& link_path, const std::string& target, const Reference& from);
  std::unordered_map<std::string, Reference> referenced_;  // by package_key()
  std::unique_ptr<platform::HashPool> pool_;
  std::mutex mu_;  // guards pending_ and the counters below
  std::unordered_map<std::uint64_t, v1::Record> pending_;
  std::uint64_t next_id_ = 0;
  std::uint64_t hashed_ = 0, bytes_hashed_ = 0, flagged_ = 0, preserved_ = 0, preserved_bytes_ = 0;
  std::uint64_t budget_reserved_ = 0;
  bool budget_exhausted_ = false;
  std::atomic<bool> stop_{false};
  v1::SweepSummary summary_;
};

void Sweep::load_names() {
  if (auto c = ctx_.host().read_file(paths::kPasswd, ctx_.limits().max_file_bytes)) {
    for (const auto& e : platform::parsers::parse_passwd(c->bytes).entries) users_.emplace(e.uid, e.name);
  }
  if (auto c = ctx_.host().read_file(paths::kGroup, ctx_.limits().max_file_bytes)) {
    for (const auto& e : platform::parsers::parse_group(c->bytes).entries) groups_.emplace(e.gid, e.name);
  }
}

// "/bin/ls" and "/usr/bin/ls" are the same file on a merged-/usr system; dpkg lists either.
std::string Sweep::package_key(std::string_view path) const {
  if (merged_usr_) {
    for (auto d : paths::kMergedUsrDirs) {
      if (path.starts_with(d) && path.size() > d.size() && path[d.size()] == '/') return "/usr" + std::string(path);
    }
  }
  return std::string(path);
}

void Sweep::load_packages() {
  // Merged /usr (Debian 12): /bin is a link to usr/bin, and so are /sbin, /lib, /lib64.
  if (auto st = ctx_.host().lstat(paths::kMergedUsrDirs[0]); st && S_ISLNK(st->st_mode)) {
    auto target = ctx_.host().read_link(paths::kMergedUsrDirs[0]);
    merged_usr_ = target && (*target == "usr/bin" || *target == "/usr/bin");
  }
  for (const auto& path : list_dir_paths(ctx_, sink_, paths::kDpkgInfoDir)) {
    if (!path.ends_with(".md5sums")) continue;
    auto c = ctx_.host().read_file(path, ctx_.limits().max_file_bytes * 4);
    if (!c) continue;  // the packages collector preserves and reports these files
    std::string package(base_name(path));
    package.resize(package.size() - 8);
    // A slice of lines at a time: one package can list 60k files (~10 MB of parsed lines at once).
    std::string_view rest = c->bytes;
    while (!rest.empty()) {
      std::size_t cut = rest.size() <= 65536 ? std::string_view::npos : rest.find('\n', 65536);
      cut = cut == std::string_view::npos ? rest.size() : cut + 1;
      for (auto& l : platform::parsers::parse_md5sums(rest.substr(0, cut)).entries) {
        packaged_.add(package_key("/" + l.path), l.md5, package);
      }
      rest.remove_prefix(cut);
    }
  }
  packaged_.freeze();
}

// What earlier collectors named as running (SharedReads::referenced), keyed as the walk will
// meet it.
void Sweep::load_referenced() {
  if (ctx_.shared() == nullptr) return;
  // Processes name paths in their own mount namespace: only those in the sweep's own are the
  // files the sweep sees (a container's /usr/bin/python3 is another file).
  std::uint64_t own_mnt = 0;
  if (ctx_.live() != nullptr) {
    if (auto root = platform::procfs::ProcRoot::open(ctx_.facts().proc_root)) {
      if (auto self = root->open_process(ctx_.facts().self_pid)) {
        if (auto ino = self->ns_inode("ns/mnt")) own_mnt = *ino;
      }
    }
  }
  std::uint64_t foreign = 0;
  for (auto& [path, sources] : ctx_.shared()->referenced.take()) {
    std::vector<std::string> kept;
    for (auto& src : sources) {
      if (src.mnt_ns != 0 && src.mnt_ns != own_mnt) {
        ++foreign;
        continue;
      }
      kept.push_back(std::move(src.text));
    }
    if (kept.empty()) continue;
    auto& ref = referenced_[package_key(path)];
    for (auto& k : kept) {
      if (ref.sources.size() < ReferencedFiles::kMaxSourcesPerPath) ref.sources.push_back(std::move(k));
    }
  }
  summary_.set_referenced_files(referenced_.size());
  if (auto dropped = ctx_.shared()->referenced.dropped(); dropped > 0) {
    sink_.anomaly("sweep_references_dropped", {}, 0,
                  std::to_string(dropped) + " referenced paths beyond the caps were not looked at", {});
  }
  (void)foreign;  // processes of other mount namespaces (containers): their files are theirs
}

// A referenced symlink: its target is what runs. Followed (inside the root, as every path here)
// up to 8 links deep; relative targets are taken from the link's directory.
void Sweep::follow_link(const std::string& link_path, const std::string& target, const Reference& from) {
  if (from.hops >= 8 || target.empty()) return;
  std::string joined = target.front() == '/' ? target : link_path.substr(0, link_path.rfind('/') + 1) + target;
  auto norm = normalise_absolute(joined);
  if (!norm) return;  // ".." in the target: not resolved lexically (it would be wrong across links)
  auto [it, added] = referenced_.try_emplace(package_key(*norm));
  if (!added) return;
  it->second.hops = from.hops + 1;
  for (const auto& src : from.sources) it->second.sources.push_back(src + " (via " + link_path + ")");
}

// Referenced files the walk did not meet (outside the roots, or on a skipped filesystem): each is
// looked at on its own, with the same record, flags and hashing as a walked file.
void Sweep::visit_unwalked_references() {
  auto on_skipped_mount = [&](std::string_view path) {
    return std::any_of(skip_.mount_points.begin(), skip_.mount_points.end(), [&](const std::string& mp) {
      return mp != "/" && (path == mp || (path.starts_with(mp) && path[mp.size()] == '/'));
    });
  };
  // Symlinks visited here may add their targets: go round until nothing new is left.
  for (;;) {
    std::vector<std::string> left;
    {
      std::lock_guard lock(mu_);
      for (auto& [path, ref] : referenced_) {
        if (!ref.seen && !ref.attempted) {
          ref.attempted = true;
          left.push_back(path);
        }
      }
    }
    if (left.empty()) return;
    std::sort(left.begin(), left.end());
    for (const auto& path : left) {
      if (stop_ || ctx_.should_stop()) return;
      // Never resolved at all when on a filesystem the sweep does not enter: looking up a path
      // on a FUSE or NFS mount can hang, and one under an autofs mount point mounts it. The
      // record still says who named it and why it was not read.
      if (on_skipped_mount(path)) {
        v1::Record rec;
        auto* f = rec.mutable_file_entry();
        f->set_path(path);
        f->set_hash_status(v1::ITEM_NOT_ATTEMPTED);
        f->set_hash_error("on a filesystem the sweep does not enter (network, FUSE, virtual, automount): not looked up");
        std::vector<std::string> sources;
        {
          std::lock_guard lock(mu_);
          sources = referenced_[path].sources;
        }
        for (const auto& src : sources) f->add_referenced_by(src);
        emit(std::move(rec));
        continue;
      }
      auto slash = path.rfind('/');
      std::string parent = slash == 0 ? "/" : path.substr(0, slash);
      bool refused = false;
      auto dir = ctx_.host().open_directory(parent, &refused);
      auto e = dir ? platform::stat_entry(dir->get(), path) : platform::Result<platform::WalkEntry>(platform::Unexpected(dir.error()));
      if (!e) {
        if (e.error().kind == platform::ErrorKind::kNotFound) {
          // Named by a command but not there (a deleted script): worth knowing, not an error.
          if (summary_.referenced_missing_size() < 1000) summary_.add_referenced_missing(path);
        } else {
          sink_.item_error(path, e.error());
        }
        continue;
      }
      if (S_ISDIR(e->meta.mode)) continue;  // a directory named in a command (cd /opt/app)
      // readlinkat of a symlink here went through the normal mount: its atime may have moved.
      e->atime_may_have_changed = refused || S_ISLNK(e->meta.mode);
      summary_.set_referenced_outside_roots(summary_.referenced_outside_roots() + 1);
      summary_.set_entries(summary_.entries() + 1);
      if (!on_entry(*e)) return;
    }
  }
}

std::vector<std::string> Sweep::roots() {
  const auto& cfg = ctx_.config().sweep;
  std::vector<std::string> out;
  if (!cfg.paths.empty()) {
    out = cfg.paths;
  } else if (cfg.full) {
    out.emplace_back(paths::kSweepAll);
  } else {
    for (auto r : paths::kSweepRoots) out.emplace_back(r);
    if (auto c = ctx_.host().read_file(paths::kPasswd, ctx_.limits().max_file_bytes)) {
      for (const auto& e : platform::parsers::parse_passwd(c->bytes).entries) {
        // Homes of system accounts ("/", "/usr/sbin", "/nonexistent") are covered or absent.
        if (e.home.size() <= 1 || e.home.front() != '/' || under_any(e.home, paths::kSystemPaths)) continue;
        // A home on a filesystem that is never entered (the `sys` account's /dev is devtmpfs)
        // would "cover" the roots below it (/dev/shm) and then be skipped with them.
        if (auto st = ctx_.host().lstat(e.home); st && skip_.devices.count(st->st_dev) > 0) continue;
        out.push_back(e.home);
      }
    }
  }
  // A root below another root is walked with it.
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::vector<std::string> kept;
  for (const auto& r : out) {
    bool covered = std::any_of(kept.begin(), kept.end(), [&](const std::string& k) {
      return k == "/" || r.starts_with(k + "/");
    });
    if (!covered) kept.push_back(r);
  }
  // Real directories before links to them (/usr/bin before /bin -> usr/bin), so that a directory
  // reached both ways is walked, once, under its own name.
  std::stable_partition(kept.begin(), kept.end(), [&](const std::string& r) {
    auto st = ctx_.host().lstat(r);
    return !st || !S_ISLNK(st->st_mode);
  });
  return kept;
}

bool Sweep::on_entry(const platform::WalkEntry& e) {
  if (stop_ || ctx_.should_stop()) return false;
  if (auto* p = ctx_.progress()) p->entries.fetch_add(1, std::memory_order_relaxed);
  const auto& cfg = ctx_.config().sweep;
  const auto& m = e.meta;
  v1::Record rec;
  auto* f = rec.mutable_file_entry();
  f->set_path(std::string(e.path));
  f->set_file_kind(kind_of(m.mode));
  f->set_mode(m.mode);
  f->set_uid(m.uid);
  f->set_gid(m.gid);
  if (auto it = users_.find(m.uid); it != users_.end()) f->set_owner(it->second);
  if (auto it = groups_.find(m.gid); it != groups_.end()) f->set_group_name(it->second);
  f->set_size(m.size);
  f->set_blocks(m.blocks);
  f->set_inode(m.ino);
  f->set_device(m.dev);
  f->set_nlink(m.nlink);
  f->set_atime_utc_ns(m.atime_ns);
  f->set_mtime_utc_ns(m.mtime_ns);
  f->set_ctime_utc_ns(m.ctime_ns);
  if (m.has_btime) f->set_btime_utc_ns(m.btime_ns);
  f->set_link_target(e.link_target);
  f->set_capability(e.capability);
  f->set_immutable((m.attributes & m.attributes_mask & 0x10) != 0);    // STATX_ATTR_IMMUTABLE
  f->set_append_only((m.attributes & m.attributes_mask & 0x20) != 0);  // STATX_ATTR_APPEND
  f->set_atime_may_have_changed(e.atime_may_have_changed);
  f->set_hash_status(v1::ITEM_NOT_ATTEMPTED);

  const bool regular = S_ISREG(m.mode);
  std::optional<PackageIndex::Hit> pkg;
  bool referenced = false;
  if ((regular || S_ISLNK(m.mode)) && (!packaged_.empty() || !referenced_.empty())) {
    const std::string key = package_key(e.path);
    if (regular && !packaged_.empty()) pkg = packaged_.find(key);
    if (auto it = referenced_.find(key); it != referenced_.end()) {
      std::lock_guard lock(mu_);
      if (!it->second.seen) {  // a second name of the same path (a merged-/usr link) adds nothing
        it->second.seen = true;
        referenced = true;
        for (const auto& src : it->second.sources) f->add_referenced_by(src);
        if (S_ISLNK(m.mode)) follow_link(std::string(e.path), e.link_target, it->second);
      }
    }
  }
  if (pkg) f->set_package(std::string(pkg->package));
  const bool in_bin_dir = under_any(e.path, paths::kSystemBinDirs);
  if (regular && in_bin_dir && !packaged_.empty() && !pkg) f->set_package_check(v1::PACKAGE_NOT_PACKAGED);

  EntryFacts facts;
  facts.path = e.path;
  facts.mode = m.mode;
  facts.mtime_ns = m.mtime_ns;
  facts.ctime_ns = m.ctime_ns;
  facts.btime_ns = m.btime_ns;
  facts.has_btime = m.has_btime;
  facts.has_capability = !e.capability.empty();
  facts.immutable = f->immutable();
  facts.append_only = f->append_only();
  facts.packaged = pkg || packaged_.empty();  // no dpkg database: nothing is "unpackaged"
  facts.now_ns = now_ns_;
  facts.recent_days = cfg.recent_days;

  // Which regular files are opened: everything in the full profile; else executables, SUID/SGID,
  // anything in temp dirs, recently changed files, and packaged files in system binary dirs (every
  // packaged file with --verify-packages: the dpkg -V of the walked trees).
  const bool temp = under_any(e.path, paths::kTempDirs);
  const bool recent = now_ns_ - m.mtime_ns < static_cast<std::int64_t>(cfg.recent_days) * kDayNs ||
                      now_ns_ - m.ctime_ns < static_cast<std::int64_t>(cfg.recent_days) * kDayNs;
  const bool selected = regular && (cfg.full || (m.mode & 0111) || (m.mode & (S_ISUID | S_ISGID)) || temp ||
                                    recent || referenced || (pkg && (in_bin_dir || cfg.verify_packages)));
  // A file bind-mounted from a FUSE or network filesystem (or a referenced file on one) is never
  // opened: open(2) there can block forever, and only reads have a watchdog.
  const bool remote = skip_.devices.count(m.dev) > 0;
  if (!selected || remote) {
    auto flags = entry_flags(facts);
    for (auto& fl : flags) f->add_flags(std::move(fl));
    if (!flags.empty()) {
      std::lock_guard lock(mu_);
      ++flagged_;
    }
    if (selected) f->set_hash_error("on a filesystem the sweep does not enter (network, FUSE, virtual): not opened");
    emit(std::move(rec));
    return !stop_;
  }
  bool refused = false;
  auto fd = platform::open_entry_for_read(e.parent_fd, e.name, &refused);
  if (refused) f->set_atime_may_have_changed(true);
  if (!fd) {
    f->set_hash_status(status_for(fd.error()));
    f->set_hash_error(fd.error().message());
    for (auto& fl : entry_flags(facts)) f->add_flags(std::move(fl));
    emit(std::move(rec));
    return !stop_;
  }
  char head[64];
  ssize_t n = ::pread(fd->get(), head, sizeof head, 0);
  facts.header_kind = header_kind(std::string_view(head, n > 0 ? static_cast<std::size_t>(n) : 0));
  f->set_header_kind(std::string(facts.header_kind));
  auto flags = entry_flags(facts);
  for (const auto& fl : flags) f->add_flags(fl);

  platform::HashRequest req;
  req.fd = std::move(*fd);
  req.md5 = pkg.has_value() || cfg.md5;
  req.sha1 = cfg.sha1;
  {
    std::lock_guard lock(mu_);
    if (!flags.empty()) ++flagged_;
    if (worth_preserving(flags) && m.size <= cfg.preserve_max_file_bytes) {
      if (budget_reserved_ + m.size <= cfg.preserve_budget_bytes) {
        budget_reserved_ += m.size;
        req.keep_bytes_up_to = static_cast<std::size_t>(cfg.preserve_max_file_bytes);
      } else {
        budget_exhausted_ = true;
      }
    }
    req.id = next_id_++;
    pending_.emplace(req.id, std::move(rec));
  }
  pool_->submit(std::move(req));
  return !stop_;
}

void Sweep::on_hashed(platform::HashResult&& r) {
  v1::Record rec;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(r.id);
    if (it == pending_.end()) return;
    rec = std::move(it->second);
    pending_.erase(it);
  }
  auto* f = rec.mutable_file_entry();
  if (!r.digests) {
    f->set_hash_status(status_for(r.digests.error()));
    f->set_hash_error(r.digests.error().message());
    if (!f->package().empty()) f->set_package_check(v1::PACKAGE_NOT_VERIFIED);
    sink_.item(f->hash_status());
    emit(std::move(rec));
    return;
  }
  auto& d = *r.digests;
  f->set_changed_during_read(d.changed_during_read);
  if (d.over_cap) {
    f->set_hash_status(v1::ITEM_SKIPPED_SIZE);
  } else if (d.changed_during_read || !d.sha256) {
    f->set_hash_status(v1::ITEM_PARTIAL);
  } else {
    f->set_hash_status(v1::ITEM_OK);
    f->set_sha256(*d.sha256);
  }
  if (d.md5 && f->hash_status() == v1::ITEM_OK) f->set_md5(*d.md5);
  if (d.sha1 && f->hash_status() == v1::ITEM_OK) f->set_sha1(*d.sha1);
  if (!f->package().empty()) {
    auto known = packaged_.find(package_key(f->path()));
    if (f->md5().empty() || !known) {
      f->set_package_check(v1::PACKAGE_NOT_VERIFIED);
    } else if (known->md5 == f->md5()) {
      f->set_package_check(v1::PACKAGE_MD5_MATCH);
    } else {
      f->set_package_check(v1::PACKAGE_MD5_MISMATCH);
      f->add_flags("package_md5_mismatch");
    }
  }
  sink_.item(f->hash_status());
  {
    std::lock_guard lock(mu_);
    if (f->hash_status() == v1::ITEM_OK) {
      ++hashed_;
      bytes_hashed_ += d.bytes_read;
      if (auto* p = ctx_.progress()) {
        p->files_hashed.fetch_add(1, std::memory_order_relaxed);
        p->bytes_hashed.fetch_add(d.bytes_read, std::memory_order_relaxed);
      }
    }
    if (f->package_check() == v1::PACKAGE_MD5_MISMATCH && f->flags_size() == 1) ++flagged_;
  }
  // The copy is the very bytes that were hashed (one read pass), never a second read.
  if (d.content && f->hash_status() == v1::ITEM_OK) {
    v1::Record copy;
    auto* p = copy.mutable_preserved_file();
    p->set_path(f->path());
    p->set_sha256(f->sha256());
    p->set_size(f->size());
    p->set_mtime_utc_ns(f->mtime_utc_ns());
    p->set_ctime_utc_ns(f->ctime_utc_ns());
    p->set_mode(f->mode());
    p->set_uid(f->uid());
    p->set_gid(f->gid());
    p->set_inode(f->inode());
    p->set_raw(std::move(*d.content));
    {
      std::lock_guard lock(mu_);
      ++preserved_;
      preserved_bytes_ += p->raw().size();
    }
    f->set_content_preserved(true);
    emit(std::move(copy));
  }
  emit(std::move(rec));
}

Outcome Sweep::run() {
  const auto& cfg = ctx_.config().sweep;
  if (auto* p = ctx_.progress()) p->begin("file_sweep", platform::monotonic_ns());
  load_names();
  load_packages();
  load_referenced();
  if (ctx_.shared() != nullptr) budget_reserved_ = ctx_.shared()->preserved_bytes.load();
  summary_.set_md5_requested(cfg.md5);
  summary_.set_sha1_requested(cfg.sha1);
  skip_ = skipped_filesystems(ctx_, sink_);
  for (const auto& s : skip_.described) summary_.add_skipped_filesystems(s);
  platform::HashPoolOptions po;
  po.threads = cfg.threads;
  po.max_file_bytes = cfg.max_hash_bytes;
  po.per_item_timeout = std::chrono::milliseconds(ctx_.limits().hash_timeout_ms);
  po.max_hung = ctx_.limits().max_hung_reads;
  po.io_rate_bytes_per_s = cfg.io_rate_bytes_per_s;
  pool_ = std::make_unique<platform::HashPool>(po, [this](platform::HashResult&& r) { on_hashed(std::move(r)); });

  platform::WalkOptions wo;
  wo.skip_devices = skip_.devices;
  platform::WalkCallbacks cb;
  cb.on_entry = [this](const platform::WalkEntry& e) { return on_entry(e); };
  cb.on_problem = [this](const platform::WalkProblem& p) {
    summary_.set_problems(summary_.problems() + 1);
    switch (p.kind) {
      case platform::WalkProblemKind::kDirError:
      case platform::WalkProblemKind::kEntryError:
        sink_.item_error(p.path, p.error);
        break;
      default:
        sink_.anomaly(p.kind == platform::WalkProblemKind::kCycle ? "sweep_cycle"
                      : p.kind == platform::WalkProblemKind::kSkippedFs ? "sweep_filesystem_not_entered"
                      : "sweep_limit",
                      p.path, 0, p.error.message(), {});
    }
  };
  cb.should_stop = [this] { return stop_.load() || ctx_.should_stop(); };
  std::set<std::pair<std::uint64_t, std::uint64_t>> walked;
  bool view_ok = true;
  const std::vector<std::string> root_list = roots();
  if (auto* p = ctx_.progress()) p->entries_estimate = estimate_entries(ctx_, root_list, skip_, !cfg.paths.empty());
  for (const auto& root : root_list) {
    if (stop_ || ctx_.should_stop()) break;
    bool refused = false;
    auto fd = ctx_.host().open_directory(root, &refused);
    if (!fd) {
      if (fd.error().kind == platform::ErrorKind::kNotFound) {
        summary_.add_roots_missing(root);
      } else {
        sink_.item_error(root, fd.error());
      }
      continue;
    }
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0 || !walked.emplace(st.st_dev, st.st_ino).second) continue;  // /bin -> usr/bin
    if (skip_.devices.count(st.st_dev)) continue;
    summary_.add_roots(root);
    wo.one_filesystem = false;
    // Walked through a private read-only noatime copy of the mounts when the kernel allows it:
    // then not even a symlink's atime changes (readlinkat touches it on a normal mount).
    if (view_ok) {
      if (auto view = platform::open_noatime_view_of(fd->get(), root)) {
        fd = std::move(view);
      } else {
        view_ok = false;
        summary_.set_noatime_view_error(view.error().message());
      }
    }
    auto stats = platform::walk_tree(std::move(*fd), root, wo, cb);
    if (!stats) {
      sink_.item_error(root, stats.error());
      continue;
    }
    summary_.set_entries(summary_.entries() + stats->entries);
    summary_.set_directories(summary_.directories() + stats->directories);
  }
  summary_.set_noatime_view(view_ok && summary_.roots_size() > 0);
  visit_unwalked_references();
  if (auto* p = ctx_.progress()) p->entries_estimate = 0;  // walked: only hashing is left (no ETA)
  pool_->finish();
  pool_.reset();
  if (auto* p = ctx_.progress()) p->end();
  summary_.set_profile(cfg.full ? "full" : "default");
  summary_.set_files_hashed(hashed_);
  summary_.set_bytes_hashed(bytes_hashed_);
  summary_.set_files_flagged(flagged_);
  summary_.set_files_preserved(preserved_);
  summary_.set_bytes_preserved(preserved_bytes_);
  summary_.set_preserve_budget_bytes(cfg.preserve_budget_bytes);
  summary_.set_preserve_budget_exhausted(budget_exhausted_);
  summary_.set_recent_days(cfg.recent_days);
  summary_.set_packaged_files_known(packaged_.size());
  const bool stopped = stop_ || ctx_.should_stop();
  v1::Record s;
  *s.mutable_sweep_summary() = summary_;
  sink_.emit(std::move(s));
  if (stopped) return {v1::RUN_CANCELLED, "stopped"};
  return {v1::RUN_OK, std::to_string(summary_.entries()) + " entries, " + std::to_string(hashed_) + " hashed, " +
                          std::to_string(flagged_) + " flagged"};
}

}  // namespace

std::vector<std::string_view> FileSweepCollector::inputs() const {
  static const std::vector<std::string> kTrees = [] {
    std::vector<std::string> t;
    for (auto r : paths::kSweepRoots) t.push_back(std::string(r) + "/");
    t.push_back(std::string(paths::kDpkgInfoDir) + "/*");
    return t;
  }();
  std::vector<std::string_view> out(kTrees.begin(), kTrees.end());
  out.push_back(paths::kAnyHome);
  out.push_back(paths::kPasswd);
  out.push_back(paths::kGroup);
  out.push_back(paths::kSelfMountinfo);  // live only
  for (auto d : paths::kMergedUsrDirs) out.push_back(d);
  return out;
}

Outcome FileSweepCollector::collect(const Context& ctx, Sink& sink) noexcept {
  try {
    Sweep sweep(ctx, sink);
    return sweep.run();
  } catch (const std::exception& e) {
    return {v1::RUN_FAILED, std::string("exception: ") + e.what()};
  }
}

}  // namespace hozen::collectors::file_sweep
