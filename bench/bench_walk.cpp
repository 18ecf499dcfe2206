// Tree walk cost: platform::walk_tree (getdents64 + statx + readlinkat + security.capability per
// entry) over one filesystem, for bench/walk.sh to compare with
// `find PATH -xdev -printf '%p %s %T@\n'` in the same run.
//
// usage: hozen_bench_walk [PATH] [--quiet] [--view]   (default "/"; one_filesystem on)
//   --view: walk through platform::open_noatime_view(PATH), as the sweep does to keep symlink
//           atimes (a detached read-only noatime copy of the mount tree)
// Prints: entries=N directories=N problems=N seconds=S max_rss_kib=K
#include <fcntl.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "platform/walk.h"

using namespace hozen;

int main(int argc, char** argv) {
  std::string root = "/";
  bool quiet = false, view = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quiet")) quiet = true;
    else if (!std::strcmp(argv[i], "--view")) view = true;
    else root = argv[i];
  }
  auto t0 = std::chrono::steady_clock::now();
  platform::UniqueFd fd;
  if (view) {
    auto v = platform::open_noatime_view(root);
    if (!v) {
      std::fprintf(stderr, "%s\n", v.error().message().c_str());
      return 1;
    }
    fd = std::move(*v);
  } else {
    fd.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME));
  }
  if (!fd.valid()) {
    std::perror("open");
    return 1;
  }
  platform::WalkOptions options;
  options.one_filesystem = true;
  std::uint64_t bytes = 0;  // consume what find prints (%s, %T@) so nothing is optimised away
  platform::WalkCallbacks cb;
  cb.on_entry = [&](const platform::WalkEntry& e) {
    bytes += e.meta.size + static_cast<std::uint64_t>(e.meta.mtime_ns) + e.path.size();
    return true;
  };
  auto r = platform::walk_tree(std::move(fd), root, options, cb);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r) {
    std::fprintf(stderr, "%s\n", r.error().message().c_str());
    return 1;
  }
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  if (!quiet) {
    std::printf("entries=%llu directories=%llu problems=%llu seconds=%.3f max_rss_kib=%ld%s\n",
                static_cast<unsigned long long>(r->entries),
                static_cast<unsigned long long>(r->directories),
                static_cast<unsigned long long>(r->problems), secs, ru.ru_maxrss,
                bytes == 1 ? " " : "");
  }
  return 0;
}
