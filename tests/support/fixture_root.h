// Fixture roots (tests/fixtures/<scenario>/) and their manifests (tests/fixtures/<scenario>.manifest)
// for what git cannot store: modes, times, FIFOs, sparse files, names with newlines or invalid
// UTF-8, binary content. materialize() copies a scenario into a temp dir and applies the manifest;
// run_on_fixture() runs a file-based collector over it as with `hozen collect --root`.
// The manifest format is described in tests/fixtures/README.md.
#pragma once

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "collectors/framework/collector.h"
#include "platform/fs.h"
#include "platform/parse_util.h"
#include "platform/parsers/passwd.h"
#include "tests/support/capture_sink.h"
#include "tests/support/temp_dir.h"

namespace hozen::testing {

// 2026-01-01T00:00:00Z: the mtime every fixture file gets unless its manifest says otherwise.
inline constexpr std::int64_t kFixtureMtime = 1767225600;

// Decodes manifest escapes: \n \t \r \0 \\ \s (space) \xNN.
inline std::string manifest_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      case 's': out += ' '; break;
      case 'x': {
        if (i + 2 >= s.size()) throw std::runtime_error("manifest: short \\x escape");
        auto v = platform::parse_uint<unsigned>(s.substr(i + 1, 2), 16);
        if (!v) throw std::runtime_error("manifest: bad \\x escape");
        out += static_cast<char>(*v);
        i += 2;
        break;
      }
      default: out += c;
    }
  }
  return out;
}

inline void set_mtime(const std::string& path, std::int64_t secs) {
  struct timespec ts[2] = {{secs, 0}, {secs, 0}};
  if (::utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) {
    throw std::runtime_error("manifest: utimensat " + path);
  }
}

// Applies `manifest` (text) to the tree at `root`.
inline void apply_manifest(const std::string& root, std::string_view manifest) {
  struct Mtime {
    std::string path;
    std::int64_t secs;
  };
  std::vector<Mtime> mtimes;
  platform::for_each_line(manifest, [&](std::uint64_t n, std::string_view line) {
    if (line.empty() || line.front() == '#') return;
    auto f = platform::split(line, ' ');
    auto need = [&](std::size_t k) {
      if (f.size() != k) throw std::runtime_error("manifest line " + std::to_string(n) + ": wrong field count");
    };
    std::string verb(f[0]);
    std::string path = f.size() > 1 ? root + "/" + manifest_unescape(f[1]) : root;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    if (verb == "symlink") {
      need(3);
      std::filesystem::remove(path);
      if (::symlink(manifest_unescape(f[2]).c_str(), path.c_str()) != 0) throw std::runtime_error("symlink " + path);
    } else if (verb == "mode") {
      need(3);
      auto m = platform::parse_uint<unsigned>(f[2], 8);
      if (!m || ::chmod(path.c_str(), *m) != 0) throw std::runtime_error("chmod " + path);
    } else if (verb == "mtime") {
      need(3);
      auto s = platform::parse_uint<std::int64_t>(f[2]);
      if (!s) throw std::runtime_error("manifest: bad mtime");
      mtimes.push_back({path, *s});
    } else if (verb == "sparse") {
      need(3);
      auto size = platform::parse_uint<std::uint64_t>(f[2]);
      if (!size || ::truncate(path.c_str(), static_cast<off_t>(*size)) != 0) {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 || !size || ::ftruncate(fd, static_cast<off_t>(*size)) != 0) throw std::runtime_error("sparse " + path);
        ::close(fd);
      }
    } else if (verb == "fifo") {
      need(2);
      if (::mkfifo(path.c_str(), 0644) != 0) throw std::runtime_error("mkfifo " + path);
    } else if (verb == "write") {
      need(3);
      write_all(path, manifest_unescape(f[2]));
    } else if (verb == "pwrite") {
      // pwrite <path> <offset> <content>: writes content at offset, the rest of the file kept
      // (records inside a sparse file).
      need(4);
      auto off = platform::parse_uint<std::uint64_t>(f[2]);
      if (!off) throw std::runtime_error("manifest: bad pwrite offset");
      std::string bytes = manifest_unescape(f[3]);
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      bool ok = fd >= 0 && ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(*off)) ==
                               static_cast<ssize_t>(bytes.size());
      if (fd >= 0) ::close(fd);
      if (!ok) throw std::runtime_error("pwrite " + path);
    } else if (verb == "mkdir") {
      need(2);
      std::filesystem::create_directories(path);
    } else {
      throw std::runtime_error("manifest line " + std::to_string(n) + ": unknown verb " + verb);
    }
  });
  // Deterministic metadata: every file 0644 (0755 if executable in git), directories 0755, all
  // times kFixtureMtime; then the manifest's own modes (re-applied) and times.
  static std::int64_t default_secs;
  default_secs = kFixtureMtime;
  ::nftw(root.c_str(), [](const char* p, const struct stat* st, int, struct FTW*) {
    if (S_ISREG(st->st_mode)) ::chmod(p, (st->st_mode & 0100) ? 0755 : 0644);
    if (S_ISDIR(st->st_mode)) ::chmod(p, 0755);
    return 0;
  }, 64, FTW_PHYS);
  platform::for_each_line(manifest, [&](std::uint64_t, std::string_view line) {
    auto f = platform::split(line, ' ');
    if (f.size() == 3 && f[0] == "mode") {
      ::chmod((root + "/" + manifest_unescape(f[1])).c_str(), *platform::parse_uint<unsigned>(f[2], 8));
    }
  });
  ::nftw(root.c_str(), [](const char* p, const struct stat*, int, struct FTW*) {
    set_mtime(p, default_secs);
    return 0;
  }, 64, FTW_PHYS | FTW_DEPTH);
  for (const auto& m : mtimes) set_mtime(m.path, m.secs);
}

// A scenario copied into a temp dir with its manifest applied.
class FixtureRoot {
 public:
  explicit FixtureRoot(const std::string& scenario) {
    const std::string base = std::string(HOZEN_SOURCE_DIR) + "/tests/fixtures/";
    root_ = dir_.path() + "/root";
    std::filesystem::create_directories(root_);
    if (std::filesystem::exists(base + scenario)) {
      std::filesystem::copy(base + scenario, root_,
                            std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
    }
    std::string manifest;
    if (std::filesystem::exists(base + scenario + ".manifest")) manifest = read_all(base + scenario + ".manifest");
    apply_manifest(root_, manifest);
  }
  const std::string& root() const { return root_; }

 private:
  TempDir dir_;
  std::string root_;
};

// Runs one file-based collector over `fs` as `hozen collect --root` would (no live kernel).
// Wrap the fs in a platform::FaultFileSystem to inject errors or to check declared inputs.
inline CaptureSink run_on_fs(collectors::Collector& c, const platform::FileSystem& fs,
                             collectors::Limits limits = {}, collectors::Config config = {}) {
  std::atomic<bool> stop{false};
  collectors::PlatformFacts facts;
  collectors::Context ctx(fs, nullptr, facts, limits, config, stop, 0);
  CaptureSink sink;
  sink.outcome = c.collect(ctx, sink);
  return sink;
}

inline CaptureSink run_on_root(collectors::Collector& c, const std::string& root,
                               collectors::Limits limits = {}, collectors::Config config = {}) {
  auto fs = platform::RootedFileSystem::open(root);
  if (!fs) throw std::runtime_error("cannot open fixture root " + root);
  return run_on_fs(c, **fs, limits, config);
}

// Home directories of the accounts in `root`/etc/passwd, for input_allowed's "~/" inputs.
inline std::vector<std::string> fixture_homes(const std::string& root) {
  std::vector<std::string> homes;
  for (const auto& e : platform::parsers::parse_passwd(read_all(root + "/etc/passwd")).entries) {
    if (!e.home.empty()) homes.push_back(e.home);
  }
  return homes;
}

}  // namespace hozen::testing
