// The register-blocked matmul micro-kernel, written once over an ISA's vector traits and
// instantiated in matmul_kernel_avx512.cpp / matmul_kernel_avx2.cpp (Note [SIMD files]).
// One call = one thread computing an MR x (NV * W) tile of C in MR * NV vector registers:
// per k step it loads NV vectors of a B row (unit stride) and broadcasts MR scalars of an A
// column, issuing MR * NV independent FMAs. Each C element is summed in k order from zero and
// then added to C (when accumulating), so a tile's bits never depend on how tiles map to threads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace minitorch::cpu::microkernel {

// Isa provides: T, V, W (lanes), zero(), load(p), load_mask(p, lanes), store(p, v),
// store_mask(p, v, lanes), bcast(p), add(a, b), fma(a, b, c) = a * b + c.
template <class Isa, int MR, int NV, bool kPacked, bool kFullN>
inline void tile(std::int64_t kc, const typename Isa::T* a, std::int64_t a_rs, std::int64_t a_ks,
                 const typename Isa::T* b, std::int64_t b_ks, typename Isa::T* c, std::int64_t c_rs,
                 int mr, int nr, bool accumulate) {
  using T = typename Isa::T;
  using V = typename Isa::V;
  constexpr int W = Isa::W;
  V acc[static_cast<std::size_t>(MR)][static_cast<std::size_t>(NV)];
  int lanes[static_cast<std::size_t>(NV)];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) {
    int l = nr - v * W;
    lanes[v] = l < 0 ? 0 : (l > W ? W : l);
  }
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      acc[i][v] = Isa::zero();
    }
    if (accumulate && i < mr) {  // C is added after the k loop; fetch it meanwhile
      __builtin_prefetch(c + i * c_rs, 0, 3);
      __builtin_prefetch(c + i * c_rs + NV * W - 1, 0, 3);
    }
  }
  if constexpr (kPacked) {
    for (std::int64_t p = 0; p < kc; ++p) {
      const T* bp = b + p * b_ks;
      const T* ap = a + p * a_ks;
      V bv[static_cast<std::size_t>(NV)];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) {
        bv[v] = Isa::load(bp + v * W);
      }
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i) {
        V av = Isa::bcast(ap + i);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
          acc[i][v] = Isa::fma(av, bv[v], acc[i][v]);
        }
      }
    }
  } else {
    // Rows past mr re-read row mr - 1 (valid memory); their sums are never stored.
    const T* rows[static_cast<std::size_t>(MR)];
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      rows[i] = a + (i < mr ? i : mr - 1) * a_rs;
    }
    for (std::int64_t p = 0; p < kc; ++p) {
      const T* bp = b + p * b_ks;
      const std::int64_t ap = p * a_ks;
      V bv[static_cast<std::size_t>(NV)];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) {
        bv[v] = kFullN ? Isa::load(bp + v * W) : Isa::load_mask(bp + v * W, lanes[v]);
      }
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i) {
        V av = Isa::bcast(rows[i] + ap);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
          acc[i][v] = Isa::fma(av, bv[v], acc[i][v]);
        }
      }
    }
  }
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
    if (i < mr) {
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) {
        T* row = c + i * c_rs + v * W;
        if (kFullN) {
          Isa::store(row, accumulate ? Isa::add(Isa::load(row), acc[i][v]) : acc[i][v]);
        } else {
          V sum = accumulate ? Isa::add(Isa::load_mask(row, lanes[v]), acc[i][v]) : acc[i][v];
          Isa::store_mask(row, sum, lanes[v]);
        }
      }
    }
  }
}

// Edge tiles run smaller instances: a short one (mr <= MR - 2) the next even height >= mr,
// a narrow one (nr <= W) one vector column, so that m = 10 computes 10 rows, not 12, and a
// part of C split off at a vector boundary wastes no FMAs. Every C element gets the same FMA
// chain in any tile shape. Packed panels keep their full strides (a_ks = MR, b_ks = NV * W).
template <class Isa, int MR, int NV, bool kPacked>
void any_tile(std::int64_t kc, const typename Isa::T* a, std::int64_t a_rs, std::int64_t a_ks,
              const typename Isa::T* b, std::int64_t b_ks, typename Isa::T* c, std::int64_t c_rs,
              int mr, int nr, bool accumulate) {
  if constexpr (MR > 2) {
    if (mr <= MR - 2) {
      any_tile<Isa, MR - 2, NV, kPacked>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, mr, nr, accumulate);
      return;
    }
  }
  if constexpr (NV > 1) {
    if (nr <= Isa::W) {
      any_tile<Isa, MR, 1, kPacked>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, mr, nr, accumulate);
      return;
    }
  }
  if (nr == NV * Isa::W) {
    tile<Isa, MR, NV, kPacked, true>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, mr, nr, accumulate);
  } else {
    tile<Isa, MR, NV, kPacked, false>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, mr, nr, accumulate);
  }
}

/// An MR x (NV * W) tile from packed panels (MatmulKernelFn).
template <class Isa, int MR, int NV>
void packed(std::int64_t kc, const typename Isa::T* a, std::int64_t a_rs, std::int64_t a_ks,
            const typename Isa::T* b, std::int64_t b_ks, typename Isa::T* c, std::int64_t c_rs,
            int mr, int nr, bool accumulate) {
  any_tile<Isa, MR, NV, true>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, mr, nr, accumulate);
}

/// An MR x (NV * W) tile read in place: A with any strides, B rows unit stride (MatmulKernelFn).
template <class Isa, int MR, int NV>
void direct(std::int64_t kc, const typename Isa::T* a, std::int64_t a_rs, std::int64_t a_ks,
            const typename Isa::T* b, std::int64_t b_ks, typename Isa::T* c, std::int64_t c_rs,
            int mr, int nr, bool accumulate) {
  any_tile<Isa, MR, NV, false>(kc, a, a_rs, a_ks, b, b_ks, c, c_rs, mr, nr, accumulate);
}

}  // namespace minitorch::cpu::microkernel
