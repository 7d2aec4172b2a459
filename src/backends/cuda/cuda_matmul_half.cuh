// The bfloat16/float16 tensor-core matmul kernel, templated on its tiling (HalfTiles) so that a
// lab can time the same code over several tilings; cuda_matmul_half.cu launches the chosen one.
// out[..., i, j] = round(sum over k of a[..., i, k] * b[..., k, j]): 16-bit inputs (raw bits,
// see HalfFormat), exact products, float32 accumulators (mma.sync.m16n8k16), one rounding to
// the format (to nearest, ties to even) on store. Hopper's wgmma + TMA is the way to cuBLAS
// speed; mma.sync runs on every GPU since Ampere and keeps this file readable.
//  - A block computes a kM x kN tile of out with one warp per kWarpM x kWarpN warp tile, made
//    of (kWarpM / 16) x (kWarpN / 8) mma tiles: 4 floats of accumulator per mma tile and
//    thread.
//  - K advances 32 at a time through a kStages-deep cp.async pipeline in dynamic shared
//    memory, as in the TF32 kernel (cuda_matmul_tf32.cuh): one barrier per k-step; the stage
//    refilled is the one every warp finished before that barrier.
//  - Each operand tile is kept in shared memory in its global memory order, so every copy is
//    a 16-byte cp.async of 8 contiguous elements and transposed views need no copy: a
//    "k-major" tile (A row-major, B column-major) is kM (kN) rows of 32 k at a stride of 40
//    elements (80 bytes); an "mn-major" tile (A column-major, B row-major) is 32 rows of kM
//    (kN) at a stride of kM + 8 (kN + 8). Fragments come out with ldmatrix.x4 (.trans for
//    mn-major tiles), whose 8 row addresses per 8x8 matrix then fall on 8 distinct 16-byte
//    bank groups: a row stride of 80 bytes steps 5 groups of 8, kMn + 8 steps 1 (mod 8).
//  - Edge chunks are predicated: a chunk of 8 that crosses the end of its row is read in part
//    (cp.async's source size) and zero-filled, one wholly outside reads nothing; so any M, N,
//    K work given 16-byte aligned rows (MatmulHalfArgs). out is stored in element pairs.
//  - Batch dims map to gridDim.z (MatmulBatch); blocks walk the tiles in groups of 8
//    block-rows per column (tf32::tile_origin), for L2 reuse.
// The sum order over k is fixed, so results are bitwise deterministic from run to run.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "backends/cuda/cuda_matmul.cuh"
#include "backends/cuda/cuda_matmul_tf32.cuh"

namespace minitorch::cuda::half_matmul {

constexpr int kTileK = 32;
constexpr int kChunk = 8;  // elements per 16-byte cp.async

// The row stride (in elements) of an operand tile that spans kMn along m (A) or n (B): a
// k-major tile is kMn rows of kTileK, an mn-major tile kTileK rows of kMn (header comment).
template <int kMn, bool kKMajor>
constexpr int tile_stride() {
  return kKMajor ? kTileK + 8 : kMn + 8;
}
template <int kMn>
constexpr int operand_elements() {
  return std::max(kMn * tile_stride<kMn, true>(), kTileK * tile_stride<kMn, false>());
}

/// A tiling: block tile kM x kN (x kTileK), warp tile kWarpM x kWarpN, kStages pipeline
/// stages, and at least kMinBlocks blocks per SM (__launch_bounds__: caps the registers).
template <int kM_, int kN_, int kWarpM_, int kWarpN_, int kStages_, int kMinBlocks_>
struct HalfTiles {
  static constexpr int kM = kM_;
  static constexpr int kN = kN_;
  static constexpr int kWarpM = kWarpM_;
  static constexpr int kWarpN = kWarpN_;
  static constexpr int kStages = kStages_;
  static constexpr int kMinBlocks = kMinBlocks_;
  static constexpr int kThreads = 32 * (kM / kWarpM) * (kN / kWarpN);
  static constexpr int kStageElements = operand_elements<kM>() + operand_elements<kN>();
  static constexpr int kSmemBytes = kStages * kStageElements * 2;
  // kWarpN % 16: one ldmatrix.x4 yields the fragments of two n8 mma tiles.
  static_assert(kM % kWarpM == 0 && kN % kWarpN == 0 && kWarpM % 16 == 0 && kWarpN % 16 == 0);
  static_assert(tile_stride<kM, false>() % 64 == 8 && tile_stride<kN, false>() % 64 == 8,
                "conflict-free ldmatrix (header comment)");
  static_assert(operand_elements<kM>() % kChunk == 0 && kStageElements % kChunk == 0,
                "cp.async: 16 bytes");
};

// Copies the first source_bytes (0 to 16) of global to shared and zero-fills the rest.
__device__ __forceinline__ void cp_async_16(std::uint16_t* shared, const std::uint16_t* global,
                                            int source_bytes) {
  const auto address = static_cast<unsigned>(__cvta_generic_to_shared(shared));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(address), "l"(global),
               "r"(source_bytes));
}

// Queues one operand's kMn x kTileK tile at (mn0, k0) into shared memory with kThreads
// threads. kKMajor: global element (mn, k) is at base[mn * ld + k]; else at base[k * ld + mn].
// Elements outside [0, mn_size) x [0, k_size) read as zeros.
template <int kMn, bool kKMajor, int kThreads>
__device__ __forceinline__ void load_operand(std::uint16_t* tile, const std::uint16_t* base,
                                             std::int64_t ld, int mn0, int mn_size, int k0,
                                             int k_size, int t) {
  constexpr int kChunks = kMn * kTileK / kChunk;
  static_assert(kChunks % kThreads == 0);
  constexpr int kStride = tile_stride<kMn, kKMajor>();
#pragma unroll
  for (int i = 0; i < kChunks / kThreads; ++i) {
    const int chunk = i * kThreads + t;
    const int mn = kKMajor ? chunk / (kTileK / kChunk) : chunk % (kMn / kChunk) * kChunk;
    const int k = kKMajor ? chunk % (kTileK / kChunk) * kChunk : chunk / (kMn / kChunk);
    std::uint16_t* dst = kKMajor ? tile + mn * kStride + k : tile + k * kStride + mn;
    // The chunk runs along k (k-major) or mn: how many of its 8 elements exist.
    const bool row_in = kKMajor ? mn0 + mn < mn_size : k0 + k < k_size;
    const int left = kKMajor ? k_size - (k0 + k) : mn_size - (mn0 + mn);
    const int elements = row_in ? min(max(left, 0), kChunk) : 0;
    const std::uint16_t* src = kKMajor ? base + static_cast<std::int64_t>(mn0 + mn) * ld + (k0 + k)
                                       : base + static_cast<std::int64_t>(k0 + k) * ld + (mn0 + mn);
    cp_async_16(dst, elements > 0 ? src : base, 2 * elements);
  }
}

// Four 8x8 matrices of 16-bit elements; lane l names row l % 8 of matrix l / 8 and gets, in
// register j, elements (l / 4, 2 (l % 4)) and (l / 4, 2 (l % 4) + 1) of matrix j; with
// .trans, elements (2 (l % 4), l / 4) and (2 (l % 4) + 1, l / 4).
template <bool kTrans>
__device__ __forceinline__ void ldmatrix_x4(unsigned (&r)[4], const std::uint16_t* row) {
  const auto address = static_cast<unsigned>(__cvta_generic_to_shared(row));
  if constexpr (kTrans) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address));
  } else {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address));
  }
}

// d += a (16x16, row) * b (16x8, col), bfloat16 or float16 inputs, float32 accumulators.
template <HalfFormat kFormat>
__device__ __forceinline__ void mma_16816(float (&d)[4], const unsigned (&a)[4], unsigned b0,
                                          unsigned b1) {
  if constexpr (kFormat == HalfFormat::BFloat16) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, "
        "{%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, "
        "{%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
}

// A float32 rounded to the format, to nearest with ties to even: the bits.
template <HalfFormat kFormat>
__device__ __forceinline__ std::uint16_t round_to(float value) {
  if constexpr (kFormat == HalfFormat::BFloat16) {
    return __bfloat16_as_ushort(__float2bfloat16_rn(value));
  } else {
    return __half_as_ushort(__float2half_rn(value));
  }
}

// Stores out[m, n] and out[m, n + 1] where they exist; as one 4-byte store where allowed.
template <HalfFormat kFormat>
__device__ __forceinline__ void store_pair(std::uint16_t* c, std::int64_t ldc, int m, int n, int M,
                                           int N, bool pairs, float v0, float v1) {
  if (m >= M || n >= N) {
    return;
  }
  std::uint16_t* dst = c + static_cast<std::int64_t>(m) * ldc + n;
  const std::uint16_t r0 = round_to<kFormat>(v0);
  const std::uint16_t r1 = round_to<kFormat>(v1);
  if (pairs) {
    // N even, so n + 1 < N; little-endian: the lower half is element n.
    *reinterpret_cast<unsigned*>(dst) = unsigned{r0} | (unsigned{r1} << 16);
    return;
  }
  dst[0] = r0;
  if (n + 1 < N) {
    dst[1] = r1;
  }
}

template <class Tiles, HalfFormat kFormat, bool kARow, bool kBRow>
__global__ void __launch_bounds__(Tiles::kThreads, Tiles::kMinBlocks)
    matmul_half(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, int M, int N,
                int K, std::int64_t lda, std::int64_t ldb, std::int64_t ldc, MatmulBatch batch) {
  extern __shared__ __align__(16) std::uint16_t smem[];
  // A row-major is k-major; B row-major is n-major, so B is k-major when column-major.
  constexpr bool kAKMajor = kARow;
  constexpr bool kBKMajor = !kBRow;
  constexpr int kTileM = Tiles::kM;
  constexpr int kTileN = Tiles::kN;
  constexpr int kStages = Tiles::kStages;
  constexpr int kMmaTilesM = Tiles::kWarpM / 16;
  constexpr int kMmaTilesN = Tiles::kWarpN / 8;
  constexpr int kAElements = operand_elements<kTileM>();
  constexpr int kStageElements = Tiles::kStageElements;
  constexpr int kAStride = tile_stride<kTileM, kAKMajor>();
  constexpr int kBStride = tile_stride<kTileN, kBKMajor>();
  const int t = static_cast<int>(threadIdx.x);
  const int warp = t / 32;
  const int lane = t % 32;
  const int g = lane / 4;  // the mma "group": a row of A's and a column of B's fragment
  const int q = lane % 4;  // the thread in its group: a pair of columns of the accumulator
  const int warp_m = (warp / (kTileN / Tiles::kWarpN)) * Tiles::kWarpM;
  const int warp_n = (warp % (kTileN / Tiles::kWarpN)) * Tiles::kWarpN;
  // The row this lane names in each ldmatrix.x4 (see ldmatrix_x4), as an element offset into
  // an operand tile at k = 0 of the first mma tile. A's matrices are (m 0-7, k 0-7), (m 8-15,
  // k 0-7), (m 0-7, k 8-15), (m 8-15, k 8-15): the a0-a3 registers of mma.m16n8k16. B's are
  // (n 0-7, k 0-7), (n 0-7, k 8-15), (n 8-15, k 0-7), (n 8-15, k 8-15): b0, b1 of two n8 tiles.
  const int matrix = lane / 8;
  const int r = lane % 8;
  const int a_m = warp_m + (matrix % 2) * 8 + (kAKMajor ? r : 0);
  const int a_k = (matrix / 2) * 8 + (kAKMajor ? 0 : r);
  const int a_lane = kAKMajor ? a_m * kAStride + a_k : a_k * kAStride + a_m;
  const int b_n = warp_n + (matrix / 2) * 8 + (kBKMajor ? r : 0);
  const int b_k = (matrix % 2) * 8 + (kBKMajor ? 0 : r);
  const int b_lane = kBKMajor ? b_n * kBStride + b_k : b_k * kBStride + b_n;
  // Steps between mma tiles along m (n) and along k, in elements of the tile.
  constexpr int kAStepM = kAKMajor ? 16 * kAStride : 16;
  constexpr int kAStepK = kAKMajor ? 16 : 16 * kAStride;
  constexpr int kBStepN = kBKMajor ? 16 * kBStride : 16;
  constexpr int kBStepK = kBKMajor ? 16 : 16 * kBStride;
  int m0;
  int n0;
  tf32::tile_origin<Tiles>(m0, n0);
  const int k_tiles = (K + kTileK - 1) / kTileK;

  for (std::int64_t z = blockIdx.z; z < batch.count; z += gridDim.z) {
    std::int64_t a_off;
    std::int64_t b_off;
    std::int64_t c_off;
    batch_offsets(batch, z, a_off, b_off, c_off);
    const std::uint16_t* A = a + a_off;
    const std::uint16_t* B = b + b_off;
    std::uint16_t* C = c + c_off;
    auto load_stage = [&](int stage, int k_tile) {
      std::uint16_t* tiles = smem + stage * kStageElements;
      load_operand<kTileM, kAKMajor, Tiles::kThreads>(tiles, A, lda, m0, M, k_tile * kTileK, K, t);
      load_operand<kTileN, kBKMajor, Tiles::kThreads>(tiles + kAElements, B, ldb, n0, N,
                                                      k_tile * kTileK, K, t);
    };

    float acc[kMmaTilesM][kMmaTilesN][4];
#pragma unroll
    for (int i = 0; i < kMmaTilesM; ++i) {
#pragma unroll
      for (int j = 0; j < kMmaTilesN; ++j) {
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          acc[i][j][e] = 0.0f;
        }
      }
    }

    // Prologue: the first kStages - 1 k-steps in flight, one commit group each (empty
    // groups past the end keep the count that cp_async_wait relies on).
#pragma unroll
    for (int s = 0; s < kStages - 1; ++s) {
      if (s < k_tiles) {
        load_stage(s, s);
      }
      tf32::cp_async_commit();
    }
    for (int kt = 0; kt < k_tiles; ++kt) {
      // Group kt has landed (for this thread); the barrier makes it every thread's, and
      // tells that every warp is done with stage (kt - 1) % kStages, which is refilled next.
      tf32::cp_async_wait<kStages - 2>();
      __syncthreads();
      const int next = kt + kStages - 1;
      if (next < k_tiles) {
        load_stage(next % kStages, next);
      }
      tf32::cp_async_commit();

      const std::uint16_t* a_tile = smem + (kt % kStages) * kStageElements;
      const std::uint16_t* b_tile = a_tile + kAElements;
#pragma unroll
      for (int kk = 0; kk < kTileK / 16; ++kk) {
        unsigned b_frag[kMmaTilesN / 2][4];
#pragma unroll
        for (int j = 0; j < kMmaTilesN / 2; ++j) {
          ldmatrix_x4<!kBKMajor>(b_frag[j], b_tile + b_lane + j * kBStepN + kk * kBStepK);
        }
#pragma unroll
        for (int i = 0; i < kMmaTilesM; ++i) {
          unsigned a_frag[4];
          ldmatrix_x4<!kAKMajor>(a_frag, a_tile + a_lane + i * kAStepM + kk * kAStepK);
#pragma unroll
          for (int j = 0; j < kMmaTilesN; ++j) {
            const unsigned(&pair)[4] = b_frag[j / 2];
            mma_16816<kFormat>(acc[i][j], a_frag, pair[(j % 2) * 2], pair[(j % 2) * 2 + 1]);
          }
        }
      }
    }
    // No copy may still be writing a stage that the next batch's prologue refills.
    tf32::cp_async_wait<0>();
    __syncthreads();

    // Accumulator e of mma tile (i, j) is out[row + (e / 2) * 8, col + e % 2].
    tf32::tile_origin<Tiles>(m0, n0);
    const bool pairs = N % 2 == 0 && ldc % 2 == 0 && reinterpret_cast<std::uintptr_t>(C) % 4 == 0;
#pragma unroll
    for (int i = 0; i < kMmaTilesM; ++i) {
      const int row = m0 + warp_m + i * 16 + g;
#pragma unroll
      for (int j = 0; j < kMmaTilesN; ++j) {
        const int col = n0 + warp_n + j * 8 + 2 * q;
        store_pair<kFormat>(C, ldc, row, col, M, N, pairs, acc[i][j][0], acc[i][j][1]);
        store_pair<kFormat>(C, ldc, row + 8, col, M, N, pairs, acc[i][j][2], acc[i][j][3]);
      }
    }
  }
}

}  // namespace minitorch::cuda::half_matmul
