// Elementwise programs compiled to their own CUDA kernels at run time by NVRTC
// (Note [CUDA program compiler] in program_jit.cpp).
#pragma once

#include <span>
#include <string>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/program_source.h"
#include "minitorch/program.h"
#include "minitorch/tensor_data.h"

namespace minitorch::cuda {

/// Runs program through its compiled kernel; false when the compiler is off
/// (MINITORCH_CUDA_JIT=0) or NVRTC cannot be loaded (then the caller interprets).
bool launch_compiled_program(const Program& program, DType compute,
                             std::span<const TensorData> inputs, TensorData& out,
                             const OpContext& context);

/// Compiles source for the given architecture ("sm_90") to a cubin; DeviceError with the
/// compiler's log when it fails, or when NVRTC cannot be loaded. No GPU needed (tests).
std::string compile_program_source(const std::string& source, const std::string& arch);

/// Whether NVRTC could be loaded ("" when it could, else why not).
std::string nvrtc_unavailable_reason();

}  // namespace minitorch::cuda
