// The bfloat16/float16 matmuls on CUDA, on raw 16-bit storage (HalfFormat), float32 sums:
//  - launch_matmul_half: the tensor-core kernel (cuda_matmul_half.cuh) for operands with
//    16-byte aligned rows or columns (MatmulHalfArgs), at the tiling chosen below;
//  - launch_matmul_half_strided: matmul_half_strided, a SIMT kernel for any strides, for
//    everything else (small, odd or unaligned problems). A 256-thread block computes a 64x64
//    tile of out, 4x4 outputs per thread at a stride of 16 (coalesced stores); per k-step of
//    16 it converts the A and B tiles to float32 in shared memory (scalar loads, any strides)
//    and sums with FMA in increasing k.
// Both are bitwise deterministic; batch dims (broadcast ones have stride 0) map to gridDim.z.
#include <algorithm>
#include <type_traits>

#include "backends/backend.h"
#include "backends/cuda/cuda_elementwise.cuh"
#include "backends/cuda/cuda_matmul_half.cuh"
#include "minitorch/error.h"

namespace minitorch::cuda {
namespace {

// 128 x 128 block tiles of 4 warps of 64 x 64, 4 stages (80 KiB), two blocks per SM: the
// tiling measured best on an H100 (dev/cuda/half_tiles.cu; bench/results/
// halfmm_2026-12-07_h100.txt: 318 TFLOP/s at 8192 against 252 for 128 x 256 with 8 warps and
// 302 for 64 x 32 warp tiles). Wide warp tiles read shared memory less per mma (per k16, 8
// ldmatrix.x4 for 32 mma against 6 for 16 at 64 x 32), and two blocks per SM let one block's
// barrier wait overlap the other's mma; why 8-warp 128 x 256 blocks lose is not measured.
using ChosenTiles = half_matmul::HalfTiles<128, 128, 64, 64, 4, 2>;

// Block rows go to gridDim.y, which CUDA caps.
constexpr std::int64_t kMaxGridY = 65535;

constexpr int kStridedTile = 64;
constexpr int kStridedK = 16;
constexpr int kStridedThreads = 256;

template <HalfFormat kFormat>
__device__ __forceinline__ float to_float(std::uint16_t bits) {
  if constexpr (kFormat == HalfFormat::BFloat16) {
    return __uint_as_float(static_cast<unsigned>(bits) << 16);
  } else {
    return __half2float(__ushort_as_half(bits));
  }
}

template <HalfFormat kFormat>
__global__ void __launch_bounds__(kStridedThreads) matmul_half_strided(MatmulHalfStridedArgs s) {
  __shared__ float As[kStridedK][kStridedTile + 1];
  __shared__ float Bs[kStridedK][kStridedTile + 1];
  const int t = static_cast<int>(threadIdx.x);
  const int tx = t % 16;
  const int ty = t / 16;
  const int m0 = static_cast<int>(blockIdx.y) * kStridedTile;
  const int n0 = static_cast<int>(blockIdx.x) * kStridedTile;
  // Consecutive threads load along the operand's unit-stride dim where it has one.
  const bool a_k_fast = s.ak == 1;
  const bool b_n_fast = s.bn == 1;
  for (std::int64_t z = blockIdx.z; z < s.batch.count; z += gridDim.z) {
    std::int64_t a_off;
    std::int64_t b_off;
    std::int64_t c_off;
    batch_offsets(s.batch, z, a_off, b_off, c_off);
    float acc[4][4] = {};
    for (int k0 = 0; k0 < s.k; k0 += kStridedK) {
#pragma unroll
      for (int e4 = 0; e4 < kStridedTile * kStridedK / kStridedThreads; ++e4) {
        const int e = t + kStridedThreads * e4;
        const int am = a_k_fast ? e / kStridedK : e % kStridedTile;
        const int ak = a_k_fast ? e % kStridedK : e / kStridedTile;
        const int m = m0 + am;
        int k = k0 + ak;
        As[ak][am] =
            m < s.m && k < s.k ? to_float<kFormat>(s.a[a_off + m * s.am + k * s.ak]) : 0.0f;
        const int bn = b_n_fast ? e % kStridedTile : e / kStridedK;
        const int bk = b_n_fast ? e / kStridedTile : e % kStridedK;
        const int n = n0 + bn;
        k = k0 + bk;
        Bs[bk][bn] =
            n < s.n && k < s.k ? to_float<kFormat>(s.b[b_off + k * s.bk + n * s.bn]) : 0.0f;
      }
      __syncthreads();
#pragma unroll
      for (int kk = 0; kk < kStridedK; ++kk) {
        float am[4];
        float bn[4];
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          am[i] = As[kk][ty + 16 * i];
          bn[i] = Bs[kk][tx + 16 * i];
        }
#pragma unroll
        for (int i = 0; i < 4; ++i) {
#pragma unroll
          for (int j = 0; j < 4; ++j) {
            acc[i][j] = fmaf(am[i], bn[j], acc[i][j]);
          }
        }
      }
      __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int m = m0 + ty + 16 * i;
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        const int n = n0 + tx + 16 * j;
        if (m < s.m && n < s.n) {
          s.c[c_off + m * s.cm + n * s.cn] = half_matmul::round_to<kFormat>(acc[i][j]);
        }
      }
    }
  }
}

unsigned batch_grid(const MatmulBatch& batch) {
  return static_cast<unsigned>(std::min<std::int64_t>(batch.count, 65535));
}

}  // namespace

bool matmul_half_supported(const MatmulHalfArgs& args) {
  constexpr int kLimit = 1 << 30;
  bool ok = args.m >= 0 && args.n >= 0 && args.k >= 0 && args.m < kLimit && args.n < kLimit &&
      args.k < kLimit;
  ok = ok && ceil_div(args.m, ChosenTiles::kM) <= kMaxGridY;
  ok = ok && aligned(args.a, 16) && aligned(args.b, 16) && aligned(args.c, 2);
  ok = ok && args.lda % 8 == 0 && args.ldb % 8 == 0;
  for (int d = 0; d < args.batch.ndim; ++d) {
    ok = ok && args.batch.a[d] % 8 == 0 && args.batch.b[d] % 8 == 0;
  }
  return ok;
}

void launch_matmul_half(const MatmulHalfArgs& args, const OpContext& context) {
  using Tiles = ChosenTiles;
  if (!matmul_half_supported(args)) {
    throw InternalError(
        "matmul: launch_matmul_half called outside its preconditions (16-byte aligned rows, "
        "lda and ldb multiples of 8, 0 <= m, n, k < 2^30, m <= 65535 * 128): " +
        context.describe());
  }
  if (args.m == 0 || args.n == 0 || args.batch.count == 0) {
    primitive_report() = PrimitiveReport{"cuda_empty", "cuda", 0};
    return;
  }
  const dim3 grid(static_cast<unsigned>(ceil_div(args.n, Tiles::kN)),
                  static_cast<unsigned>(ceil_div(args.m, Tiles::kM)), batch_grid(args.batch));
  primitive_report() =
      PrimitiveReport{"cuda_matmul_half", "cuda",
                      static_cast<int>(std::min<std::int64_t>(
                          std::int64_t{grid.x} * grid.y * grid.z * Tiles::kThreads, 1 << 30))};
  auto launch = [&](auto kernel) {
    // More than 48 KiB of dynamic shared memory must be asked for, per kernel and device; set
    // at every launch (a host-side attribute, no synchronisation) so any current device has it.
    MT_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       Tiles::kSmemBytes),
                  context);
    kernel<<<grid, Tiles::kThreads, Tiles::kSmemBytes, args.stream>>>(
        args.a, args.b, args.c, args.m, args.n, args.k, args.lda, args.ldb, args.ldc, args.batch);
  };
  auto launch_format = [&](auto format) {
    constexpr HalfFormat kFormat = decltype(format)::value;
    if (args.a_row && args.b_row) {
      launch(half_matmul::matmul_half<Tiles, kFormat, true, true>);
    } else if (args.a_row) {
      launch(half_matmul::matmul_half<Tiles, kFormat, true, false>);
    } else if (args.b_row) {
      launch(half_matmul::matmul_half<Tiles, kFormat, false, true>);
    } else {
      launch(half_matmul::matmul_half<Tiles, kFormat, false, false>);
    }
  };
  if (args.format == HalfFormat::BFloat16) {
    launch_format(std::integral_constant<HalfFormat, HalfFormat::BFloat16>{});
  } else {
    launch_format(std::integral_constant<HalfFormat, HalfFormat::Float16>{});
  }
  check_launch("matmul_half", context);
}

void launch_matmul_half_strided(const MatmulHalfStridedArgs& args, const OpContext& context) {
  if (ceil_div(args.m, kStridedTile) > kMaxGridY) {
    throw InternalError("matmul: launch_matmul_half_strided called with m above 65535 * 64: " +
                        context.describe());
  }
  if (args.m <= 0 || args.n <= 0 || args.batch.count == 0) {
    primitive_report() = PrimitiveReport{"cuda_empty", "cuda", 0};
    return;
  }
  const dim3 grid(static_cast<unsigned>(ceil_div(args.n, kStridedTile)),
                  static_cast<unsigned>(ceil_div(args.m, kStridedTile)), batch_grid(args.batch));
  primitive_report() =
      PrimitiveReport{"cuda_matmul_half_strided", "cuda",
                      static_cast<int>(std::min<std::int64_t>(
                          std::int64_t{grid.x} * grid.y * grid.z * kStridedThreads, 1 << 30))};
  if (args.format == HalfFormat::BFloat16) {
    matmul_half_strided<HalfFormat::BFloat16><<<grid, kStridedThreads, 0, args.stream>>>(args);
  } else {
    matmul_half_strided<HalfFormat::Float16><<<grid, kStridedThreads, 0, args.stream>>>(args);
  }
  check_launch("matmul_half_strided", context);
}

}  // namespace minitorch::cuda
