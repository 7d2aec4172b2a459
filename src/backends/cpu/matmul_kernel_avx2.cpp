// AVX2 + FMA matmul micro-kernels, the fallback where AVX-512 is missing (compiled with
// -mavx2 -mfma, see Note [SIMD files]). Tiles: float 6 x 16 and double 6 x 8, i.e. 6 rows x
// 2 ymm = 12 accumulators of 16 registers; edge columns use maskload/maskstore. Dot tiles
// (F-ordered B): 3 x 3, 9 accumulators.
#include <immintrin.h>

#include "backends/cpu/matmul_dot_microkernel.h"
#include "backends/cpu/matmul_kernel.h"
#include "backends/cpu/matmul_microkernel.h"

namespace minitorch::cpu {
namespace {

// Lanes below `lanes` set: compares a lane-index vector with lanes.
inline __m256i lane_mask32(int lanes) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline __m256i lane_mask64(int lanes) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(lanes), _mm256_setr_epi64x(0, 1, 2, 3));
}

struct Avx2Float {
  using T = float;
  using V = __m256;
  static constexpr int W = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const T* p) { return _mm256_loadu_ps(p); }
  static V load_mask(const T* p, int lanes) { return _mm256_maskload_ps(p, lane_mask32(lanes)); }
  static void store(T* p, V v) { _mm256_storeu_ps(p, v); }
  static void store_mask(T* p, V v, int lanes) { _mm256_maskstore_ps(p, lane_mask32(lanes), v); }
  static V bcast(const T* p) { return _mm256_broadcast_ss(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static T hsum(V v) {  // (l0 + l4) + (l2 + l6) + ((l1 + l5) + (l3 + l7))
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

struct Avx2Double {
  using T = double;
  using V = __m256d;
  static constexpr int W = 4;
  static V zero() { return _mm256_setzero_pd(); }
  static V load(const T* p) { return _mm256_loadu_pd(p); }
  static V load_mask(const T* p, int lanes) { return _mm256_maskload_pd(p, lane_mask64(lanes)); }
  static void store(T* p, V v) { _mm256_storeu_pd(p, v); }
  static void store_mask(T* p, V v, int lanes) { _mm256_maskstore_pd(p, lane_mask64(lanes), v); }
  static V bcast(const T* p) { return _mm256_broadcast_sd(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static T hsum(V v) {  // (l0 + l2) + (l1 + l3)
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
    return _mm_cvtsd_f64(s);
  }
};

constexpr int kRows = 6;
// Dot tiles: 3 x 3 = 9 accumulators + 3 A vectors + 1 B vector of 16 ymm.
constexpr int kDotRows = 3;
constexpr int kDotCols = 3;

}  // namespace

void matmul_kernels_avx2(MatmulKernels<float>& kernels) {
  kernels = {"avx2",
             kRows,
             16,
             256,
             96,
             2048,
             &microkernel::packed<Avx2Float, kRows, 2>,
             &microkernel::direct<Avx2Float, kRows, 2>,
             Avx2Float::W,
             kDotRows,
             kDotCols,
             &microkernel::dot<Avx2Float, kDotRows, kDotCols>,
             &matmul_pack_panel_avx2<float>,
             kRows,
             16};
}

void matmul_kernels_avx2(MatmulKernels<double>& kernels) {
  kernels = {"avx2",
             kRows,
             8,
             256,
             96,
             1024,
             &microkernel::packed<Avx2Double, kRows, 2>,
             &microkernel::direct<Avx2Double, kRows, 2>,
             Avx2Double::W,
             kDotRows,
             kDotCols,
             &microkernel::dot<Avx2Double, kDotRows, kDotCols>,
             &matmul_pack_panel_avx2<double>,
             kRows,
             8};
}

}  // namespace minitorch::cpu
