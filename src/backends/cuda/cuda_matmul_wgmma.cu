// The bfloat16/float16 matmul on Hopper's warpgroup MMA (wgmma) with TMA copies, for the
// "TN" layout: C[M, N] = A[M, K] @ B^T where A is row-major and B is stored [N, K] row-major
// (both K-major: the layout wgmma reads from shared memory without a transpose, and Linear's
// forward x @ W^T). float32 accumulation, bf16/fp16 out rounded to nearest even.
//
// How work maps to the machine (the "ws" variant of dev/cuda/wgmma_lab.cu, measured there at
// 0.94x cuBLAS bf16 at 8192 and bitwise equal to it):
//   - one 384-thread block computes one 128x256 tile of C for each batch z it is given
//     (blockIdx.z, then strides of gridDim.z), block tiles in a grouped order for L2 reuse;
//   - warpgroup 0 is the producer: one thread issues TMA copies (cp.async.bulk.tensor with
//     tensor maps encoded on the host; 128-byte swizzle) of a 128x64 A tile and a 256x64 B tile
//     per k-step into a 4-stage ring in shared memory, each stage guarded by a "full" mbarrier
//     (completes on the copied byte count) and an "empty" one (one arrival per consumer warp);
//   - warpgroups 1 and 2 consume: each owns 64 rows x 256 columns of the tile, issues
//     wgmma.mma_async m64n256k16 (4 per k-step) into 128 float32 registers a thread, keeps one
//     wgmma group in flight and frees the stage of the group before it. setmaxnreg moves
//     registers from the producer (40) to the consumers (232);
//   - edges: TMA zero-fills boxes that leave the tensor, so K needs no multiple of 64 and rows
//     past M (N) add zeros or, in a batched map, another batch's rows: both only reach outputs
//     past M (N), which the epilogue does not store.
// Batches: one 2-D tensor map per operand covers every batch. Each batch stride is a whole
// number of rows (required), so batch z of A starts at row a_off / lda of the map; the host
// turns MatmulBatch's A and B strides into row counts, and broadcast (stride 0) needs nothing.
#include <cuda.h>  // CUtensorMap and its enums; the driver entry point comes through the runtime
#include <cudaTypedefs.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <type_traits>

#include "backends/backend.h"
#include "backends/cuda/cuda_elementwise.cuh"
#include "backends/cuda/cuda_matmul_half.cuh"
#include "backends/cuda/cuda_matmul_wgmma.cuh"

// The instruction text of wgmma m64n256k16 with float32 accumulators for input type TYPE
// ("bf16" or "f16"): 128 accumulator registers, the two shared-memory descriptors (%128,
// %129), scale-d from %130, no negation, both operands K-major (transpose bits 0).
#define MT_WGMMA_M64N256K16_TEXT(TYPE) \
  "{\n" \
  ".reg .pred scale_d;\n" \
  "setp.ne.b32 scale_d, %130, 0;\n" \
  "wgmma.mma_async.sync.aligned.m64n256k16.f32." TYPE "." TYPE \
  "\n" \
  "{" \
  "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15," \
  "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31," \
  "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47," \
  "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63," \
  "%64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79," \
  "%80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95," \
  "%96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111," \
  "%112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, " \
  "%127}, " \
  "%128, %129, scale_d, 1, 1, 0, 0;\n" \
  "}\n"

#define MT_WGMMA_ACCUMULATORS(d) \
  "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), \
      "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), \
      "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), \
      "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), \
      "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), \
      "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), \
      "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), \
      "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), \
      "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), \
      "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), \
      "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), \
      "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), \
      "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), \
      "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]), "+f"(d[98]), \
      "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]), "+f"(d[104]), \
      "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), \
      "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), \
      "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]), "+f"(d[122]), \
      "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])

namespace minitorch::cuda {
namespace {

constexpr int kBlockM = 128;
constexpr int kBlockN = 256;
constexpr int kBlockK = 64;  // 64 16-bit elements = 128 bytes: one row of the swizzle atom
constexpr int kStages = 4;
constexpr int kConsumers = 2;  // warpgroups doing wgmma, 64 rows of the tile each
constexpr int kWarpgroupThreads = 128;
constexpr int kBlockThreads = (kConsumers + 1) * kWarpgroupThreads;
constexpr int kTileABytes = kBlockM * kBlockK * 2;
constexpr int kTileBBytes = kBlockN * kBlockK * 2;
constexpr int kStageBytes = kTileABytes + kTileBBytes;
constexpr unsigned kEmptyArrivals = kConsumers * 4;  // every consumer warp frees a stage once
// Stage tiles start on 1024-byte boundaries: the 128-byte swizzle repeats every 8 rows x 128
// bytes, and TMA and wgmma both apply it to absolute shared-memory address bits.
constexpr int kSharedBytes = kStages * kStageBytes + 2 * kStages * 8 + 1024;
constexpr int kGroupM = 8;  // block tiles walked down M together, so they share B in L2

// What the kernel needs besides the tensor maps. batch.a and batch.b count rows of the maps.
struct WgmmaProblem {
  std::uint16_t* c = nullptr;
  int m = 0;
  int n = 0;
  int k = 0;
  std::int64_t ldc = 0;
  bool pairs = false;  // C takes 4-byte stores of element pairs (store_pair)
  MatmulBatch batch;
};

// ---- device helpers: shared addresses, mbarriers, TMA, wgmma ---------------------------------

__device__ __forceinline__ std::uint32_t shared_address(const void* pointer) {
  return static_cast<std::uint32_t>(__cvta_generic_to_shared(pointer));
}

__device__ __forceinline__ void barrier_init(std::uint64_t* barrier, unsigned count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(shared_address(barrier)),
               "r"(count));
}

__device__ __forceinline__ void barrier_expect_bytes(std::uint64_t* barrier, unsigned bytes) {
  asm volatile(
      "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(shared_address(barrier)),
      "r"(bytes)
      : "memory");
}

__device__ __forceinline__ void barrier_arrive(std::uint64_t* barrier) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" ::"r"(shared_address(barrier))
               : "memory");
}

// Waits until the barrier's phase of the given parity has completed.
__device__ __forceinline__ void barrier_wait(std::uint64_t* barrier, unsigned parity) {
  const std::uint32_t address = shared_address(barrier);
  std::uint32_t done = 0;
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
// completion is counted in bytes on the barrier (the whole box, zero-filled parts included).
__device__ __forceinline__ void tma_load_tile(void* destination, const CUtensorMap* map,
                                              std::uint64_t* barrier, int inner, int outer) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3, %4}], [%2];" ::"r"(shared_address(destination)),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(shared_address(barrier)), "r"(inner),
      "r"(outer)
      : "memory");
}

// Shared-memory matrix descriptor of a K-major tile written by TMA with the 128-byte swizzle:
// start address, leading offset unused for this layout (1), stride offset 1024 bytes between
// 8-row groups, swizzle mode 1 (128 B) in bits 62-63. Stepping 16 elements along K inside the
// 128-byte row is adding 32 bytes to the start address; the hardware swizzles the sum.
__device__ __forceinline__ std::uint64_t tile_descriptor(const std::uint16_t* tile) {
  const std::uint64_t address = shared_address(tile);
  return ((address & 0x3FFFF) >> 4) | (std::uint64_t{1} << 16) | (std::uint64_t{1024 >> 4} << 32) |
      (std::uint64_t{1} << 62);
}

__device__ __forceinline__ void wgmma_fence() {
  asm volatile("wgmma.fence.sync.aligned;" ::: "memory");
}

__device__ __forceinline__ void wgmma_commit() {
  asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory");
}

template <int kPending>
__device__ __forceinline__ void wgmma_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;" ::"n"(kPending) : "memory");
}

// d[64x256 per warpgroup] += A(64x16, K-major smem) * B(256x16, K-major smem)^T.
template <HalfFormat kFormat>
__device__ __forceinline__ void wgmma_m64n256k16(float (&d)[128], std::uint64_t desc_a,
                                                 std::uint64_t desc_b) {
  const int scale_d = 1;
  if constexpr (kFormat == HalfFormat::BFloat16) {
    asm volatile(MT_WGMMA_M64N256K16_TEXT("bf16")
                 : MT_WGMMA_ACCUMULATORS(d)
                 : "l"(desc_a), "l"(desc_b), "r"(scale_d));
  } else {
    asm volatile(MT_WGMMA_M64N256K16_TEXT("f16")
                 : MT_WGMMA_ACCUMULATORS(d)
                 : "l"(desc_a), "l"(desc_b), "r"(scale_d));
  }
}

template <int kRegisters>
__device__ __forceinline__ void registers_release() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;" ::"n"(kRegisters));
}

template <int kRegisters>
__device__ __forceinline__ void registers_claim() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;" ::"n"(kRegisters));
}

// ---- the kernel's pieces ---------------------------------------------------------------------

struct Stages {
  std::uint16_t* a;  // kStages tiles of kBlockM x kBlockK
  std::uint16_t* b;  // kStages tiles of kBlockN x kBlockK
  std::uint64_t* full;
  std::uint64_t* empty;

  __device__ std::uint16_t* a_tile(int stage) const { return a + stage * (kBlockM * kBlockK); }
  __device__ std::uint16_t* b_tile(int stage) const { return b + stage * (kBlockN * kBlockK); }
};

__device__ Stages carve_shared(unsigned char* raw) {
  const auto aligned_base = (reinterpret_cast<std::uintptr_t>(raw) + 1023) & ~std::uintptr_t{1023};
  unsigned char* base = reinterpret_cast<unsigned char*>(aligned_base);
  Stages stages;
  stages.a = reinterpret_cast<std::uint16_t*>(base);
  stages.b = reinterpret_cast<std::uint16_t*>(base + kStages * kTileABytes);
  stages.full = reinterpret_cast<std::uint64_t*>(base + kStages * kStageBytes);
  stages.empty = stages.full + kStages;
  return stages;
}

__device__ void init_barriers(const Stages& stages) {
  if (threadIdx.x == 0) {
    for (int s = 0; s < kStages; ++s) {
      barrier_init(&stages.full[s], 1);
      barrier_init(&stages.empty[s], kEmptyArrivals);
    }
    // Makes the initialised barriers visible to the copy engine (the async proxy).
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
  }
  __syncthreads();
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

// Issues the copies of k-step `it` (counted across batches) into stage it % kStages, first
// waiting for the consumers to free that stage when it has been used before.
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
  tma_load_tile(stages.b_tile(stage), b_map, &stages.full[stage], k_offset, row_b);
}

__device__ void release_stage(const Stages& stages, int it) {
  if (threadIdx.x % 32 == 0) {
    barrier_arrive(&stages.empty[it % kStages]);
  }
}

// One consumer warpgroup's k-loop over a tile: waits for each stage, issues 4 wgmmas, keeps one
// wgmma group in flight and frees the stage of the group before it. `it` counts k-steps across
// batches, as the producer does.
template <HalfFormat kFormat>
__device__ void consume_tile(const Stages& stages, int consumer, int k_steps, int& it,
                             float (&acc)[128]) {
#pragma unroll
  for (int i = 0; i < 128; ++i) {
    acc[i] = 0.0f;
  }
  for (int kt = 0; kt < k_steps; ++kt, ++it) {
    const int stage = it % kStages;
    barrier_wait(&stages.full[stage], static_cast<unsigned>((it / kStages) & 1));
    const std::uint16_t* a_rows = stages.a_tile(stage) + consumer * 64 * kBlockK;
    const std::uint16_t* b_rows = stages.b_tile(stage);
    wgmma_fence();
#pragma unroll
    for (int kk = 0; kk < kBlockK / 16; ++kk) {
      wgmma_m64n256k16<kFormat>(acc, tile_descriptor(a_rows + kk * 16),
                                tile_descriptor(b_rows + kk * 16));
    }
    wgmma_commit();
    wgmma_wait<1>();
    if (kt > 0) {
      release_stage(stages, it - 1);
    }
  }
  wgmma_wait<0>();
  release_stage(stages, it - 1);
}

// Accumulator layout of wgmma m64nNk16 (f32): warp w of the warpgroup holds rows 16w..16w+15;
// register 4j + 2h + e is row 16w + lane/4 + 8h, column 8j + 2(lane%4) + e. Elements past M or
// N (the zero-filled or foreign rows of edge tiles) are not stored.
template <HalfFormat kFormat>
__device__ void store_tile(const WgmmaProblem& problem, std::uint16_t* c, const float (&acc)[128],
                           int row0, int col0) {
  const int warp = (static_cast<int>(threadIdx.x) % kWarpgroupThreads) / 32;
  const int lane = static_cast<int>(threadIdx.x) % 32;
  const int row = row0 + warp * 16 + lane / 4;
  const int col = col0 + 2 * (lane % 4);
#pragma unroll
  for (int j = 0; j < 32; ++j) {
    half_matmul::store_pair<kFormat>(c, problem.ldc, row, col + 8 * j, problem.m, problem.n,
                                     problem.pairs, acc[4 * j], acc[4 * j + 1]);
    half_matmul::store_pair<kFormat>(c, problem.ldc, row + 8, col + 8 * j, problem.m, problem.n,
                                     problem.pairs, acc[4 * j + 2], acc[4 * j + 3]);
  }
}

// Warpgroup 0 produces (one thread issues all copies), warpgroups 1 and 2 consume; block
// tile blockIdx.x, batches blockIdx.z, blockIdx.z + gridDim.z, ...
template <HalfFormat kFormat>
__global__ void __launch_bounds__(kBlockThreads, 1)
    matmul_wgmma(const __grid_constant__ CUtensorMap a_map,
                 const __grid_constant__ CUtensorMap b_map, const WgmmaProblem problem) {
  extern __shared__ unsigned char shared_raw[];
  const Stages stages = carve_shared(shared_raw);
  init_barriers(stages);

  const int tiles_m = (problem.m + kBlockM - 1) / kBlockM;
  const int tiles_n = (problem.n + kBlockN - 1) / kBlockN;
  const int k_steps = (problem.k + kBlockK - 1) / kBlockK;
  int tile_m = 0;
  int tile_n = 0;
  tile_coordinates(static_cast<int>(blockIdx.x), tiles_m, tiles_n, tile_m, tile_n);
  const int warpgroup = static_cast<int>(threadIdx.x) / kWarpgroupThreads;

  if (warpgroup == 0) {
    registers_release<40>();
    if (threadIdx.x == 0) {
      int it = 0;
      for (std::int64_t z = blockIdx.z; z < problem.batch.count; z += gridDim.z) {
        std::int64_t a_row = 0;
        std::int64_t b_row = 0;
        std::int64_t c_off = 0;
        batch_offsets(problem.batch, z, a_row, b_row, c_off);
        const int row_a = static_cast<int>(a_row) + tile_m * kBlockM;
        const int row_b = static_cast<int>(b_row) + tile_n * kBlockN;
        for (int kt = 0; kt < k_steps; ++kt, ++it) {
          produce_stage(stages, &a_map, &b_map, it, kt * kBlockK, row_a, row_b);
        }
      }
    }
  } else {
    registers_claim<232>();
    const int consumer = warpgroup - 1;
    float acc[128];
    int it = 0;
    for (std::int64_t z = blockIdx.z; z < problem.batch.count; z += gridDim.z) {
      consume_tile<kFormat>(stages, consumer, k_steps, it, acc);
      std::int64_t a_row = 0;
      std::int64_t b_row = 0;
      std::int64_t c_off = 0;
      batch_offsets(problem.batch, z, a_row, b_row, c_off);
      store_tile<kFormat>(problem, problem.c + c_off, acc, tile_m * kBlockM + consumer * 64,
                          tile_n * kBlockN);
    }
  }
}

// ---- host side -------------------------------------------------------------------------------

// cuTensorMapEncodeTiled from the driver, reached through the runtime (no -lcuda); null where
// the driver lacks it.
PFN_cuTensorMapEncodeTiled_v12000 tensor_map_encoder() {
  static const PFN_cuTensorMapEncodeTiled_v12000 encoder = [] {
    void* entry = nullptr;
    cudaDriverEntryPointQueryResult query{};
    const cudaError_t error = cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &entry,
                                                               12000, cudaEnableDefault, &query);
    if (error != cudaSuccess || query != cudaDriverEntryPointSuccess) {
      (void)cudaGetLastError();  // a missing entry point is an answer, not a sticky error
      return PFN_cuTensorMapEncodeTiled_v12000{nullptr};
    }
    return reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(entry);
  }();
  return encoder;
}

// Whether the current device is compute capability 9.0, asked once per device.
bool current_device_is_sm90() {
  constexpr int kMaxCachedDevices = 64;
  enum : int { kUnknown = 0, kYes = 1, kNo = 2 };
  static std::array<std::atomic<int>, kMaxCachedDevices> answers{};
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) {
    (void)cudaGetLastError();
    return false;
  }
  if (device >= 0 && device < kMaxCachedDevices) {
    const int cached = answers[static_cast<std::size_t>(device)].load(std::memory_order_relaxed);
    if (cached != kUnknown) {
      return cached == kYes;
    }
  }
  int major = 0;
  int minor = 0;
  if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess ||
      cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device) != cudaSuccess) {
    (void)cudaGetLastError();
    return false;
  }
  const bool yes = major == 9 && minor == 0;
  if (device >= 0 && device < kMaxCachedDevices) {
    answers[static_cast<std::size_t>(device)].store(yes ? kYes : kNo, std::memory_order_relaxed);
  }
  return yes;
}

// A 2-D map of `rows` rows of `k` elements, `ld` elements apart, boxes of 64 x box_rows.
bool encode_map(CUtensorMap& map, HalfFormat format, const std::uint16_t* base, std::int64_t rows,
                int k, std::int64_t ld, int box_rows) {
  const PFN_cuTensorMapEncodeTiled_v12000 encode = tensor_map_encoder();
  if (encode == nullptr) {
    return false;
  }
  const cuuint64_t dims[2] = {static_cast<cuuint64_t>(k), static_cast<cuuint64_t>(rows)};
  const cuuint64_t strides[1] = {static_cast<cuuint64_t>(ld) * 2};
  const cuuint32_t box[2] = {static_cast<cuuint32_t>(kBlockK), static_cast<cuuint32_t>(box_rows)};
  const cuuint32_t element_strides[2] = {1, 1};
  const CUtensorMapDataType type = format == HalfFormat::BFloat16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
                                                                  : CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
  return encode(&map, type, 2, const_cast<std::uint16_t*>(base), dims, strides, box,
                element_strides, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
                CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE) == CUDA_SUCCESS;
}

// The rows a batched operand's map spans: the last batch's first row plus `rows`. -1 where a
// batch stride is negative or not a whole number of rows.
std::int64_t map_rows(const std::int64_t* batch_strides, const MatmulBatch& batch, std::int64_t ld,
                      std::int64_t rows, std::int64_t* row_strides) {
  std::int64_t last = 0;
  for (int d = 0; d < batch.ndim; ++d) {
    if (batch_strides[d] < 0 || batch_strides[d] % ld != 0) {
      return -1;
    }
    row_strides[d] = batch_strides[d] / ld;
    last += (batch.sizes[d] - 1) * row_strides[d];
  }
  return last + rows;
}

// Problems the kernel takes, apart from the device (launch_matmul_wgmma's header comment).
bool layout_taken(const MatmulHalfArgs& args) {
  constexpr int kLimit = 1 << 30;
  bool ok = args.a_row && !args.b_row;
  ok = ok && args.m >= kBlockM && args.n >= kBlockM && args.k >= kBlockK;
  ok = ok && args.m < kLimit && args.n < kLimit && args.k < kLimit && args.batch.count > 0;
  ok = ok && aligned(args.a, 16) && aligned(args.b, 16) && aligned(args.c, 2);
  ok = ok && args.lda % 8 == 0 && args.ldb % 8 == 0 && args.lda >= args.k && args.ldb >= args.k;
  return ok;
}

}  // namespace

bool wgmma_kernel_available() { return current_device_is_sm90(); }

bool launch_matmul_wgmma(const MatmulHalfArgs& args, const OpContext& context) {
  if (!layout_taken(args) || !current_device_is_sm90()) {
    return false;
  }
  WgmmaProblem problem;
  problem.c = args.c;
  problem.m = args.m;
  problem.n = args.n;
  problem.k = args.k;
  problem.ldc = args.ldc;
  problem.batch = args.batch;
  const std::int64_t a_rows = map_rows(args.batch.a, args.batch, args.lda, args.m, problem.batch.a);
  const std::int64_t b_rows = map_rows(args.batch.b, args.batch, args.ldb, args.n, problem.batch.b);
  // Row coordinates, tile rows past the last batch included, are int32 in the copies.
  constexpr std::int64_t kMaxRows = (std::int64_t{1} << 31) - kBlockN;
  if (a_rows < 0 || b_rows < 0 || a_rows > kMaxRows || b_rows > kMaxRows) {
    return false;
  }
  bool pairs = aligned(args.c, 4) && args.ldc % 2 == 0 && args.n % 2 == 0;
  for (int d = 0; d < args.batch.ndim; ++d) {
    pairs = pairs && args.batch.c[d] % 2 == 0;
  }
  problem.pairs = pairs;
  CUtensorMap a_map;
  CUtensorMap b_map;
  if (!encode_map(a_map, args.format, args.a, a_rows, args.k, args.lda, kBlockM) ||
      !encode_map(b_map, args.format, args.b, b_rows, args.k, args.ldb, kBlockN)) {
    return false;
  }
  const std::int64_t tiles = ceil_div(args.m, kBlockM) * ceil_div(args.n, kBlockN);
  if (tiles > (std::int64_t{1} << 31) - 1) {
    return false;  // block tiles are numbered in int (and gridDim.x)
  }
  const dim3 grid(static_cast<unsigned>(tiles), 1,
                  static_cast<unsigned>(std::min<std::int64_t>(args.batch.count, 65535)));
  primitive_report() = PrimitiveReport{
      "cuda_matmul_wgmma", "cuda",
      static_cast<int>(std::min<std::int64_t>(tiles * grid.z * kBlockThreads, 1 << 30))};
  auto launch = [&](auto kernel) {
    // More than 48 KiB of dynamic shared memory must be asked for, per kernel and device.
    MT_CUDA_CHECK(
        cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes),
        context);
    kernel<<<grid, kBlockThreads, kSharedBytes, args.stream>>>(a_map, b_map, problem);
  };
  if (args.format == HalfFormat::BFloat16) {
    launch(matmul_wgmma<HalfFormat::BFloat16>);
  } else {
    launch(matmul_wgmma<HalfFormat::Float16>);
  }
  check_launch("matmul_wgmma", context);
  return true;
}

}  // namespace minitorch::cuda

#undef MT_WGMMA_M64N256K16_TEXT
#undef MT_WGMMA_ACCUMULATORS
