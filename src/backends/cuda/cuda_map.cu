// fill and same-device copy (with dtype conversion and permuted layouts) on CUDA.
// Work mapping and memory pattern: see cuda_elementwise.cuh. Both take every dtype (bool
// moves 16 per vector, int64 2), converting by cast_value (Note [Value conversion]).
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
    return cast_value<Out>(x);
  }
};

}  // namespace

void launch_fill(double value, TensorData& out, const OpContext& context) {
  dispatch_dtype(out.dtype(), [&](auto t) {
    using T = decltype(t);
    run_elementwise<0, T, T, T>(Constant<T>{cast_value<T>(value)}, out, nullptr, nullptr, context);
  });
}

void launch_copy(const TensorData& in, TensorData& out, const OpContext& context) {
  dispatch_dtype(in.dtype(), [&](auto in_t) {
    using In = decltype(in_t);
    dispatch_dtype(out.dtype(), [&](auto out_t) {
      using Out = decltype(out_t);
      run_elementwise<1, Out, In, In>(Convert<Out>{}, out, &in, nullptr, context);
    });
  });
}

}  // namespace minitorch::cuda
