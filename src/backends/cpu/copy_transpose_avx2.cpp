// copy_transpose.h with AVX2 (Note [SIMD files]): the TransposeBlocked copy's tiles move as
// 8 x 8 float or 4 x 4 double blocks through the registers (transpose_avx2.h) instead of one
// element at a time: a transposed source row is read as a vector along the tile dim and
// written as a vector along the output's inner dim.
#include <cstring>

#include "backends/cpu/copy_transpose.h"
#include "backends/cpu/transpose_avx2.h"

namespace minitorch::cpu {
namespace {

template <class T>
void copy_rest(const T* src, std::int64_t src_i, T* dst, std::int64_t dst_t, std::int64_t t0,
               std::int64_t t1, std::int64_t i0, std::int64_t i1) {
  for (std::int64_t t = t0; t < t1; ++t) {
    for (std::int64_t i = i0; i < i1; ++i) {
      // memcpy, not an assignment: T is the element's size class, not necessarily its type.
      std::memcpy(dst + t * dst_t + i, src + t + i * src_i, sizeof(T));
    }
  }
}

void copy_blocks(const float* src, std::int64_t src_i, float* dst, std::int64_t dst_t,
                 std::int64_t rows, std::int64_t cols) {
  const std::int64_t rows8 = rows - rows % 8;
  const std::int64_t cols8 = cols - cols % 8;
  for (std::int64_t i = 0; i < cols8; i += 8) {
    for (std::int64_t t = 0; t < rows8; t += 8) {
      __m256 r[8];
      for (int q = 0; q < 8; ++q) {
        r[q] = _mm256_loadu_ps(src + t + (i + q) * src_i);
      }
      transpose8x8(r, dst + t * dst_t + i, dst_t);
    }
  }
  copy_rest(src, src_i, dst, dst_t, rows8, rows, 0, cols8);
  copy_rest(src, src_i, dst, dst_t, 0, rows, cols8, cols);
}

void copy_blocks(const double* src, std::int64_t src_i, double* dst, std::int64_t dst_t,
                 std::int64_t rows, std::int64_t cols) {
  const std::int64_t rows4 = rows - rows % 4;
  const std::int64_t cols4 = cols - cols % 4;
  for (std::int64_t i = 0; i < cols4; i += 4) {
    for (std::int64_t t = 0; t < rows4; t += 4) {
      __m256d r[4];
      for (int q = 0; q < 4; ++q) {
        r[q] = _mm256_loadu_pd(src + t + (i + q) * src_i);
      }
      transpose4x4(r, dst + t * dst_t + i, dst_t);
    }
  }
  copy_rest(src, src_i, dst, dst_t, rows4, rows, 0, cols4);
  copy_rest(src, src_i, dst, dst_t, 0, rows, cols4, cols);
}

}  // namespace

void copy_transpose_avx2(const void* src, std::int64_t src_i, void* dst, std::int64_t dst_t,
                         std::int64_t rows, std::int64_t cols, int elem_size) {
  if (elem_size == 4) {
    copy_blocks(static_cast<const float*>(src), src_i, static_cast<float*>(dst), dst_t, rows, cols);
  } else {
    copy_blocks(static_cast<const double*>(src), src_i, static_cast<double*>(dst), dst_t, rows,
                cols);
  }
}

}  // namespace minitorch::cpu
