// The scalar kernel table (built for baseline x86-64) and the choice of SIMD level. Program
// nodes run the descriptors (node_scalar.h), so they equal the reference bit for bit;
// reductions emulate the lanes of Note [Reduction order], so they equal the SIMD levels.
// The streaming-store threshold (kernels.h) lives here too, beside the active level.
#include <atomic>

#include "backends/cpu/kernels.h"
#include "backends/cpu/node_scalar.h"
#include "minitorch/config.h"

namespace minitorch::cpu {
namespace {

template <class T, class Fn>
T reduce_leaf(Fn fn, const T* x, std::int64_t n) {
  constexpr std::int64_t kK = kReduceLanes<T>;
  T lanes[static_cast<std::size_t>(kK)];
  for (T& lane : lanes) {
    lane = Fn::template identity<T>();
  }
  for (std::int64_t i = 0; i < n; ++i) {
    lanes[i % kK] = fn(lanes[i % kK], x[i]);
  }
  for (std::int64_t half = kK / 2; half >= 1; half /= 2) {
    for (std::int64_t j = 0; j < half; ++j) {
      lanes[j] = fn(lanes[j], lanes[j + half]);
    }
  }
  return lanes[0];
}

template <class T, class Fn>
T reduce_pairwise(Fn fn, const T* x, std::int64_t n) {
  if (n <= kReduceLeaf<T>) {
    return reduce_leaf(fn, x, n);
  }
  std::int64_t half = n / 2 / kReduceLanes<T> * kReduceLanes<T>;
  return fn(reduce_pairwise(fn, x, half), reduce_pairwise(fn, x + half, n - half));
}

template <class T>
T reduce_block_scalar(ReduceOp op, const T* x, std::int64_t n) {
  return dispatch_reduce(op, [&](auto fn) { return reduce_pairwise(fn, x, n); });
}

template <class T, class Fn>
void reduce_rows_pairwise(Fn fn, const T* in, std::int64_t row_stride, std::int64_t rows, T* acc,
                          std::int64_t cols) {
  if (rows <= kReduceRowLeaf) {
    for (std::int64_t c = 0; c < cols; ++c) {
      T a = Fn::template identity<T>();
      for (std::int64_t r = 0; r < rows; ++r) {
        a = fn(a, in[r * row_stride + c]);
      }
      acc[c] = a;
    }
    return;
  }
  std::int64_t half = rows / 2;
  reduce_rows_pairwise(fn, in, row_stride, half, acc, cols);
  T other[static_cast<std::size_t>(kReduceCols<T>)];
  reduce_rows_pairwise(fn, in + half * row_stride, row_stride, rows - half, other, cols);
  for (std::int64_t c = 0; c < cols; ++c) {
    acc[c] = fn(acc[c], other[c]);
  }
}

template <class T>
void reduce_rows_scalar(ReduceOp op, const T* in, std::int64_t row_stride, std::int64_t rows,
                        T* out, std::int64_t cols) {
  dispatch_reduce(op, [&](auto fn) { reduce_rows_pairwise(fn, in, row_stride, rows, out, cols); });
}

template <class T>
typename Kernels<T>::ProgramKernel no_program_kernel(const Program&, bool) {
  return nullptr;
}

template <class T>
typename Kernels<T>::OpKernel scalar_op_kernel(OpCode op, bool) {
  static constexpr auto table = op_kernels<ScalarRow<T>>(std::make_index_sequence<kOpCount>{});
  return table[static_cast<std::size_t>(op)];
}

template <class T>
Kernels<T> scalar_kernels_for() {
  return {&node_scalar<T>, &scalar_op_kernel<T>, &no_program_kernel<T>, &reduce_block_scalar<T>,
          &reduce_rows_scalar<T>};
}

// MINITORCH_SIMD lowers the level (never raises it above the CPU's).
SimdLevel initial_level() {
  const SimdLevel best = max_simd_level();
  const SimdLevel wanted = config::simd().value_or(best);
  return wanted < best ? wanted : best;
}

std::atomic<const KernelTable*>& active_table() {
  static std::atomic<const KernelTable*> table{nullptr};
  return table;
}

const KernelTable& table_for(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512:
      return avx512_kernels();
    case SimdLevel::Avx2:
      return avx2_kernels();
    case SimdLevel::Scalar:
      break;
  }
  return scalar_kernels();
}

}  // namespace

const KernelTable& scalar_kernels() {
  static const KernelTable table{SimdLevel::Scalar, scalar_kernels_for<float>(),
                                 scalar_kernels_for<double>()};
  return table;
}

SimdLevel max_simd_level() { return cpu_features().best_level(); }

const KernelTable& active_kernels() {
  const KernelTable* table = active_table().load(std::memory_order_acquire);
  if (table == nullptr) {
    table = &table_for(initial_level());
    active_table().store(table, std::memory_order_release);
  }
  return *table;
}

SimdLevel simd_level() { return active_kernels().level; }

void set_simd_level(SimdLevel level) {
  if (level > max_simd_level()) {
    level = max_simd_level();
  }
  active_table().store(&table_for(level), std::memory_order_release);
}

namespace {
// -1 until first read: config's value is read once, not per call (its cache takes a lock).
std::atomic<std::int64_t> stream_threshold{-1};
}  // namespace

std::int64_t stream_store_bytes() {
  std::int64_t bytes = stream_threshold.load(std::memory_order_relaxed);
  if (bytes < 0) {
    bytes = config::stream_store_bytes();
    stream_threshold.store(bytes, std::memory_order_relaxed);
  }
  return bytes;
}

void set_stream_store_bytes(std::int64_t bytes) {
  stream_threshold.store(bytes, std::memory_order_relaxed);
}

}  // namespace minitorch::cpu
