// Runs test code in a private mount namespace with a fresh tmpfs: the host's mount table is never
// touched, and the namespace (and its tmpfs) dies with the thread.
#pragma once

#include <sched.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

namespace hozen::testing {

// Runs `fn(dir)` on a thread that unshares its mount namespace, makes "/" private and mounts a
// tmpfs (mount `flags`, e.g. MS_STRICTATIME) on `dir`. Threads `fn` starts inherit the namespace.
// Returns "" or what failed (then `fn` did not run).
inline std::string in_private_tmpfs(const std::string& dir, unsigned long flags,
                                    const std::function<void(const std::string&)>& fn) {
  std::string failed;
  std::thread t([&] {
    // unshare(CLONE_NEWNS) implies CLONE_FS, which a thread may unshare alone (unshare(2)).
    if (::unshare(CLONE_NEWNS) != 0) {
      failed = std::string("unshare: ") + std::strerror(errno);
      return;
    }
    // Without this, mounts below would propagate to the host's shared "/" peer group.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      failed = std::string("make-private: ") + std::strerror(errno);
      return;
    }
    if (::mount("hozen-test", dir.c_str(), "tmpfs", flags, "mode=0755") != 0) {
      failed = std::string("mount tmpfs: ") + std::strerror(errno);
      return;
    }
    fn(dir);
  });
  t.join();
  return failed;
}

}  // namespace hozen::testing
