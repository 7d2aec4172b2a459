// Launches the TF32 tensor-core matmul (cuda_matmul_tf32.cuh) with the tiling measured best on
// an H100 (dev/cuda/tf32_tiles.cu; docs/cuda.md, "TF32 matmul"). Used only when the program
// allows TF32 (minitorch/matmul_precision.h); cuda_matmul.cu decides.
#include <algorithm>

#include "backends/backend.h"
#include "backends/cuda/cuda_elementwise.cuh"
#include "backends/cuda/cuda_matmul_tf32.cuh"

namespace minitorch::cuda {
namespace {

// 128 x 128 block tiles of 8 warps of 64 x 32, 3 stages (108 KiB), two blocks per SM: the
// tiling measured on an H100 (bench/results/tf32_2026-12-07_h100.txt). The lab's other
// tilings have not run on a GPU yet.
using ChosenTiles = tf32::Tf32Tiles<128, 128, 64, 32, 3, 2>;

}  // namespace

void launch_matmul_tf32(const MatmulFloatArgs& args, const OpContext& context) {
  using Tiles = ChosenTiles;
  const auto batch_grid = static_cast<unsigned>(std::min<std::int64_t>(args.batch.count, 65535));
  const dim3 grid(static_cast<unsigned>(ceil_div(args.n, Tiles::kN)),
                  static_cast<unsigned>(ceil_div(args.m, Tiles::kM)), batch_grid);
  primitive_report() =
      PrimitiveReport{"cuda_matmul_tf32", "cuda",
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
  if (args.a_row && args.b_row) {
    launch(tf32::matmul_tf32<Tiles, true, true>);
  } else if (args.a_row) {
    launch(tf32::matmul_tf32<Tiles, true, false>);
  } else if (args.b_row) {
    launch(tf32::matmul_tf32<Tiles, false, true>);
  } else {
    launch(tf32::matmul_tf32<Tiles, false, false>);
  }
  check_launch("matmul_tf32", context);
}

}  // namespace minitorch::cuda
