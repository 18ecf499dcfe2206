// Sleuth Kit bodyfile export (TSK 3.x format, read by `mactime -b`), from file_entry records
// (docs/FORMAT.md §Export, "bodyfile"). One line per entry:
//   MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime
// - MD5: the entry's MD5 (lowercase hex) when the record has one (dpkg-listed files), else its
//   SHA-256 (64 hex digits: mactime passes the field through unchanged), else "0".
// - name: the host path; a symlink as "path -> target". Escaped with escape_text(name, "|"):
//   valid UTF-8 stays, while '|', '\', control characters (newline, CR, ...) and bytes that are
//   not UTF-8 become "\xNN" (lowercase hex), so one entry is always one line of 11 fields.
// - mode_as_string: type character (- d l p s c b, "?" unknown) and rwx bits with setuid/setgid
//   s/S and sticky t/T, as ls -l writes them.
// - times: integer seconds since the epoch (floored); 0 when the record has none (btime on most
//   filesystems).
#pragma once

#include <cstdint>
#include <string>

#include "hozen/v1/files.pb.h"

namespace hozen::exporter {

// "-rwsr-xr-x"; the type comes from the S_IFMT bits of `mode`, or from `kind` when they are 0.
std::string mode_string(std::uint32_t mode, v1::FileKind kind);

// Appends one bodyfile line (with "\n").
void append_bodyfile_line(std::string& out, const v1::FileEntry& e);

}  // namespace hozen::exporter
