// hozen's own heap, set up once at the start of a collection (docs/DECISIONS.md, "hozen's heap:
// no trimming, huge pages when the kernel has them free").
//
// On a VM a page fault costs about 17 us (a trap to the hypervisor): the volatile collectors
// touched ~4,400 fresh pages, ~75 ms of CPU, most of it on the thread that emits the sockets.
// glibc's defaults make it worse: big buffers are mmap'd and unmapped (new faults each time),
// and the heap's top is given back and faulted in again.
#pragma once

#include <cstdint>
#include <string_view>

namespace hozen::platform {

struct HeapSetup {
  bool huge_pages = false;            // MADV_HUGEPAGE advised on the main heap
  std::uint64_t free_huge_blocks = 0;  // free blocks of huge-page size or larger (buddyinfo)
  std::uint64_t advised_bytes = 0;
};

// Free blocks of at least 2^order pages in /proc/buddyinfo text, summed over every zone and
// node (a block of order o counts 2^(o - order) times). Malformed lines are skipped, a bad count
// ends its line, columns past order 63 are ignored; the sum saturates. Pure: host data.
std::uint64_t free_blocks_of_order(std::string_view buddyinfo, unsigned order);

// The huge-page mode the kernel allows for advised memory: false for "[never]" or unreadable.
bool thp_allows_advised(std::string_view enabled_text);

// Keeps freed memory in the heap (no trimming, big buffers from the heap, which grows 32 MiB at
// a time) and, only when transparent huge pages are enabled and at least kMinFreeHugeBlocks
// blocks of 2 MiB are free (so that no fault has to compact or reclaim the host's memory for
// us), advises huge pages on the heap's free top (the 32 MiB or more the next allocations
// come from). Changes nothing but hozen's own memory.
HeapSetup prepare_heap();

// In a thread other than main, once prepare_heap() chose huge pages: the same advice on the heap
// of this thread's malloc arena (glibc gives threads their own). A no-op otherwise.
void advise_thread_heap();

inline constexpr std::uint64_t kMinFreeHugeBlocks = 256;  // 512 MiB free in 2 MiB blocks

}  // namespace hozen::platform
