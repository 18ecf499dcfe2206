// Parse-and-preserve: every host file a collector parses is also kept in the bundle as a
// PreservedFile (exact bytes + SHA-256, capped), and every parsed entry points back to it with a
// SourceRef (path, line or offset, digest). See docs/DECISIONS.md "Preserved files".
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/framework/collector.h"
#include "hozen/v1/evidence.pb.h"

namespace hozen::collectors {

// What preserve_file does with a path whose last component is a symlink (inside the root it
// always resolves inside the root; RootedFileSystem guarantees that).
enum class LinkPolicy {
  kFollow,      // record the link target, then read what it points to (fixed config paths)
  kRecordOnly,  // record the link and its target, never read through it (entries of spool dirs)
};

struct PreserveOptions {
  LinkPolicy links = LinkPolicy::kFollow;
  bool report_missing = false;  // a missing file is an item error (default: silently absent)
  std::size_t cap = 0;          // 0: ctx.limits().max_file_bytes
  // Decompress .gz content for the parser (bounded by `cap` of output); the blob keeps the
  // compressed bytes as found.
  bool gunzip = false;
  // The file may be one of paths::kSecretFiles (the users collector, which redacts hashes).
  // Otherwise a path that leads to one of them (symlink, hard link) is refused, unread.
  bool allow_secret = false;
};

// A preserved file as the parser sees it.
struct Preserved {
  std::string path;          // host path
  std::string bytes;         // content to parse: the file's bytes, or the inflated text for gzip
  bool truncated = false;    // the file (or its inflated text) was capped: content is partial
  std::string sha256;        // raw digest of the preserved bytes; empty when truncated
  struct stat st {};
  bool is_link = false;      // the path is a symlink (target in link_target)
  std::string link_target;
  bool read = false;         // content was read (false for a link recorded but not followed)
};

// Reads `path`, emits its PreservedFile record, counts the item and returns the content.
// Returns nullopt when there is nothing to parse: missing (item error only with report_missing),
// unreadable (item error emitted), not a regular file (item error), a link not followed (the
// link itself is preserved and counted ITEM_NOT_ATTEMPTED), or the sink refused the record.
std::optional<Preserved> preserve_file(const Context& ctx, Sink& sink, std::string_view path,
                                       const PreserveOptions& options = {});

// True if `st` (of an opened file) is one of the host's password-hash files (paths::kSecretFiles).
bool is_secret_file(const Context& ctx, const struct stat& st);

// Fills `ref` so it points at line `line` (1-based) or byte `offset` of the preserved file.
void set_source(v1::SourceRef* ref, const Preserved& file, std::uint64_t line, std::uint64_t offset = 0);

// Entries of a host directory sorted by name (deterministic output), as host paths. A missing
// directory is empty; other errors are item errors. Entries whose names start with '.' are kept.
std::vector<std::string> list_dir_paths(const Context& ctx, Sink& sink, std::string_view dir);

// Reports each malformed line of a parse as an anomaly of `kind` pointing into `file`.
template <class Parsed>
bool report_malformed(Sink& sink, std::string_view kind, const Preserved& file, const Parsed& parsed) {
  for (const auto& m : parsed.malformed) {
    if (!sink.anomaly(kind, file.path, m.line, m.reason, m.raw)) return false;
  }
  return true;
}

}  // namespace hozen::collectors
