// AVX-512 matmul micro-kernels (compiled with AVX-512 flags, see Note [SIMD files]; called
// only after a run-time CPU check). Tiles: float 12 x 32 (12 rows x 2 zmm) and double 12 x 16,
// and for the packed double kernel 8 x 24 (8 rows x 3 zmm): 24 accumulators of 32 registers;
// edge columns use lane masks, so B and C are never overrun.
// Dot tiles (F-ordered B): 5 x 4, 20 accumulators.
// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the unused merge source, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593; see simd_vec.h).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#include "backends/cpu/matmul_dot_microkernel.h"
#include "backends/cpu/matmul_kernel.h"
#include "backends/cpu/matmul_microkernel.h"

namespace minitorch::cpu {
namespace {

struct Avx512Float {
  using T = float;
  using V = __m512;
  static constexpr int W = 16;
  static __mmask16 mask(int lanes) { return static_cast<__mmask16>((1u << lanes) - 1u); }
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const T* p) { return _mm512_loadu_ps(p); }
  static V load_mask(const T* p, int lanes) { return _mm512_maskz_loadu_ps(mask(lanes), p); }
  static void store(T* p, V v) { _mm512_storeu_ps(p, v); }
  static void store_mask(T* p, V v, int lanes) { _mm512_mask_storeu_ps(p, mask(lanes), v); }
  static V bcast(const T* p) { return _mm512_set1_ps(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static T hsum(V v) { return _mm512_reduce_add_ps(v); }  // halving tree: l + l+8, +4, +2, +1
};

struct Avx512Double {
  using T = double;
  using V = __m512d;
  static constexpr int W = 8;
  static __mmask8 mask(int lanes) { return static_cast<__mmask8>((1u << lanes) - 1u); }
  static V zero() { return _mm512_setzero_pd(); }
  static V load(const T* p) { return _mm512_loadu_pd(p); }
  static V load_mask(const T* p, int lanes) { return _mm512_maskz_loadu_pd(mask(lanes), p); }
  static void store(T* p, V v) { _mm512_storeu_pd(p, v); }
  static void store_mask(T* p, V v, int lanes) { _mm512_mask_storeu_pd(p, mask(lanes), v); }
  static V bcast(const T* p) { return _mm512_set1_pd(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static T hsum(V v) { return _mm512_reduce_add_pd(v); }  // halving tree: l + l+4, +2, +1
};

constexpr int kRows = 12;
// The packed double kernel is 8 x 3 zmm: fewer broadcasts per FMA than 12 x 2, 3% faster
// at 1024^3 (41.6 vs 43.0 ms, one thread); the direct one stays 12 x 2 (highL 400 vs 550 us).
constexpr int kRowsDouble = 8;
// Dot tiles: 5 x 4 = 20 accumulators + 9 operand vectors of 32 zmm. Five rows, so Linear's
// 10-row batch runs as 5 + 5 rather than 4 + 4 + a half-height 2 (5000-point training: ~1 ms
// per epoch less, 37.3-38.6 vs 38.4-39.4 ms in interleaved runs, one thread).
constexpr int kDotRows = 5;
constexpr int kDotCols = 4;

}  // namespace

void matmul_kernels_avx512(MatmulKernels<float>& kernels) {
  kernels = {"avx512",
             kRows,
             32,
             256,
             96,
             2048,
             &microkernel::packed<Avx512Float, kRows, 2>,
             &microkernel::direct<Avx512Float, kRows, 2>,
             Avx512Float::W,
             kDotRows,
             kDotCols,
             &microkernel::dot<Avx512Float, kDotRows, kDotCols>,
             &matmul_pack_panel_avx2<float>,
             kRows,
             32};
}

void matmul_kernels_avx512(MatmulKernels<double>& kernels) {
  kernels = {"avx512",
             kRows,
             2 * Avx512Double::W,
             256,
             96,
             1024,
             &microkernel::packed<Avx512Double, kRowsDouble, 3>,
             &microkernel::direct<Avx512Double, kRows, 2>,
             Avx512Double::W,
             kDotRows,
             kDotCols,
             &microkernel::dot<Avx512Double, kDotRows, kDotCols>,
             &matmul_pack_panel_avx2<double>,
             kRowsDouble,
             3 * Avx512Double::W};
}

}  // namespace minitorch::cpu
