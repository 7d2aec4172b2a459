// Checking CUDA runtime calls. Every call goes through MT_CUDA_CHECK, which turns a failure
// into a DeviceError naming the call, the op and its shapes ("map(exp): cudaLaunchKernel
// failed: ... (shapes [3, 4] -> [3, 4])"). The message is built only on failure.
#pragma once

#include <cuda_runtime_api.h>

#include <string>
#include <string_view>

#include "minitorch/tensor_data.h"

namespace minitorch::cuda {

/// What a backend call is doing, for error messages: "map(exp)" plus the operands' shapes.
struct OpContext {
  const char* primitive = "";
  std::string_view op;
  const TensorData* a = nullptr;
  const TensorData* b = nullptr;
  const TensorData* out = nullptr;

  /// "map(exp) (shapes [3, 4] -> [3, 4])".
  std::string describe() const;
};

/// Throws DeviceError: "<op>: <call> failed: <cuda error> (<shapes>)".
[[noreturn]] void throw_cuda_error(cudaError_t error, const char* call, const OpContext& context);

/// Checks the launch that just happened (cudaGetLastError).
void check_launch(const char* kernel, const OpContext& context);

}  // namespace minitorch::cuda

// The macro exists to stringify the call; the context expression is evaluated only on failure.
#define MT_CUDA_CHECK(call, context) \
  do { \
    cudaError_t mt_cuda_error_ = (call); \
    if (mt_cuda_error_ != cudaSuccess) { \
      ::minitorch::cuda::throw_cuda_error(mt_cuda_error_, #call, context); \
    } \
  } while (0)
