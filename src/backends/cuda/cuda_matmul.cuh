// What the CUDA matmul kernels share (cuda_matmul.cu, cuda_matmul_tf32.cu): the walk over
// batch dims, and the TF32 kernel's entry point, which cuda_matmul.cu's dispatch calls.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/cuda_check.h"
#include "minitorch/shape.h"

namespace minitorch::cuda {

/// The batch dims of out (size-1 dims dropped), innermost first, with each operand's stride
/// (0 where it is broadcast). Batch z maps to gridDim.z, in a grid-stride loop.
struct MatmulBatch {
  int ndim = 0;
  std::int64_t sizes[kMaxDims] = {};
  std::int64_t a[kMaxDims] = {};
  std::int64_t b[kMaxDims] = {};
  std::int64_t c[kMaxDims] = {};
  std::int64_t count = 1;
};

__device__ __forceinline__ void batch_offsets(const MatmulBatch& g, std::int64_t z, std::int64_t& a,
                                              std::int64_t& b, std::int64_t& c) {
  a = 0;
  b = 0;
  c = 0;
  for (int d = 0; d < g.ndim; ++d) {
    std::int64_t r = z % g.sizes[d];
    z /= g.sizes[d];
    a += r * g.a[d];
    b += r * g.b[d];
    c += r * g.c[d];
  }
}

/// One float32 matmul for the TF32 kernel, in the tiled kernel's terms: A is row-major
/// (a_row, lda = its row stride) or column-major (lda = its column stride), B likewise, C
/// row-major with unit column stride; rows of A and B 16-byte aligned (cp.async), M, N, K
/// below 2^30 and M, N, K >= 1.
struct MatmulTf32Args {
  const float* a = nullptr;
  const float* b = nullptr;
  float* c = nullptr;
  int m = 0;
  int n = 0;
  int k = 0;
  std::int64_t lda = 0;
  std::int64_t ldb = 0;
  std::int64_t ldc = 0;
  bool a_row = true;
  bool b_row = true;
  MatmulBatch batch;
  cudaStream_t stream = nullptr;  ///< the output's device stream (Note [CUDA streams])
};

/// Queues the TF32 tensor-core matmul (cuda_matmul_tf32.cu) on args.stream.
void launch_matmul_tf32(const MatmulTf32Args& args, const OpContext& context);

}  // namespace minitorch::cuda
