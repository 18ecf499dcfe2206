// Error and Result: how every fallible platform call reports failure.
#pragma once

#include <string>
#include <string_view>

#include "platform/expected.h"

namespace hozen::platform {

// Classification that decides how a caller records the failure (STYLE §3).
enum class ErrorKind {
  kNotFound,      // ENOENT/ESRCH: the item vanished or never existed
  kDenied,        // EACCES/EPERM
  kIo,            // any other OS error
  kNotRegular,    // refused to read: FIFO, socket, device, directory
  kMalformed,     // bytes did not parse
  kLimit,         // a cap was hit
  kTimeout,       // a deadline passed
  kNoSpace,       // ENOSPC/EDQUOT/EFBIG on output
  kUnsupported,   // the kernel or filesystem lacks a feature
  kInvalidArgument,
  kCancelled,
};

struct Error {
  ErrorKind kind = ErrorKind::kIo;
  int err = 0;            // errno, 0 when not an OS error
  std::string operation;  // "openat", "read", "parse", ...
  std::string path;       // host path (or item description)
  std::string detail;

  // Classifies errno: ENOENT/ESRCH -> kNotFound, EACCES/EPERM -> kDenied, ENOSPC -> kNoSpace, ...
  static Error from_errno(int e, std::string_view op, std::string_view path = {});
  static Error make(ErrorKind k, std::string_view op, std::string_view path, std::string_view detail);

  // "openat /etc/shadow: Permission denied (EACCES)" style text for humans (path escaped).
  std::string message() const;
};

template <class T>
using Result = detail::Expected<T, Error>;
// Wraps an Error for returning from a function that returns Result<T>.
using Unexpected = detail::Unexpected<Error>;

// Symbolic errno name ("ENOENT"), or "E<number>" when unknown.
std::string errno_name(int e);

// Printable form of host bytes: printable ASCII kept, everything else as \xNN (\n, \t as such).
std::string escape_bytes(std::string_view raw);

}  // namespace hozen::platform
