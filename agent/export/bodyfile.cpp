#include "agent/export/bodyfile.h"

#include "agent/export/text.h"
#include "platform/sha256.h"

namespace hozen::exporter {

std::string mode_string(std::uint32_t mode, v1::FileKind kind) {
  // Type bits as in inode(7): the values are the same on every Linux architecture.
  char type = '?';
  switch (mode & 0170000) {
    case 0100000:
      type = '-';
      break;
    case 0040000:
      type = 'd';
      break;
    case 0120000:
      type = 'l';
      break;
    case 0010000:
      type = 'p';
      break;
    case 0140000:
      type = 's';
      break;
    case 0020000:
      type = 'c';
      break;
    case 0060000:
      type = 'b';
      break;
    case 0:
      switch (kind) {
        case v1::FILE_REGULAR:
          type = '-';
          break;
        case v1::FILE_DIRECTORY:
          type = 'd';
          break;
        case v1::FILE_SYMLINK:
          type = 'l';
          break;
        case v1::FILE_FIFO:
          type = 'p';
          break;
        case v1::FILE_SOCKET:
          type = 's';
          break;
        case v1::FILE_CHAR_DEVICE:
          type = 'c';
          break;
        case v1::FILE_BLOCK_DEVICE:
          type = 'b';
          break;
        default:
          break;
      }
      break;
    default:
      break;
  }
  std::string s(10, '-');
  s[0] = type;
  static constexpr char kRwx[] = "rwx";
  for (int i = 0; i < 9; ++i) {
    if (mode & (0400u >> i)) s[1 + i] = kRwx[i % 3];
  }
  auto special = [&](std::size_t pos, std::uint32_t bit, char lower, char upper) {
    if (mode & bit) s[pos] = s[pos] == 'x' ? lower : upper;
  };
  special(3, 04000, 's', 'S');
  special(6, 02000, 's', 'S');
  special(9, 01000, 't', 'T');
  return s;
}

void append_bodyfile_line(std::string& out, const v1::FileEntry& e) {
  if (!e.md5().empty()) {
    out += platform::to_hex(e.md5());
  } else if (!e.sha256().empty()) {
    out += platform::to_hex(e.sha256());
  } else {
    out += '0';
  }
  out += '|';
  out += escape_text(e.path(), "|");
  if (e.file_kind() == v1::FILE_SYMLINK || !e.link_target().empty()) {
    out += " -> ";
    out += escape_text(e.link_target(), "|");
  }
  auto field = [&](std::uint64_t v) {
    out += '|';
    out += std::to_string(v);
  };
  field(e.inode());
  out += '|';
  out += mode_string(e.mode(), e.file_kind());
  field(e.uid());
  field(e.gid());
  field(e.size());
  for (std::int64_t ns : {e.atime_utc_ns(), e.mtime_utc_ns(), e.ctime_utc_ns(), e.btime_utc_ns()}) {
    out += '|';
    out += std::to_string(floor_seconds(ns));
  }
  out += '\n';
}

}  // namespace hozen::exporter
