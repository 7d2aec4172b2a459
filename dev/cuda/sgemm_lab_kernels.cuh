// dev/: the device half of the FP32 SIMT sgemm lab (sgemm_lab.cu has the header comment, the
// host side and main): the kernel variants, all C[M,N] = A[M,K] @ B[K,N] row-major float32 with
// plain FFMA (no tensor cores), one increasing-k fma chain per output element so that every
// variant gives the same bits. Tiles must divide the problem: no edge handling beyond base's.
// Included by sgemm_lab.cu only.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace sgemm_lab {

constexpr int kGroupM = 8;  // block-rows walked together down a column (L2 reuse), as the library

// The tile of C this block computes, in the library's grouped order: consecutive blocks walk
// kGroupM block-rows down a column before moving right. The block index is read with volatile
// asm so that the epilogue recomputes the origin instead of holding it through the main loop.
template <int kTileM, int kTileN>
__device__ __forceinline__ void tile_origin(int& m0, int& n0) {
  unsigned bx;
  unsigned by;
  asm volatile("mov.u32 %0, %%ctaid.x;" : "=r"(bx));
  asm volatile("mov.u32 %0, %%ctaid.y;" : "=r"(by));
  const int grid_n = static_cast<int>(gridDim.x);
  const int grid_m = static_cast<int>(gridDim.y);
  const int id = static_cast<int>(by) * grid_n + static_cast<int>(bx);
  const int first_m = id / (kGroupM * grid_n) * kGroupM;
  const int rows = grid_m - first_m < kGroupM ? grid_m - first_m : kGroupM;
  const int local = id % (kGroupM * grid_n);
  m0 = (first_m + local % rows) * kTileM;
  n0 = local / rows * kTileN;
}

__device__ __forceinline__ void load4(const float* p, float (&r)[4]) {
  const float4 v = *reinterpret_cast<const float4*>(p);
  r[0] = v.x;
  r[1] = v.y;
  r[2] = v.z;
  r[3] = v.w;
}

__device__ __forceinline__ void store4(float* p, const float (&r)[4]) {
  *reinterpret_cast<float4*>(p) = make_float4(r[0], r[1], r[2], r[3]);
}

// ---- base and bk16: the library's matmul_tiled (row-major A and B, no batch loop) ------------
//
// 256 threads, 128x128 block tile, k-step kBK. Each thread owns an 8x8 register tile made of
// four 4x4 quadrants, rows {wm*32 + ty*4, +16} and cols {wn*64 + tx*4, +32} (a warp is 4x8
// lanes, the 8 warps 4x2). The next A and B tiles travel global -> registers (16-byte vectors)
// during the current step, then registers -> shared (A transposed to [k][m]); two shared
// buffers, one barrier per step. kBK = 8 is the library's kernel ("base"); kBK = 16 halves the
// barriers and stores per FLOP at the cost of 8 more staging registers ("bk16").
constexpr int kStagedTile = 128;
constexpr int kStagedPad = 4;
constexpr int kStagedThreads = 256;

template <int kBK>
__global__ void __launch_bounds__(kStagedThreads, 2)
    matmul_staged(const float* a, const float* b, float* c, int M, int N, int K, std::int64_t lda,
                  std::int64_t ldb, std::int64_t ldc) {
  constexpr int kLoads = kBK / 8;  // float4s of A (and of B) per thread per step
  __shared__ __align__(16) float As[2][kBK][kStagedTile + kStagedPad];
  __shared__ __align__(16) float Bs[2][kBK][kStagedTile + kStagedPad];
  const int t = static_cast<int>(threadIdx.x);
  const int warp = t / 32;
  const int lane = t % 32;
  const int row0 = (warp / 2) * 32 + (lane / 8) * 4;  // + i, + 16 + i
  const int col0 = (warp % 2) * 64 + (lane % 8) * 4;  // + j, + 32 + j
  int m0;
  int n0;
  tile_origin<kStagedTile, kStagedTile>(m0, n0);

  // Which 4 elements of the A and B tiles this thread loads (load r adds r * 256 / (kBK / 4)
  // rows of A and r * 8 k-rows of B).
  const int a_m = t / (kBK / 4);
  const int a_k = (t % (kBK / 4)) * 4;
  const int b_n = (t % 32) * 4;
  const int b_k = t / 32;
  constexpr int kARowsPerLoad = kStagedThreads / (kBK / 4);

  const float* a_src = a + static_cast<std::int64_t>(m0 + a_m) * lda + a_k;
  const float* b_src = b + static_cast<std::int64_t>(b_k) * ldb + (n0 + b_n);
  const bool a_in = m0 + a_m < M;
  const bool b_in = n0 + b_n < N;
  float ra[kLoads][4];
  float rb[kLoads][4];
  auto load_tiles = [&](int k0) {
#pragma unroll
    for (int r = 0; r < kLoads; ++r) {
      if (a_in && k0 + a_k < K) {
        load4(a_src + r * kARowsPerLoad * lda, ra[r]);
      } else {
        ra[r][0] = ra[r][1] = ra[r][2] = ra[r][3] = 0.0f;
      }
      if (b_in && k0 + b_k + 8 * r < K) {
        load4(b_src + r * 8 * ldb, rb[r]);
      } else {
        rb[r][0] = rb[r][1] = rb[r][2] = rb[r][3] = 0.0f;
      }
    }
    a_src += kBK;
    b_src += kBK * ldb;
  };
  auto store_tiles = [&](int buf) {
#pragma unroll
    for (int r = 0; r < kLoads; ++r) {
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        As[buf][a_k + j][a_m + r * kARowsPerLoad] = ra[r][j];
      }
      store4(&Bs[buf][b_k + 8 * r][b_n], rb[r]);
    }
  };

  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; ++i) {
#pragma unroll
    for (int j = 0; j < 8; ++j) {
      acc[i][j] = 0.0f;
    }
  }

  load_tiles(0);
  store_tiles(0);
  __syncthreads();
  int buf = 0;
  for (int k0 = 0; k0 < K; k0 += kBK) {
    const bool has_next = k0 + kBK < K;
    if (has_next) {
      load_tiles(k0 + kBK);
    }
#pragma unroll
    for (int kk = 0; kk < kBK; ++kk) {
      float am[8];
      float bn[8];
      float lo[4];
      float hi[4];
      load4(&As[buf][kk][row0], lo);
      load4(&As[buf][kk][row0 + 16], hi);
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        am[i] = lo[i];
        am[4 + i] = hi[i];
      }
      load4(&Bs[buf][kk][col0], lo);
      load4(&Bs[buf][kk][col0 + 32], hi);
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        bn[j] = lo[j];
        bn[4 + j] = hi[j];
      }
#pragma unroll
      for (int i = 0; i < 8; ++i) {
#pragma unroll
        for (int j = 0; j < 8; ++j) {
          acc[i][j] = fmaf(am[i], bn[j], acc[i][j]);
        }
      }
    }
    if (has_next) {
      store_tiles(buf ^ 1);
    }
    __syncthreads();
    buf ^= 1;
  }

  tile_origin<kStagedTile, kStagedTile>(m0, n0);
#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const int m = m0 + row0 + (i < 4 ? i : 12 + i);
    if (m >= M) {
      continue;
    }
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int n = n0 + col0 + half * 32;
      const float v[4] = {acc[i][half * 4], acc[i][half * 4 + 1], acc[i][half * 4 + 2],
                          acc[i][half * 4 + 3]};
      if (n < N) {
        store4(c + static_cast<std::int64_t>(m) * ldc + n, v);
      }
    }
  }
}

// ---- cp.async variants: a kStages-deep shared-memory pipeline, no register staging ----------
//
// Shape: WM x WN warps; a warp's lanes are 4 (ty) x 8 (tx); a thread owns QM x QN quadrants of
// 4x4, rows warp_m*16*QM + ty*4 + 16q + i and cols warp_n*32*QN + tx*4 + 32h + j, so a warp's
// fragment read of A covers 64 contiguous bytes (4 distinct float4s, broadcast) and of B 128
// contiguous bytes: one shared-memory wavefront each. Block tile BM = WM*16*QM, BN = WN*32*QN.
// Copies (cp.async, completion counted per thread with commit/wait groups):
//   - B tile [BK][BN]: 16-byte copies (.cg, L2 only), a warp's 32 copies one 512-byte run of
//     one k-row, stored unpadded;
//   - A tile: row-major in global ([m][k]) but wanted as [k][m] in shared memory so that a
//     fragment is one float4; 4-byte copies (.ca) scatter it transposed. A warp covers 4 rows x
//     8 k (32 bytes of each row: whole sectors); the row stride BM + 4 puts its 32 stores in 32
//     banks. 4-byte copies cost BM*BK/threads issue slots per k-step (16 of 2048 FFMAs).
// Pipeline: k-step kt waits for its group (wait_group kStages-2), then one barrier, which also
// frees the buffer read in step kt-1, into which step kt + kStages-1 is copied before computing.
// kCrossStep: the same, with double-buffered fragments that run ahead across k-steps.
template <int BM, int BN, int BK, int kStages, int WM, int WN, int QM, int QN>
struct AsyncShape {
  static constexpr int kThreads = WM * WN * 32;
  static constexpr int kAStride = BM + 4;  // floats per k-row of the A tile in shared memory
  static constexpr int kAFloats = BK * kAStride;
  static constexpr int kBFloats = BK * BN;
  static constexpr int kStageFloats = kAFloats + kBFloats;
  static constexpr int kSharedBytes = kStages * kStageFloats * 4;
  static constexpr int kARowsPerCopy = kThreads / 8;  // rows one round of A copies covers
  static constexpr int kACopiesPerK8 = BM / kARowsPerCopy;  // rounds per 8 k
  static constexpr int kACopies = kACopiesPerK8 * (BK / 8);  // 4-byte A copies per thread
  static constexpr int kBKRowsPerCopy = kThreads / (BN / 4);  // k-rows one round of B covers
  static constexpr int kBCopies = BK / kBKRowsPerCopy;  // 16-byte B copies per thread
  static_assert(BM == WM * 16 * QM && BN == WN * 32 * QN, "warp layout must cover the tile");
  static_assert(BK % 8 == 0 && BM % kARowsPerCopy == 0, "A copy rounds must tile [BM][BK]");
  static_assert(kThreads % (BN / 4) == 0 && BK % kBKRowsPerCopy == 0, "B copy rounds");
  static_assert(kStages >= 2, "a pipeline needs two stages");
};

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

template <int BM, int BN, int BK, int kStages, int WM, int WN, int QM, int QN, int kMinBlocks,
          bool kCrossStep>
__global__ void __launch_bounds__(WM* WN * 32, kMinBlocks)
    matmul_async(const float* a, const float* b, float* c, int M, int N, int K, std::int64_t lda,
                 std::int64_t ldb, std::int64_t ldc) {
  using S = AsyncShape<BM, BN, BK, kStages, WM, WN, QM, QN>;
  extern __shared__ __align__(16) float shared[];
  const int t = static_cast<int>(threadIdx.x);
  const int warp = t / 32;
  const int lane = t % 32;
  const int row0 = (warp / WN) * 16 * QM + (lane / 8) * 4;  // + 16q + i
  const int col0 = (warp % WN) * 32 * QN + (lane % 8) * 4;  // + 32h + j
  int m0;
  int n0;
  tile_origin<BM, BN>(m0, n0);
  (void)M;
  (void)N;

  // This thread's copies: A element (row t/8 + r*kARowsPerCopy, k t%8 + 8*k8) and B float4
  // (k-row t/(BN/4) + r*kBKRowsPerCopy, col (t%(BN/4))*4); sources advance one k-step a copy.
  const float* a_src = a + static_cast<std::int64_t>(m0 + t / 8) * lda + t % 8;
  const float* b_src = b + static_cast<std::int64_t>(t / (BN / 4)) * ldb + n0 + (t % (BN / 4)) * 4;
  const int a_dst = (t % 8) * S::kAStride + t / 8;
  const int b_dst = S::kAFloats + (t / (BN / 4)) * BN + (t % (BN / 4)) * 4;
  const std::int64_t a_round = static_cast<std::int64_t>(S::kARowsPerCopy) * lda;
  const std::int64_t b_round = static_cast<std::int64_t>(S::kBKRowsPerCopy) * ldb;
  auto copy_tiles = [&](int stage) {
    float* base = shared + stage * S::kStageFloats;
#pragma unroll
    for (int k8 = 0; k8 < BK / 8; ++k8) {
#pragma unroll
      for (int r = 0; r < S::kACopiesPerK8; ++r) {
        copy_async_4(base + a_dst + k8 * 8 * S::kAStride + r * S::kARowsPerCopy,
                     a_src + r * a_round + k8 * 8);
      }
    }
#pragma unroll
    for (int r = 0; r < S::kBCopies; ++r) {
      copy_async_16(base + b_dst + r * S::kBKRowsPerCopy * BN, b_src + r * b_round);
    }
    a_src += BK;
    b_src += BK * ldb;
  };

  float acc[4 * QM][4 * QN];
#pragma unroll
  for (int i = 0; i < 4 * QM; ++i) {
#pragma unroll
    for (int j = 0; j < 4 * QN; ++j) {
      acc[i][j] = 0.0f;
    }
  }

  // Fragments of k-row kk of a stage: QM float4s of A (rows) and QN float4s of B (columns).
  auto load_fragments = [&](int stage, int kk, float(&am)[4 * QM], float(&bn)[4 * QN]) {
    const float* as = shared + stage * S::kStageFloats + kk * S::kAStride + row0;
    const float* bs = shared + stage * S::kStageFloats + S::kAFloats + kk * BN + col0;
#pragma unroll
    for (int q = 0; q < QM; ++q) {
      const float4 v = *reinterpret_cast<const float4*>(as + 16 * q);
      am[4 * q] = v.x;
      am[4 * q + 1] = v.y;
      am[4 * q + 2] = v.z;
      am[4 * q + 3] = v.w;
    }
#pragma unroll
    for (int h = 0; h < QN; ++h) {
      const float4 v = *reinterpret_cast<const float4*>(bs + 32 * h);
      bn[4 * h] = v.x;
      bn[4 * h + 1] = v.y;
      bn[4 * h + 2] = v.z;
      bn[4 * h + 3] = v.w;
    }
  };
  auto multiply = [&](const float(&am)[4 * QM], const float(&bn)[4 * QN]) {
#pragma unroll
    for (int i = 0; i < 4 * QM; ++i) {
#pragma unroll
      for (int j = 0; j < 4 * QN; ++j) {
        acc[i][j] = fmaf(am[i], bn[j], acc[i][j]);
      }
    }
  };

  const int k_steps = K / BK;
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < k_steps) {
      copy_tiles(s);
    }
    copy_async_commit();  // empty groups keep the count: group kt is always k-step kt
  }
  int read_stage = 0;
  int write_stage = kStages - 1;
  if constexpr (!kCrossStep) {
    for (int kt = 0; kt < k_steps; ++kt) {
      copy_async_wait<kStages - 2>();
      __syncthreads();
      if (kt + kStages - 1 < k_steps) {
        copy_tiles(write_stage);
      }
      copy_async_commit();
#pragma unroll
      for (int kk = 0; kk < BK; ++kk) {
        float am[4 * QM];
        float bn[4 * QN];
        load_fragments(read_stage, kk, am, bn);
        multiply(am, bn);
      }
      read_stage = read_stage + 1 == kStages ? 0 : read_stage + 1;
      write_stage = write_stage + 1 == kStages ? 0 : write_stage + 1;
    }
  } else {
    // Two fragment buffers: k-row kk+1 is read while kk is multiplied, and across k-steps too:
    // the wait and barrier for step kt+1 come before the last k-row of step kt is multiplied,
    // so that step kt+1's first fragments load under that work. Step kt's copies (into the
    // stage read in step kt-1) follow the barrier at the end of step kt-1, after which no
    // thread reads that stage (its last k-row was loaded into registers before it).
    float am[2][4 * QM];
    float bn[2][4 * QN];
    copy_async_wait<kStages - 2>();
    __syncthreads();
    load_fragments(read_stage, 0, am[0], bn[0]);
    for (int kt = 0; kt < k_steps; ++kt) {
      if (kt + kStages - 1 < k_steps) {
        copy_tiles(write_stage);
      }
      copy_async_commit();
      write_stage = write_stage + 1 == kStages ? 0 : write_stage + 1;
#pragma unroll
      for (int kk = 0; kk < BK; ++kk) {
        if (kk < BK - 1) {
          load_fragments(read_stage, kk + 1, am[(kk + 1) % 2], bn[(kk + 1) % 2]);
        } else {
          copy_async_wait<kStages - 2>();
          __syncthreads();
          read_stage = read_stage + 1 == kStages ? 0 : read_stage + 1;
          if (kt + 1 < k_steps) {
            load_fragments(read_stage, 0, am[(kk + 1) % 2], bn[(kk + 1) % 2]);
          }
        }
        multiply(am[kk % 2], bn[kk % 2]);
      }
    }
  }
  copy_async_wait<0>();  // nothing is in flight here (only empty groups), but leave none behind

  tile_origin<BM, BN>(m0, n0);
#pragma unroll
  for (int q = 0; q < QM; ++q) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      float* dst = c + static_cast<std::int64_t>(m0 + row0 + 16 * q + i) * ldc + n0 + col0;
#pragma unroll
      for (int h = 0; h < QN; ++h) {
        const float v[4] = {acc[4 * q + i][4 * h], acc[4 * q + i][4 * h + 1],
                            acc[4 * q + i][4 * h + 2], acc[4 * q + i][4 * h + 3]};
        store4(dst + 32 * h, v);
      }
    }
  }
}

}  // namespace sgemm_lab
