// AVX2 + FMA matmul micro-kernels, the fallback where AVX-512 is missing (compiled with
// -mavx2 -mfma, see Note [SIMD files]). Tiles: float 6 x 16 and double 6 x 8, i.e. 6 rows x
// 2 ymm = 12 accumulators of 16 registers; edge columns use maskload/maskstore.
#include <immintrin.h>

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
};

constexpr int kRows = 6;

bool supported() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

}  // namespace

bool matmul_kernels_avx2(MatmulKernels<float>& kernels) {
  if (!supported()) {
    return false;
  }
  kernels = {"avx2", kRows, 16, 256, 96, 2048,
             &microkernel::packed<Avx2Float, kRows, 2>,
             &microkernel::direct<Avx2Float, kRows, 2>};
  return true;
}

bool matmul_kernels_avx2(MatmulKernels<double>& kernels) {
  if (!supported()) {
    return false;
  }
  kernels = {"avx2", kRows, 8, 256, 96, 1024,
             &microkernel::packed<Avx2Double, kRows, 2>,
             &microkernel::direct<Avx2Double, kRows, 2>};
  return true;
}

}  // namespace minitorch::cpu
