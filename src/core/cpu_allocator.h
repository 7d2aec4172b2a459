// The CPU allocator every CPU Storage uses. See cpu_allocator.cpp.
#pragma once

#include "minitorch/storage.h"

namespace minitorch {

/// The process-wide CPU allocator (64-byte aligned, caches large blocks per thread).
Allocator& cpu_allocator();

}  // namespace minitorch
