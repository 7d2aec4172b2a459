// dev/: the device half of the wgmma lab (wgmma_lab.cu has the header comment, the host
// side and main): tile constants, shared-memory/mbarrier/TMA/wgmma helpers and the kernel
// variants. Included by wgmma_lab.cu only.
#pragma once

#include <cuda.h>  // CUtensorMap and its enums only
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace wgmma_lab {

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

}  // namespace wgmma_lab
