// Packing for matmul_packed: copies a panel of A (mr rows) or B (nr columns) into the
// k-major layout the micro-kernel streams (w_max values per k step), zero-padding the edge.
// Runs on one thread per panel; the drivers split panels over the pool. Three loops by
// source layout: unit stride along the panel width (contiguous copy per k step), unit
// stride along k (a transpose, done in 8 x 8 blocks so reads and writes stay in few lines),
// and anything else (plain strided gather).
#include <cstdint>

#include "backends/cpu/matmul_kernel.h"

namespace minitorch::cpu {

template <class T>
void matmul_pack_panel(T* dst, const T* src, std::int64_t s_w, std::int64_t s_k, std::int64_t width,
                       std::int64_t kc, int w_max) {
  const std::int64_t w = w_max;
  if (s_w == 1) {
    for (std::int64_t p = 0; p < kc; ++p) {
      const T* s = src + p * s_k;
      T* d = dst + p * w;
      for (std::int64_t i = 0; i < width; ++i) {
        d[i] = s[i];
      }
      for (std::int64_t i = width; i < w; ++i) {
        d[i] = T(0);
      }
    }
    return;
  }
  if (s_k == 1) {
    constexpr std::int64_t kBlock = 8;
    std::int64_t p0 = 0;
    for (; p0 + kBlock <= kc; p0 += kBlock) {
      for (std::int64_t i = 0; i < width; ++i) {
        const T* s = src + i * s_w + p0;
        T* d = dst + p0 * w + i;
        for (std::int64_t q = 0; q < kBlock; ++q) {
          d[q * w] = s[q];
        }
      }
    }
    for (std::int64_t i = 0; i < width; ++i) {
      for (std::int64_t p = p0; p < kc; ++p) {
        dst[p * w + i] = src[i * s_w + p];
      }
    }
    for (std::int64_t p = 0; p < kc; ++p) {
      for (std::int64_t i = width; i < w; ++i) {
        dst[p * w + i] = T(0);
      }
    }
    return;
  }
  for (std::int64_t p = 0; p < kc; ++p) {
    for (std::int64_t i = 0; i < w; ++i) {
      dst[p * w + i] = i < width ? src[i * s_w + p * s_k] : T(0);
    }
  }
}

template void matmul_pack_panel<float>(float*, const float*, std::int64_t, std::int64_t,
                                       std::int64_t, std::int64_t, int);
template void matmul_pack_panel<double>(double*, const double*, std::int64_t, std::int64_t,
                                        std::int64_t, std::int64_t, int);

}  // namespace minitorch::cpu
