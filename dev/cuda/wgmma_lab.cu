// dev/: a Hopper warpgroup-MMA bfloat16 matmul lab (issue #17 item 3, the 0.85x cuBLAS target).
// Self-contained: its own main, not linked into the library; the lead decides from its numbers.
//
// What it computes: C[M,N] = A[M,K] @ B[N,K]^T, bf16 in, float32 accumulation, bf16 out, all
// row-major ("TN": both operands K-major, the layout wgmma reads from shared memory without a
// transpose). M, N, K must be multiples of the block tile (128, 256, 64); no edge handling.
//
// How work maps to the machine:
//   - one thread block computes one 128x256 tile of C (persistent variant: a strided run of them);
//   - TMA (cp.async.bulk.tensor, tensor maps made by cuTensorMapEncodeTiled reached through
//     cudaGetDriverEntryPointByVersion, so no -lcuda) copies 128x64 of A and 256x64 of B per
//     k-step into shared memory with the 128-byte swizzle; stages are guarded by mbarriers
//     ("full" completes on the copy's byte count, "empty" when every consumer warp is done);
//   - two consumer warpgroups each own 64 rows x 256 columns of the tile and issue
//     wgmma.mma_async m64n256k16 (4 per 64-wide k-step), 128 float accumulators per thread;
//   - variant "ws": a third (producer) warpgroup issues the copies, registers rebalanced with
//     setmaxnreg (producer 40, consumers 232); variant "ws-persistent": the same, one block per
//     SM walking tiles, so the producer prefetches the next tile while consumers store C;
//     variant "nows": no producer warpgroup, thread 0 of the first consumer refills stages.
//
// Checks every variant against cublasGemmEx (same layout) and a float64 host dot product on
// sampled elements, then times cuBLAS and the variant at 4096 and 8192 (median of 10).
//
// Measured on an H100 SXM (bench/results/wgmma_lab_2026-12-07_h100.txt), every variant bitwise
// equal to cuBLAS: ws 0.94x cuBLAS at 8192 (740 vs 787 TFLOP/s), 0.92x at 4096;
// ws-persistent 0.92x / 0.93x; nows 0.80x / 0.76x; both cluster variants correct but ~0.42x,
// not yet explained (suspects, unmeasured: the per-warp remote arrives on the peer's "empty"
// barriers, 16 per stage across SMs, and the two blocks' pipelines running in lock-step).
//
// Build (the -gencode form: see .library HOPPER.md, -arch=sm_90a alone may add a plain sm_90 pass):
//   nvcc -O3 -std=c++17 -gencode=arch=compute_90a,code=sm_90a dev/cuda/wgmma_lab.cu -lcublas \
//     -o wgmma_lab
// Run: ./wgmma_lab [--variant ws|ws-persistent|nows] (default ws); each variant is best run in
// its own process, so that a fault or hang in one leaves the others' numbers.
#include <cublas_v2.h>
#include <cuda.h>  // CUtensorMap and its enums only; the entry point comes through the runtime
#include <cudaTypedefs.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using bf16 = __nv_bfloat16;

constexpr int kBlockM = 128;
constexpr int kBlockN = 256;
constexpr int kBlockK = 64;  // 64 bf16 = 128 bytes: one row of the 128-byte swizzle atom
constexpr int kStages = 4;
constexpr int kConsumers = 2;  // warpgroups doing wgmma, 64 rows of the tile each
constexpr int kWarpgroupThreads = 128;
constexpr int kTileABytes = kBlockM * kBlockK * 2;
constexpr int kTileBBytes = kBlockN * kBlockK * 2;
constexpr int kStageBytes = kTileABytes + kTileBBytes;
// Every warp of every consumer warpgroup of every block of the cluster arrives once on a
// stage's "empty" barrier (a cluster's blocks share B: see matmul_wgmma_cluster).
constexpr unsigned kEmptyArrivalsPerBlock = kConsumers * 4;
// A stage's tiles start on 1024-byte boundaries: the 128-byte swizzle pattern repeats every
// 8 rows x 128 bytes and both TMA and wgmma apply it to absolute shared-memory address bits.
constexpr int kSharedBytes = kStages * kStageBytes + 2 * kStages * 8 + 1024;
constexpr int kGroupM = 8;  // tiles of M walked together, so concurrent blocks share B in L2

void check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "wgmma_lab: %s: %s\n", what, cudaGetErrorString(error));
    std::exit(1);
  }
}

void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "wgmma_lab: %s: cuBLAS status %d\n", what, static_cast<int>(status));
    std::exit(1);
  }
}

// ---- device helpers: shared addresses, mbarriers, TMA, wgmma ------------------------------

__device__ uint32_t shared_address(const void* pointer) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(pointer));
}

__device__ void barrier_init(uint64_t* barrier, unsigned count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(shared_address(barrier)),
               "r"(count));
}

__device__ void barrier_expect_bytes(uint64_t* barrier, unsigned bytes) {
  asm volatile(
      "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(shared_address(barrier)),
      "r"(bytes)
      : "memory");
}

__device__ void barrier_arrive(uint64_t* barrier) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" ::"r"(shared_address(barrier))
               : "memory");
}

// Waits until the barrier's phase of the given parity has completed.
__device__ void barrier_wait(uint64_t* barrier, unsigned parity) {
  const uint32_t address = shared_address(barrier);
  uint32_t done = 0;
  do {
    asm volatile(
        "{\n"
        ".reg .pred ready;\n"
        "mbarrier.try_wait.parity.shared::cta.b64 ready, [%1], %2;\n"
        "selp.u32 %0, 1, 0, ready;\n"
        "}\n"
        : "=r"(done)
        : "r"(address), "r"(parity)
        : "memory");
  } while (done == 0);
}

// Copies the box at (inner = column, outer = row) of a 2-D tensor map into shared memory;
// completion is counted in bytes on the barrier.
__device__ void tma_load_tile(void* destination, const CUtensorMap* map, uint64_t* barrier,
                              int inner, int outer) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3, %4}], [%2];" ::"r"(shared_address(destination)),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(shared_address(barrier)), "r"(inner), "r"(outer)
      : "memory");
}

// The same copy, also written at the same shared offset of every block in cta_mask (the
// cluster's blocks), each block's barrier at that offset counting the bytes it receives.
__device__ void tma_load_tile_multicast(void* destination, const CUtensorMap* map,
                                        uint64_t* barrier, int inner, int outer,
                                        uint16_t cta_mask) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      ".multicast::cluster [%0], [%1, {%3, %4}], [%2], %5;" ::"r"(shared_address(destination)),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(shared_address(barrier)), "r"(inner), "r"(outer),
      "h"(cta_mask)
      : "memory");
}

// Arrives on the barrier at the same shared offset in block `rank` of the cluster.
__device__ void barrier_arrive_in_block(uint64_t* barrier, unsigned rank) {
  uint32_t remote = 0;
  asm volatile("mapa.shared::cluster.u32 %0, %1, %2;"
               : "=r"(remote)
               : "r"(shared_address(barrier)), "r"(rank));
  asm volatile("mbarrier.arrive.release.cluster.shared::cluster.b64 _, [%0];" ::"r"(remote)
               : "memory");
}

__device__ unsigned cluster_rank() {
  unsigned rank = 0;
  asm volatile("mov.u32 %0, %%cluster_ctarank;" : "=r"(rank));
  return rank;
}

__device__ void cluster_sync() {
  asm volatile("barrier.cluster.arrive.release;\nbarrier.cluster.wait.acquire;" ::: "memory");
}

// Shared-memory matrix descriptor of a K-major tile written by TMA with the 128-byte swizzle:
// start address, leading offset unused for this layout (1), stride offset 1024 bytes between
// 8-row groups, swizzle mode 1 (128 B) in bits 62-63. Stepping 16 elements along K inside the
// 128-byte row is adding 32 bytes to the start address; the hardware swizzles the sum.
__device__ uint64_t tile_descriptor(const bf16* tile) {
  const uint64_t address = shared_address(tile);
  return ((address & 0x3FFFF) >> 4) | (uint64_t{1} << 16) | (uint64_t{1024 >> 4} << 32) |
      (uint64_t{1} << 62);
}

__device__ void wgmma_fence() { asm volatile("wgmma.fence.sync.aligned;" ::: "memory"); }

__device__ void wgmma_commit() { asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory"); }

template <int kPending>
__device__ void wgmma_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;" ::"n"(kPending) : "memory");
}

// d[64x256 per warpgroup] += A(64x16, K-major smem) * B(256x16, K-major smem)^T.
__device__ void wgmma_m64n256k16(float (&d)[128], uint64_t desc_a, uint64_t desc_b) {
  const int scale_d = 1;
  asm volatile(
      "{\n"
      ".reg .pred scale_d;\n"
      "setp.ne.b32 scale_d, %130, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16\n"
      "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15,\n"
      " %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31,\n"
      " %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47,\n"
      " %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63,\n"
      " %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79,\n"
      " %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95,\n"
      " %96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, "
      "%111,\n"
      " %112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, "
      "%127},\n"
      " %128, %129, scale_d, 1, 1, 0, 0;\n"
      "}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]),
        "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]),
        "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]),
        "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]),
        "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]),
        "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]),
        "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]),
        "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]),
        "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]),
        "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]),
        "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]),
        "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]),
        "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]),
        "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]),
        "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]),
        "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]),
        "+f"(d[110]), "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]),
        "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]),
        "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
      : "l"(desc_a), "l"(desc_b), "r"(scale_d));
}

template <int kRegisters>
__device__ void registers_release() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;" ::"n"(kRegisters));
}

template <int kRegisters>
__device__ void registers_claim() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;" ::"n"(kRegisters));
}

// ---- the kernel's pieces --------------------------------------------------------------------

struct Problem {
  bf16* c;
  int m;
  int n;
  int k;
};

struct Stages {
  bf16* a;  // kStages tiles of kBlockM x kBlockK
  bf16* b;  // kStages tiles of kBlockN x kBlockK
  uint64_t* full;
  uint64_t* empty;

  __device__ bf16* a_tile(int stage) const { return a + stage * (kBlockM * kBlockK); }
  __device__ bf16* b_tile(int stage) const { return b + stage * (kBlockN * kBlockK); }
};

__device__ Stages carve_shared(unsigned char* raw) {
  const uintptr_t aligned = (reinterpret_cast<uintptr_t>(raw) + 1023) & ~uintptr_t{1023};
  unsigned char* base = reinterpret_cast<unsigned char*>(aligned);
  Stages stages;
  stages.a = reinterpret_cast<bf16*>(base);
  stages.b = reinterpret_cast<bf16*>(base + kStages * kTileABytes);
  stages.full = reinterpret_cast<uint64_t*>(base + kStages * kStageBytes);
  stages.empty = stages.full + kStages;
  return stages;
}

template <int kCluster>
__device__ void init_barriers(const Stages& stages) {
  if (threadIdx.x == 0) {
    for (int s = 0; s < kStages; ++s) {
      barrier_init(&stages.full[s], 1);
      barrier_init(&stages.empty[s], kCluster * kEmptyArrivalsPerBlock);
    }
    // Makes the initialised barriers visible to the copy engine (the async proxy).
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
  }
  if constexpr (kCluster > 1) {
    cluster_sync();  // the other blocks' copies and arrivals target these barriers
  } else {
    __syncthreads();
  }
}

// Grouped raster: kGroupM tiles down M for each step along N, so the blocks resident together
// read a few A panels and a few B panels, which stay in L2.
__device__ void tile_coordinates(int tile, int tiles_m, int tiles_n, int& tile_m, int& tile_n) {
  const int per_group = kGroupM * tiles_n;
  const int group = tile / per_group;
  const int first_m = group * kGroupM;
  const int group_m = min(kGroupM, tiles_m - first_m);
  const int in_group = tile % per_group;
  tile_m = first_m + in_group % group_m;
  tile_n = in_group / group_m;
}

// Issues the copies of k-step `it` (counted across tiles) into stage it % kStages, first
// waiting for the consumers to free that stage when it has been used before. With a cluster of
// kCluster blocks along M (same B tile), each block copies its A tile and 1/kCluster of the B
// rows, multicast to every block; its own barrier expects the whole stage either way.
template <int kCluster = 1>
__device__ void produce_stage(const Stages& stages, const CUtensorMap* a_map,
                              const CUtensorMap* b_map, int it, int k_offset, int row_a,
                              int row_b) {
  const int stage = it % kStages;
  const int round = it / kStages;
  if (round > 0) {
    barrier_wait(&stages.empty[stage], static_cast<unsigned>((round - 1) & 1));
  }
  barrier_expect_bytes(&stages.full[stage], kStageBytes);
  tma_load_tile(stages.a_tile(stage), a_map, &stages.full[stage], k_offset, row_a);
  if constexpr (kCluster == 1) {
    tma_load_tile(stages.b_tile(stage), b_map, &stages.full[stage], k_offset, row_b);
  } else {
    constexpr int kSliceRows = kBlockN / kCluster;
    const int slice = static_cast<int>(cluster_rank());
    tma_load_tile_multicast(stages.b_tile(stage) + slice * kSliceRows * kBlockK, b_map,
                            &stages.full[stage], k_offset, row_b + slice * kSliceRows,
                            static_cast<uint16_t>((1u << kCluster) - 1));
  }
}

template <int kCluster>
__device__ void release_stage(const Stages& stages, int it) {
  if (threadIdx.x % 32 == 0) {
    if constexpr (kCluster == 1) {
      barrier_arrive(&stages.empty[it % kStages]);
    } else {
      for (unsigned rank = 0; rank < kCluster; ++rank) {
        barrier_arrive_in_block(&stages.empty[it % kStages], rank);
      }
    }
  }
}

// One consumer warpgroup's k-loop over a tile: waits for each stage, issues 4 wgmmas, keeps one
// wgmma group in flight and frees the stage of the group before it. `it` counts k-steps across
// tiles. `refill` runs after each step (the no-producer variant's copies).
template <int kCluster, typename Refill>
__device__ void consume_tile(const Stages& stages, int consumer, int k_steps, int& it,
                             float (&acc)[128], Refill refill) {
  for (int i = 0; i < 128; ++i) {
    acc[i] = 0.0f;
  }
  for (int kt = 0; kt < k_steps; ++kt, ++it) {
    const int stage = it % kStages;
    barrier_wait(&stages.full[stage], static_cast<unsigned>((it / kStages) & 1));
    const bf16* a_rows = stages.a_tile(stage) + consumer * 64 * kBlockK;
    const bf16* b_rows = stages.b_tile(stage);
    wgmma_fence();
#pragma unroll
    for (int kk = 0; kk < kBlockK / 16; ++kk) {
      wgmma_m64n256k16(acc, tile_descriptor(a_rows + kk * 16), tile_descriptor(b_rows + kk * 16));
    }
    wgmma_commit();
    wgmma_wait<1>();
    if (kt > 0) {
      release_stage<kCluster>(stages, it - 1);
      refill(kt - 1);
    }
  }
  wgmma_wait<0>();
  release_stage<kCluster>(stages, it - 1);
  refill(k_steps - 1);
}

// Accumulator layout of wgmma m64nNk16 (f32): warp w of the warpgroup holds rows 16w..16w+15;
// register 4j + 2h + e is row 16w + lane/4 + 8h, column 8j + 2(lane%4) + e.
__device__ void store_tile(const Problem& problem, const float (&acc)[128], int row0, int col0) {
  const int warp = (threadIdx.x % kWarpgroupThreads) / 32;
  const int lane = threadIdx.x % 32;
  const int row = row0 + warp * 16 + lane / 4;
  const int col = col0 + 2 * (lane % 4);
  bf16* upper = problem.c + static_cast<size_t>(row) * problem.n + col;
  bf16* lower = upper + static_cast<size_t>(8) * problem.n;
#pragma unroll
  for (int j = 0; j < 32; ++j) {
    *reinterpret_cast<__nv_bfloat162*>(upper + 8 * j) =
        __floats2bfloat162_rn(acc[4 * j], acc[4 * j + 1]);
    *reinterpret_cast<__nv_bfloat162*>(lower + 8 * j) =
        __floats2bfloat162_rn(acc[4 * j + 2], acc[4 * j + 3]);
  }
}

struct NoRefill {
  __device__ void operator()(int) const {}
};

// Warp-specialised: warpgroup 0 produces (one thread issues all copies), warpgroups 1 and 2
// consume. kPersistent: gridDim.x blocks stride over the tiles instead of one tile a block.
// kCluster > 1: launched in clusters of kCluster blocks that take kCluster tiles adjacent in M
// (same B tile) and multicast B between them, each block reading 1/kCluster of it.
template <bool kPersistent, int kCluster>
__global__ void __launch_bounds__((kConsumers + 1) * kWarpgroupThreads, 1)
    matmul_wgmma_specialised(const __grid_constant__ CUtensorMap a_map,
                             const __grid_constant__ CUtensorMap b_map, Problem problem) {
  extern __shared__ unsigned char shared_raw[];
  const Stages stages = carve_shared(shared_raw);
  init_barriers<kCluster>(stages);

  // Tiles here are cluster tiles, kCluster*kBlockM rows by kBlockN columns.
  const int tiles_m = problem.m / (kBlockM * kCluster);
  const int tiles_n = problem.n / kBlockN;
  const int tiles = tiles_m * tiles_n;
  const int k_steps = problem.k / kBlockK;
  const int first_tile = static_cast<int>(blockIdx.x) / kCluster;
  const int tile_stride = kPersistent ? static_cast<int>(gridDim.x) / kCluster : tiles;
  const int rank = static_cast<int>(blockIdx.x) % kCluster;  // 1-D clusters: the cluster rank
  const int warpgroup = static_cast<int>(threadIdx.x) / kWarpgroupThreads;

  if (warpgroup == 0) {
    registers_release<40>();
    if (threadIdx.x == 0) {
      int it = 0;
      for (int tile = first_tile; tile < tiles; tile += tile_stride) {
        int tile_m = 0;
        int tile_n = 0;
        tile_coordinates(tile, tiles_m, tiles_n, tile_m, tile_n);
        const int row_a = (tile_m * kCluster + rank) * kBlockM;
        for (int kt = 0; kt < k_steps; ++kt, ++it) {
          produce_stage<kCluster>(stages, &a_map, &b_map, it, kt * kBlockK, row_a,
                                  tile_n * kBlockN);
        }
      }
    }
  } else {
    registers_claim<232>();
    const int consumer = warpgroup - 1;
    float acc[128];
    int it = 0;
    for (int tile = first_tile; tile < tiles; tile += tile_stride) {
      int tile_m = 0;
      int tile_n = 0;
      tile_coordinates(tile, tiles_m, tiles_n, tile_m, tile_n);
      consume_tile<kCluster>(stages, consumer, k_steps, it, acc, NoRefill{});
      store_tile(problem, acc, (tile_m * kCluster + rank) * kBlockM + consumer * 64,
                 tile_n * kBlockN);
    }
  }
  if constexpr (kCluster > 1) {
    cluster_sync();  // no block leaves while the others may still write to its stages/barriers
  }
}

// No producer warpgroup: two consumer warpgroups; thread 0 fills the first kStages stages,
// then refills each stage once both warpgroups have freed it.
__global__ void __launch_bounds__(kConsumers* kWarpgroupThreads, 1)
    matmul_wgmma_unspecialised(const __grid_constant__ CUtensorMap a_map,
                               const __grid_constant__ CUtensorMap b_map, Problem problem) {
  extern __shared__ unsigned char shared_raw[];
  const Stages stages = carve_shared(shared_raw);
  init_barriers<1>(stages);

  const int tiles_m = problem.m / kBlockM;
  const int tiles_n = problem.n / kBlockN;
  const int k_steps = problem.k / kBlockK;
  int tile_m = 0;
  int tile_n = 0;
  tile_coordinates(static_cast<int>(blockIdx.x), tiles_m, tiles_n, tile_m, tile_n);
  const int row_a = tile_m * kBlockM;
  const int row_b = tile_n * kBlockN;
  const bool producer = threadIdx.x == 0;
  if (producer) {
    for (int kt = 0; kt < min(kStages, k_steps); ++kt) {
      produce_stage(stages, &a_map, &b_map, kt, kt * kBlockK, row_a, row_b);
    }
  }
  const auto refill = [&](int freed) {
    const int next = freed + kStages;
    if (producer && next < k_steps) {
      produce_stage(stages, &a_map, &b_map, next, next * kBlockK, row_a, row_b);
    }
  };
  const int consumer = static_cast<int>(threadIdx.x) / kWarpgroupThreads;
  float acc[128];
  int it = 0;
  consume_tile<1>(stages, consumer, k_steps, it, acc, refill);
  store_tile(problem, acc, row_a + consumer * 64, row_b);
}

}  // namespace

// ---- host side ------------------------------------------------------------------------------

namespace {

// Deterministic values in [-1, 1) from an index hash, made on the device so 8192^2 inputs
// cost no host time.
__global__ void fill_uniform(bf16* out, size_t count, uint32_t seed) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= count) {
    return;
  }
  uint32_t h = static_cast<uint32_t>(i) * 0x9E3779B1u ^ seed;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  out[i] = __float2bfloat16(static_cast<float>(h >> 8) * (2.0f / 16777216.0f) - 1.0f);
}

CUtensorMap make_tile_map(PFN_cuTensorMapEncodeTiled_v12000 encode, const bf16* base, uint64_t rows,
                          uint64_t cols, uint32_t box_rows) {
  CUtensorMap map;
  const cuuint64_t dims[2] = {cols, rows};
  const cuuint64_t strides[1] = {cols * sizeof(bf16)};
  const cuuint32_t box[2] = {static_cast<cuuint32_t>(kBlockK), box_rows};
  const cuuint32_t element_strides[2] = {1, 1};
  const CUresult result =
      encode(&map, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 2, const_cast<bf16*>(base), dims, strides, box,
             element_strides, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
             CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (result != CUDA_SUCCESS) {
    std::fprintf(stderr, "wgmma_lab: cuTensorMapEncodeTiled failed (%d)\n",
                 static_cast<int>(result));
    std::exit(1);
  }
  return map;
}

PFN_cuTensorMapEncodeTiled_v12000 tensor_map_encoder() {
  void* entry = nullptr;
  cudaDriverEntryPointQueryResult query{};
  check(cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &entry, 12000, cudaEnableDefault,
                                         &query),
        "cudaGetDriverEntryPointByVersion");
  if (query != cudaDriverEntryPointSuccess || entry == nullptr) {
    std::fprintf(stderr, "wgmma_lab: cuTensorMapEncodeTiled not found\n");
    std::exit(1);
  }
  return reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(entry);
}

enum class Variant {
  Specialised,
  SpecialisedPersistent,
  SpecialisedCluster,
  SpecialisedPersistentCluster,
  Unspecialised
};

struct VariantName {
  Variant variant;
  const char* name;
};

constexpr VariantName kVariants[] = {
    {Variant::Specialised, "ws"},
    {Variant::SpecialisedPersistent, "ws-persistent"},
    {Variant::SpecialisedCluster, "ws-cluster2"},
    {Variant::SpecialisedPersistentCluster, "ws-persistent-cluster2"},
    {Variant::Unspecialised, "nows"},
};

const char* variant_name(Variant variant) {
  for (const VariantName& entry : kVariants) {
    if (entry.variant == variant) {
      return entry.name;
    }
  }
  return "?";
}

constexpr int kClusterBlocks = 2;

template <typename Kernel>
void launch_in_clusters(Kernel kernel, int blocks, const CUtensorMap& a_map,
                        const CUtensorMap& b_map, const Problem& problem) {
  cudaLaunchConfig_t config{};
  config.gridDim = dim3(static_cast<unsigned>(blocks));
  config.blockDim = dim3((kConsumers + 1) * kWarpgroupThreads);
  config.dynamicSmemBytes = kSharedBytes;
  cudaLaunchAttribute attribute{};
  attribute.id = cudaLaunchAttributeClusterDimension;
  attribute.val.clusterDim.x = kClusterBlocks;
  attribute.val.clusterDim.y = 1;
  attribute.val.clusterDim.z = 1;
  config.attrs = &attribute;
  config.numAttrs = 1;
  check(cudaLaunchKernelEx(&config, kernel, a_map, b_map, problem), "cluster launch");
}

struct Matrices {
  int m;
  int n;
  int k;
  bf16* a;  // [m, k]
  bf16* b;  // [n, k]
  bf16* c;  // [m, n], ours
  bf16* c_cublas;
};

Matrices make_matrices(int m, int n, int k) {
  Matrices x{m, n, k, nullptr, nullptr, nullptr, nullptr};
  const size_t a_count = static_cast<size_t>(m) * k;
  const size_t b_count = static_cast<size_t>(n) * k;
  const size_t c_count = static_cast<size_t>(m) * n;
  check(cudaMalloc(&x.a, a_count * sizeof(bf16)), "malloc a");
  check(cudaMalloc(&x.b, b_count * sizeof(bf16)), "malloc b");
  check(cudaMalloc(&x.c, c_count * sizeof(bf16)), "malloc c");
  check(cudaMalloc(&x.c_cublas, c_count * sizeof(bf16)), "malloc c_cublas");
  fill_uniform<<<static_cast<unsigned>((a_count + 255) / 256), 256>>>(x.a, a_count, 1234u);
  fill_uniform<<<static_cast<unsigned>((b_count + 255) / 256), 256>>>(x.b, b_count, 5678u);
  check(cudaMemset(x.c, 0, c_count * sizeof(bf16)), "memset c");
  check(cudaMemset(x.c_cublas, 0, c_count * sizeof(bf16)), "memset c_cublas");
  check(cudaDeviceSynchronize(), "fill");
  return x;
}

void free_matrices(Matrices& x) {
  cudaFree(x.a);
  cudaFree(x.b);
  cudaFree(x.c);
  cudaFree(x.c_cublas);
}

// Row-major C[M,N] = A[M,K] B[N,K]^T is, column-major, C^T[N,M] = B^T A with B and A seen as
// K-major column-major matrices: op(B) = T, op(A) = N.
void run_cublas(cublasHandle_t handle, const Matrices& x) {
  const float alpha = 1.0f;
  const float beta = 0.0f;
  check(cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, x.n, x.m, x.k, &alpha, x.b, CUDA_R_16BF, x.k,
                     x.a, CUDA_R_16BF, x.k, &beta, x.c_cublas, CUDA_R_16BF, x.n, CUBLAS_COMPUTE_32F,
                     CUBLAS_GEMM_DEFAULT),
        "cublasGemmEx");
}

struct Launcher {
  Variant variant;
  PFN_cuTensorMapEncodeTiled_v12000 encode;
  int multiprocessors;

  void operator()(const Matrices& x) const {
    const CUtensorMap a_map =
        make_tile_map(encode, x.a, static_cast<uint64_t>(x.m), static_cast<uint64_t>(x.k), kBlockM);
    // In a cluster each block copies (and multicasts) only its slice of the B tile's rows.
    const bool clustered =
        variant == Variant::SpecialisedCluster || variant == Variant::SpecialisedPersistentCluster;
    const uint32_t b_box_rows = clustered ? kBlockN / kClusterBlocks : kBlockN;
    const CUtensorMap b_map = make_tile_map(encode, x.b, static_cast<uint64_t>(x.n),
                                            static_cast<uint64_t>(x.k), b_box_rows);
    const Problem problem{x.c, x.m, x.n, x.k};
    const int tiles = (x.m / kBlockM) * (x.n / kBlockN);  // blocks of one tile each
    switch (variant) {
      case Variant::Specialised:
        matmul_wgmma_specialised<false, 1>
            <<<tiles, (kConsumers + 1) * kWarpgroupThreads, kSharedBytes>>>(a_map, b_map, problem);
        break;
      case Variant::SpecialisedPersistent:
        matmul_wgmma_specialised<true, 1>
            <<<std::min(tiles, multiprocessors), (kConsumers + 1) * kWarpgroupThreads,
               kSharedBytes>>>(a_map, b_map, problem);
        break;
      case Variant::SpecialisedCluster:
        launch_in_clusters(matmul_wgmma_specialised<false, kClusterBlocks>, tiles, a_map, b_map,
                           problem);
        break;
      case Variant::SpecialisedPersistentCluster:
        launch_in_clusters(matmul_wgmma_specialised<true, kClusterBlocks>,
                           std::min(tiles, multiprocessors / kClusterBlocks * kClusterBlocks),
                           a_map, b_map, problem);
        break;
      case Variant::Unspecialised:
        matmul_wgmma_unspecialised<<<tiles, kConsumers * kWarpgroupThreads, kSharedBytes>>>(
            a_map, b_map, problem);
        break;
    }
    check(cudaGetLastError(), "launch");
  }
};

std::vector<bf16> to_host(const bf16* device, size_t count) {
  std::vector<bf16> host(count);
  check(cudaMemcpy(host.data(), device, count * sizeof(bf16), cudaMemcpyDeviceToHost), "copy");
  return host;
}

// Ours against cuBLAS over every element, and both against a float64 dot product on a sample.
bool compare(const Matrices& x, bool host_reference) {
  const size_t c_count = static_cast<size_t>(x.m) * x.n;
  const std::vector<bf16> ours = to_host(x.c, c_count);
  const std::vector<bf16> theirs = to_host(x.c_cublas, c_count);
  double max_diff = 0.0;
  double max_ref = 0.0;
  size_t equal_bits = 0;
  size_t nonzero = 0;
  for (size_t i = 0; i < c_count; ++i) {
    const double o = static_cast<double>(__bfloat162float(ours[i]));
    const double t = static_cast<double>(__bfloat162float(theirs[i]));
    max_diff = std::max(max_diff, std::fabs(o - t));
    max_ref = std::max(max_ref, std::fabs(t));
    uint16_t ob = 0;
    uint16_t tb = 0;
    std::memcpy(&ob, &ours[i], 2);
    std::memcpy(&tb, &theirs[i], 2);
    equal_bits += ob == tb ? 1 : 0;
    nonzero += o != 0.0 ? 1 : 0;
  }
  const double rel_cublas = max_diff / std::max(max_ref, 1e-30);
  std::printf(
      "  %dx%dx%d vs cuBLAS: max|ours-cublas|/max|cublas| = %.3e, bitwise equal %.2f%%, "
      "nonzero %.2f%%\n",
      x.m, x.n, x.k, rel_cublas, 100.0 * static_cast<double>(equal_bits) / c_count,
      100.0 * static_cast<double>(nonzero) / c_count);
  bool ok = rel_cublas < 1e-2 && nonzero > c_count / 2;
  if (host_reference) {
    const std::vector<bf16> a = to_host(x.a, static_cast<size_t>(x.m) * x.k);
    const std::vector<bf16> b = to_host(x.b, static_cast<size_t>(x.n) * x.k);
    double ours_err = 0.0;
    double cublas_err = 0.0;
    double exact_max = 0.0;
    uint64_t state = 88172645463325252ull;
    for (int sample = 0; sample < 4096; ++sample) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      const int row = static_cast<int>(state % static_cast<uint64_t>(x.m));
      const int col = static_cast<int>((state >> 32) % static_cast<uint64_t>(x.n));
      double exact = 0.0;
      for (int kk = 0; kk < x.k; ++kk) {
        exact += static_cast<double>(__bfloat162float(a[static_cast<size_t>(row) * x.k + kk])) *
            static_cast<double>(__bfloat162float(b[static_cast<size_t>(col) * x.k + kk]));
      }
      const size_t at = static_cast<size_t>(row) * x.n + col;
      ours_err = std::max(ours_err, std::fabs(__bfloat162float(ours[at]) - exact));
      cublas_err = std::max(cublas_err, std::fabs(__bfloat162float(theirs[at]) - exact));
      exact_max = std::max(exact_max, std::fabs(exact));
    }
    std::printf(
        "  %dx%dx%d vs float64 (4096 samples): max error / max|exact|: ours %.3e, "
        "cuBLAS %.3e\n",
        x.m, x.n, x.k, ours_err / exact_max, cublas_err / exact_max);
    ok = ok && ours_err <= 2.0 * cublas_err + 1e-2 * exact_max;
  }
  return ok;
}

template <typename Fn>
double median_ms(Fn fn, int reps) {
  cudaEvent_t start;
  cudaEvent_t stop;
  check(cudaEventCreate(&start), "event");
  check(cudaEventCreate(&stop), "event");
  fn();
  fn();
  check(cudaDeviceSynchronize(), "warm-up");
  std::vector<float> times;
  for (int r = 0; r < reps; ++r) {
    check(cudaEventRecord(start), "record");
    fn();
    check(cudaEventRecord(stop), "record");
    check(cudaEventSynchronize(stop), "sync");
    float ms = 0.0f;
    check(cudaEventElapsedTime(&ms, start, stop), "elapsed");
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(times.begin(), times.end());
  return static_cast<double>(times[times.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines survive a variant killed for hanging
  Variant variant = Variant::Specialised;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string value = i + 1 < argc ? argv[i + 1] : "";
    bool known = false;
    for (const VariantName& entry : kVariants) {
      if (arg == "--variant" && value == entry.name) {
        variant = entry.variant;
        known = true;
      }
    }
    if (!known) {
      std::fprintf(stderr,
                   "usage: wgmma_lab [--variant ws|ws-persistent|ws-cluster2|"
                   "ws-persistent-cluster2|nows]\n");
      return 2;
    }
    ++i;
  }

  cudaDeviceProp props{};
  check(cudaGetDeviceProperties(&props, 0), "properties");
  std::printf("wgmma_lab: variant %s on %s (%d SMs), tile %dx%dx%d, %d stages, %d B shared\n",
              variant_name(variant), props.name, props.multiProcessorCount, kBlockM, kBlockN,
              kBlockK, kStages, kSharedBytes);
  check(cudaFuncSetAttribute(matmul_wgmma_specialised<false, 1>,
                             cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes),
        "smem attribute");
  check(cudaFuncSetAttribute(matmul_wgmma_specialised<true, 1>,
                             cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes),
        "smem attribute");
  check(cudaFuncSetAttribute(matmul_wgmma_specialised<false, kClusterBlocks>,
                             cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes),
        "smem attribute");
  check(cudaFuncSetAttribute(matmul_wgmma_specialised<true, kClusterBlocks>,
                             cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes),
        "smem attribute");
  check(cudaFuncSetAttribute(matmul_wgmma_unspecialised,
                             cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes),
        "smem attribute");

  const Launcher launch{variant, tensor_map_encoder(), props.multiProcessorCount};
  cublasHandle_t handle;
  check(cublasCreate(&handle), "cublasCreate");

  bool all_ok = true;
  const int check_shapes[][3] = {{1024, 1024, 1024}, {2048, 1024, 768}, {768, 2560, 4096}};
  for (const auto& shape : check_shapes) {
    Matrices x = make_matrices(shape[0], shape[1], shape[2]);
    launch(x);
    run_cublas(handle, x);
    check(cudaDeviceSynchronize(), "check run");
    all_ok = compare(x, true) && all_ok;
    free_matrices(x);
  }
  std::printf("  correctness: %s\n", all_ok ? "PASS" : "FAIL");

  for (const int size : {4096, 8192}) {
    Matrices x = make_matrices(size, size, size);
    const double flops = 2.0 * size * static_cast<double>(size) * size;
    const double cublas_ms = median_ms([&] { run_cublas(handle, x); }, 10);
    const double ours_ms = median_ms([&] { launch(x); }, 10);
    const bool ok = compare(x, false);
    all_ok = ok && all_ok;
    std::printf("  %5d^3: cuBLAS %.3f ms %.1f TFLOP/s | %s %.3f ms %.1f TFLOP/s | ratio %.3f%s\n",
                size, cublas_ms, flops / cublas_ms * 1e-9, variant_name(variant), ours_ms,
                flops / ours_ms * 1e-9, cublas_ms / ours_ms, ok ? "" : "  (WRONG RESULT)");
    free_matrices(x);
  }
  cublasDestroy(handle);
  return all_ok ? 0 : 1;
}
