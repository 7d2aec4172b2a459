// Error messages for failed CUDA calls (see cuda_check.h).
#include "backends/cuda/cuda_check.h"

#include "minitorch/error.h"

namespace minitorch::cuda {

std::string OpContext::describe() const {
  std::string text = primitive;
  if (!op.empty()) {
    text.append("(").append(op).append(")");
  }
  std::string shapes;
  for (const TensorData* operand : {a, b}) {
    if (operand != nullptr) {
      if (!shapes.empty()) {
        shapes.append(", ");
      }
      shapes.append(to_string(operand->shape()));
    }
  }
  if (out != nullptr) {
    if (!shapes.empty()) {
      shapes.append(" -> ");
    }
    shapes.append(to_string(out->shape()));
  }
  if (!shapes.empty()) {
    text.append(" (shapes ").append(shapes).append(")");
  }
  return text;
}

void throw_cuda_error(cudaError_t error, const char* call, const OpContext& context) {
  std::string where = context.describe();
  std::size_t split = where.find(" (");
  std::string message = where.substr(0, split);
  message.append(": ").append(call).append(" failed: ").append(cudaGetErrorName(error));
  message.append(": ").append(cudaGetErrorString(error));
  if (split != std::string::npos) {
    message.append(where.substr(split));
  }
  throw DeviceError(message);
}

void check_launch(const char* kernel, const OpContext& context) {
  cudaError_t error = cudaGetLastError();
  if (error != cudaSuccess) {
    throw_cuda_error(error, kernel, context);
  }
}

}  // namespace minitorch::cuda
