// The dot-product matmul micro-kernel, written once over an ISA's vector traits and
// instantiated in matmul_kernel_avx512.cpp / matmul_kernel_avx2.cpp (Note [SIMD files]).
// One call = one thread computing an MR x NR tile of C in MR * NR vector accumulators: per
// step of W along k it loads MR vectors of A rows and NR vectors of B columns (both unit
// stride along k, read in place) and issues MR * NR independent FMAs; the k tail uses lane
// masks. Each accumulator is then summed across lanes by one fixed tree, so an element's bits
// depend only on k and the ISA, never on its tile or on how tiles map to threads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace minitorch::cpu::microkernel {

// Isa provides: T, V, W (lanes), zero(), load(p), load_mask(p, lanes), fma(a, b, c), hsum(v).
template <class Isa, int MR, int NR>
inline void dot_tile(std::int64_t k, const typename Isa::T* a, std::int64_t a_rs,
                     const typename Isa::T* b, std::int64_t b_cs, typename Isa::T* c,
                     std::int64_t c_rs, std::int64_t c_cs, int mr, int nr) {
  using T = typename Isa::T;
  using V = typename Isa::V;
  constexpr int W = Isa::W;
  // Rows past mr (columns past nr) re-read row mr - 1 (column nr - 1); never stored.
  const T* rows[static_cast<std::size_t>(MR)];
  const T* cols[static_cast<std::size_t>(NR)];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
    rows[i] = a + (i < mr ? i : mr - 1) * a_rs;
  }
#pragma GCC unroll 8
  for (int j = 0; j < NR; ++j) {
    cols[j] = b + (j < nr ? j : nr - 1) * b_cs;
  }
  V acc[static_cast<std::size_t>(MR)][static_cast<std::size_t>(NR)];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) {
      acc[i][j] = Isa::zero();
    }
  }
  auto step = [&](std::int64_t p, int lanes) {
    V av[static_cast<std::size_t>(MR)];
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      av[i] = lanes == W ? Isa::load(rows[i] + p) : Isa::load_mask(rows[i] + p, lanes);
    }
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) {
      const V bv = lanes == W ? Isa::load(cols[j] + p) : Isa::load_mask(cols[j] + p, lanes);
#pragma GCC unroll 8
      for (int i = 0; i < MR; ++i) {
        acc[i][j] = Isa::fma(av[i], bv, acc[i][j]);
      }
    }
  };
  std::int64_t p = 0;
  for (; p + W <= k; p += W) {
    step(p, W);
  }
  if (p < k) {  // masked lanes load zeros: their FMAs add +0 and change nothing
    step(p, static_cast<int>(k - p));
  }
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) {
      if (i < mr && j < nr) {
        c[i * c_rs + j * c_cs] = Isa::hsum(acc[i][j]);
      }
    }
  }
}

// A short edge tile (mr <= MR / 2) runs the half-height instance (MR = 4, m = 10: 4 + 4 + 2).
template <class Isa, int MR, int NR>
void dot(std::int64_t k, const typename Isa::T* a, std::int64_t a_rs, const typename Isa::T* b,
         std::int64_t b_cs, typename Isa::T* c, std::int64_t c_rs, std::int64_t c_cs, int mr,
         int nr) {
  if constexpr (MR >= 2) {
    if (mr <= MR / 2) {
      dot_tile<Isa, MR / 2, NR>(k, a, a_rs, b, b_cs, c, c_rs, c_cs, mr, nr);
      return;
    }
  }
  dot_tile<Isa, MR, NR>(k, a, a_rs, b, b_cs, c, c_rs, c_cs, mr, nr);
}

}  // namespace minitorch::cpu::microkernel
