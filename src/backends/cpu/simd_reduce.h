// The reduction kernels of one SIMD level, over VecF / VecD (included from simd_kernels.h):
// reduce_block_kernel folds one contiguous row, reduce_rows_kernel folds rows of a column
// block. Both run the order of Note [Reduction order] exactly, so only the loop structure
// differs from the scalar table's emulation (kernels_scalar.cpp), never the bits. One call
// runs on one thread; reduce_pairwise.cpp splits the work. Include only from SIMD files.
#pragma once

#include <cstdint>

#include "backends/cpu/kernels.h"
#include "backends/cpu/simd_vec.h"

namespace minitorch::cpu {
namespace {

struct SumV {
  template <class V>
  static V combine(V acc, V x) {
    return acc + x;
  }
  template <class T>
  static T combine1(T acc, T x) {
    return acc + x;
  }
  template <class T>
  static T identity() {
    return T(0);
  }
};
struct ProdV {
  template <class V>
  static V combine(V acc, V x) {
    return acc * x;
  }
  template <class T>
  static T combine1(T acc, T x) {
    return acc * x;
  }
  template <class T>
  static T identity() {
    return T(1);
  }
};
// NaN wins (scalar::MaxReduce): keep a NaN acc, else take x when x > acc or x is NaN.
struct MaxV {
  template <class V>
  static V combine(V acc, V x) {
    auto take = mask_and(cmp<_CMP_ORD_Q>(acc, acc),
                         mask_or(cmp<_CMP_GT_OQ>(x, acc), cmp<_CMP_UNORD_Q>(x, x)));
    return select(take, x, acc);
  }
  template <class T>
  static T combine1(T acc, T x) {
    if (acc != acc) {
      return acc;
    }
    return (x > acc || x != x) ? x : acc;
  }
  template <class T>
  static T identity() {
    return T(-__builtin_inf());
  }
};

// One leaf: element i into accumulator i % K (kVecs vectors of kL lanes), then the lane tree
// j with j + K/2, j + K/4, ... The tree's steps of at least kL lanes pair whole vectors (lane
// j of vector a with lane j of vector a + half / kL), so they run as vector ops; only the last
// log2(kL) steps go through memory. Same pairs, same order as the scalar emulation.
template <class V, class R>
typename V::T reduce_leaf(const typename V::T* x, std::int64_t n) {
  using T = typename V::T;
  constexpr std::int64_t kK = kReduceLanes<T>;
  constexpr std::int64_t kL = V::kLanes;
  constexpr std::int64_t kVecs = kK / kL;
  const T identity = R::template identity<T>();
  V acc[static_cast<std::size_t>(kVecs)];
  for (std::int64_t v = 0; v < kVecs; ++v) {
    acc[v] = V::set1(identity);
  }
  std::int64_t i = 0;
  for (; i + kK <= n; i += kK) {
    for (std::int64_t v = 0; v < kVecs; ++v) {
      acc[v] = R::combine(acc[v], V::load(x + i + v * kL));
    }
  }
  for (std::int64_t v = 0; v < kVecs && i + v * kL < n; ++v) {
    std::int64_t left = n - i - v * kL;
    V tail =
        left >= kL ? V::load(x + i + v * kL) : V::load_partial_or(x + i + v * kL, left, identity);
    acc[v] = R::combine(acc[v], tail);
  }
  for (std::int64_t half = kVecs / 2; half >= 1; half /= 2) {
    for (std::int64_t v = 0; v < half; ++v) {
      acc[v] = R::combine(acc[v], acc[v + half]);
    }
  }
  alignas(64) T lanes[static_cast<std::size_t>(kL)];
  acc[0].store(lanes);
  for (std::int64_t half = kL / 2; half >= 1; half /= 2) {
    for (std::int64_t j = 0; j < half; ++j) {
      lanes[j] = R::combine1(lanes[j], lanes[j + half]);
    }
  }
  return lanes[0];
}

template <class V, class R>
typename V::T reduce_pairwise(const typename V::T* x, std::int64_t n) {
  using T = typename V::T;
  if (n <= kReduceLeaf<T>) {
    return reduce_leaf<V, R>(x, n);
  }
  std::int64_t half = n / 2 / kReduceLanes<T> * kReduceLanes<T>;
  return R::combine1(reduce_pairwise<V, R>(x, half), reduce_pairwise<V, R>(x + half, n - half));
}

template <class V>
typename V::T reduce_block_kernel(ReduceOp op, const typename V::T* x, std::int64_t n) {
  switch (op) {
    case ReduceOp::Sum:
      return reduce_pairwise<V, SumV>(x, n);
    case ReduceOp::Max:
      return reduce_pairwise<V, MaxV>(x, n);
    case ReduceOp::Prod:
      return reduce_pairwise<V, ProdV>(x, n);
  }
  return typename V::T(0);
}

// acc[j] = fold of rows [0, rows <= kReduceRowLeaf) of column j, in row order. Full blocks of
// kColVecs vectors keep their accumulators in registers while the rows stream past, so each
// row is read as one contiguous run of kColVecs * kL elements (a per-vector walk down the rows
// would touch every row's page once per vector); the remaining columns go one vector at a time.
template <class V, class R>
void reduce_rows_leaf(const typename V::T* in, std::int64_t row_stride, std::int64_t rows,
                      typename V::T* acc, std::int64_t cols) {
  using T = typename V::T;
  constexpr std::int64_t kL = V::kLanes;
  constexpr std::int64_t kColVecs = 8;
  const T identity = R::template identity<T>();
  std::int64_t c = 0;
  for (; c + kColVecs * kL <= cols; c += kColVecs * kL) {
    V a[kColVecs];
    for (std::int64_t v = 0; v < kColVecs; ++v) {
      a[v] = V::set1(identity);
    }
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* p = in + r * row_stride + c;
      for (std::int64_t v = 0; v < kColVecs; ++v) {
        a[v] = R::combine(a[v], V::load(p + v * kL));
      }
    }
    for (std::int64_t v = 0; v < kColVecs; ++v) {
      a[v].store(acc + c + v * kL);
    }
  }
  for (; c < cols; c += kL) {
    std::int64_t width = cols - c < kL ? cols - c : kL;
    V a = V::set1(identity);
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* p = in + r * row_stride + c;
      a = R::combine(a, width == kL ? V::load(p) : V::load_partial(p, width));
    }
    if (width == kL) {
      a.store(acc + c);
    } else {
      a.store_partial(acc + c, width);
    }
  }
}

// acc[j] = fold of rows [0, rows) of column j, for j < cols <= kReduceCols<T>: runs of
// kReduceRowLeaf rows in order, halves combined pairwise. Lanes walk the columns. Each tree
// level holds one row of partials (at most 4 KiB), so the partials stay in cache.
template <class V, class R>
void reduce_rows_pairwise(const typename V::T* in, std::int64_t row_stride, std::int64_t rows,
                          typename V::T* acc, std::int64_t cols) {
  using T = typename V::T;
  constexpr std::int64_t kL = V::kLanes;
  if (rows <= kReduceRowLeaf) {
    reduce_rows_leaf<V, R>(in, row_stride, rows, acc, cols);
    return;
  }
  std::int64_t half = rows / 2;
  reduce_rows_pairwise<V, R>(in, row_stride, half, acc, cols);
  alignas(64) T other[static_cast<std::size_t>(kReduceCols<T>)];
  reduce_rows_pairwise<V, R>(in + half * row_stride, row_stride, rows - half, other, cols);
  for (std::int64_t c = 0; c < cols; c += kL) {
    std::int64_t width = cols - c < kL ? cols - c : kL;
    if (width == kL) {
      R::combine(V::load(acc + c), V::load(other + c)).store(acc + c);
    } else {
      R::combine(V::load_partial(acc + c, width), V::load_partial(other + c, width))
          .store_partial(acc + c, width);
    }
  }
}

template <class V>
void reduce_rows_kernel(ReduceOp op, const typename V::T* in, std::int64_t row_stride,
                        std::int64_t rows, typename V::T* out, std::int64_t cols) {
  switch (op) {
    case ReduceOp::Sum:
      return reduce_rows_pairwise<V, SumV>(in, row_stride, rows, out, cols);
    case ReduceOp::Max:
      return reduce_rows_pairwise<V, MaxV>(in, row_stride, rows, out, cols);
    case ReduceOp::Prod:
      return reduce_rows_pairwise<V, ProdV>(in, row_stride, rows, out, cols);
  }
}

}  // namespace
}  // namespace minitorch::cpu
