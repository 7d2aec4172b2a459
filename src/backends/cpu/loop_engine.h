// The loop engine shared by elementwise programs, copy and fill (and the output side of reduce):
// builds a LoopPlan (size-1 dims dropped, dims in the output's memory order, dims merged where
// every operand is contiguous across them), picks a path, and walks [begin, end) of the output's
// elements as runs along the innermost dim. Offsets advance by an odometer: one division per
// chunk to find its start, none per element, nothing allocated.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>

#include "minitorch/program.h"
#include "minitorch/shape.h"
#include "minitorch/tensor_data.h"

namespace minitorch::cpu {

/// The output and up to kMaxProgramInputs inputs.
inline constexpr int kMaxOperands = 1 + kMaxProgramInputs;

/// Dims are outer to inner (dim ndim - 1 innermost); strides in elements; operand 0 is the
/// output. A plan always has at least one dim.
struct LoopPlan {
  int ndim = 0;
  int operands = 0;
  std::int64_t numel = 0;
  std::int64_t shape[kMaxDims] = {};
  // Written by make_plan for the operands and dims in use (no zeroing: 9 x 12 entries per call
  // cost a small op more than its kernel).
  std::int64_t strides[kMaxOperands][kMaxDims];

  std::int64_t inner() const { return shape[ndim - 1]; }
  std::int64_t inner_stride(int op) const { return strides[op][ndim - 1]; }
};

/// Plan over shape with each operand's strides (operand 0 orders the dims).
LoopPlan make_plan(const Shape& shape, const Strides* const* strides, int operands);

inline LoopPlan make_plan(const TensorData& out, const TensorData* a = nullptr,
                          const TensorData* b = nullptr) {
  const Strides* strides[kMaxOperands] = {&out.strides(), a ? &a->strides() : nullptr,
                                          b ? &b->strides() : nullptr};
  return make_plan(out.shape(), strides, 1 + (a != nullptr) + (b != nullptr));
}

/// Plan over out and inputs (operand k + 1 is inputs[k]).
inline LoopPlan make_plan(const TensorData& out, std::span<const TensorData> inputs) {
  const Strides* strides[kMaxOperands] = {&out.strides()};
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    strides[k + 1] = &inputs[k].strides();
  }
  return make_plan(out.shape(), strides, 1 + static_cast<int>(inputs.size()));
}

enum class LoopPath : std::uint8_t {
  Contiguous,  // one flat run, every operand stride 1
  ScalarBroadcast,  // one flat run, inputs stride 0 or 1, at least one 0
  InnerContiguous,  // runs along the inner dim, strides 0 or 1 there
  TransposeBlocked,  // an input is contiguous along another dim: walk 2-D tiles
  Odometer,  // anything else: strided scalar runs
};

std::string_view to_string(LoopPath path);

/// The path for plan; for TransposeBlocked, *tile_dim is the dim where the transposed input
/// has stride 1.
LoopPath choose_path(const LoopPlan& plan, int* tile_dim);

namespace detail {

// walk_rows with the operand count fixed at compile time (0: plan.operands at run time), so
// that the per-row loops over operands unroll and the offsets stay in registers between rows.
template <int kOps, class RowFn>
void walk_rows_fixed(const LoopPlan& plan, std::int64_t begin, std::int64_t end, RowFn&& row) {
  if (begin >= end) {
    return;
  }
  const int nd = plan.ndim;
  const int ops = kOps > 0 ? kOps : plan.operands;
  std::int64_t index[kMaxDims];
  std::int64_t rest = begin;
  for (int d = nd - 1; d >= 0; --d) {
    index[d] = rest % plan.shape[d];
    rest /= plan.shape[d];
  }
  // Offsets, and the strides transposed to [dim][operand]: the loops over operands below then
  // read contiguous memory. Over plan.strides[k][d], GCC vectorises them by gathering two
  // strides through the stack, and reloading two 8-byte stores as one 16-byte load stalls
  // store forwarding: on every row, 40% of a small broadcast op's time.
  // Zeroed past ops too: GCC cannot see that a row reads only the first ops entries.
  std::int64_t offsets[kMaxOperands] = {};
  std::int64_t step[kMaxDims][kMaxOperands];
  for (int k = 0; k < ops; ++k) {
    std::int64_t o = 0;
    for (int d = 0; d < nd; ++d) {
      o += index[d] * plan.strides[k][d];
      step[d][k] = plan.strides[k][d];
    }
    offsets[k] = o;
  }
  const std::int64_t* inner_stride = step[nd - 1];
  const std::int64_t inner = plan.inner();
  std::int64_t pos = begin;
  while (pos < end) {
    std::int64_t n = std::min(inner - index[nd - 1], end - pos);
    row(static_cast<const std::int64_t*>(offsets), n);
    pos += n;
    index[nd - 1] += n;
    if (index[nd - 1] < inner) {
      for (int k = 0; k < ops; ++k) {
        offsets[k] += n * inner_stride[k];
      }
      continue;
    }
    // Carry: back to the start of the inner dim, then step the odometer.
    index[nd - 1] = 0;
    for (int k = 0; k < ops; ++k) {
      offsets[k] += (n - inner) * inner_stride[k];
    }
    for (int d = nd - 2; d >= 0; --d) {
      const bool carry = ++index[d] == plan.shape[d];
      const std::int64_t times = carry ? 1 - plan.shape[d] : 1;
      for (int k = 0; k < ops; ++k) {
        offsets[k] += times * step[d][k];
      }
      if (!carry) {
        break;
      }
      index[d] = 0;
    }
  }
}

}  // namespace detail

/// Calls row(offsets, n) for each run of n consecutive elements along the inner dim covering
/// the ordinals [begin, end); offsets[k] is operand k's element offset of the run's start.
template <class RowFn>
void walk_rows(const LoopPlan& plan, std::int64_t begin, std::int64_t end, RowFn&& row) {
  switch (plan.operands) {
    case 1:
      return detail::walk_rows_fixed<1>(plan, begin, end, row);
    case 2:
      return detail::walk_rows_fixed<2>(plan, begin, end, row);
    case 3:
      return detail::walk_rows_fixed<3>(plan, begin, end, row);
    default:
      return detail::walk_rows_fixed<0>(plan, begin, end, row);  // 0: plan.operands
  }
}

/// Side of the square tiles of the TransposeBlocked path.
inline constexpr std::int64_t kTile = 16;

/// Units of work of the TransposeBlocked path: (outer position, tile of tile_dim) pairs.
std::int64_t tile_units(const LoopPlan& plan, int tile_dim);

/// Calls tile(base, t0, t1) for each unit in [begin, end): base holds each operand's offset
/// of the unit's first element (index t0 along tile_dim, 0 along the inner dim), and the tile
/// covers [t0, t1) along tile_dim by the whole inner dim.
template <class TileFn>
void for_each_tile(const LoopPlan& plan, int tile_dim, std::int64_t begin, std::int64_t end,
                   TileFn&& tile) {
  const int nd = plan.ndim;
  const int ops = plan.operands;
  const std::int64_t tile_size = plan.shape[tile_dim];
  const std::int64_t tiles = (tile_size + kTile - 1) / kTile;
  for (std::int64_t unit = begin; unit < end; ++unit) {
    std::int64_t outer = unit / tiles;
    std::int64_t t0 = (unit % tiles) * kTile;
    std::int64_t t1 = std::min(t0 + kTile, tile_size);
    std::int64_t base[kMaxOperands] = {};
    for (int d = nd - 2; d >= 0; --d) {
      if (d == tile_dim) {
        continue;
      }
      std::int64_t i = outer % plan.shape[d];
      outer /= plan.shape[d];
      for (int k = 0; k < ops; ++k) {
        base[k] += i * plan.strides[k][d];
      }
    }
    for (int k = 0; k < ops; ++k) {
      base[k] += t0 * plan.strides[k][tile_dim];
    }
    tile(static_cast<const std::int64_t*>(base), t0, t1);
  }
}

/// Calls row(offsets, n) for runs of n <= kTile elements along the inner dim covering units
/// [begin, end), tile by tile: within a tile, for each kTile-wide block of the inner dim,
/// tile_dim steps outermost, so both the output (stride 1 along inner) and the transposed
/// input (stride 1 along tile_dim) are read and written in cache-line runs.
template <class RowFn>
void walk_tile_rows(const LoopPlan& plan, int tile_dim, std::int64_t begin, std::int64_t end,
                    RowFn&& row) {
  const int nd = plan.ndim;
  const int ops = plan.operands;
  const std::int64_t inner = plan.inner();
  for_each_tile(
      plan, tile_dim, begin, end, [&](const std::int64_t* base, std::int64_t t0, std::int64_t t1) {
        for (std::int64_t i0 = 0; i0 < inner; i0 += kTile) {
          std::int64_t n = std::min(i0 + kTile, inner) - i0;
          for (std::int64_t t = t0; t < t1; ++t) {
            std::int64_t offsets[kMaxOperands];
            for (int k = 0; k < ops; ++k) {
              offsets[k] =
                  base[k] + (t - t0) * plan.strides[k][tile_dim] + i0 * plan.strides[k][nd - 1];
            }
            row(static_cast<const std::int64_t*>(offsets), n);
          }
        }
      });
}

/// walk_tile_rows one element at a time: elem(offsets) for every element.
template <class ElemFn>
void walk_tiles(const LoopPlan& plan, int tile_dim, std::int64_t begin, std::int64_t end,
                ElemFn&& elem) {
  const int ops = plan.operands;
  std::int64_t step[kMaxOperands] = {};
  for (int k = 0; k < ops; ++k) {
    step[k] = plan.strides[k][plan.ndim - 1];
  }
  walk_tile_rows(plan, tile_dim, begin, end, [&](const std::int64_t* start, std::int64_t n) {
    // Each element's offsets are written afresh from the row start, never updated in place:
    // an in-place += on the array elem() reads made every element wait on a store-forward.
    std::int64_t offsets[kMaxOperands];
    for (std::int64_t i = 0; i < n; ++i) {
      for (int k = 0; k < ops; ++k) {
        offsets[k] = start[k] + i * step[k];
      }
      elem(static_cast<const std::int64_t*>(offsets));
    }
  });
}

/// Whether the loop over plan writes its output (element_bytes each) with streaming stores
/// (Note [Streaming stores] in simd_kernels.h): an output of stream_store_bytes() or more that
/// reads some input element for element (a copy, `a + b`), or a write-only output (every input
/// broadcast, fill) of kWriteOnlyStreamFactor times that. Plain stores win on the latter while
/// the output fits the last-level cache: a [N,1]+[1,N] add rewriting 4 MiB or 16 MiB kept it
/// there (1.6-2.3x faster than streaming), at 64 MiB streaming won 2x.
bool use_streaming_stores(const LoopPlan& plan, std::int64_t element_bytes);
inline constexpr std::int64_t kWriteOnlyStreamFactor = 8;

/// Elements per parallel chunk: at least min_grain, and about 4 chunks per thread.
std::int64_t loop_grain(std::int64_t numel, std::int64_t min_grain);

/// Tests: scales every minimum grain down to n (>= 1) so that small cases run on several
/// threads, with the wake policy off (parallel.h); 0 restores the defaults.
void set_min_grain_for_testing(std::int64_t n);

}  // namespace minitorch::cpu
