// Hashing an open file: one pass, fstat before and after, a digest only when every byte was read.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>

#include "platform/error.h"

namespace hozen::platform {

struct FileHash {
  std::optional<std::string> sha256;  // raw 32 bytes; absent unless all bytes were read
  std::uint64_t bytes_read = 0;
  bool over_cap = false;              // st_size > cap: nothing read, no digest (skipped_size)
  bool changed_during_read = false;   // size, mtime, ctime, mode, uid or gid changed
  struct stat before {};
};

// Reads `fd` (a regular file) from offset 0 with pread, hashing with SHA-256. Files larger than
// `cap` are not read. Errors: kNotRegular, kIo (read failed: no digest).
[[nodiscard]] Result<FileHash> hash_fd(int fd, std::uint64_t cap);

}  // namespace hozen::platform
