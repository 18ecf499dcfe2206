#include "platform/error.h"

#include <cerrno>
#include <cstring>

namespace hozen::platform {

Error Error::from_errno(int e, std::string_view op, std::string_view path) {
  Error out;
  out.err = e;
  out.operation = op;
  out.path = path;
  switch (e) {
    case ENOENT:
    case ESRCH:
    case ENOTDIR:
      out.kind = ErrorKind::kNotFound;
      break;
    case EACCES:
    case EPERM:
      out.kind = ErrorKind::kDenied;
      break;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      out.kind = ErrorKind::kNoSpace;
      break;
    case ENOSYS:
    case EOPNOTSUPP:
      out.kind = ErrorKind::kUnsupported;
      break;
    case ETIMEDOUT:
      out.kind = ErrorKind::kTimeout;
      break;
    case EINVAL:
      out.kind = ErrorKind::kInvalidArgument;
      break;
    default:
      out.kind = ErrorKind::kIo;
  }
  return out;
}

Error Error::make(ErrorKind k, std::string_view op, std::string_view path, std::string_view detail) {
  Error out;
  out.kind = k;
  out.operation = op;
  out.path = path;
  out.detail = detail;
  return out;
}

std::string Error::message() const {
  std::string m = operation;
  if (!path.empty()) {
    m += ' ';
    m += escape_bytes(path);
  }
  m += ": ";
  if (err != 0) {
    m += std::strerror(err);
    m += " (" + errno_name(err) + ")";
    if (!detail.empty()) m += "; ";
  }
  m += detail;
  return m;
}

std::string errno_name(int e) {
  // strerrorname_np is glibc 2.32+ (Debian 12 has 2.36).
  if (const char* n = strerrorname_np(e)) return n;
  std::string out = "E";  // (not "E" + to_string(): g++ 12 -O3 reports a bogus -Wrestrict)
  out += std::to_string(e);
  return out;
}

std::string escape_bytes(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace hozen::platform
