#include "collectors/processes/processes_collector.h"

#include <sys/sysmacros.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <condition_variable>
#include <optional>
#include <mutex>
#include <set>
#include <unordered_set>
#include <tuple>

#include "collectors/framework/parallel.h"
#include "collectors/processes/pid_sweep.h"
#include "platform/digest.h"
#include "platform/checked_time.h"
#include "platform/hash_file.h"
#include "platform/host.h"
#include "platform/paths.h"
#include "platform/procfs/cmdline.h"
#include "platform/procfs/maps.h"
#include "platform/procfs/mountinfo.h"
#include "platform/procfs/process_dir.h"
#include "platform/procfs/stat.h"
#include "platform/procfs/status.h"

namespace hozen::collectors::processes {
namespace {

using platform::ErrorKind;
using platform::procfs::ProcessDir;
using platform::procfs::ProcRoot;

// Devices of FUSE and network filesystems, from the live mount table.
std::set<std::uint64_t> remote_devices(const ProcRoot& root) {
  std::set<std::uint64_t> out;
  bool trunc = false;
  auto mi = root.read("self/mountinfo", 8u << 20, &trunc);
  if (!mi) return out;
  for (const auto& m : platform::procfs::parse_mountinfo(*mi).entries) {
    std::string_view t = m.fs_type;
    if (t.starts_with("fuse") || t.starts_with("nfs") || t == "cifs" || t == "smb3" || t == "9p" ||
        t == "ceph" || t == "glusterfs" || t == "afs" || t == "lustre") {
      out.insert(makedev(m.major, m.minor));
    }
  }
  return out;
}

constexpr std::string_view kNamespaceLinks[] = {"ns/cgroup", "ns/ipc",  "ns/mnt",  "ns/net",
                                                "ns/pid",    "ns/pid_for_children", "ns/time",
                                                "ns/time_for_children", "ns/user", "ns/uts"};

// Executables are shared by many processes: hash each (dev, inode, size, mtime) once per run.
using ExeKey = std::tuple<std::uint64_t, std::uint64_t, std::int64_t, std::int64_t, std::int64_t,
                          std::int64_t, std::int64_t>;
struct ExeHash {
  std::string sha256;
  v1::ItemStatus status;
  std::string md5, sha1;  // deleted executables, when an indicator list asks (from the kept copy)
};

// One digest per executable per run, whichever reader thread meets it first: the others wait
// for that thread instead of reading the same file again (two threads each hashed hozen's own
// 13 MB binary and every interpreter before).
class ExeHashes {
 public:
  // The cached result, or std::nullopt when the caller is to hash the file and then call put()
  // or abandon().
  std::optional<ExeHash> get_or_claim(const ExeKey& key) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_progress_.count(key) == 0; });
    if (auto it = done_.find(key); it != done_.end()) return it->second;
    in_progress_.insert(key);
    return std::nullopt;
  }
  void put(const ExeKey& key, ExeHash h) {
    {
      std::lock_guard lock(mu_);
      in_progress_.erase(key);
      done_.emplace(key, std::move(h));
    }
    cv_.notify_all();
  }
  // Not hashed after all (nothing cached): the next process of this file tries again.
  void abandon(const ExeKey& key) {
    {
      std::lock_guard lock(mu_);
      in_progress_.erase(key);
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<ExeKey> in_progress_;
  std::map<ExeKey, ExeHash> done_;
};

// Deleted executables are copied into the bundle (their only copy left), once per file, within
// the run's copy budget (shared with the file sweep: SharedReads::preserved_bytes). Reader threads
// meeting the same file wait for the one copying it, so every process record says truly whether
// the copy is in the bundle.
class ExeCopies {
 public:
  enum class Decision { kCopyNow, kAlreadyCopied, kNoCopy };
  explicit ExeCopies(const Context& ctx) : ctx_(ctx) {}

  // Whether the executable (dev, ino) of `size` bytes should be copied by the caller now
  // (the budget is then reserved: call done() after).
  Decision reserve(std::uint64_t dev, std::uint64_t ino, std::uint64_t size) {
    const auto& cfg = ctx_.config().sweep;
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_progress_.count({dev, ino}) == 0; });
    if (copied_.count({dev, ino}) > 0) return Decision::kAlreadyCopied;
    if (size > cfg.preserve_max_file_bytes) return Decision::kNoCopy;
    std::atomic<std::uint64_t>& used = ctx_.shared() != nullptr ? ctx_.shared()->preserved_bytes : local_used_;
    if (used.load() + size > cfg.preserve_budget_bytes) return Decision::kNoCopy;
    used += size;
    in_progress_.insert({dev, ino});
    return Decision::kCopyNow;
  }
  // After kCopyNow: whether the copy is in the bundle; if not, the budget is given back (another
  // process of the same file may try again).
  void done(std::uint64_t dev, std::uint64_t ino, std::uint64_t size, bool copied) {
    {
      std::lock_guard lock(mu_);
      in_progress_.erase({dev, ino});
      if (copied) {
        copied_.insert({dev, ino});
      } else {
        std::atomic<std::uint64_t>& used = ctx_.shared() != nullptr ? ctx_.shared()->preserved_bytes : local_used_;
        used -= size;
      }
    }
    cv_.notify_all();
  }
  bool copied(std::uint64_t dev, std::uint64_t ino) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_progress_.count({dev, ino}) == 0; });
    return copied_.count({dev, ino}) > 0;
  }

 private:
  const Context& ctx_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::pair<std::uint64_t, std::uint64_t>> in_progress_, copied_;
  std::atomic<std::uint64_t> local_used_{0};
};

class ProcessReader {
 public:
  ProcessReader(const Context& ctx, Sink& sink, const std::set<std::uint64_t>& remote_devs,
                platform::BoundedHasher& hasher, ExeCopies& copies, ExeHashes& hashes)
      : ctx_(ctx), sink_(sink), remote_devs_(remote_devs), hasher_(hasher), copies_(copies), exe_hashes_(hashes) {}

  // Returns false when the sink asks to stop.
  bool read_one(const ProcRoot& root, std::int32_t pid);

 private:
  void field_error(v1::Process& p, std::string_view field, const platform::Error& e) {
    // A process that exits while we read it is normal (T23): its fields just end there.
    auto* fe = p.add_field_errors();
    fe->set_field(std::string(field));
    fe->set_status(status_for(e));
    fe->set_errno_value(e.err);
  }
  void hash_exe(const ProcessDir& dir, v1::Process& p, std::uint64_t exe_dev_from_maps);
  void count_fds(const ProcessDir& dir, v1::Process& p);

  const Context& ctx_;
  Sink& sink_;
  const std::set<std::uint64_t>& remote_devs_;  // makedev() of FUSE/network mounts
  platform::BoundedHasher& hasher_;             // per-item time limit (a hung disk), shared
  ExeCopies& copies_;                           // deleted executables copied, shared
  ExeHashes& exe_hashes_;                       // digests by file identity, shared
 public:
  dev_t root_dev_ = 0;  // st_dev of the procfs root
};

void ProcessReader::hash_exe(const ProcessDir& dir, v1::Process& p, std::uint64_t exe_dev_from_maps) {
  // open(2) on FUSE or network filesystems can block forever (a stalled FUSE daemon is one
  // fusermount away for any user): such executables are not opened at all.
  if (exe_dev_from_maps != 0 && remote_devs_.count(exe_dev_from_maps) > 0) {
    p.set_exe_on_remote_fs(true);
    p.set_exe_hash_status(v1::ITEM_NOT_ATTEMPTED);
    return;
  }
  // The identity comes from following the link with fstatat (no open: one syscall, no atime);
  // the file is opened only when its bytes are read, and must then still be the same file.
  auto fst = dir.stat_magic("exe");
  if (!fst) {
    field_error(p, "exe", fst.error());
    p.set_exe_hash_status(status_for(fst.error()));
    return;
  }
  const struct stat st = *fst;
  // The deleted flag comes from the file itself, never from the " (deleted)" text (T27/T28).
  p.set_exe_deleted(st.st_nlink == 0);
  p.set_exe_dev(st.st_dev);
  p.set_exe_inode(st.st_ino);
  p.set_exe_size(static_cast<std::uint64_t>(st.st_size));
  ExeKey key{st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
             st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
  if (auto cached = exe_hashes_.get_or_claim(key)) {
    if (!cached->sha256.empty()) p.set_exe_sha256(cached->sha256);
    if (!cached->md5.empty()) p.set_exe_md5(cached->md5);
    if (!cached->sha1.empty()) p.set_exe_sha1(cached->sha1);
    p.set_exe_hash_status(cached->status);
    p.set_exe_preserved(p.exe_deleted() && copies_.copied(st.st_dev, st.st_ino));
    return;
  }
  // Claimed: every return below puts a result or abandons the claim.
  struct Claim {
    ExeHashes& hashes;
    const ExeKey& key;
    bool settled = false;
    ~Claim() {
      if (!settled) hashes.abandon(key);
    }
  } claim{exe_hashes_, key};
  ExeHash result{{}, v1::ITEM_OK};
  // A deleted executable exists nowhere else: keep the bytes hashed (even with --no-exe-hash:
  // the copy and its digest come from the same single read).
  const auto decision = p.exe_deleted() ? copies_.reserve(st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size))
                                        : ExeCopies::Decision::kNoCopy;
  const bool copy = decision == ExeCopies::Decision::kCopyNow;
  p.set_exe_preserved(decision == ExeCopies::Decision::kAlreadyCopied);
  if (!ctx_.config().hash_executables && !copy) {
    p.set_exe_hash_status(v1::ITEM_NOT_ATTEMPTED);  // --no-exe-hash
    return;
  }
  bool noatime_refused = false;
  auto fd = dir.open_magic("exe", &noatime_refused);
  p.set_exe_atime_may_have_changed(noatime_refused);
  auto same_file = fd ? platform::fstat_fd(fd->get()) : platform::Result<struct stat>(platform::Unexpected(fd.error()));
  if (same_file && (same_file->st_dev != st.st_dev || same_file->st_ino != st.st_ino ||
                    same_file->st_size != st.st_size || same_file->st_mtim.tv_nsec != st.st_mtim.tv_nsec ||
                    same_file->st_mtim.tv_sec != st.st_mtim.tv_sec || same_file->st_ctim.tv_sec != st.st_ctim.tv_sec ||
                    same_file->st_ctim.tv_nsec != st.st_ctim.tv_nsec)) {
    // The process exec'd (or its exe link was reset) between the two calls: what would be
    // hashed is not the file described above: the digest is withheld, as for a file that
    // changed while it was read.
    auto* fe = p.add_field_errors();
    fe->set_field("exe_sha256");
    fe->set_status(v1::ITEM_PARTIAL);
    p.set_exe_hash_status(v1::ITEM_PARTIAL);
    if (copy) copies_.done(st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size), false);
    return;
  }
  if (!same_file) {
    field_error(p, "exe", same_file.error());
    p.set_exe_hash_status(status_for(same_file.error()));
    if (copy) copies_.done(st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size), false);
    return;  // not cached: another process of the same binary tries again
  }
  auto h = hasher_.hash(fd->get(), ctx_.limits().max_exe_hash_bytes, [this] { return ctx_.should_stop(); },
                        copy ? static_cast<std::size_t>(ctx_.config().sweep.preserve_max_file_bytes) : 0);
  if (!h) {
    result.status = status_for(h.error());
    field_error(p, "exe_sha256", h.error());
  } else if (h->over_cap) {
    result.status = v1::ITEM_SKIPPED_SIZE;
  } else if (h->changed_during_read) {
    result.status = v1::ITEM_PARTIAL;  // hashed bytes may mix two versions: digest withheld
  } else {
    result.sha256 = *h->sha256;
  }
  // MD5 / SHA-1 of a deleted executable from the copy in memory (the same bytes, all of them:
  // the digest above covers every byte read), when an indicator list holds such hashes.
  if (copy && !result.sha256.empty() && h && h->content &&
      h->content->size() == static_cast<std::size_t>(st.st_size)) {
    const auto& sweep = ctx_.config().sweep;
    auto digest = [&](platform::DigestAlgorithm a) -> std::string {
      auto d = platform::Digest::create(a);  // refused under FIPS: then simply absent
      if (!d) return {};
      d->update(*h->content);
      return d->finish();
    };
    if (sweep.md5) result.md5 = digest(platform::DigestAlgorithm::kMd5);
    if (sweep.sha1) result.sha1 = digest(platform::DigestAlgorithm::kSha1);
  }
  if (!result.sha256.empty()) p.set_exe_sha256(result.sha256);
  if (!result.md5.empty()) p.set_exe_md5(result.md5);
  if (!result.sha1.empty()) p.set_exe_sha1(result.sha1);
  p.set_exe_hash_status(result.status);
  if (copy) {
    if (!result.sha256.empty() && h && h->content) {
      v1::Record r;
      auto* f = r.mutable_preserved_file();
      f->set_path(p.exe_path());
      f->set_read_via(ctx_.facts().proc_root + "/" + std::to_string(p.pid()) + "/exe");
      f->set_pid(p.pid());
      f->set_sha256(result.sha256);
      f->set_size(static_cast<std::uint64_t>(st.st_size));
      f->set_mtime_utc_ns(static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec);
      f->set_ctime_utc_ns(static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec);
      f->set_mode(st.st_mode);
      f->set_uid(st.st_uid);
      f->set_gid(st.st_gid);
      f->set_inode(st.st_ino);
      f->set_atime_may_have_changed(p.exe_atime_may_have_changed());
      f->set_raw(std::move(*h->content));
      // Only a record the bundle took counts as a copy (the sink refuses past its limits).
      const bool kept = sink_.emit(std::move(r));
      copies_.done(st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size), kept);
      p.set_exe_preserved(kept);
    } else {
      copies_.done(st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size), false);
    }
  }
  claim.settled = true;
  exe_hashes_.put(key, std::move(result));
}

void ProcessReader::count_fds(const ProcessDir& dir, v1::Process& p) {
  // The network collector read this process's fd table moments ago through the same
  // /proc/<pid> inode: reuse it (one read, consistent with the socket owners it gave).
  const FdScan* shared = ctx_.shared() != nullptr ? ctx_.shared()->fd_scan(p.pid(), dir.dir_stat()) : nullptr;
  std::vector<platform::procfs::FdEntry> read;
  bool truncated = false;
  if (shared == nullptr) {
    auto fds = dir.list_fds(ctx_.limits().max_fds_per_process, &truncated);
    if (!fds) {
      field_error(p, "fd", fds.error());
      return;
    }
    read = std::move(*fds);
  }
  const auto& fds = shared != nullptr ? shared->fds : read;
  auto* c = p.mutable_fds();
  c->set_truncated(shared != nullptr ? shared->truncated : truncated);
  c->set_from_network_scan(shared != nullptr);
  c->set_total(static_cast<std::uint32_t>(fds.size()));
  for (const auto& f : fds) {
    std::string_view t = f.target;
    if (t.starts_with("socket:[")) {
      c->set_sockets(c->sockets() + 1);
      if (auto ino = platform::parse_uint<std::uint64_t>(t.substr(8, t.size() - 9))) p.add_socket_inodes(*ino);
    } else if (t.starts_with("pipe:[")) {
      c->set_pipes(c->pipes() + 1);
    } else if (t.starts_with("anon_inode:")) {
      c->set_anon(c->anon() + 1);
    } else if (t.starts_with("/")) {
      c->set_files(c->files() + 1);
    } else {
      c->set_other(c->other() + 1);
    }
  }
}

bool ProcessReader::read_one(const ProcRoot& root, std::int32_t pid) {
  const auto& lim = ctx_.limits();
  auto dir = root.open_process(pid);
  if (!dir) {
    if (dir.error().kind == ErrorKind::kNotFound) {
      sink_.item(v1::ITEM_VANISHED);  // exited after the listing: count, continue
      return true;
    }
    return sink_.item_error("pid " + std::to_string(pid), dir.error());
  }
  bool trunc = false;
  platform::UniqueFd stat_file;  // kept for the re-check at the end
  auto stat_text = dir->read_single_kept("stat", lim.max_proc_file_bytes, &trunc, &stat_file);
  if (!stat_text) {
    if (stat_text.error().kind == ErrorKind::kNotFound) {
      sink_.item(v1::ITEM_VANISHED);
      return true;
    }
    return sink_.item_error("pid " + std::to_string(pid) + " stat", stat_text.error());
  }
  auto st = platform::procfs::parse_stat(*stat_text);
  if (!st) {
    sink_.anomaly("proc_stat_malformed", std::string(platform::paths::kProcTree) + std::to_string(pid) + "/stat", 0,
                  st.error().detail, *stat_text);
    sink_.item(v1::ITEM_MALFORMED);
    return true;
  }

  v1::Record rec;
  v1::Process& p = *rec.mutable_process();
  p.set_pid(pid);
  // A directory bind-mounted over /proc/<pid> (another process's, from the same procfs) shows
  // that process's pid in its stat: its contents are not this pid's.
  if (st->pid != pid || dir->dir_stat().st_dev != root_dev_) {
    field_error(p, "masked_by_mount",
                platform::Error::make(platform::ErrorKind::kIo, "stat", "",
                                      "the pid's directory shows another process or filesystem"));
    p.set_status(v1::ITEM_PARTIAL);
    sink_.item(v1::ITEM_PARTIAL);
    return sink_.emit(std::move(rec));
  }
  p.set_start_ticks(st->starttime);
  if (ctx_.facts().clock_ticks > 0) {
    const auto ticks = static_cast<std::int64_t>(st->starttime);
    const std::int64_t hz = ctx_.facts().clock_ticks;
    // starttime is a u64 read from the host: checked so a hostile value cannot overflow.
    auto since_boot = platform::checked_mul_add(ticks / hz, 1'000'000'000, ticks % hz * 1'000'000'000 / hz);
    std::int64_t start = 0;
    if (since_boot && !__builtin_add_overflow(ctx_.facts().boot_time_utc_ns, *since_boot, &start)) {
      p.set_start_utc_ns(start);
    }
  }
  p.set_ppid(st->ppid);
  p.set_state(std::string(1, st->state));
  p.set_comm(st->comm);
  p.set_kernel_thread(st->kernel_thread);
  p.set_collector_self(pid == ctx_.facts().self_pid);
  p.set_session(st->session);
  p.set_pgrp(st->pgrp);
  p.set_tty_nr(st->tty_nr);
  p.set_nice(st->nice);
  p.set_utime_ticks(st->utime);
  p.set_stime_ticks(st->stime);
  p.set_vsize_bytes(st->vsize);
  p.set_rss_pages(st->rss);
  p.set_threads(static_cast<std::int32_t>(st->num_threads));

  if (auto text = dir->read_single("status", lim.max_proc_file_bytes, &trunc)) {
    if (auto s = platform::procfs::parse_status(*text)) {
      if (s->has_ids) {
        for (auto u : s->uid) p.add_uids(u);
        for (auto g : s->gid) p.add_gids(g);
      }
      for (auto g : s->groups) p.add_groups(g);
      p.set_tracer_pid(s->tracer_pid);
      p.set_cap_effective(s->cap_eff);
      p.set_cap_permitted(s->cap_prm);
      p.set_no_new_privs(s->no_new_privs);
      p.set_seccomp(s->seccomp);
    } else {
      sink_.anomaly("proc_status_malformed", std::string(platform::paths::kProcTree) + std::to_string(pid) + "/status", 0,
                    s.error().detail, *text);
    }
  } else {
    field_error(p, "status", text.error());
  }

  if (auto cmd = dir->read_single("cmdline", lim.max_proc_file_bytes, &trunc)) {
    for (auto& a : platform::procfs::split_nul(*cmd)) p.add_argv(std::move(a));
    p.set_argv_truncated(trunc);
  } else {
    field_error(p, "cmdline", cmd.error());
  }
  p.set_environ_collected(ctx_.config().collect_environ && !st->kernel_thread);
  if (ctx_.config().collect_environ && !st->kernel_thread) {  // kernel threads have no mm: ESRCH
    if (auto env = dir->read_single("environ", lim.max_proc_file_bytes, &trunc)) {
      for (auto& e : platform::procfs::split_nul(*env)) p.add_environ(std::move(e));
      p.set_environ_truncated(trunc);
    } else {
      field_error(p, "environ", env.error());
    }
  }

  if (!st->kernel_thread) {  // kernel threads have no exe, cwd, root, maps or fds
    std::optional<std::string> maps_text;
    bool maps_trunc = false;
    if (auto maps = dir->read("maps", lim.max_maps_bytes, &maps_trunc)) {
      maps_text = std::move(*maps);
    } else {
      field_error(p, "maps", maps.error());
    }
    auto parsed_maps = maps_text ? platform::procfs::parse_maps(*maps_text)
                                 : platform::ParsedLines<platform::procfs::MapEntry>{};
    if (auto exe = dir->read_link("exe")) {
      p.set_exe_path(*exe);
      std::uint64_t exe_dev = 0;  // the device the running binary is mapped from
      for (const auto& m : parsed_maps.entries) {
        if (m.inode != 0 && m.path == *exe) {
          exe_dev = makedev(m.dev_major, m.dev_minor);
          break;
        }
      }
      hash_exe(*dir, p, exe_dev);
    } else {
      field_error(p, "exe", exe.error());
    }
    if (auto cwd = dir->read_link("cwd")) {
      p.set_cwd(*cwd);
    } else {
      field_error(p, "cwd", cwd.error());
    }
    if (auto r = dir->read_link("root")) {
      p.set_root(*r);
    } else {
      field_error(p, "root", r.error());
    }
    if (maps_text) {
      const auto& parsed = parsed_maps;
      // Each path once, in the order maps lists them: a linear scan over the few a process
      // has, a hash set once there are many (views into parsed_maps, no copies).
      std::vector<std::string_view> seen_list;
      std::unordered_set<std::string_view> seen_set;
      auto first_time = [&](std::string_view path) {
        if (seen_list.size() < 32) {
          if (std::find(seen_list.begin(), seen_list.end(), path) != seen_list.end()) return false;
          seen_list.push_back(path);
          if (seen_list.size() == 32) seen_set.insert(seen_list.begin(), seen_list.end());
          return true;
        }
        return seen_set.insert(path).second;
      };
      std::size_t unique = 0;
      for (const auto& m : parsed.entries) {
        if (m.inode == 0 || m.path.empty() || m.path[0] != '/' || m.path == p.exe_path()) continue;
        if (!first_time(m.path)) continue;
        ++unique;
        if (unique > lim.max_libraries) {
          p.set_libraries_truncated(true);
          break;
        }
        p.add_libraries(m.path);
      }
      p.set_libraries_truncated(p.libraries_truncated() || maps_trunc);
    }
    count_fds(*dir, p);
  }
  // The network collector read ns/net of this process moments ago, through the same /proc/<pid>
  // inode, with its fd table (FdScan): reused, as the fd table is.
  const FdScan* scan = ctx_.shared() != nullptr ? ctx_.shared()->fd_scan(pid, dir->dir_stat()) : nullptr;
  for (std::string_view link : kNamespaceLinks) {
    if (link == "ns/net" && scan != nullptr && scan->netns != 0) {
      auto* n = p.add_namespaces();
      n->set_type("net");
      n->set_inode(scan->netns);
      n->set_from_network_scan(true);
      continue;
    }
    auto ino = dir->ns_inode(link);
    if (!ino) continue;  // older kernels lack some types; a vanished process shows in stat below
    auto* n = p.add_namespaces();
    n->set_type(std::string(link.substr(3)));
    n->set_inode(*ino);
  }
  if (auto cg = dir->read_single("cgroup", lim.max_proc_file_bytes, &trunc)) {
    p.set_container_id(container_id_from_cgroup(*cg));
    p.set_cgroup(std::move(*cg));
  } else {
    field_error(p, "cgroup", cg.error());
  }

  // Same process still? A reused pid has another start time (T24). Read again through the file
  // opened first (on the live kernel it stays bound to the process it was opened for: a reused
  // pid's new process is never read through it, an exited one gives an error).
  if (auto again = dir->reread(stat_file, "stat", lim.max_proc_file_bytes, &trunc)) {
    auto st2 = platform::procfs::parse_stat(*again);
    if (st2 && st2->starttime != st->starttime) p.set_pid_reused(true);
  } else {
    field_error(p, "stat_recheck", again.error());
  }
  bool partial = p.field_errors_size() > 0 || p.pid_reused() || p.argv_truncated() ||
                 p.environ_truncated() || p.libraries_truncated() || p.fds().truncated();
  p.set_status(partial ? v1::ITEM_PARTIAL : v1::ITEM_OK);
  sink_.item(p.status());
  return sink_.emit(std::move(rec));
}

bool is_thread_of_listed(const ProcRoot& root, std::int32_t tid, const std::set<std::int32_t>& listed) {
  // /proc/<tid> resolves for threads although readdir lists only thread-group leaders.
  auto dir = root.open_process(tid);
  if (!dir) return false;
  bool trunc = false;
  auto text = dir->read_single("status", 64 * 1024, &trunc);
  if (!text) return false;
  auto s = platform::procfs::parse_status(*text);
  return s && s->tgid > 0 && s->tgid != tid && listed.count(s->tgid) > 0;
}

// pid_max as the kernel says it, within the limits.
std::uint64_t read_pid_max(const ProcRoot& root, const Limits& limits) {
  bool trunc = false;
  std::uint64_t pid_max = 32768;
  if (auto pm = root.read("sys/kernel/pid_max", 64, &trunc)) {
    std::string_view v = *pm;
    if (auto n = platform::parse_uint<std::uint64_t>(v.substr(0, v.find('\n')))) pid_max = *n;
  }
  return std::min<std::uint64_t>(pid_max, limits.max_processes);
}

// `early`: the sweep started when the run began (start_early), or null.
void cross_check(const Context& ctx, Sink& sink, const ProcRoot& root,
                 const std::vector<std::int32_t>& listed_vec, std::unique_ptr<PidSweep> early) {
  const std::int64_t t0 = platform::monotonic_ns();  // the cross-check's own time (the sweep's: below)
  std::set<std::int32_t> listed(listed_vec.begin(), listed_vec.end());
  bool trunc = false;
  const std::uint64_t pid_max = read_pid_max(root, ctx.limits());
  const bool deep = ctx.config().deep_pid_probe;
  // An early sweep of another range (pid_max changed since) or kind is not this one.
  if (early && (early->pid_max() != pid_max || early->deep() != deep)) early.reset();
  std::unique_ptr<PidSweep> sweep = std::move(early);
  if (!sweep) {
    auto own = ProcRoot::open(root.path());  // the sweep keeps its own (it may outlive collect())
    if (!own) {
      sink.item_error("pid sweep", own.error());
      v1::Record r;
      auto* summary = r.mutable_process_cross_check();
      summary->set_readdir_count(listed.size());
      summary->set_probed_max_pid(pid_max);
      summary->set_complete(false);
      summary->set_duration_ns(platform::monotonic_ns() - t0);
      sink.emit(std::move(r));
      return;
    }
    sweep = std::make_unique<PidSweep>(std::move(*own), pid_max, deep);
  }
  // Mount points over /proc/<pid> (bind-mount masking, T25).
  std::set<std::int32_t> mounted;
  if (auto mi = root.read("self/mountinfo", 8u << 20, &trunc)) {
    std::string prefix = root.path() + "/";
    for (const auto& m : platform::procfs::parse_mountinfo(*mi).entries) {
      if (!m.mount_point.starts_with(prefix)) continue;
      std::string_view rest = std::string_view(m.mount_point).substr(prefix.size());
      if (auto n = platform::parse_uint<std::int32_t>(rest.substr(0, rest.find('/')))) mounted.insert(*n);
    }
  }
  v1::ProcessCrossCheck summary;
  summary.set_readdir_count(listed.size());
  summary.set_probed_max_pid(pid_max);
  summary.add_sweep_probes("kill");
  if (deep) summary.add_sweep_probes("fstatat");
  auto report = [&](std::int32_t pid, const char* finding, std::string detail,
                    const std::vector<std::string>& probes) {
    v1::Record r;
    auto* h = r.mutable_hidden_process();
    h->set_pid(pid);
    h->set_finding(finding);
    h->set_detail(std::move(detail));
    for (const auto& p : probes) h->add_probes(p);
    h->set_collector_self(pid == ctx.facts().self_pid);
    return sink.emit(std::move(r));
  };
  // Probing every pid is syscall-bound and embarrassingly parallel: the early sweep's thread has
  // probed what it could in the gaps of the collectors before this one; the reader threads probe
  // the rest. The analysis below is sequential.
  using Hit = PidSweep::Hit;
  auto swept = sweep->finish(reader_threads(), [&] { return ctx.should_stop(); });
  summary.set_sweep_background_blocks(sweep->background_blocks());
  summary.set_sweep_start_monotonic_ns(sweep->start_monotonic_ns());
  summary.set_sweep_end_monotonic_ns(platform::monotonic_ns());
  summary.set_complete(swept.has_value());
  if (!swept) {
    summary.set_duration_ns(platform::monotonic_ns() - t0);
    v1::Record r;
    *r.mutable_process_cross_check() = summary;
    sink.emit(std::move(r));
    return;
  }
  std::vector<Hit> all = std::move(*swept);
  // Pids readdir listed that kill did not find (born after the sweep probed them, or gone) are
  // looked up too, for the mount-masking test on their directory.
  {
    std::set<std::int32_t> hit_pids;
    for (const Hit& h : all) hit_pids.insert(h.pid);
    for (std::int32_t pid : listed) {
      if (pid <= 0 || static_cast<std::uint64_t>(pid) >= pid_max || hit_pids.count(pid) > 0) continue;
      struct stat entry {};
      if (root.probe_entry(pid, &entry)) all.push_back({pid, false, true, entry.st_dev});
    }
    std::sort(all.begin(), all.end(), [](const Hit& a, const Hit& b) { return a.pid < b.pid; });
  }
  bool relisted = false;
  for (const Hit& hit : all) {
    if (ctx.should_stop()) break;
    const std::int32_t pid = hit.pid;
    const bool by_stat = hit.by_stat;
    summary.set_probe_found(summary.probe_found() + 1);
    if (by_stat && hit.dev != root.root_stat().st_dev) {
      summary.set_masked(summary.masked() + 1);
      if (!report(pid, "masked_by_mount", "the pid's procfs directory is on another filesystem (a mount hides it)", platform::procfs::probe_pid(pid))) return;
      continue;
    }
    if (mounted.count(pid) > 0) {
      summary.set_masked(summary.masked() + 1);
      if (!report(pid, "masked_by_mount", "a mount point covers /proc/<pid>", platform::procfs::probe_pid(pid))) return;
      continue;
    }
    if (listed.count(pid) > 0) continue;
    if (is_thread_of_listed(root, pid, listed)) continue;
    // Not listed: maybe it (or its thread-group leader) was born after the listing. A second
    // listing, taken once, settles it.
    if (!relisted) {
      relisted = true;
      if (auto again = root.list_pids(ctx.limits().max_processes)) listed.insert(again->begin(), again->end());
      if (listed.count(pid) > 0 || is_thread_of_listed(root, pid, listed)) continue;
    }
    // Probe again now: a short-lived process or thread (our own probing threads included) that
    // has gone since the scan is not hidden, it is gone.
    auto probes = platform::procfs::probe_pid(pid);
    struct stat again {};
    if (root.probe_entry(pid, &again)) probes.emplace_back("fstatat");
    if (probes.empty()) continue;
    if (is_thread_of_listed(root, pid, listed)) continue;
    summary.set_hidden(summary.hidden() + 1);
    if (!report(pid, "not_in_readdir", "pid answers probes but readdir(/proc) does not list it", probes)) return;
  }
  summary.set_duration_ns(platform::monotonic_ns() - t0);
  v1::Record r;
  *r.mutable_process_cross_check() = summary;
  sink.emit(std::move(r));
}

}  // namespace

std::string container_id_from_cgroup(std::string_view cg) {
  std::size_t run = 0;
  for (std::size_t i = 0; i <= cg.size(); ++i) {
    char c = i < cg.size() ? cg[i] : '/';
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (hex) {
      ++run;
      continue;
    }
    if (run == 64) return std::string(cg.substr(i - 64, 64));
    run = 0;
  }
  return {};
}

ProcessesCollector::ProcessesCollector() = default;
ProcessesCollector::~ProcessesCollector() = default;

void ProcessesCollector::start_early(const Context& ctx) {
  auto root = ProcRoot::open(ctx.facts().proc_root);
  if (!root) return;  // collect() reports it
  const std::uint64_t pid_max = read_pid_max(*root, ctx.limits());
  auto sweep = std::make_unique<PidSweep>(std::move(*root), pid_max, ctx.config().deep_pid_probe, &ctx.stop_flag());
  sweep->start_background();
  std::lock_guard lock(early_mu_);
  early_ = std::move(sweep);
}

void ProcessesCollector::stop_early() { take_early().reset(); }

std::unique_ptr<PidSweep> ProcessesCollector::take_early() {
  std::lock_guard lock(early_mu_);
  return std::move(early_);
}

std::vector<std::string_view> ProcessesCollector::inputs() const {
  return {platform::paths::kProcTree};
}

Outcome ProcessesCollector::collect(const Context& ctx, Sink& sink) noexcept {
  auto root = ProcRoot::open(ctx.facts().proc_root);
  if (!root) return {v1::RUN_FAILED, root.error().message()};
  if (fault_) root->set_fault_injector(fault_);
  auto pids = root->list_pids(ctx.limits().max_processes);
  if (!pids) return {v1::RUN_FAILED, pids.error().message()};
  // Reading /proc is syscall-bound: a few reader threads share the pid list. Records are emitted
  // in completion order (each carries its pid and start time; nothing depends on the order).
  LockedSink locked(sink);
  const std::set<std::uint64_t> remote = remote_devices(*root);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopped{false};
  platform::BoundedHasher hasher(std::chrono::milliseconds(ctx.limits().hash_timeout_ms),
                                 ctx.limits().max_hung_reads);
  ExeCopies copies(ctx);
  ExeHashes hashes;
  // hozen's own executable was hashed for the bundle header moments ago: the same file (same
  // identity, ctime included: any change or unlink moves it) is not read again.
  if (const auto& self = ctx.facts().self_exe; !self.sha256.empty() && ctx.config().hash_executables) {
    const ExeKey key{self.dev, self.ino, static_cast<std::int64_t>(self.size), self.mtime_sec, self.mtime_nsec,
                     self.ctime_sec, self.ctime_nsec};
    if (!hashes.get_or_claim(key)) hashes.put(key, ExeHash{self.sha256, v1::ITEM_OK, {}, {}});
  }
  run_threads(reader_threads(), [&](unsigned) {
    ProcessReader reader(ctx, locked, remote, hasher, copies, hashes);
    reader.root_dev_ = root->root_stat().st_dev;
    for (;;) {
      std::size_t i = next.fetch_add(1);
      if (i >= pids->size() || stopped) return;
      if (ctx.should_stop() || !reader.read_one(*root, (*pids)[i])) {
        stopped = true;
        return;
      }
    }
  });
  if (stopped) return {v1::RUN_CANCELLED, "stopped"};
  cross_check(ctx, sink, *root, *pids, take_early());
  if (ctx.should_stop()) return {v1::RUN_CANCELLED, "stopped"};
  return {v1::RUN_OK, {}};
}

}  // namespace hozen::collectors::processes
