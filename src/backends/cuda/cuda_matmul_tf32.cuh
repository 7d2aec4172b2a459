// The TF32 tensor-core matmul kernel, templated on its tiling (Tf32Tiles) so that the lab
// (dev/cuda/tf32_tiles.cu) times the same code over several tilings; cuda_matmul_tf32.cu
// launches the one chosen there. out[..., i, j] = sum over k of tf32(a[..., i, k]) *
// tf32(b[..., k, j]), summed in float32: each input is rounded to TF32 (10 explicit mantissa
// bits, round to nearest, ties away: cvt.rna) and multiplied by mma.sync.m16n8k8 with float32
// accumulators. Hopper's wgmma is faster still; mma.sync is the same code on every GPU since
// Ampere and keeps this file readable.
//  - A block computes a kM x kN tile of out with one warp per kWarpM x kWarpN warp tile, made
//    of (kWarpM / 16) x (kWarpN / 8) mma tiles: 4 floats of accumulator per mma tile and
//    thread.
//  - K advances 32 at a time through a kStages-deep cp.async pipeline in dynamic shared
//    memory: while the warps multiply one stage, the tiles of the next kStages - 1 k-steps are
//    in flight. One barrier per k-step; the stage being refilled is the one every warp
//    finished before that barrier.
//  - Each operand tile is kept in shared memory in its global memory order, so every copy is
//    a 16-byte cp.async of 4 contiguous elements and transposed views need no copy: a
//    "k-major" tile (A row-major, B column-major) is kM (kN) rows of 32 k at a stride of 36;
//    an "mn-major" tile (A column-major, B row-major) is 32 rows of kM (kN) at a stride of
//    kM + 8 (kN + 8). The pads make the fragment reads conflict-free: lane (g, q) = (lane / 4,
//    lane % 4) reads element (mn + g, k + q), at bank 4g + q (stride 36) or 8q + g (a stride
//    of 8 mod 32).
//  - Edge tiles are predicated per 16-byte chunk (cp.async with source size 0 writes zeros),
//    so any M, N, and any K that is a multiple of 4 (the layout rules make it one, see
//    MatmulFloatArgs) work; out is stored element pairs at a time, predicated.
//  - Batch dims map to gridDim.z (MatmulBatch); blocks walk the tiles in groups of 8
//    block-rows per column, as the float32 tiled kernel does, for L2 reuse.
// The sum order over k is fixed, so results are bitwise deterministic from run to run.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "backends/cuda/cuda_matmul.cuh"

namespace minitorch::cuda::tf32 {

constexpr int kTileK = 32;

// The row stride (in floats) of an operand tile that spans kMn along m (A) or n (B): a k-major
// tile is kMn rows of kTileK, an mn-major tile kTileK rows of kMn (see the header comment).
template <int kMn, bool kKMajor>
constexpr int tile_stride() {
  return kKMajor ? kTileK + 4 : kMn + 8;
}
template <int kMn>
constexpr int operand_floats() {
  return std::max(kMn * tile_stride<kMn, true>(), kTileK * tile_stride<kMn, false>());
}

/// A tiling: block tile kM x kN (x kTileK), warp tile kWarpM x kWarpN, kStages pipeline
/// stages, and at least kMinBlocks blocks per SM (__launch_bounds__: caps the registers).
template <int kM_, int kN_, int kWarpM_, int kWarpN_, int kStages_, int kMinBlocks_>
struct Tf32Tiles {
  static constexpr int kM = kM_;
  static constexpr int kN = kN_;
  static constexpr int kWarpM = kWarpM_;
  static constexpr int kWarpN = kWarpN_;
  static constexpr int kStages = kStages_;
  static constexpr int kMinBlocks = kMinBlocks_;
  static constexpr int kThreads = 32 * (kM / kWarpM) * (kN / kWarpN);
  static constexpr int kStageFloats = operand_floats<kM>() + operand_floats<kN>();
  static constexpr int kSmemBytes = kStages * kStageFloats * static_cast<int>(sizeof(float));
  static_assert(kM % kWarpM == 0 && kN % kWarpN == 0 && kWarpM % 16 == 0 && kWarpN % 8 == 0);
  static_assert(tile_stride<kM, false>() % 32 == 8 && tile_stride<kN, false>() % 32 == 8,
                "conflict-free fragment reads (header comment)");
  static_assert(operand_floats<kM>() % 4 == 0 && kStageFloats % 4 == 0, "cp.async: 16 bytes");
};

__device__ __forceinline__ void cp_async_16(float* shared, const float* global, bool valid) {
  const auto address = static_cast<unsigned>(__cvta_generic_to_shared(shared));
  const int source_bytes = valid ? 16 : 0;  // 0: nothing is read and the 16 bytes are zeros
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(address), "l"(global),
               "r"(source_bytes));
}

__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }

template <int kPending>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending));
}

// Queues one operand's kMn x kTileK tile at (mn0, k0) into shared memory with kThreads
// threads. kKMajor: global element (mn, k) is at base[mn * ld + k]; else at base[k * ld + mn].
// Chunks outside [0, mn_size) x [0, k_size) read as zeros.
template <int kMn, bool kKMajor, int kThreads>
__device__ __forceinline__ void load_operand(float* tile, const float* base, std::int64_t ld,
                                             int mn0, int mn_size, int k0, int k_size, int t) {
  constexpr int kChunks = kMn * kTileK / 4;
  static_assert(kChunks % kThreads == 0);
  constexpr int kStride = tile_stride<kMn, kKMajor>();
#pragma unroll
  for (int i = 0; i < kChunks / kThreads; ++i) {
    const int chunk = i * kThreads + t;
    const int mn = kKMajor ? chunk / (kTileK / 4) : chunk % (kMn / 4) * 4;
    const int k = kKMajor ? chunk % (kTileK / 4) * 4 : chunk / (kMn / 4);
    float* dst = kKMajor ? tile + mn * kStride + k : tile + k * kStride + mn;
    const bool valid = mn0 + mn < mn_size && k0 + k < k_size;
    const float* src = kKMajor ? base + static_cast<std::int64_t>(mn0 + mn) * ld + (k0 + k)
                               : base + static_cast<std::int64_t>(k0 + k) * ld + (mn0 + mn);
    cp_async_16(dst, valid ? src : base, valid);
  }
}

// Element (mn, k) of a shared-memory tile, rounded to TF32 (round to nearest, ties away).
template <int kMn, bool kKMajor>
__device__ __forceinline__ unsigned tf32_at(const float* tile, int mn, int k) {
  constexpr int kStride = tile_stride<kMn, kKMajor>();
  const float value = kKMajor ? tile[mn * kStride + k] : tile[k * kStride + mn];
  unsigned rounded;
  asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(rounded) : "f"(value));
  return rounded;
}

// d += a (16x8, row) * b (8x8, col), TF32 inputs, float32 accumulators.
__device__ __forceinline__ void mma_tf32(float (&d)[4], const unsigned (&a)[4],
                                         const unsigned (&b)[2]) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
      "{%8, %9}, {%0, %1, %2, %3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// The origin of this block's tile of out, in grouped order: consecutive blocks walk 8
// block-rows down a column before moving right, so that the A and B panels in flight are
// shared by more blocks (the same order as tile_origin in cuda_matmul.cuh).
// The block index is read with volatile asm so that the epilogue recomputes its addresses
// from it: otherwise the compiler hoists all 32 of them above the main loop and spills.
template <class Tiles>
__device__ __forceinline__ void tile_origin(int& m0, int& n0) {
  constexpr int kGroup = 8;
  unsigned bx;
  unsigned by;
  asm volatile("mov.u32 %0, %%ctaid.x;" : "=r"(bx));
  asm volatile("mov.u32 %0, %%ctaid.y;" : "=r"(by));
  const int grid_n = static_cast<int>(gridDim.x);
  const int grid_m = static_cast<int>(gridDim.y);
  const int id = static_cast<int>(by) * grid_n + static_cast<int>(bx);
  const int first_m = id / (kGroup * grid_n) * kGroup;
  const int rows = min(grid_m - first_m, kGroup);
  const int local = id % (kGroup * grid_n);
  m0 = (first_m + local % rows) * Tiles::kM;
  n0 = local / rows * Tiles::kN;
}

// Stores out[m, n] and out[m, n + 1] where they exist; as one 8-byte store where allowed.
__device__ __forceinline__ void store_pair(float* c, std::int64_t ldc, int m, int n, int M, int N,
                                           bool pairs, float v0, float v1) {
  if (m >= M || n >= N) {
    return;
  }
  float* dst = c + static_cast<std::int64_t>(m) * ldc + n;
  if (pairs) {
    *reinterpret_cast<float2*>(dst) = make_float2(v0, v1);  // N even, so n + 1 < N
    return;
  }
  dst[0] = v0;
  if (n + 1 < N) {
    dst[1] = v1;
  }
}

template <class Tiles, bool kARow, bool kBRow>
__global__ void __launch_bounds__(Tiles::kThreads, Tiles::kMinBlocks)
    matmul_tf32(const float* a, const float* b, float* c, int M, int N, int K, std::int64_t lda,
                std::int64_t ldb, std::int64_t ldc, MatmulBatch batch) {
  extern __shared__ __align__(16) float smem[];
  // A row-major is k-major; B row-major is n-major, so B is k-major when column-major.
  constexpr bool kAKMajor = kARow;
  constexpr bool kBKMajor = !kBRow;
  const int t = static_cast<int>(threadIdx.x);
  const int warp = t / 32;
  const int lane = t % 32;
  const int g = lane / 4;  // the mma "group": a row of A's and a column of B's fragment
  const int q = lane % 4;  // the thread in its group: a k of the fragments
  constexpr int kTileM = Tiles::kM;
  constexpr int kTileN = Tiles::kN;
  constexpr int kStages = Tiles::kStages;
  constexpr int kMmaTilesM = Tiles::kWarpM / 16;
  constexpr int kMmaTilesN = Tiles::kWarpN / 8;
  constexpr int kAFloats = operand_floats<kTileM>();
  constexpr int kStageFloats = Tiles::kStageFloats;
  const int warp_m = (warp / (kTileN / Tiles::kWarpN)) * Tiles::kWarpM;
  const int warp_n = (warp % (kTileN / Tiles::kWarpN)) * Tiles::kWarpN;
  int m0;
  int n0;
  tile_origin<Tiles>(m0, n0);
  const int k_tiles = (K + kTileK - 1) / kTileK;

  for (std::int64_t z = blockIdx.z; z < batch.count; z += gridDim.z) {
    std::int64_t a_off;
    std::int64_t b_off;
    std::int64_t c_off;
    batch_offsets(batch, z, a_off, b_off, c_off);
    const float* A = a + a_off;
    const float* B = b + b_off;
    float* C = c + c_off;
    auto load_stage = [&](int stage, int k_tile) {
      float* tiles = smem + stage * kStageFloats;
      load_operand<kTileM, kAKMajor, Tiles::kThreads>(tiles, A, lda, m0, M, k_tile * kTileK, K, t);
      load_operand<kTileN, kBKMajor, Tiles::kThreads>(tiles + kAFloats, B, ldb, n0, N,
                                                      k_tile * kTileK, K, t);
    };

    float acc[kMmaTilesM][kMmaTilesN][4];
#pragma unroll
    for (int i = 0; i < kMmaTilesM; ++i) {
#pragma unroll
      for (int j = 0; j < kMmaTilesN; ++j) {
#pragma unroll
        for (int r = 0; r < 4; ++r) {
          acc[i][j][r] = 0.0f;
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
      cp_async_commit();
    }
    for (int kt = 0; kt < k_tiles; ++kt) {
      // Group kt has landed (for this thread); the barrier makes it every thread's, and
      // tells that every warp is done with stage (kt - 1) % kStages, which is refilled next.
      cp_async_wait<kStages - 2>();
      __syncthreads();
      const int next = kt + kStages - 1;
      if (next < k_tiles) {
        load_stage(next % kStages, next);
      }
      cp_async_commit();

      const float* a_tile = smem + (kt % kStages) * kStageFloats;
      const float* b_tile = a_tile + kAFloats;
#pragma unroll
      for (int kk = 0; kk < kTileK; kk += 8) {
        // B's fragments for the whole warp tile, then A's one mma row at a time: fewer
        // fragment registers live at once.
        unsigned b_frag[kMmaTilesN][2];
#pragma unroll
        for (int j = 0; j < kMmaTilesN; ++j) {
          const int col = warp_n + j * 8 + g;
          b_frag[j][0] = tf32_at<kTileN, kBKMajor>(b_tile, col, kk + q);
          b_frag[j][1] = tf32_at<kTileN, kBKMajor>(b_tile, col, kk + q + 4);
        }
#pragma unroll
        for (int i = 0; i < kMmaTilesM; ++i) {
          const int row = warp_m + i * 16 + g;
          const unsigned a_frag[4] = {tf32_at<kTileM, kAKMajor>(a_tile, row, kk + q),
                                      tf32_at<kTileM, kAKMajor>(a_tile, row + 8, kk + q),
                                      tf32_at<kTileM, kAKMajor>(a_tile, row, kk + q + 4),
                                      tf32_at<kTileM, kAKMajor>(a_tile, row + 8, kk + q + 4)};
#pragma unroll
          for (int j = 0; j < kMmaTilesN; ++j) {
            mma_tf32(acc[i][j], a_frag, b_frag[j]);
          }
        }
      }
    }
    // No copy may still be writing a stage that the next batch's prologue refills.
    cp_async_wait<0>();
    __syncthreads();

    // Accumulator r of mma tile (i, j) is out[row + (r / 2) * 8, col + r % 2].
    tile_origin<Tiles>(m0, n0);
    const bool pairs = N % 2 == 0 && ldc % 2 == 0 && reinterpret_cast<std::uintptr_t>(C) % 8 == 0;
#pragma unroll
    for (int i = 0; i < kMmaTilesM; ++i) {
      const int row = m0 + warp_m + i * 16 + g;
#pragma unroll
      for (int j = 0; j < kMmaTilesN; ++j) {
        const int col = n0 + warp_n + j * 8 + 2 * q;
        store_pair(C, ldc, row, col, M, N, pairs, acc[i][j][0], acc[i][j][1]);
        store_pair(C, ldc, row + 8, col, M, N, pairs, acc[i][j][2], acc[i][j][3]);
      }
    }
  }
}

}  // namespace minitorch::cuda::tf32
