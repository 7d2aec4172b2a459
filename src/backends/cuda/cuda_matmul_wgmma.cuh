// The Hopper warpgroup-MMA bfloat16/float16 matmul (cuda_matmul_wgmma.cu), declared apart from
// cuda_matmul.cuh because it is compiled only for sm_90a (src/CMakeLists.txt): where the build's
// CUDA architectures lack 90, cuda_matmul_wgmma_stub.cpp defines the entry instead.
#pragma once

#include "backends/cuda/cuda_matmul.cuh"

namespace minitorch::cuda {

/// Queues out = a @ b on the wgmma kernel when it takes the problem and returns true; returns
/// false, having launched nothing, when it does not, so the caller falls back to
/// launch_matmul_half. It takes (besides MatmulHalfArgs' own rules):
///  - a device of compute capability exactly 9.0 (sm_90a code runs nowhere else) and a
///    build that compiled the kernel;
///  - A row-major and B column-major (a_row && !b_row: both K-major, "TN", Linear's x @ W^T);
///  - a, b 16-byte aligned, lda and ldb multiples of 8 and at least K, every batch stride of A
///    a non-negative multiple of lda and of B of ldb (0, broadcast, included);
///  - M >= 128, N >= 128, K >= 64: below one block tile the mma.sync kernel is the better fit.
/// The sums are float32 in the tensor cores' own order and rounded to nearest even on store,
/// so results may differ from launch_matmul_half's in the last bit.
bool launch_matmul_wgmma(const MatmulHalfArgs& args, const OpContext& context);

/// Whether launch_matmul_wgmma can take any problem here: the build compiled the kernel and
/// the current device is compute capability 9.0 (asked once per device).
bool wgmma_kernel_available();

}  // namespace minitorch::cuda
