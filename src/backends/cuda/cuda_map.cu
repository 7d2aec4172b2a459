// fill and same-device copy (with dtype conversion and permuted layouts) on CUDA.
// Work mapping and memory pattern: see cuda_elementwise.cuh.
#include "backends/cuda/cuda_elementwise.cuh"

namespace minitorch::cuda {
namespace {

template <class T>
struct Constant {
  T value;
  __device__ T operator()() const { return value; }
};

template <class Out>
struct Convert {
  template <class In>
  __device__ Out operator()(In x) const {
    return static_cast<Out>(x);
  }
};

}  // namespace

void launch_fill(double value, TensorData& out, const OpContext& context) {
  dispatch_floating(out.dtype(), [&](auto t) {
    using T = decltype(t);
    run_elementwise<0, T, T, T>(Constant<T>{static_cast<T>(value)}, out, nullptr, nullptr, context);
  });
}

void launch_copy(const TensorData& in, TensorData& out, const OpContext& context) {
  dispatch_floating(in.dtype(), [&](auto in_t) {
    using In = decltype(in_t);
    dispatch_floating(out.dtype(), [&](auto out_t) {
      using Out = decltype(out_t);
      run_elementwise<1, Out, In, In>(Convert<Out>{}, out, &in, nullptr, context);
    });
  });
}

}  // namespace minitorch::cuda
