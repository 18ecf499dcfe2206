#include "platform/hash_file.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "platform/sha256.h"

namespace hozen::platform {

Result<FileHash> hash_fd(int fd, std::uint64_t cap) {
  FileHash out;
  if (::fstat(fd, &out.before) != 0) return platform::Unexpected(Error::from_errno(errno, "fstat"));
  if (!S_ISREG(out.before.st_mode)) {
    return platform::Unexpected(Error::make(ErrorKind::kNotRegular, "read", "", "not a regular file"));
  }
  if (static_cast<std::uint64_t>(out.before.st_size) > cap) {
    out.over_cap = true;
    return out;
  }
  Sha256 h;
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(out.bytes_read));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return platform::Unexpected(Error::from_errno(errno, "pread"));
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
    out.bytes_read += static_cast<std::uint64_t>(n);
    if (out.bytes_read > cap) {  // grew past the cap while we read
      out.over_cap = true;
      return out;
    }
  }
  struct stat after {};
  if (::fstat(fd, &after) == 0) {
    const auto& b = out.before;
    out.changed_during_read =
        b.st_size != after.st_size || b.st_mtim.tv_sec != after.st_mtim.tv_sec ||
        b.st_mtim.tv_nsec != after.st_mtim.tv_nsec || b.st_ctim.tv_sec != after.st_ctim.tv_sec ||
        b.st_ctim.tv_nsec != after.st_ctim.tv_nsec || b.st_mode != after.st_mode ||
        b.st_uid != after.st_uid || b.st_gid != after.st_gid;
  }
  out.sha256 = as_bytes(h.finish());
  return out;
}

}  // namespace hozen::platform
