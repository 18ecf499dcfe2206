// Reading /proc safely: one directory fd per process, every read relative to it, capped, never
// sized from st_size (procfs reports 0), O_NONBLOCK|O_CLOEXEC|O_NOCTTY everywhere. The root
// directory is injected ("/proc" live, a FakeProc fixture in tests). proc(5).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/error.h"
#include "platform/unique_fd.h"

namespace hozen::platform::procfs {

struct FdEntry {
  int fd = -1;
  std::string target;  // readlink of fd/N: "socket:[123]", "pipe:[4]", "/path", "anon_inode:[...]"
};

class ProcessDir {
 public:
  ProcessDir(std::int32_t pid, UniqueFd dir, struct stat st, const std::function<int(std::int32_t, std::string_view)>* fault)
      : pid_(pid), dir_(std::move(dir)), st_(st), fault_(fault) {}

  std::int32_t pid() const { return pid_; }
  int fd() const { return dir_.get(); }
  // fstat of the opened /proc/<pid> directory (st_dev tells a bind mount over it).
  const struct stat& dir_stat() const { return st_; }

  // Reads /proc/<pid>/<name> (no symlink following), at most `cap` bytes; *truncated set if more.
  // Errors: kNotFound (the process exited: ESRCH/ENOENT), kDenied, kIo.
  // `size_hint`: see read_capped (the socket tables of a busy namespace run to megabytes).
  [[nodiscard]] Result<std::string> read(std::string_view name, std::size_t cap,
                                         bool* truncated, std::size_t size_hint = 0) const;
  // read() of a file the kernel renders in one piece per read call: stat, status, cgroup
  // (single_open seq_files: the whole text is built before the first byte is copied), cmdline
  // and environ (their read loops until the request or the text ends). A first read() shorter than
  // a page and than asked is then the whole file, and the read() returning 0 is skipped (one
  // syscall less per file, six per process). Not for multi-record files (maps, net/*): a seq_file
  // returns short reads whenever its page buffer fills.
  [[nodiscard]] Result<std::string> read_single(std::string_view name, std::size_t cap,
                                                bool* truncated) const;
  // read_single() that keeps the file open in *keep, for reread(): the pid-reuse re-check of
  // stat costs then one lseek and one read instead of openat, read and close.
  [[nodiscard]] Result<std::string> read_single_kept(std::string_view name, std::size_t cap,
                                                     bool* truncated, UniqueFd* keep) const;
  // The file kept by read_single_kept() read again from its start (the kernel renders it anew;
  // the fault injector sees `name` again). Errors as read().
  [[nodiscard]] Result<std::string> reread(const UniqueFd& keep, std::string_view name, std::size_t cap,
                                           bool* truncated) const;
  // readlink of /proc/<pid>/<name> (exe, cwd, root, ns/net, fd/3). Errors as read().
  [[nodiscard]] Result<std::string> read_link(std::string_view name) const;
  // Opens /proc/<pid>/<name> following the magic link (exe): the *running* file, even when it
  // was deleted or replaced on disk. O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_NOCTTY|O_NOATIME, retried
  // without O_NOATIME on EPERM (then *noatime_refused is set). Callers must not open files on
  // FUSE or network filesystems this way: open(2) can block there whatever the flags.
  [[nodiscard]] Result<UniqueFd> open_magic(std::string_view name, bool* noatime_refused = nullptr) const;
  // The namespace inode behind ns/<type>, from the link's text "<type>:[<inode>]" (readlinkat
  // costs a third less than following the link with fstatat, and there are ten per process).
  // Errors as read_link(); kMalformed when the text has another shape.
  [[nodiscard]] Result<std::uint64_t> ns_inode(std::string_view name) const;
  // stat of the file behind a magic link (ns/net: st_ino is the namespace inode).
  [[nodiscard]] Result<struct stat> stat_magic(std::string_view name) const;
  // Entries of fd/, each with its link target, at most `cap` (then *truncated). A fd closed
  // between readdir and readlink is skipped (it is gone).
  [[nodiscard]] Result<std::vector<FdEntry>> list_fds(std::size_t cap, bool* truncated) const;

  // The same table in two steps, so the links of one huge table (a server with 100k sockets)
  // can be read by several threads: the numbers first (getdents64 only), then the targets of any
  // range of them, from any thread. An fd closed in between has no target (std::nullopt).
  struct FdNumbers {
    UniqueFd dir;  // /proc/<pid>/fd
    std::vector<int> fds;
    bool truncated = false;  // more than `cap` entries
  };
  [[nodiscard]] Result<FdNumbers> list_fd_numbers(std::size_t cap) const;
  void read_fd_targets(const FdNumbers& table, std::size_t begin, std::size_t end,
                       std::vector<std::optional<std::string>>& targets) const;

 private:
  int injected(std::string_view name) const;
  Result<std::string> read_impl(std::string_view name, std::size_t cap, bool* truncated,
                                std::size_t complete_below, std::size_t size_hint = 0,
                                UniqueFd* keep = nullptr) const;

  std::int32_t pid_;
  UniqueFd dir_;
  struct stat st_;
  const std::function<int(std::int32_t, std::string_view)>* fault_;
};

class ProcRoot {
 public:
  // Opens the procfs root directory. Errors: kNotFound, kDenied.
  [[nodiscard]] static Result<ProcRoot> open(const std::string& path);

  // Numeric entries of the root, in readdir order (the view a rootkit can filter).
  [[nodiscard]] Result<std::vector<std::int32_t>> list_pids(std::size_t cap) const;
  // Opens /proc/<pid>. Errors: kNotFound (no such process), kDenied.
  [[nodiscard]] Result<ProcessDir> open_process(std::int32_t pid) const;
  // Reads a file relative to the root ("net/tcp", "modules", "sys/kernel/pid_max").
  [[nodiscard]] Result<std::string> read(std::string_view rel, std::size_t cap, bool* truncated) const;
  const struct stat& root_stat() const { return st_; }
  // fstatat of the entry <pid> (no symlink following): works for pids readdir does not list
  // (threads, or processes a rootkit filters out). Errors: kNotFound.
  [[nodiscard]] Result<struct stat> stat_entry(std::int32_t pid) const;
  // The same without building an Error: for probing every pid up to pid_max, where almost every
  // probe misses. True and *st filled when /proc/<pid> exists.
  bool probe_entry(std::int32_t pid, struct stat* st) const noexcept;
  const std::string& path() const { return path_; }

  // Tests: makes every later access to (pid, name) fail with the returned errno (0 = no fault;
  // a negative value -N makes read() a short read that ends after N bytes, as when a process
  // exits mid-read). name is "" for opening the process directory itself.
  void set_fault_injector(std::function<int(std::int32_t, std::string_view)> f) {
    fault_ = std::move(f);
  }

 private:
  ProcRoot(UniqueFd fd, struct stat st, std::string path)
      : dir_(std::move(fd)), st_(st), path_(std::move(path)) {}
  UniqueFd dir_;
  struct stat st_;
  std::string path_;
  std::function<int(std::int32_t, std::string_view)> fault_;
};

// Non-signalling existence probes (the ones unhide uses): kill(pid, 0), getsid, getpgid,
// sched_getparam. Returns the names of the probes that saw `pid` (EPERM counts as seen).
std::vector<std::string> probe_pid(std::int32_t pid);
// kill(pid, 0) says the pid exists (0 or EPERM).
bool pid_exists_by_signal(std::int32_t pid);

}  // namespace hozen::platform::procfs
