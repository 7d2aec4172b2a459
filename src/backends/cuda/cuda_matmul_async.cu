// The FP32 SIMT matmul with a cp.async pipeline (Note [FP32 cp.async matmul]); cuda_matmul.cu
// decides when it runs.
//
// Note [FP32 cp.async matmul]: matmul_tiled (cuda_matmul.cu) stages its next tiles through
// registers and reached 0.88x cuBLAS's FP32 sgemm at 4096 and 8192 on an H100. This kernel,
// dev/cuda/sgemm_lab.cu's "async-t128" (0.936x there), copies global memory straight into a
// kStages-deep shared-memory ring with cp.async and gives each thread more outputs:
//  - a 128-thread block (2 x 2 warps of 64 x 64) computes a 128 x 128 tile of C; a thread owns
//    16 x 8 outputs in 4 x 4 quadrants, rows warp_m*64 + ty*4 + 16q + i, cols
//    warp_n*64 + tx*4 + 32h + j (a warp's lanes are 4 (ty) x 8 (tx)), so a warp's fragment
//    read of A is 64 contiguous bytes (broadcast) and of B 128: one wavefront each;
//  - per k-step of 16, B's tile [16][128] arrives by 16-byte copies (.cg, L2 only) and A's
//    [128][16] by 4-byte copies (.ca) scattered transposed to [k][m] with rows of BM + 4
//    floats (a warp's 32 stores land in 32 banks);
//  - k-step kt waits for its copy group (wait_group kStages - 2) and one barrier, which also
//    frees the stage read in step kt - 1, into which step kt + kStages - 1 is copied before
//    the 16 x 16 x 8 FFMAs of step kt;
//  - 168 registers (the cap for 3 blocks of 128 threads per SM, no spills), 65 KiB of
//    shared memory per block.
// Each output is one fma chain over k = 0, 1, ..., K - 1 from zero, as in matmul_tiled, so the
// two kernels give the same bits (checked on the device by the lab and by cuda_test).
// It takes A and B row-major with M, N multiples of 128 and K of 16 (no edge tiles), and only
// grids of at least three blocks per SM: at 2048 (256 tiles on 132 SMs) the lab measured it at
// 0.82x cuBLAS against matmul_tiled's 0.88x, whose 256-thread blocks fill one wave.
#include <algorithm>

#include "backends/backend.h"
#include "backends/cuda/cuda_elementwise.cuh"
#include "backends/cuda/cuda_matmul.cuh"

namespace minitorch::cuda {
namespace {

constexpr int kBM = 128;
constexpr int kBN = 128;
constexpr int kBK = 16;
constexpr int kStages = 4;
constexpr int kWarpsM = 2;
constexpr int kWarpsN = 2;
constexpr int kQuadsM = 4;  // 4x4 quadrants per thread along M
constexpr int kQuadsN = 2;  // and along N
constexpr int kMinBlocks = 3;
constexpr int kBlockThreads = kWarpsM * kWarpsN * 32;
constexpr int kAStride = kBM + 4;  // floats per k-row of the A tile in shared memory
constexpr int kAFloats = kBK * kAStride;
constexpr int kStageFloats = kAFloats + kBK * kBN;
constexpr int kSharedBytes = kStages * kStageFloats * 4;
constexpr int kARowsPerCopy = kBlockThreads / 8;  // rows of A one round of copies covers
constexpr int kACopiesPerK8 = kBM / kARowsPerCopy;
constexpr int kBKRowsPerCopy = kBlockThreads / (kBN / 4);  // k-rows of B one round covers
constexpr int kBCopies = kBK / kBKRowsPerCopy;
static_assert(kBM == kWarpsM * 16 * kQuadsM && kBN == kWarpsN * 32 * kQuadsN);
static_assert(kBK % 8 == 0 && kBM % kARowsPerCopy == 0 && kBK % kBKRowsPerCopy == 0);

__device__ __forceinline__ unsigned shared_address(const void* p) {
  return static_cast<unsigned>(__cvta_generic_to_shared(p));
}

__device__ __forceinline__ void copy_async_4(float* shared, const float* global) {
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"(shared_address(shared)),
               "l"(global)
               : "memory");
}

__device__ __forceinline__ void copy_async_16(float* shared, const float* global) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(shared_address(shared)),
               "l"(global)
               : "memory");
}

__device__ __forceinline__ void copy_async_commit() {
  asm volatile("cp.async.commit_group;\n" ::: "memory");
}

template <int kPending>
__device__ __forceinline__ void copy_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending) : "memory");
}

__global__ void __launch_bounds__(kBlockThreads, kMinBlocks)
    matmul_async(const float* a, const float* b, float* c, int K, std::int64_t lda,
                 std::int64_t ldb, std::int64_t ldc, MatmulBatch batch, bool grouped) {
  extern __shared__ __align__(16) float shared[];
  const int t = static_cast<int>(threadIdx.x);
  const int warp = t / 32;
  const int lane = t % 32;
  const int row0 = (warp / kWarpsN) * 16 * kQuadsM + (lane / 8) * 4;  // + 16q + i
  const int col0 = (warp % kWarpsN) * 32 * kQuadsN + (lane % 8) * 4;  // + 32h + j
  const int a_dst = (t % 8) * kAStride + t / 8;
  const int b_dst = kAFloats + (t / (kBN / 4)) * kBN + (t % (kBN / 4)) * 4;
  const std::int64_t a_round = static_cast<std::int64_t>(kARowsPerCopy) * lda;
  const std::int64_t b_round = static_cast<std::int64_t>(kBKRowsPerCopy) * ldb;
  const int k_steps = K / kBK;

  // One batch item per blockIdx.z (batch.count <= 65535: matmul_async_takes); its offsets are
  // computed again for the epilogue rather than kept through the main loop.
  std::int64_t a_off;
  std::int64_t b_off;
  std::int64_t c_off;
  batch_offsets(batch, blockIdx.z, a_off, b_off, c_off);
  int m0;
  int n0;
  tile_origin<kBM, kBN>(grouped, m0, n0);
  // This thread's copies: A element (row t/8 + r*kARowsPerCopy, k t%8 + 8*k8) and B float4
  // (k-row t/(BN/4) + r*kBKRowsPerCopy, col (t%(BN/4))*4); sources advance a k-step a copy.
  const float* a_src = a + a_off + static_cast<std::int64_t>(m0 + t / 8) * lda + t % 8;
  const float* b_src =
      b + b_off + static_cast<std::int64_t>(t / (kBN / 4)) * ldb + n0 + (t % (kBN / 4)) * 4;
  auto copy_tiles = [&](int stage) {
    float* base = shared + stage * kStageFloats;
#pragma unroll
    for (int k8 = 0; k8 < kBK / 8; ++k8) {
#pragma unroll
      for (int r = 0; r < kACopiesPerK8; ++r) {
        copy_async_4(base + a_dst + k8 * 8 * kAStride + r * kARowsPerCopy,
                     a_src + r * a_round + k8 * 8);
      }
    }
#pragma unroll
    for (int r = 0; r < kBCopies; ++r) {
      copy_async_16(base + b_dst + r * kBKRowsPerCopy * kBN, b_src + r * b_round);
    }
    a_src += kBK;
    b_src += kBK * ldb;
  };

  float acc[4 * kQuadsM][4 * kQuadsN];
#pragma unroll
  for (int i = 0; i < 4 * kQuadsM; ++i) {
#pragma unroll
    for (int j = 0; j < 4 * kQuadsN; ++j) {
      acc[i][j] = 0.0f;
    }
  }
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < k_steps) {
      copy_tiles(s);
    }
    copy_async_commit();  // empty groups keep the count: group kt is always k-step kt
  }
  int read_stage = 0;
  int write_stage = kStages - 1;
  for (int kt = 0; kt < k_steps; ++kt) {
    copy_async_wait<kStages - 2>();
    __syncthreads();
    if (kt + kStages - 1 < k_steps) {
      copy_tiles(write_stage);
    }
    copy_async_commit();
    const float* stage = shared + read_stage * kStageFloats;
#pragma unroll
    for (int kk = 0; kk < kBK; ++kk) {
      float am[4 * kQuadsM];
      float bn[4 * kQuadsN];
#pragma unroll
      for (int q = 0; q < kQuadsM; ++q) {
        const float4 v = *reinterpret_cast<const float4*>(stage + kk * kAStride + row0 + 16 * q);
        am[4 * q] = v.x;
        am[4 * q + 1] = v.y;
        am[4 * q + 2] = v.z;
        am[4 * q + 3] = v.w;
      }
#pragma unroll
      for (int h = 0; h < kQuadsN; ++h) {
        const float4 v =
            *reinterpret_cast<const float4*>(stage + kAFloats + kk * kBN + col0 + 32 * h);
        bn[4 * h] = v.x;
        bn[4 * h + 1] = v.y;
        bn[4 * h + 2] = v.z;
        bn[4 * h + 3] = v.w;
      }
#pragma unroll
      for (int i = 0; i < 4 * kQuadsM; ++i) {
#pragma unroll
        for (int j = 0; j < 4 * kQuadsN; ++j) {
          acc[i][j] = fmaf(am[i], bn[j], acc[i][j]);
        }
      }
    }
    read_stage = read_stage + 1 == kStages ? 0 : read_stage + 1;
    write_stage = write_stage + 1 == kStages ? 0 : write_stage + 1;
  }
  copy_async_wait<0>();  // only empty groups are left, but leave none behind

  unsigned z;
  asm volatile("mov.u32 %0, %%ctaid.z;" : "=r"(z));
  batch_offsets(batch, z, a_off, b_off, c_off);
  tile_origin<kBM, kBN>(grouped, m0, n0);
#pragma unroll
  for (int q = 0; q < kQuadsM; ++q) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      float* dst = c + c_off + static_cast<std::int64_t>(m0 + row0 + 16 * q + i) * ldc + n0 + col0;
#pragma unroll
      for (int h = 0; h < kQuadsN; ++h) {
        *reinterpret_cast<float4*>(dst + 32 * h) =
            make_float4(acc[4 * q + i][4 * h], acc[4 * q + i][4 * h + 1], acc[4 * q + i][4 * h + 2],
                        acc[4 * q + i][4 * h + 3]);
      }
    }
  }
}

bool multiple_of_4(const MatmulBatch& batch, const std::int64_t* strides) {
  for (int d = 0; d < batch.ndim; ++d) {
    if (strides[d] % 4 != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool matmul_async_takes(const MatmulFloatArgs& args, int sm_count) {
  const std::int64_t tiles = std::int64_t{args.m / kBM} * (args.n / kBN) * args.batch.count;
  return args.a_row && args.b_row && args.m % kBM == 0 && args.n % kBN == 0 && args.k % kBK == 0 &&
      args.k > 0 && args.m / kBM <= 65535 && args.batch.count <= 65535 && aligned(args.b, 16) &&
      args.ldb % 4 == 0 && multiple_of_4(args.batch, args.batch.b) && aligned(args.c, 16) &&
      args.ldc % 4 == 0 && multiple_of_4(args.batch, args.batch.c) &&
      tiles >= std::int64_t{kMinBlocks} * sm_count;
}

void launch_matmul_async(const MatmulFloatArgs& args, bool grouped, const OpContext& context) {
  const dim3 grid(static_cast<unsigned>(args.n / kBN), static_cast<unsigned>(args.m / kBM),
                  static_cast<unsigned>(args.batch.count));
  primitive_report() =
      PrimitiveReport{"cuda_matmul_async", "cuda",
                      static_cast<int>(std::min<std::int64_t>(
                          std::int64_t{grid.x} * grid.y * grid.z * kBlockThreads, 1 << 30))};
  // More than 48 KiB of dynamic shared memory must be asked for, per kernel and device; set at
  // every launch (a host-side attribute, no synchronisation) so any current device has it.
  MT_CUDA_CHECK(
      cudaFuncSetAttribute(matmul_async, cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes),
      context);
  matmul_async<<<grid, kBlockThreads, kSharedBytes, args.stream>>>(
      args.a, args.b, args.c, args.k, args.lda, args.ldb, args.ldc, args.batch, grouped);
  check_launch("matmul_async", context);
}

}  // namespace minitorch::cuda
