// Test-only access to HashPool: replaces the pread and lseek calls its workers make, so tests can
// stand in for a hung disk (a read that blocks) or a filesystem without SEEK_DATA. Production
// code never includes this header.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>

#include "platform/hash_pool.h"

namespace hozen::platform {

struct HashPoolTestSeam {
  using PreadFn = std::function<ssize_t(int fd, void* buf, std::size_t n, off_t offset)>;
  using LseekFn = std::function<off_t(int fd, off_t offset, int whence)>;
  // Call before the first submit(); an empty function keeps the real system call. Both must set
  // errno on failure as the system calls do. They are called from worker threads.
  static void set_io(HashPool& pool, PreadFn pread_fn, LseekFn lseek_fn);
};

}  // namespace hozen::platform
