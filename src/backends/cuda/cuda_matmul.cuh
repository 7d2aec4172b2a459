// What the CUDA matmul kernels share (cuda_matmul.cu, cuda_matmul_tf32.cu,
// cuda_matmul_half.cu): the walk over batch dims, and the entry points of the TF32 and the
// bfloat16/float16 kernels, which cuda_matmul.cu's dispatch calls. Host code may include it
// (tests, benchmarks): the device functions are compiled by nvcc alone.
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

#ifdef __CUDACC__
/// The tile of out this block computes. Grouped order: consecutive blocks walk 8 block-rows
/// down a column before moving right, so the A and B panels in flight at once are shared by
/// more blocks (L2 reuse). The block index is read with volatile asm so that the epilogue
/// recomputes the origin instead of keeping it in registers through the main loop.
template <int kTileM, int kTileN>
__device__ __forceinline__ void tile_origin(bool grouped, int& m0, int& n0) {
  unsigned bx;
  unsigned by;
  asm volatile("mov.u32 %0, %%ctaid.x;" : "=r"(bx));
  asm volatile("mov.u32 %0, %%ctaid.y;" : "=r"(by));
  int block_m = static_cast<int>(by);
  int block_n = static_cast<int>(bx);
  if (grouped) {
    constexpr int kGroup = 8;
    const int grid_n = static_cast<int>(gridDim.x);
    const int grid_m = static_cast<int>(gridDim.y);
    const int id = block_m * grid_n + block_n;
    const int first_m = id / (kGroup * grid_n) * kGroup;
    const int rows = grid_m - first_m < kGroup ? grid_m - first_m : kGroup;
    const int local = id % (kGroup * grid_n);
    block_m = first_m + local % rows;
    block_n = local / rows;
  }
  m0 = block_m * kTileM;
  n0 = block_n * kTileN;
}

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
#endif

/// One float32 matmul for the TF32 kernel and the FP32 cp.async kernel, in the tiled kernel's
/// terms: A is row-major
/// (a_row, lda = its row stride) or column-major (lda = its column stride), B likewise, C
/// row-major with unit column stride; rows of A and B 16-byte aligned (cp.async), M, N, K
/// below 2^30 and M, N, K >= 1.
struct MatmulFloatArgs {
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
void launch_matmul_tf32(const MatmulFloatArgs& args, const OpContext& context);

/// Whether the FP32 cp.async kernel (cuda_matmul_async.cu, Note [FP32 cp.async matmul]) takes
/// args: A and B row-major, M and N multiples of 128, K of 16, B's and C's rows 16-byte
/// aligned, and enough 128x128 tiles to fill sm_count multiprocessors three blocks each.
bool matmul_async_takes(const MatmulFloatArgs& args, int sm_count);

/// Queues the FP32 cp.async matmul on args.stream (blocks in grouped order when `grouped`).
/// The same bits as cuda_matmul.cu's matmul_tiled: one increasing-k fma chain per element.
void launch_matmul_async(const MatmulFloatArgs& args, bool grouped, const OpContext& context);

/// The 16-bit floating-point formats of the half-precision matmul, stored as raw bits
/// (std::uint16_t): bfloat16 (8 exponent, 7 mantissa bits) or IEEE float16 (5 and 10).
enum class HalfFormat { BFloat16, Float16 };

/// One bfloat16 or float16 matmul for the tensor-core kernel (cuda_matmul_half.cu): out =
/// a @ b with a, b and out all in `format`, products summed in float32 in a fixed k order and
/// rounded to the format (to nearest, ties to even) on store. Layouts as MatmulFloatArgs: A
/// row-major (a_row, lda = its row stride) or column-major (lda = its column stride), B
/// likewise, C row-major with row stride ldc and unit column stride. Preconditions (cp.async
/// copies 16 bytes = 8 elements; launch_matmul_half throws InternalError when one fails):
///  - a and b 16-byte aligned, lda and ldb multiples of 8, and every batch stride of A and B a
///    multiple of 8: every row (column) of A and B starts 16-byte aligned;
///  - 0 <= M, N, K < 2^30 and M <= 65535 * 128 (block rows go to gridDim.y); any M, N, K
///    otherwise (edge chunks are read in part and zero-filled, so K need not be a multiple of
///    8 when lda is); size 0 is handled (nothing to do for M, N or a batch of 0; zeros for
///    K = 0);
///  - c at least 2-byte aligned; any ldc and batch strides of C.
/// Everything else goes to launch_matmul_half_strided.
struct MatmulHalfArgs {
  const std::uint16_t* a = nullptr;
  const std::uint16_t* b = nullptr;
  std::uint16_t* c = nullptr;
  HalfFormat format = HalfFormat::BFloat16;
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

/// Whether launch_matmul_half takes args (the preconditions above).
bool matmul_half_supported(const MatmulHalfArgs& args);

/// Queues the bfloat16/float16 tensor-core matmul (cuda_matmul_half.cu) on args.stream.
/// Throws InternalError where !matmul_half_supported(args).
void launch_matmul_half(const MatmulHalfArgs& args, const OpContext& context);

/// One bfloat16 or float16 matmul with any element strides: element (i, k) of A is at
/// a[i * am + k * ak], (k, j) of B at b[k * bk + j * bn], (i, j) of C at c[i * cm + j * cn]
/// (plus the batch offsets). The same arithmetic as MatmulHalfArgs (float32 sums in
/// increasing k, rounded to nearest even on store) on plain FMA units, so results can differ
/// from the tensor-core kernel's in the last bit of float32 (and then of the output).
/// 0 <= M, N, K < 2^31 and M <= 65535 * 64 (else InternalError); size 0 handled as above.
struct MatmulHalfStridedArgs {
  const std::uint16_t* a = nullptr;
  const std::uint16_t* b = nullptr;
  std::uint16_t* c = nullptr;
  HalfFormat format = HalfFormat::BFloat16;
  int m = 0;
  int n = 0;
  int k = 0;
  std::int64_t am = 0;
  std::int64_t ak = 0;
  std::int64_t bk = 0;
  std::int64_t bn = 0;
  std::int64_t cm = 0;
  std::int64_t cn = 0;
  MatmulBatch batch;
  cudaStream_t stream = nullptr;  ///< the output's device stream (Note [CUDA streams])
};

/// Queues the strided bfloat16/float16 matmul (cuda_matmul_half.cu) on args.stream.
void launch_matmul_half_strided(const MatmulHalfStridedArgs& args, const OpContext& context);

}  // namespace minitorch::cuda
