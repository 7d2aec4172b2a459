// The CPU backend's inner kernels: 1-D loops over raw pointers, one table per SIMD level
// (scalar, AVX2, AVX-512). The loop engine does the strides, the splitting over threads and
// the dispatch; a kernel only runs one contiguous (or broadcast) row on one thread.
// See Note [Reduction order] for the summation order every level shares.
#pragma once

#include <cstdint>
#include <string_view>

#include "minitorch/elementwise_ops.h"
#include "minitorch/program.h"
#include "minitorch/scalar_ops.h"
#include "minitorch/system_info.h"

namespace minitorch::cpu {

// The levels and their names live with the CPU's feature detection (minitorch/system_info.h).
using minitorch::SimdLevel;
using minitorch::to_string;

// Note [Reduction order]: a contiguous row of n elements is folded as a pairwise tree whose
// shape depends only on n. Rows longer than kReduceBlock are cut into blocks of kReduceBlock
// (the last shorter); block results are combined pairwise. Inside a block, halves are split
// at a multiple of K (kReduceLanes<T>) down to leaves of at most kReduceLeaf elements; a leaf
// folds element i into accumulator i % K, then folds the K accumulators as a tree (j with
// j + K/2, then j + K/4, ...). Every SIMD level runs exactly this order, so sums are
// bitwise identical across levels and thread counts. Outer-dim reductions fold rows the same
// way: runs of at most kReduceRowLeaf rows in order, halves combined pairwise.
template <class T>
inline constexpr std::int64_t kReduceLanes = 64 / static_cast<std::int64_t>(sizeof(T)) * 2;
template <class T>
inline constexpr std::int64_t kReduceLeaf = kReduceLanes<T> * 8;
inline constexpr std::int64_t kReduceBlock = 1 << 14;
inline constexpr std::int64_t kReduceRowLeaf = 8;
/// Most columns reduce_rows handles in one call: one 4 KiB page of each row, so that a pass
/// down the rows reads each page it touches whole (hardware prefetchers stop at page ends)
/// while the tree's partials, one such row per level, stay in cache. Any width gives the same
/// bits: each column's fold is the same whoever computes its neighbours.
template <class T>
inline constexpr std::int64_t kReduceCols = 4096 / static_cast<std::int64_t>(sizeof(T));

template <class T>
struct Kernels {
  /// One program node over a row: out[i] = op(args[0][i * steps[0]], ...) for i < n;
  /// steps are 0 or 1; op is not Const. Ops without a SIMD form run scalar::node_scalar.
  void (*node)(OpCode op, const T* const* args, const std::int64_t* steps, T* out, std::int64_t n);
  /// node with op fixed at compile time (op is not Const): a row costs no op dispatch, which
  /// small broadcast ops (one call per row) notice.
  using OpKernel = void (*)(const T* const* args, const std::int64_t* steps, T* out,
                            std::int64_t n);
  /// With stream, full vectors are non-temporal stores (Note [Streaming stores]).
  OpKernel (*op_kernel)(OpCode op, bool stream);
  /// The kernel that runs all of p per vector of lanes (Note [Vector programs] in
  /// simd_kernels.h) when every node has a vector form, else nullptr (always, for scalar).
  using ProgramKernel = void (*)(const Program& p, const T* const* in, const std::int64_t* steps,
                                 T* out, std::int64_t n);
  ProgramKernel (*program_kernel)(const Program& p, bool stream);
  /// Fold of in[0..n) for n <= kReduceBlock, in the order of Note [Reduction order].
  T (*reduce_block)(ReduceOp op, const T* in, std::int64_t n);
  /// out[j] = fold over i < rows of in[i * row_stride + j], for j < cols <= kReduceCols<T>.
  void (*reduce_rows)(ReduceOp op, const T* in, std::int64_t row_stride, std::int64_t rows, T* out,
                      std::int64_t cols);
};

struct KernelTable {
  SimdLevel level;
  Kernels<float> f32;
  Kernels<double> f64;

  template <class T>
  const Kernels<T>& get() const {
    if constexpr (sizeof(T) == 4) {
      return f32;
    } else {
      return f64;
    }
  }
};

const KernelTable& scalar_kernels();
/// Defined in kernels_avx2.cpp / kernels_avx512.cpp; call only when the CPU has the ISA.
const KernelTable& avx2_kernels();
const KernelTable& avx512_kernels();

/// The best level this CPU supports: cpu_features().best_level().
SimdLevel max_simd_level();
/// The level in use: max_simd_level(), or lower when config::simd() (MINITORCH_SIMD) says so.
SimdLevel simd_level();
/// Forces a level (clamped to max_simd_level()); for tests. Not thread-safe against running
/// ops.
void set_simd_level(SimdLevel level);
/// The table of simd_level().
const KernelTable& active_kernels();

/// Outputs of at least this many bytes are written with non-temporal stores where a SIMD
/// kernel writes them in place (Note [Streaming stores] in simd_kernels.h):
/// config::stream_store_bytes() (MINITORCH_STREAM_STORE_BYTES) unless set below.
std::int64_t stream_store_bytes();
/// Overrides the threshold (0: every output; negative: config's again); for tests. Not
/// thread-safe against running ops.
void set_stream_store_bytes(std::int64_t bytes);

}  // namespace minitorch::cpu
