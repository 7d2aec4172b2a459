// Reductions over one dim on CUDA, in a fixed order: each output is folded the same way on
// every run (no atomics, no order that depends on timing or on the GPU model), so results are
// bitwise reproducible. The host views `in` as [outer, R, inner] when its layout allows it and
// picks a kernel:
//  - reduce_rows (R unit-stride, inner 1): a warp per row when rows are short, else a block per
//    row. Lanes stride through the row (16-byte vectors when aligned), each folds its elements
//    in order, then a shuffle tree folds the lanes and warp 0 folds the warps in order.
//    Few long rows (a full reduction) are split into fixed chunks: pass 1, grid (chunks,
//    rows), writes one partial per chunk; pass 2 is reduce_rows over the partials.
//  - reduce_cols (a kept dim is unit-stride): lanes take 32 adjacent columns (coalesced),
//    threadIdx.y takes rows y, y+8, ...; shared memory folds the 8 partials in y order. With
//    few columns the rows are split over gridDim.y into partial rows and folded by a second
//    reduce_cols pass.
//  - reduce_strided: any other layout; a thread per output element, 64-bit index math.
// Every kernel folds In elements in accumulators of type T and stores Out: T, or for float16
// and bfloat16 inputs (T float32) the input's own dtype, each result rounded once on store.
#include <cuda_runtime.h>

#include <algorithm>
#include <type_traits>

#include "backends/backend.h"
#include "backends/cuda/cuda_allocator.h"
#include "backends/cuda/cuda_elementwise.cuh"
#include "backends/cuda/cuda_kernels.h"

namespace minitorch::cuda {
namespace {

constexpr int kWarp = 32;
constexpr int kBlock = 256;
constexpr int kColRows = 8;

template <class T, class Fn>
__device__ __forceinline__ T warp_fold(const Fn& fn, T acc) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset /= 2) {
    acc = fn(acc, __shfl_down_sync(0xffffffffu, acc, offset));
  }
  return acc;
}

// Folds p[begin, end) into this thread's accumulator of type T: thread t of n takes elements
// (or 16-byte vectors of V) t, t + n, ... in order, four loads in flight.
template <class T, class In, class Fn, bool kVec>
__device__ __forceinline__ T fold_range(const Fn& fn, const In* p, std::int64_t begin,
                                        std::int64_t end, int t, int n) {
  T acc = Fn::template identity<T>();
  if constexpr (kVec) {
    constexpr int V = 16 / sizeof(In);
    const auto* pv = reinterpret_cast<const Pack<In, V>*>(p + begin);
    std::int64_t nv = (end - begin) / V;
    std::int64_t i = t;
    for (; i + 3 * n < nv; i += 4 * n) {
      Pack<In, V> x[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        x[u] = pv[i + u * n];
      }
#pragma unroll
      for (int u = 0; u < 4; ++u) {
#pragma unroll
        for (int e = 0; e < V; ++e) {
          acc = fn(acc, static_cast<T>(x[u].v[e]));
        }
      }
    }
    for (; i < nv; i += n) {
      Pack<In, V> x = pv[i];
#pragma unroll
      for (int e = 0; e < V; ++e) {
        acc = fn(acc, static_cast<T>(x.v[e]));
      }
    }
  } else {
    std::int64_t i = begin + t;
    for (; i + 3 * n < end; i += 4 * n) {
      T x[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        x[u] = static_cast<T>(p[i + u * n]);
      }
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        acc = fn(acc, x[u]);
      }
    }
    for (; i < end; i += n) {
      acc = fn(acc, static_cast<T>(p[i]));
    }
  }
  return acc;
}

// Folds the block's per-thread accumulators: lanes by shuffle tree, then warps in order.
template <class T, class Fn>
__device__ __forceinline__ T block_fold(const Fn& fn, T acc) {
  __shared__ T warp_acc[kBlock / kWarp];
  acc = warp_fold(fn, acc);
  int lane = static_cast<int>(threadIdx.x) % kWarp;
  int warp = static_cast<int>(threadIdx.x) / kWarp;
  if (lane == 0) {
    warp_acc[warp] = acc;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    acc = warp_acc[0];
#pragma unroll
    for (int w = 1; w < kBlock / kWarp; ++w) {
      acc = fn(acc, warp_acc[w]);
    }
  }
  return acc;
}

// A warp per row: block of 8 warps = 8 rows.
template <class T, class In, class Out, class Fn, bool kVec>
__global__ void __launch_bounds__(kBlock)
    reduce_rows_warp(Fn fn, const In* in, Out* out, std::int64_t rows, std::int64_t len,
                     std::int64_t row_stride, std::int64_t out_stride) {
  int lane = static_cast<int>(threadIdx.x) % kWarp;
  std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * (kBlock / kWarp) +
      static_cast<int>(threadIdx.x) / kWarp;
  T acc = Fn::template identity<T>();
  if (row < rows) {
    acc = fold_range<T, In, Fn, kVec>(fn, in + row * row_stride, 0, len, lane, kWarp);
  }
  acc = warp_fold(fn, acc);
  if (row < rows && lane == 0) {
    out[row * out_stride] = cast_value<Out>(acc);
  }
}

// A block per (row, chunk of `chunk` elements): blockIdx.x = row * chunks + chunk index.
// out[row * out_stride + chunk index] gets the chunk's fold.
template <class T, class In, class Out, class Fn, bool kVec>
__global__ void __launch_bounds__(kBlock)
    reduce_rows_block(Fn fn, const In* in, Out* out, std::int64_t len, std::int64_t row_stride,
                      std::int64_t out_stride, std::int64_t chunk, std::int64_t chunks) {
  std::int64_t row = blockIdx.x / chunks;
  std::int64_t c = blockIdx.x % chunks;
  std::int64_t begin = c * chunk;
  std::int64_t end = begin + chunk < len ? begin + chunk : len;
  T acc = fold_range<T, In, Fn, kVec>(fn, in + row * row_stride, begin, end,
                                      static_cast<int>(threadIdx.x), kBlock);
  acc = block_fold(fn, acc);
  if (threadIdx.x == 0) {
    out[row * out_stride + c] = cast_value<Out>(acc);
  }
}

// Columns: out[o, c] (+ split) = fold over rows r of in[o, r, c]. Block 32 x 8; grid x =
// column blocks * outer, grid y = row splits of rows_per_split rows each.
template <class T, class In, class Out, class Fn>
__global__ void __launch_bounds__(kWarp* kColRows)
    reduce_cols(Fn fn, const In* in, Out* out, std::int64_t inner, std::int64_t len,
                std::int64_t rows_per_split, std::int64_t in_outer, std::int64_t in_row,
                std::int64_t in_col, std::int64_t out_outer, std::int64_t out_col,
                std::int64_t out_split) {
  __shared__ T partial[kColRows][kWarp + 1];
  std::int64_t col_blocks = (inner + kWarp - 1) / kWarp;
  std::int64_t o = blockIdx.x / col_blocks;
  std::int64_t col = (blockIdx.x % col_blocks) * kWarp + threadIdx.x;
  std::int64_t r_begin = static_cast<std::int64_t>(blockIdx.y) * rows_per_split;
  std::int64_t r_end = r_begin + rows_per_split < len ? r_begin + rows_per_split : len;
  T acc = Fn::template identity<T>();
  if (col < inner) {
    const In* p = in + o * in_outer + col * in_col;
    std::int64_t r = r_begin + threadIdx.y;
    for (; r + 3 * kColRows < r_end; r += 4 * kColRows) {
      T x[4];
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        x[u] = static_cast<T>(p[(r + u * kColRows) * in_row]);
      }
#pragma unroll
      for (int u = 0; u < 4; ++u) {
        acc = fn(acc, x[u]);
      }
    }
    for (; r < r_end; r += kColRows) {
      acc = fn(acc, static_cast<T>(p[r * in_row]));
    }
  }
  partial[threadIdx.y][threadIdx.x] = acc;
  __syncthreads();
  if (threadIdx.y == 0 && col < inner) {
    acc = partial[0][threadIdx.x];
#pragma unroll
    for (int y = 1; y < kColRows; ++y) {
      acc = fn(acc, partial[y][threadIdx.x]);
    }
    out[o * out_outer + col * out_col + blockIdx.y * out_split] = cast_value<Out>(acc);
  }
}

struct StridedReduce {
  int ndim;
  std::int64_t out_sizes[kMaxDims];  // innermost first; the reduced dim has size 1
  std::int64_t out_strides[kMaxDims];
  std::int64_t in_strides[kMaxDims];
  std::int64_t len;
  std::int64_t in_reduce_stride;
};

template <class T, class In, class Out, class Fn>
__global__ void __launch_bounds__(kBlock)
    reduce_strided(Fn fn, const In* in, Out* out, std::int64_t n_out, StridedReduce g) {
  std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * kBlock + threadIdx.x;
  if (i >= n_out) {
    return;
  }
  std::int64_t in_offset = 0;
  std::int64_t out_offset = 0;
  std::int64_t linear = i;
  for (int d = 0; d < g.ndim; ++d) {
    std::int64_t r = linear % g.out_sizes[d];
    linear /= g.out_sizes[d];
    in_offset += r * g.in_strides[d];
    out_offset += r * g.out_strides[d];
  }
  T acc = Fn::template identity<T>();
  for (std::int64_t r = 0; r < g.len; ++r) {
    acc = fn(acc, static_cast<T>(in[in_offset + r * g.in_reduce_stride]));
  }
  out[out_offset] = cast_value<Out>(acc);
}

// Dims [begin, end) of in (and the same dims of out) merged into one: size, innermost strides.
struct Group {
  std::int64_t size = 1;
  std::int64_t in_stride = 0;
  std::int64_t out_stride = 0;
  bool ok = true;
};

Group merge_group(const TensorData& in, const TensorData& out, int begin, int end) {
  Group g;
  bool first = true;
  for (int d = end - 1; d >= begin; --d) {
    std::int64_t size = in.shape()[d];
    if (size == 1) {
      continue;
    }
    if (first) {
      g = Group{size, in.strides()[d], out.strides()[d], true};
      first = false;
    } else if (in.strides()[d] == g.in_stride * g.size &&
               out.strides()[d] == g.out_stride * g.size) {
      g.size *= size;
    } else {
      g.ok = false;
    }
  }
  return g;
}

// Scratch device memory for partial results on device, returned to the cache when done: the
// block is kept for device's stream, which runs the reduction, so stream order makes that safe.
class Workspace {
 public:
  Workspace(std::int64_t nbytes, Device device)
      : nbytes_(nbytes), device_(device), ptr_(caching_allocator().allocate(nbytes, device)) {}
  ~Workspace() { caching_allocator().deallocate(ptr_, nbytes_, device_); }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  template <class T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }

 private:
  std::int64_t nbytes_;
  Device device_;
  void* ptr_;
};

void report(const char* path, std::int64_t threads) {
  primitive_report() =
      PrimitiveReport{path, "cuda", static_cast<int>(std::min<std::int64_t>(threads, 1 << 30))};
}

template <class T, class In, class Out, class Fn>
void rows(Fn fn, const In* in, Out* out, std::int64_t nrows, std::int64_t len,
          std::int64_t row_stride, std::int64_t out_stride, Device device,
          const OpContext& context) {
  cudaStream_t stream = current_stream(device.index());
  constexpr int V = 16 / sizeof(In);
  bool vec = len % V == 0 && row_stride % V == 0 && aligned(in, 16);
  // Few long rows: split each into chunks so that the grid fills the GPU. The split depends
  // only on the shape, so the order of the fold is fixed.
  std::int64_t chunks = std::clamp<std::int64_t>(ceil_div(1024, nrows), 1, ceil_div(len, 8192));
  if (chunks > 1) {
    std::int64_t chunk = ceil_div(ceil_div(len, chunks), 4 * V * kBlock) * (4 * V * kBlock);
    chunks = ceil_div(len, chunk);
    Workspace partial(nrows * chunks * static_cast<std::int64_t>(sizeof(T)), device);
    report("cuda_reduce_split", chunks * nrows * kBlock);
    auto grid = static_cast<unsigned>(chunks * nrows);
    if (vec) {
      reduce_rows_block<T, In, T, Fn, true><<<grid, kBlock, 0, stream>>>(
          fn, in, partial.as<T>(), len, row_stride, chunks, chunk, chunks);
    } else {
      reduce_rows_block<T, In, T, Fn, false><<<grid, kBlock, 0, stream>>>(
          fn, in, partial.as<T>(), len, row_stride, chunks, chunk, chunks);
    }
    check_launch("reduce_rows_block", context);
    rows<T, T, Out, Fn>(fn, partial.as<T>(), out, nrows, chunks, chunks, out_stride, device,
                        context);
    return;
  }
  if (len <= 2048) {
    auto grid = static_cast<unsigned>(ceil_div(nrows, kBlock / kWarp));
    report("cuda_reduce_warp_inner", grid * kBlock);
    if (vec) {
      reduce_rows_warp<T, In, Out, Fn, true>
          <<<grid, kBlock, 0, stream>>>(fn, in, out, nrows, len, row_stride, out_stride);
    } else {
      reduce_rows_warp<T, In, Out, Fn, false>
          <<<grid, kBlock, 0, stream>>>(fn, in, out, nrows, len, row_stride, out_stride);
    }
    check_launch("reduce_rows_warp", context);
    return;
  }
  // A block per row: the "chunk" is the whole row and out_stride steps rows.
  report("cuda_reduce_block_inner", nrows * kBlock);
  auto grid = static_cast<unsigned>(nrows);
  if (vec) {
    reduce_rows_block<T, In, Out, Fn, true>
        <<<grid, kBlock, 0, stream>>>(fn, in, out, len, row_stride, out_stride, len, 1);
  } else {
    reduce_rows_block<T, In, Out, Fn, false>
        <<<grid, kBlock, 0, stream>>>(fn, in, out, len, row_stride, out_stride, len, 1);
  }
  check_launch("reduce_rows_block", context);
}

template <class T, class In, class Out, class Fn>
void cols(Fn fn, const In* in, Out* out, std::int64_t outer, std::int64_t len, std::int64_t inner,
          std::int64_t in_outer, std::int64_t in_row, std::int64_t in_col, std::int64_t out_outer,
          std::int64_t out_col, Device device, const OpContext& context) {
  cudaStream_t stream = current_stream(device.index());
  std::int64_t blocks = outer * ceil_div(inner, kWarp);
  std::int64_t splits =
      std::clamp<std::int64_t>(ceil_div(1024, blocks), 1, std::max<std::int64_t>(1, len / 256));
  std::int64_t rows_per_split = ceil_div(len, splits);
  splits = ceil_div(len, std::max<std::int64_t>(rows_per_split, 1));
  dim3 block(kWarp, kColRows);
  if (splits > 1) {
    // Pass 1 writes partial[o, split, c]; pass 2 folds the splits in order.
    Workspace partial(outer * splits * inner * static_cast<std::int64_t>(sizeof(T)), device);
    report("cuda_reduce_cols_split", blocks * splits * kWarp * kColRows);
    reduce_cols<T, In, T, Fn>
        <<<dim3(static_cast<unsigned>(blocks), static_cast<unsigned>(splits)), block, 0, stream>>>(
            fn, in, partial.as<T>(), inner, len, rows_per_split, in_outer, in_row, in_col,
            splits * inner, 1, inner);
    check_launch("reduce_cols", context);
    reduce_cols<T, T, Out, Fn><<<static_cast<unsigned>(blocks), block, 0, stream>>>(
        fn, partial.as<T>(), out, inner, splits, splits, splits * inner, inner, 1, out_outer,
        out_col, 0);
    check_launch("reduce_cols", context);
    return;
  }
  report("cuda_reduce_cols", blocks * kWarp * kColRows);
  reduce_cols<T, In, Out, Fn><<<static_cast<unsigned>(blocks), block, 0, stream>>>(
      fn, in, out, inner, len, std::max<std::int64_t>(len, 1), in_outer, in_row, in_col, out_outer,
      out_col, 0);
  check_launch("reduce_cols", context);
}

template <class T, class In, class Out, class Fn>
void strided(Fn fn, const TensorData& in, int dim, TensorData& out, const OpContext& context) {
  StridedReduce g{};
  for (int d = out.ndim() - 1; d >= 0; --d) {
    g.out_sizes[g.ndim] = out.shape()[d];
    g.out_strides[g.ndim] = out.strides()[d];
    g.in_strides[g.ndim] = d == dim ? 0 : in.strides()[d];
    ++g.ndim;
  }
  g.len = in.shape()[dim];
  g.in_reduce_stride = in.strides()[dim];
  std::int64_t n_out = out.numel();
  auto grid = static_cast<unsigned>(ceil_div(n_out, kBlock));
  report("cuda_reduce_strided", n_out);
  cudaStream_t stream = stream_of(out);
  reduce_strided<T, In, Out, Fn><<<grid, kBlock, 0, stream>>>(
      fn, static_cast<const In*>(in.data_ptr()), static_cast<Out*>(out.data_ptr()), n_out, g);
  check_launch("reduce_strided", context);
}

// Folds In elements in T; stores Out (T, or the 16-bit In rounded once from the float32 fold).
template <class T, class In, class Out, class Fn>
void reduce_typed(Fn fn, const TensorData& in, int dim, TensorData& out, const OpContext& context) {
  if (out.numel() == 0) {
    report("cuda_empty", 0);
    return;
  }
  const In* in_ptr = static_cast<const In*>(in.data_ptr());
  Out* out_ptr = static_cast<Out*>(out.data_ptr());
  Group outer = merge_group(in, out, 0, dim);
  Group inner = merge_group(in, out, dim + 1, in.ndim());
  std::int64_t len = in.shape()[dim];
  std::int64_t s_r = len <= 1 ? 1 : in.strides()[dim];
  if (outer.ok && inner.ok && len > 0) {
    if (inner.size == 1 && s_r == 1) {
      rows<T, In, Out, Fn>(fn, in_ptr, out_ptr, outer.size, len, outer.in_stride, outer.out_stride,
                           out.device(), context);
      return;
    }
    if (inner.size > 1 && inner.in_stride == 1) {
      cols<T, In, Out, Fn>(fn, in_ptr, out_ptr, outer.size, len, inner.size, outer.in_stride, s_r,
                           1, outer.out_stride, inner.out_stride, out.device(), context);
      return;
    }
    if (inner.size == 1 && outer.size > 1 && outer.in_stride == 1) {
      // A transposed input: the kept dim is the unit-stride one, so fold across columns.
      cols<T, In, Out, Fn>(fn, in_ptr, out_ptr, 1, len, outer.size, 0, s_r, 1, 0, outer.out_stride,
                           out.device(), context);
      return;
    }
  }
  strided<T, In, Out, Fn>(fn, in, dim, out, context);
}

}  // namespace

void launch_reduce(ReduceOp op, const TensorData& in, int dim, TensorData& out,
                   const OpContext& context) {
  if (is_reduced_float(in.dtype())) {
    // Note [Reduced floats]: 16-bit inputs read as they are, folded in float32, stored as
    // float32 or rounded once to the input's dtype.
    dispatch_dtype(in.dtype(), [&](auto in_t) {
      using In = decltype(in_t);
      if constexpr (std::is_same_v<In, Half> || std::is_same_v<In, BFloat16>) {
        dispatch_reduce(op, [&](auto fn) {
          if (out.dtype() == DType::Float32) {
            reduce_typed<float, In, float>(fn, in, dim, out, context);
          } else {
            reduce_typed<float, In, In>(fn, in, dim, out, context);
          }
        });
      }
    });
    return;
  }
  dispatch_floating(out.dtype(), [&](auto t) {
    using T = decltype(t);
    dispatch_reduce(op, [&](auto fn) { reduce_typed<T, T, T>(fn, in, dim, out, context); });
  });
}

}  // namespace minitorch::cuda
