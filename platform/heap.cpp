#include "platform/heap.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "platform/fs.h"
#include "platform/parse_util.h"
#include "platform/paths.h"
#include "platform/unique_fd.h"

// The end of the program's data: the main heap (brk) starts above it.
extern "C" char end;

namespace hozen::platform {
namespace {

std::atomic<bool> g_huge_pages{false};

std::string read_small(std::string_view path) {
  UniqueFd fd(::open(std::string(path).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) return {};
  bool truncated = false;
  auto text = read_capped(fd.get(), 64 * 1024, &truncated);
  return text ? std::move(*text) : std::string();
}

}  // namespace

std::uint64_t free_blocks_of_order(std::string_view text, unsigned order) {
  std::uint64_t total = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    // "Node 0, zone   Normal   7477  11112 ..." : counts of free blocks of order 0, 1, 2...
    const auto zone = line.find("zone");
    if (!line.starts_with("Node ") || zone == std::string_view::npos) continue;
    auto fields = split_ws(line.substr(zone + 4));
    if (fields.size() < 2) continue;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      auto n = parse_uint<std::uint64_t>(fields[i]);
      if (!n) break;  // a malformed count ends the line (for every order alike)
      const std::size_t o = i - 1;
      if (o >= 64) break;  // no kernel has orders this high: the rest of the line is ignored
      if (o < order) continue;
      std::uint64_t blocks = 0;
      if (__builtin_mul_overflow(*n, std::uint64_t{1} << (o - order), &blocks) ||
          __builtin_add_overflow(total, blocks, &total)) {
        return UINT64_MAX;
      }
    }
  }
  return total;
}

bool thp_allows_advised(std::string_view enabled) {
  // "always [madvise] never": the selected mode is in brackets.
  return enabled.find("[always]") != std::string_view::npos || enabled.find("[madvise]") != std::string_view::npos;
}

namespace {

// glibc's chunk header (malloc.c): the size word before the user pointer carries IS_MMAPPED (0x2)
// and NON_MAIN_ARENA (0x4). hozen is statically linked: this is the malloc of the glibc it was
// built with, not the host's.
static_assert(__GLIBC__ == 2 && sizeof(void*) == 8, "glibc malloc on a 64-bit target");
constexpr std::size_t kIsMmapped = 0x2;
constexpr std::size_t kNonMainArena = 0x4;
std::size_t chunk_flags(const void* p) {
  std::size_t size_word = 0;
  std::memcpy(&size_word, static_cast<const char*>(p) - sizeof(std::size_t), sizeof size_word);
  return size_word;
}

// Enough free 2 MiB blocks that no huge-page fault has to compact or reclaim (re-read for every
// new arena: memory may have been taken since).
bool huge_blocks_free(std::uint64_t* count) {
  *count = free_blocks_of_order(read_small(paths::kBuddyInfo), 9);
  return *count >= kMinFreeHugeBlocks;
}

std::mutex g_advised_mu;
std::vector<std::uintptr_t> g_advised_heaps;  // arena heaps advised already (a few)

}  // namespace

HeapSetup prepare_heap() {
  HeapSetup out;
  // Freed memory stays in the heap; buffers up to 32 MiB come from it (not from mmap, which
  // gives fresh pages every time); the heap grows 32 MiB at a time (address space only).
  (void)::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  (void)::mallopt(M_TRIM_THRESHOLD, 512 << 20);
  (void)::mallopt(M_TOP_PAD, 32 << 20);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (page != 4096) return out;  // the orders below assume 4 KiB pages (2 MiB = order 9)
  if (!thp_allows_advised(read_small(paths::kThpEnabled))) return out;
  if (!huge_blocks_free(&out.free_huge_blocks)) return out;
  // The heap's free top, from where a 16 MiB block lands to the break (at least the 32 MiB pad
  // past the last growth): the next allocations come from there. Only a block of the main heap
  // (not mmap'd, main arena, between the program's data and the break) delimits it.
  void* probe = ::malloc(16 << 20);
  if (probe == nullptr) return out;
  const auto at = reinterpret_cast<std::uintptr_t>(probe);
  const std::size_t flags = chunk_flags(probe);
  ::free(probe);
  const auto brk = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  constexpr std::uintptr_t kHuge = 2u << 20;
  const std::uintptr_t first = (at + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t last = brk & ~(kHuge - 1);
  if ((flags & (kIsMmapped | kNonMainArena)) != 0 || brk == static_cast<std::uintptr_t>(-1) ||
      at < reinterpret_cast<std::uintptr_t>(&end) || at > brk || last <= first) {
    return out;  // served by mmap after all, or no room: nothing to advise
  }
  if (::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE) == 0) {
    out.huge_pages = true;
    out.advised_bytes = last - first;
    g_huge_pages = true;
  }
  return out;
}

void advise_thread_heap() {
  if (!g_huge_pages.load(std::memory_order_relaxed)) return;
  void* p = ::malloc(64);  // from this thread's arena (its first allocation picks it)
  if (p == nullptr) return;
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  const std::size_t flags = chunk_flags(p);
  ::free(p);
  // Only a chunk of another arena's heap (glibc's heap_for_ptr condition): such heaps are
  // HEAP_MAX_SIZE (64 MiB) reservations aligned to that size, made usable as they grow, and the
  // advice covers the reservation. The main heap was advised by prepare_heap().
  if ((flags & kNonMainArena) == 0 || (flags & kIsMmapped) != 0) return;
  constexpr std::uintptr_t kHeapMax = 64u << 20;
  const std::uintptr_t heap = at & ~(kHeapMax - 1);
  std::lock_guard lock(g_advised_mu);
  if (std::find(g_advised_heaps.begin(), g_advised_heaps.end(), heap) != g_advised_heaps.end()) return;
  std::uint64_t free_blocks = 0;
  if (!huge_blocks_free(&free_blocks)) return;
  if (::madvise(reinterpret_cast<void*>(heap), kHeapMax, MADV_HUGEPAGE) == 0) g_advised_heaps.push_back(heap);
}

}  // namespace hozen::platform
