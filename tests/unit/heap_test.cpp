#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "platform/heap.h"

using namespace hozen;

TEST_CASE("heap: free huge-page blocks counted from buddyinfo", "[heap]") {
  const std::string text =
      "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
      "Node 0, zone    DMA32      2      3      0      2      3      2      1      4      4      2    752 \n"
      "Node 0, zone   Normal   7477  11112  18430  14764  10349   7199   4764   3125   1765    865   1250 \n";
  // order 9 blocks, and each order-10 block is two of them
  CHECK(platform::free_blocks_of_order(text, 9) == (1 + 2 * 3) + (2 + 2 * 752) + (865 + 2 * 1250));
  CHECK(platform::free_blocks_of_order(text, 10) == 3 + 752 + 1250);
  CHECK(platform::free_blocks_of_order("", 9) == 0);
  // Malformed: no "Node", no zone, a bad count (ends that line), more orders than 63.
  CHECK(platform::free_blocks_of_order("zone Normal 1 2 3 4 5 6 7 8 9 10\n", 9) == 0);
  CHECK(platform::free_blocks_of_order("Node 0, Normal 1 2 3 4 5 6 7 8 9 10\n", 9) == 0);
  CHECK(platform::free_blocks_of_order("Node 0, zone N 0 0 0 0 0 0 0 0 0 5 x 7\n", 9) == 5);
  CHECK(platform::free_blocks_of_order("Node 0, zone N 0 0 0 0 0 0 0 0 0 -5 7\n", 9) == 0);
  std::string many = "Node 0, zone N";
  for (int i = 0; i < 80; ++i) many += " 18446744073709551615";
  CHECK(platform::free_blocks_of_order(many, 9) == UINT64_MAX);  // saturates, no overflow
  // Columns past order 63 are no order a kernel has: ignored, for every order alike.
  std::string wide = "Node 0, zone N";
  for (int i = 0; i < 64; ++i) wide += " 0";
  wide += " 7";
  CHECK(platform::free_blocks_of_order(wide, 9) == 0);
  CHECK(platform::free_blocks_of_order(wide, 10) == 0);
}

TEST_CASE("heap: huge pages only in a mode that allows advised memory", "[heap]") {
  CHECK(platform::thp_allows_advised("always [madvise] never\n"));
  CHECK(platform::thp_allows_advised("[always] madvise never\n"));
  CHECK_FALSE(platform::thp_allows_advised("always madvise [never]\n"));
  CHECK_FALSE(platform::thp_allows_advised(""));
}

TEST_CASE("heap: prepare_heap leaves a working heap", "[heap]") {
  auto setup = platform::prepare_heap();
  if (setup.huge_pages) {
    CHECK(setup.free_huge_blocks >= platform::kMinFreeHugeBlocks);
    CHECK(setup.advised_bytes >= (2u << 20));
  }
  // Allocations of every size still work (big ones now come from the heap, not mmap).
  for (std::size_t n : {16u, 4096u, 1u << 20, 20u << 20}) {
    auto* p = static_cast<char*>(std::malloc(n));
    REQUIRE(p != nullptr);
    p[0] = 1;
    p[n - 1] = 2;
    std::free(p);
  }
}
