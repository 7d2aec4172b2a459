// The CPU allocator every CPU Storage uses. See cpu_allocator.cpp.
#pragma once

#include <cstdint>

#include "minitorch/storage.h"

namespace minitorch {

/// The process-wide CPU allocator (64-byte aligned, caches freed blocks per thread).
Allocator& cpu_allocator();

/// Bytes of large blocks (64 KiB and more) in the calling thread's cache (Note [CPU block
/// cache]); 0 where the cache is off (AddressSanitizer).
std::int64_t cpu_cached_large_bytes();

}  // namespace minitorch
