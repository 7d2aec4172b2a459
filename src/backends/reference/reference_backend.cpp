// The reference backend: the lecture's loops, literally. For every output element:
// to_index -> broadcast_index -> index_to_position, then the scalar functor. One thread,
// no tricks, accumulation in the tensor's own dtype in plain left-to-right order.
// Slow on purpose; obviously right is its only job.
#include "backends/reference/reference_backend.h"

#include "backends/program_eval.h"
#include "backends/reference/reference_index.h"
#include "minitorch/layout.h"

namespace minitorch {
namespace {

// out[i] = fn(in[broadcast i]); In and Out differ only for copy's dtype conversion.
template <class In, class Out, class Fn>
void map_loop(Fn fn, const TensorData& in, TensorData& out) {
  const In* in_storage = in.storage_data<In>();
  Out* out_storage = out.storage_data<Out>();
  Index out_index;
  Index in_index;
  for (std::int64_t i = 0; i < out.numel(); ++i) {
    to_index(i, out.shape(), out_index);
    broadcast_index(out_index, out.shape(), in.shape(), in_index);
    std::int64_t o = out.offset() + index_to_position(out_index, out.strides());
    std::int64_t j = in.offset() + index_to_position(in_index, in.strides());
    out_storage[o] = fn(in_storage[j]);
  }
}

// Note [Elementwise programs]: each input's element is converted to T on load, the program
// runs node by node on scalars, the output is converted on store.
template <class T>
void program_loop(const Program& program, std::span<const TensorData> inputs, TensorData& out) {
  T values[kMaxProgramInputs + kMaxProgramNodes];
  Index out_index;
  Index in_index;
  dispatch_dtype(out.dtype(), [&](auto out_t) {
    using Out = decltype(out_t);
    Out* out_storage = out.storage_data<Out>();
    for (std::int64_t i = 0; i < out.numel(); ++i) {
      to_index(i, out.shape(), out_index);
      for (std::size_t k = 0; k < inputs.size(); ++k) {
        const TensorData& in = inputs[k];
        broadcast_index(out_index, out.shape(), in.shape(), in_index);
        std::int64_t j = in.offset() + index_to_position(in_index, in.strides());
        values[k] = dispatch_dtype(in.dtype(), [&](auto in_t) {
          return cast_value<T>(in.storage_data<decltype(in_t)>()[j]);
        });
      }
      std::int64_t o = out.offset() + index_to_position(out_index, out.strides());
      out_storage[o] = cast_value<Out>(eval_program<T>(program, values));
    }
  });
}

template <class T, class Fn>
void reduce_loop(Fn fn, const TensorData& in, int dim, TensorData& out) {
  const T* in_storage = in.storage_data<T>();
  T* out_storage = out.storage_data<T>();
  Index out_index;
  std::int64_t reduce_size = in.shape()[dim];
  for (std::int64_t i = 0; i < out.numel(); ++i) {
    to_index(i, out.shape(), out_index);
    std::int64_t o = out.offset() + index_to_position(out_index, out.strides());
    T acc = Fn::template identity<T>();
    Index in_index = out_index;
    for (std::int64_t s = 0; s < reduce_size; ++s) {
      in_index[dim] = s;
      std::int64_t j = in.offset() + index_to_position(in_index, in.strides());
      acc = fn(acc, in_storage[j]);
    }
    out_storage[o] = acc;
  }
}

// out[..., i, j] = sum_k a[..., i, k] * b[..., k, j], k in increasing order.
template <class T>
void matmul_loop(const TensorData& a, const TensorData& b, TensorData& out) {
  const T* a_storage = a.storage_data<T>();
  const T* b_storage = b.storage_data<T>();
  T* out_storage = out.storage_data<T>();
  int nd = out.ndim();
  std::int64_t k_size = a.shape()[nd - 1];
  Index out_index;
  for (std::int64_t i = 0; i < out.numel(); ++i) {
    to_index(i, out.shape(), out_index);
    Index a_index = out_index;
    Index b_index = out_index;
    T acc = T(0);
    for (std::int64_t k = 0; k < k_size; ++k) {
      a_index[nd - 1] = k;
      b_index[nd - 2] = k;
      std::int64_t j = a.offset() + index_to_position(a_index, a.strides());
      std::int64_t l = b.offset() + index_to_position(b_index, b.strides());
      acc += a_storage[j] * b_storage[l];
    }
    out_storage[out.offset() + index_to_position(out_index, out.strides())] = acc;
  }
}

template <class In, class Out>
void copy_loop(const TensorData& in, TensorData& out) {
  map_loop<In, Out>([](In v) { return cast_value<Out>(v); }, in, out);
}

// See Note [Primitive report].
void report_reference() { primitive_report() = PrimitiveReport{"reference", "scalar", 1}; }

class ReferenceBackend final : public Backend {
 public:
  std::string_view name() const override { return "reference"; }

  void elementwise(const Program& program, DType compute, std::span<const TensorData> inputs,
                   TensorData& out) override {
    report_reference();
    switch (compute) {
      case DType::Float32:
        return program_loop<float>(program, inputs, out);
      case DType::Float64:
        return program_loop<double>(program, inputs, out);
      default:
        return program_loop<std::int64_t>(program, inputs, out);
    }
  }

  void reduce(ReduceOp op, const TensorData& in, int dim, TensorData& out) override {
    report_reference();
    dispatch_floating(out.dtype(), [&](auto t) {
      using T = decltype(t);
      dispatch_reduce(op, [&](auto fn) { reduce_loop<T>(fn, in, dim, out); });
    });
  }

  void matmul(const TensorData& a, const TensorData& b, TensorData& out) override {
    report_reference();
    dispatch_floating(out.dtype(), [&](auto t) { matmul_loop<decltype(t)>(a, b, out); });
  }

  void fill(double value, TensorData& out) override {
    report_reference();
    dispatch_dtype(out.dtype(), [&](auto t) {
      using T = decltype(t);
      T* out_storage = out.storage_data<T>();
      Index out_index;
      for (std::int64_t i = 0; i < out.numel(); ++i) {
        to_index(i, out.shape(), out_index);
        out_storage[out.offset() + index_to_position(out_index, out.strides())] =
            cast_value<T>(value);
      }
    });
  }

  void copy(const TensorData& in, TensorData& out) override {
    report_reference();
    dispatch_dtype(in.dtype(), [&](auto in_t) {
      dispatch_dtype(out.dtype(),
                     [&](auto out_t) { copy_loop<decltype(in_t), decltype(out_t)>(in, out); });
    });
  }

  void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out) override {
    reference::gather(in, dim, index, out);
  }

  void scatter_add(const TensorData& src, int dim, const TensorData& index,
                   TensorData& out) override {
    reference::scatter_add(src, dim, index, out);
  }
};

}  // namespace

Backend& reference_backend() {
  static ReferenceBackend instance;
  return instance;
}

}  // namespace minitorch
