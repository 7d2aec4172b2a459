// gather and scatter_add on CUDA (Note [Index primitives] in backend.h), deterministic:
//  - gather_kernel: one thread per output element (grid-stride), 64-bit index math over up
//    to kMaxDims dims. Consecutive threads take consecutive output elements, so out's writes
//    and, for an index_select of rows, in's reads are coalesced.
//  - scatter_add_kernel: one thread per column (a coordinate off dim; the scatter keeps it, so
//    no two threads write the same output element) walking dim in increasing order: each
//    output element receives its contributions in the reference's order, with no atomics, on
//    every run. Consecutive threads take consecutive columns: for index_add over dim 0 (the
//    embedding's backward) a warp adds 32 adjacent elements of a src row into a row of out.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "backends/backend.h"
#include "backends/cuda/cuda_kernels.h"

namespace minitorch::cuda {
namespace {

constexpr int kIndexThreads = 256;

// Up to three operands over one shape (innermost last); strides in elements.
struct IndexGeometry {
  int ndim = 0;
  std::int64_t sizes[kMaxDims] = {};
  std::int64_t strides[3][kMaxDims] = {};
};

__device__ __forceinline__ void offsets_at(std::int64_t linear, const IndexGeometry& g,
                                           std::int64_t (&offset)[3]) {
  offset[0] = offset[1] = offset[2] = 0;
  for (int d = g.ndim - 1; d >= 0; --d) {
    std::int64_t size = g.sizes[d];
    std::int64_t i = linear % size;
    linear /= size;
    offset[0] += i * g.strides[0][d];
    offset[1] += i * g.strides[1][d];
    offset[2] += i * g.strides[2][d];
  }
}

// Operands: 0 out, 1 index, 2 in with its stride along dim set to 0 (added per element).
template <class T>
__global__ void gather_kernel(IndexGeometry g, std::int64_t numel, std::int64_t dim_stride, T* out,
                              const std::int64_t* index, const T* in) {
  std::int64_t step = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < numel;
       i += step) {
    std::int64_t offset[3];
    offsets_at(i, g, offset);
    out[offset[0]] = in[offset[2] + index[offset[1]] * dim_stride];
  }
}

// Operands over the columns: 0 src, 1 index, 2 out. Along dim: src, index and out strides.
template <class T>
__global__ void scatter_add_kernel(IndexGeometry g, std::int64_t columns, std::int64_t length,
                                   std::int64_t src_dim, std::int64_t index_dim,
                                   std::int64_t out_dim, const T* src, const std::int64_t* index,
                                   T* out) {
  std::int64_t step = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t c = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       c < columns; c += step) {
    std::int64_t offset[3];
    offsets_at(c, g, offset);
    const T* s = src + offset[0];
    const std::int64_t* x = index + offset[1];
    T* o = out + offset[2];
    for (std::int64_t j = 0; j < length; ++j) {
      o[x[j * index_dim] * out_dim] += s[j * src_dim];
    }
  }
}

unsigned blocks_for(std::int64_t work, const TensorData& out) {
  std::int64_t blocks = (work + kIndexThreads - 1) / kIndexThreads;
  return static_cast<unsigned>(
      std::clamp<std::int64_t>(blocks, 1, 32LL * sm_count(out.device().index())));
}

template <class T>
void gather_typed(const TensorData& in, int dim, const TensorData& index, TensorData& out,
                  const OpContext& context) {
  IndexGeometry g;
  g.ndim = out.ndim();
  for (int d = 0; d < g.ndim; ++d) {
    g.sizes[d] = out.shape()[d];
    g.strides[0][d] = out.strides()[d];
    g.strides[1][d] = index.strides()[d];
    g.strides[2][d] = d == dim ? 0 : in.strides()[d];
  }
  gather_kernel<T><<<blocks_for(out.numel(), out), kIndexThreads, 0, stream_of(out)>>>(
      g, out.numel(), in.strides()[dim], static_cast<T*>(out.data_ptr()),
      static_cast<const std::int64_t*>(index.data_ptr()), static_cast<const T*>(in.data_ptr()));
  check_launch("gather_kernel", context);
}

template <class T>
void scatter_add_typed(const TensorData& src, int dim, const TensorData& index, TensorData& out,
                       const OpContext& context) {
  IndexGeometry g;
  std::int64_t columns = 1;
  for (int d = 0; d < src.ndim(); ++d) {
    if (d == dim) {
      continue;
    }
    g.sizes[g.ndim] = src.shape()[d];
    g.strides[0][g.ndim] = src.strides()[d];
    g.strides[1][g.ndim] = index.strides()[d];
    g.strides[2][g.ndim] = out.strides()[d];
    columns *= src.shape()[d];
    ++g.ndim;
  }
  scatter_add_kernel<T><<<blocks_for(columns, out), kIndexThreads, 0, stream_of(out)>>>(
      g, columns, src.shape()[dim], src.strides()[dim], index.strides()[dim], out.strides()[dim],
      static_cast<const T*>(src.data_ptr()), static_cast<const std::int64_t*>(index.data_ptr()),
      static_cast<T*>(out.data_ptr()));
  check_launch("scatter_add_kernel", context);
}

}  // namespace

void launch_gather(const TensorData& in, int dim, const TensorData& index, TensorData& out,
                   const OpContext& context) {
  primitive_report() = PrimitiveReport{"cuda_gather", "cuda", 1};
  if (out.numel() == 0) {
    return;
  }
  dispatch_dtype(out.dtype(),
                 [&](auto t) { gather_typed<decltype(t)>(in, dim, index, out, context); });
}

void launch_scatter_add(const TensorData& src, int dim, const TensorData& index, TensorData& out,
                        const OpContext& context) {
  primitive_report() = PrimitiveReport{"cuda_scatter_add", "cuda", 1};
  if (src.numel() == 0) {
    return;
  }
  if (out.dtype() == kInt64) {
    scatter_add_typed<std::int64_t>(src, dim, index, out, context);
    return;
  }
  dispatch_floating(
      out.dtype(), [&](auto t) { scatter_add_typed<decltype(t)>(src, dim, index, out, context); },
      "scatter_add");
}

}  // namespace minitorch::cuda
