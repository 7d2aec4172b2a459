// Reductions over one dim, in the order of Note [Reduction order]. Threads take whole outputs
// (reduce-inner: rows; reduce-outer: blocks of up to kReduceCols<T> columns), or, when there are
// fewer outputs than threads, the kReduceBlock blocks of one long row. Either way every output is
// computed by the same sequence of operations, whatever the thread count.
#include "backends/cpu/reduce_pairwise.h"

#include <algorithm>
#include <vector>

#include "backends/backend.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/loop_engine.h"
#include "backends/cpu/parallel.h"

namespace minitorch::cpu {
namespace {

constexpr std::int64_t kReduceGrain = 32768;  // input elements per chunk
constexpr std::int64_t kStackPartials = 256;
// Narrowest reduce-outer column block: 256 bytes of float32, a multiple of every level's lanes.
constexpr std::int64_t kMinColBlock = 64;

template <class T>
T identity_of(ReduceOp op) {
  return dispatch_reduce(op, [](auto fn) { return decltype(fn)::template identity<T>(); });
}

// Pairwise fold of partials[0, m) (the tree over blocks).
template <class T, class Fn>
T combine_pairwise(Fn fn, const T* partials, std::int64_t m) {
  if (m == 1) {
    return partials[0];
  }
  std::int64_t half = m / 2;
  return fn(combine_pairwise(fn, partials, half), combine_pairwise(fn, partials + half, m - half));
}

// One contiguous row of n > 0 elements; the blocks run on several threads when split.
template <class T>
T reduce_row(const Kernels<T>& kernels, ReduceOp op, const T* x, std::int64_t n, bool split) {
  if (n <= kReduceBlock) {
    return kernels.reduce_block(op, x, n);
  }
  std::int64_t blocks = (n + kReduceBlock - 1) / kReduceBlock;
  T stack[static_cast<std::size_t>(kStackPartials)];
  std::vector<T> heap;
  T* partials = stack;
  if (blocks > kStackPartials) {
    heap.resize(static_cast<std::size_t>(blocks));
    partials = heap.data();
  }
  auto run = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      std::int64_t start = j * kReduceBlock;
      partials[j] = kernels.reduce_block(op, x + start, std::min(kReduceBlock, n - start));
    }
  };
  if (split) {
    parallel_for(0, blocks, 1, run);
  } else {
    run(0, blocks);
  }
  return dispatch_reduce(op, [&](auto fn) { return combine_pairwise(fn, partials, blocks); });
}

void report(const char* path, bool simd, std::int64_t units, std::int64_t grain) {
  primitive_report() = PrimitiveReport{path, simd ? to_string(simd_level()) : "scalar",
                                       threads_for(0, units, grain)};
}

}  // namespace

template <class T>
void reduce_pairwise(ReduceOp op, const TensorData& in, int dim, TensorData& out) {
  const std::int64_t rows = in.shape()[dim];
  const std::int64_t row_stride = in.strides()[dim];
  // The plan walks the outputs; operand 0 is the input so that its memory order leads.
  const Strides* strides[2] = {&in.strides(), &out.strides()};
  LoopPlan plan = make_plan(out.shape(), strides, 2);
  const T* src = static_cast<const T*>(in.data_ptr());
  T* dst = static_cast<T*>(out.data_ptr());
  const std::int64_t outputs = plan.numel;
  const std::int64_t out_step = plan.inner_stride(1);
  const std::int64_t in_step = plan.inner_stride(0);
  if (outputs == 0 || rows == 0) {
    T identity = identity_of<T>(op);
    report("reduce-inner", false, 1, 1);
    walk_rows(plan, 0, outputs, [&](const std::int64_t* o, std::int64_t n) {
      for (std::int64_t i = 0; i < n; ++i) {
        dst[o[1] + i * out_step] = identity;
      }
    });
    return;
  }
  const Kernels<T>& kernels = active_kernels().get<T>();
  const std::int64_t work = outputs * rows;

  if (row_stride == 1 || rows == 1) {
    // reduce-inner: one row per output.
    if (outputs < 2 * num_threads() && rows > kReduceBlock) {
      report("reduce-inner", true, (rows + kReduceBlock - 1) / kReduceBlock, 1);
      walk_rows(plan, 0, outputs, [&](const std::int64_t* o, std::int64_t n) {
        for (std::int64_t i = 0; i < n; ++i) {
          dst[o[1] + i * out_step] = reduce_row(kernels, op, src + o[0] + i * in_step, rows, true);
        }
      });
      return;
    }
    std::int64_t grain = std::max<std::int64_t>(1, loop_grain(work, kReduceGrain) / rows);
    report("reduce-inner", true, outputs, grain);
    parallel_for(0, outputs, grain, [&](std::int64_t begin, std::int64_t end) {
      walk_rows(plan, begin, end, [&](const std::int64_t* o, std::int64_t n) {
        for (std::int64_t i = 0; i < n; ++i) {
          dst[o[1] + i * out_step] = reduce_row(kernels, op, src + o[0] + i * in_step, rows, false);
        }
      });
    });
    return;
  }

  if (in_step == 1) {
    // reduce-outer: lanes walk a block of columns of the inner output dim down all rows.
    // Blocks are as wide as kReduceCols<T> (a page of each row per pass) but narrow enough
    // that every thread gets one; the width changes no bits (See kReduceCols).
    const std::int64_t cols = plan.inner();
    const std::int64_t batches = outputs / cols;
    const std::int64_t per_batch = (num_threads() + batches - 1) / batches;
    std::int64_t width = (cols + per_batch - 1) / per_batch;
    width = (width + kMinColBlock - 1) / kMinColBlock * kMinColBlock;
    width = std::clamp(width, kMinColBlock, kReduceCols<T>);
    const std::int64_t col_blocks = (cols + width - 1) / width;
    const std::int64_t units = batches * col_blocks;
    const std::int64_t unit_work = rows * std::min(cols, width);
    std::int64_t grain = std::max<std::int64_t>(1, loop_grain(work, kReduceGrain) / unit_work);
    report("reduce-outer", true, units, grain);
    parallel_for(0, units, grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t unit = begin; unit < end; ++unit) {
        std::int64_t first = unit / col_blocks * cols + unit % col_blocks * width;
        std::int64_t n_cols = std::min(width, cols - unit % col_blocks * width);
        walk_rows(plan, first, first + n_cols, [&](const std::int64_t* o, std::int64_t n) {
          alignas(64) T acc[static_cast<std::size_t>(kReduceCols<T>)];
          kernels.reduce_rows(op, src + o[0], row_stride, rows, acc, n);
          for (std::int64_t i = 0; i < n; ++i) {
            dst[o[1] + i * out_step] = acc[i];
          }
        });
      }
    });
    return;
  }

  // reduce-strided: nothing is contiguous; fold each output's column with the scalar table.
  const Kernels<T>& scalar = scalar_kernels().get<T>();
  std::int64_t grain = std::max<std::int64_t>(1, loop_grain(work, kReduceGrain) / rows);
  report("reduce-strided", false, outputs, grain);
  parallel_for(0, outputs, grain, [&](std::int64_t begin, std::int64_t end) {
    walk_rows(plan, begin, end, [&](const std::int64_t* o, std::int64_t n) {
      for (std::int64_t i = 0; i < n; ++i) {
        scalar.reduce_rows(op, src + o[0] + i * in_step, row_stride, rows,
                           dst + o[1] + i * out_step, 1);
      }
    });
  });
}

template void reduce_pairwise<float>(ReduceOp, const TensorData&, int, TensorData&);
template void reduce_pairwise<double>(ReduceOp, const TensorData&, int, TensorData&);

}  // namespace minitorch::cpu
