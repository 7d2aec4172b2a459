// The transposing case of matmul_pack_panel with AVX2 (Note [SIMD files]): a panel whose
// source is unit stride along k (rows of a C-ordered A, columns of an F-ordered B) is
// transposed in registers, 8 x 8 (float) or 4 x 4 (double) at a time, instead of one
// element at a time. The values written are exactly those of matmul_pack_panel; other
// layouts go to it unchanged. Used by both the AVX2 and the AVX-512 kernels.
#include <immintrin.h>

#include <cstdint>

#include "backends/cpu/matmul_kernel.h"
#include "backends/cpu/transpose_avx2.h"

namespace minitorch::cpu {
namespace {

// The rows and k steps the vector loops did not cover: dst[p * w + i] for p >= start(i).
template <class T, class Start>
void pack_rest(T* dst, const T* src, std::int64_t s_w, std::int64_t width, std::int64_t kc,
               std::int64_t w, Start start) {
  for (std::int64_t i = 0; i < w; ++i) {
    for (std::int64_t p = start(i); p < kc; ++p) {
      dst[p * w + i] = i < width ? src[i * s_w + p] : T(0);
    }
  }
}

void pack_transposed(float* dst, const float* src, std::int64_t s_w, std::int64_t width,
                     std::int64_t kc, std::int64_t w) {
  const std::int64_t kc8 = kc - kc % 8;
  const std::int64_t kc4 = kc - kc % 4;
  std::int64_t r8 = 0;  // rows [0, r8) go 8 x 8
  for (; r8 + 8 <= w; r8 += 8) {
    for (std::int64_t p = 0; p < kc8; p += 8) {
      __m256 rows[8];
      for (int r = 0; r < 8; ++r) {
        rows[r] = r8 + r < width ? _mm256_loadu_ps(src + (r8 + r) * s_w + p) : _mm256_setzero_ps();
      }
      transpose8x8(rows, dst + p * w + r8, w);
    }
  }
  std::int64_t r4 = r8;  // rows [r8, r4) go 4 x 4
  for (; r4 + 4 <= w; r4 += 4) {
    for (std::int64_t p = 0; p < kc4; p += 4) {
      __m128 rows[4];
      for (int r = 0; r < 4; ++r) {
        rows[r] = r4 + r < width ? _mm_loadu_ps(src + (r4 + r) * s_w + p) : _mm_setzero_ps();
      }
      transpose4x4(rows, dst + p * w + r4, w);
    }
  }
  pack_rest(dst, src, s_w, width, kc, w, [&](std::int64_t i) {
    return i < r8 ? kc8 : i < r4 ? kc4 : std::int64_t{0};
  });
}

void pack_transposed(double* dst, const double* src, std::int64_t s_w, std::int64_t width,
                     std::int64_t kc, std::int64_t w) {
  const std::int64_t kc4 = kc - kc % 4;
  std::int64_t r4 = 0;  // rows [0, r4) go 4 x 4
  for (; r4 + 4 <= w; r4 += 4) {
    for (std::int64_t p = 0; p < kc4; p += 4) {
      __m256d rows[4];
      for (int r = 0; r < 4; ++r) {
        rows[r] = r4 + r < width ? _mm256_loadu_pd(src + (r4 + r) * s_w + p) : _mm256_setzero_pd();
      }
      transpose4x4(rows, dst + p * w + r4, w);
    }
  }
  pack_rest(dst, src, s_w, width, kc, w,
            [&](std::int64_t i) { return i < r4 ? kc4 : std::int64_t{0}; });
}

}  // namespace

template <class T>
void matmul_pack_panel_avx2(T* dst, const T* src, std::int64_t s_w, std::int64_t s_k,
                            std::int64_t width, std::int64_t kc, int w_max) {
  if (s_k == 1 && s_w != 1) {
    pack_transposed(dst, src, s_w, width, kc, w_max);
  } else {
    matmul_pack_panel(dst, src, s_w, s_k, width, kc, w_max);
  }
}

template void matmul_pack_panel_avx2<float>(float*, const float*, std::int64_t, std::int64_t,
                                            std::int64_t, std::int64_t, int);
template void matmul_pack_panel_avx2<double>(double*, const double*, std::int64_t, std::int64_t,
                                             std::int64_t, std::int64_t, int);

}  // namespace minitorch::cpu
