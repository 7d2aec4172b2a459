// The CPU allocator: 64-byte-aligned blocks from aligned_alloc, with a per-thread cache of
// freed blocks (Note [CPU block cache]); blocks of 2 MiB and more on transparent huge pages
// (Note [Huge pages]).
#include "core/cpu_allocator.h"

#include <array>
#include <bit>
#include <cstdlib>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#if defined(__linux__)
#include <stdlib.h>  // posix_memalign
#include <sys/mman.h>
#endif

#include "minitorch/config.h"
#include "minitorch/error.h"

namespace minitorch {
namespace {

// Note [CPU block cache]
// A training step frees and reallocates the same sizes every time. Without a cache each
// allocation costs a trip through glibc: aligned_alloc bypasses malloc's per-thread tcache
// (it carves an aligned chunk out of a larger one and frees the rest, which later triggers
// malloc_consolidate), about 10% of a small-MLP training step; and blocks at or above the
// mmap threshold go back to the kernel, so the next step pays page faults for them.
// So freed blocks stay in a cache of the thread that frees them:
// - small blocks (< 64 KiB) in size classes of a quarter octave (64, 128, 192, 256, 320,
//   384, 448, 512, 640, 768, ...): a request is rounded up to its class (at most 25% more),
//   and each class keeps a singly linked list threaded through the free blocks themselves;
// - large blocks by their exact size (a map to vectors), since the sizes a program reuses
//   are few and rounding them up would waste megabytes.
// Each thread caches at most kMaxCachedSmallBytes of small blocks and kMaxCachedBytes of
// large ones. A large block that does not fit first evicts (frees) the cached blocks of the
// other large sizes, least recently freed size first: the size just freed is the one the
// program is using now. Without that, sizes cached early filled the budget for good, and a
// later working set a little over the rest went back to free() and came back page-faulted:
// four 64 MiB temporaries of `a * b.sigmoid() + b * 0.5` at 16M float32 took 240 ms a call
// after `minitorch bench ops`' other rows (31 ms run alone), nearly all of it zeroing fresh
// pages. Only if the block's own size fills the budget does it go back to free(). A block
// freed on another thread than the one that allocated it joins the freeing thread's cache.
// Under AddressSanitizer the cache is off, so use-after-free stays detectable.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCacheEnabled = false;
#else
constexpr bool kCacheEnabled = true;
#endif
constexpr std::int64_t kMinLargeBlock = std::int64_t{64} << 10;  // 64 KiB
constexpr std::int64_t kMaxCachedBytes = std::int64_t{256} << 20;  // 256 MiB per thread
constexpr std::int64_t kMaxCachedSmallBytes = std::int64_t{16} << 20;  // and 16 MiB of small

// Note [Huge pages]
// Linux backs memory with 4 KiB pages unless a region asks for transparent huge pages (THP
// "madvise" mode, the common default). A matmul that packs its operands from memory walks
// them with strides of hundreds of KiB, and on 4 KiB pages every row is a TLB miss: the
// notebook's highL product (20x10000 @ 10000x40, float64, 2 threads) took 453 us; with its
// operands on 2 MiB pages, 350 us. So blocks of at least kHugeBlock bytes start on a 2 MiB
// boundary (posix_memalign: the padding before them is address space, never touched), are
// rounded up to whole 2 MiB pages and marked MADV_HUGEPAGE, as PyTorch's CPU allocator
// does. The rounding matters: highL's 3.2 MB operand with its last 1.2 MB left on 4 KiB
// pages took 0.28-0.30 ms instead of 0.25-0.26; it costs memory only for blocks just above
// a multiple of 2 MiB (a 2.1 MiB block takes 4 MiB; from 20 MiB on, under 10% more).
// MINITORCH_HUGEPAGES=0 turns it off.
constexpr std::int64_t kHugeBlock = std::int64_t{2} << 20;

bool huge_pages_wanted() {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  static const bool wanted = config::huge_pages();
  return wanted;
#else
  return false;
#endif
}

std::int64_t rounded_size(std::int64_t nbytes) {
  // aligned_alloc needs a multiple of the alignment; 0 bytes still gets a real block so
  // that data() is never null.
  std::int64_t rounded =
      (nbytes + Storage::kAlignment - 1) / Storage::kAlignment * Storage::kAlignment;
  return rounded == 0 ? Storage::kAlignment : rounded;
}

// The class of a small block (size a multiple of 64, below kMinLargeBlock) and that class's
// block size: classes 0..7 are 64..512 in steps of 64; above 512 each octave [2^e, 2^(e+1))
// has four classes of step 2^(e-2).
constexpr int small_class(std::int64_t size) {
  if (size <= 512) {
    return static_cast<int>(size / 64) - 1;
  }
  const int octave = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(size - 1))) - 1;
  const std::int64_t step = std::int64_t{1} << (octave - 2);
  const int quarter = static_cast<int>((size - 1 - (std::int64_t{1} << octave)) / step);
  return 8 + (octave - 9) * 4 + quarter;
}

constexpr std::int64_t small_class_size(int cls) {
  if (cls < 8) {
    return (cls + 1) * std::int64_t{64};
  }
  const int octave = 9 + (cls - 8) / 4;
  const int quarter = (cls - 8) % 4;
  return (std::int64_t{1} << octave) + (quarter + 1) * (std::int64_t{1} << (octave - 2));
}

constexpr int kSmallClassCount = small_class(kMinLargeBlock - Storage::kAlignment) + 1;
static_assert(small_class_size(kSmallClassCount - 1) == kMinLargeBlock);

struct FreeBlock {
  FreeBlock* next;
};

// The cached blocks of one large size, and when a block of that size was last freed.
struct LargeBin {
  std::vector<void*> blocks;
  std::uint64_t last_freed = 0;
};

struct BlockCache {
  std::array<FreeBlock*, kSmallClassCount> small{};
  std::unordered_map<std::int64_t, LargeBin> large;
  std::int64_t small_bytes = 0;
  std::int64_t large_bytes = 0;
  std::uint64_t frees = 0;  // the clock of LargeBin::last_freed

  ~BlockCache();
  // Frees cached large blocks of sizes other than `size`, least recently freed size first,
  // until a block of `size` fits the budget or none are left.
  void make_room_for(std::int64_t size);
};

// Set when this thread's cache has been destroyed (thread exit): storages freed later
// (e.g. by static tensors) then go straight back to free(). A trivially destructible
// thread_local stays readable until the thread is gone.
thread_local bool t_cache_destroyed = false;

BlockCache::~BlockCache() {
  t_cache_destroyed = true;
  for (FreeBlock* head : small) {
    while (head != nullptr) {
      FreeBlock* next = head->next;
      std::free(head);
      head = next;
    }
  }
  for (auto& [size, bin] : large) {
    for (void* block : bin.blocks) {
      std::free(block);
    }
  }
}

void BlockCache::make_room_for(std::int64_t size) {
  while (large_bytes + size > kMaxCachedBytes) {
    auto oldest = large.end();
    for (auto it = large.begin(); it != large.end(); ++it) {
      if (it->first != size && !it->second.blocks.empty() &&
          (oldest == large.end() || it->second.last_freed < oldest->second.last_freed)) {
        oldest = it;
      }
    }
    if (oldest == large.end()) {
      return;
    }
    for (void* block : oldest->second.blocks) {
      std::free(block);
    }
    large_bytes -= oldest->first * static_cast<std::int64_t>(oldest->second.blocks.size());
    large.erase(oldest);
  }
}

BlockCache& block_cache() {
  thread_local BlockCache cache;
  return cache;
}

// The size actually allocated for a request of nbytes: small requests are rounded up to
// their class, so that any block of a class can serve any request of that class (the top
// class, 64 KiB itself, is not below kMinLargeBlock, so its blocks are cached with the
// large ones, keyed by that size); huge ones to whole huge pages.
std::int64_t block_size(std::int64_t nbytes) {
  const std::int64_t size = rounded_size(nbytes);
  if (size < kMinLargeBlock) {
    return small_class_size(small_class(size));
  }
  if (size >= kHugeBlock && huge_pages_wanted()) {
    return (size + kHugeBlock - 1) / kHugeBlock * kHugeBlock;
  }
  return size;
}

void* allocate_block(std::int64_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (size >= kHugeBlock && huge_pages_wanted()) {
    void* ptr = nullptr;
    if (posix_memalign(&ptr, static_cast<std::size_t>(kHugeBlock),
                       static_cast<std::size_t>(size)) != 0) {
      return nullptr;
    }
    madvise(ptr, static_cast<std::size_t>(size), MADV_HUGEPAGE);  // a hint: failure is fine
    return ptr;
  }
#endif
  return std::aligned_alloc(static_cast<std::size_t>(Storage::kAlignment),
                            static_cast<std::size_t>(size));
}

void* take_cached(std::int64_t size) {
  BlockCache& cache = block_cache();
  void* block = nullptr;
  if (size < kMinLargeBlock) {
    FreeBlock*& head = cache.small[static_cast<std::size_t>(small_class(size))];
    if (head != nullptr) {
      block = head;
      head = head->next;
      cache.small_bytes -= size;
    }
  } else {
    auto found = cache.large.find(size);
    if (found != cache.large.end() && !found->second.blocks.empty()) {
      block = found->second.blocks.back();
      found->second.blocks.pop_back();
      cache.large_bytes -= size;
    }
  }
  return block;
}

bool give_to_cache(void* ptr, std::int64_t size) {
  BlockCache& cache = block_cache();
  if (size < kMinLargeBlock) {
    if (cache.small_bytes + size > kMaxCachedSmallBytes) {
      return false;
    }
    FreeBlock*& head = cache.small[static_cast<std::size_t>(small_class(size))];
    head = new (ptr) FreeBlock{head};
    cache.small_bytes += size;
    return true;
  }
  if (size > kMaxCachedBytes) {
    return false;  // never fits: keep the cache as it is
  }
  cache.make_room_for(size);
  if (cache.large_bytes + size > kMaxCachedBytes) {
    return false;
  }
  LargeBin& bin = cache.large[size];
  bin.blocks.push_back(ptr);
  bin.last_freed = ++cache.frees;
  cache.large_bytes += size;
  return true;
}

class CpuAllocator final : public Allocator {
 public:
  void* allocate(std::int64_t nbytes, Device /*device*/) override {
    const std::int64_t size = block_size(nbytes);
    if (kCacheEnabled && !t_cache_destroyed) {
      if (void* block = take_cached(size)) {
        return block;
      }
    }
    void* ptr = allocate_block(size);
    if (ptr == nullptr) {
      throw OutOfMemoryError("allocate: out of memory on cpu (requested " + std::to_string(nbytes) +
                             " bytes)");
    }
    return ptr;
  }

  void deallocate(void* ptr, std::int64_t nbytes, Device /*device*/) override {
    if (kCacheEnabled && !t_cache_destroyed && give_to_cache(ptr, block_size(nbytes))) {
      return;
    }
    std::free(ptr);
  }
};

}  // namespace

std::int64_t cpu_cached_large_bytes() {
  return kCacheEnabled && !t_cache_destroyed ? block_cache().large_bytes : 0;
}

Allocator& cpu_allocator() {
  // Never destroyed: storages owned by static objects may be freed after main returns.
  static CpuAllocator* instance = new CpuAllocator();
  return *instance;
}

}  // namespace minitorch
