// Copy and fill with non-temporal stores (stream_store_avx2.cpp), for outputs that pass
// stream_store_bytes() (Note [Streaming stores] in simd_kernels.h): a contiguous copy or
// fill then moves 2n or n bytes instead of 3n or 2n, as no output line is read first.
#pragma once

#include <cstddef>

namespace minitorch::cpu {

/// memcpy(dst, src, bytes) with the 32-byte-aligned part of dst written by streaming stores.
/// Needs AVX2 (the caller checks simd_level()); the ranges do not overlap.
void copy_streaming(void* dst, const void* src, std::size_t bytes);

/// Writes count copies of the elem_size-byte value at value (elem_size 1, 2, 4 or 8) to dst,
/// the 32-byte-aligned part by streaming stores. Needs AVX2.
void fill_streaming(void* dst, const void* value, std::size_t elem_size, std::size_t count);

}  // namespace minitorch::cpu
