// The copy of a transposed layout in blocks transposed in registers (copy_transpose_avx2.cpp):
// the loop engine's TransposeBlocked tiles, for 4- and 8-byte elements copied unchanged.
#pragma once

#include <cstdint>

namespace minitorch::cpu {

/// dst[t * dst_t + i] = src[t + i * src_i] for t < rows, i < cols, elements of elem_size 4 or
/// 8 bytes moved bit for bit: 8 x 8 (4-byte) or 4 x 4 (8-byte) blocks transposed in AVX2
/// registers, the edges one element at a time. Needs AVX2 (the caller checks simd_level()).
void copy_transpose_avx2(const void* src, std::int64_t src_i, void* dst, std::int64_t dst_t,
                         std::int64_t rows, std::int64_t cols, int elem_size);

}  // namespace minitorch::cpu
