// zip (binary elementwise ops with broadcasting) and add_scaled on CUDA.
// Work mapping and memory pattern: see cuda_elementwise.cuh.
#include "backends/cuda/cuda_elementwise.cuh"

namespace minitorch::cuda {

void launch_zip(BinaryOp op, const TensorData& a, const TensorData& b, TensorData& out,
                const OpContext& context) {
  dispatch_floating(out.dtype(), [&](auto t) {
    using T = decltype(t);
    dispatch_binary(op, [&](auto fn) { run_elementwise<2, T, T, T>(fn, out, &a, &b, context); });
  });
}

void launch_add_scaled(const TensorData& a, double alpha, const TensorData& b, TensorData& out,
                       const OpContext& context) {
  dispatch_floating(out.dtype(), [&](auto t) {
    using T = decltype(t);
    run_elementwise<2, T, T, T>(scalar::AddScaled<T>{static_cast<T>(alpha)}, out, &a, &b, context);
  });
}

}  // namespace minitorch::cuda
