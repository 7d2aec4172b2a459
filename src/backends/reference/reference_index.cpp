// gather and scatter_add, literally: for every element, to_index -> replace the coordinate
// along dim by the index -> index_to_position. scatter_add visits src in row-major order, so
// each output element receives its contributions in increasing order along dim: the order
// every backend must reproduce (Note [Index primitives] in backend.h).
#include "backends/reference/reference_index.h"

#include "backends/backend.h"
#include "minitorch/layout.h"

namespace minitorch::reference {
namespace {

template <class T>
void gather_loop(const TensorData& in, int dim, const TensorData& index, TensorData& out) {
  const T* in_storage = in.storage_data<T>();
  const std::int64_t* index_storage = index.storage_data<std::int64_t>();
  T* out_storage = out.storage_data<T>();
  Index out_index;
  for (std::int64_t i = 0; i < out.numel(); ++i) {
    to_index(i, out.shape(), out_index);
    std::int64_t k = index.offset() + index_to_position(out_index, index.strides());
    Index in_index = out_index;
    in_index[dim] = index_storage[k];
    std::int64_t j = in.offset() + index_to_position(in_index, in.strides());
    out_storage[out.offset() + index_to_position(out_index, out.strides())] = in_storage[j];
  }
}

template <class T>
void scatter_add_loop(const TensorData& src, int dim, const TensorData& index, TensorData& out) {
  const T* src_storage = src.storage_data<T>();
  const std::int64_t* index_storage = index.storage_data<std::int64_t>();
  T* out_storage = out.storage_data<T>();
  Index src_index;
  for (std::int64_t i = 0; i < src.numel(); ++i) {
    to_index(i, src.shape(), src_index);
    std::int64_t k = index.offset() + index_to_position(src_index, index.strides());
    Index out_index = src_index;
    out_index[dim] = index_storage[k];
    std::int64_t o = out.offset() + index_to_position(out_index, out.strides());
    out_storage[o] += src_storage[src.offset() + index_to_position(src_index, src.strides())];
  }
}

}  // namespace

void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out) {
  primitive_report() = PrimitiveReport{"reference", "scalar", 1};
  dispatch_dtype(out.dtype(), [&](auto t) { gather_loop<decltype(t)>(in, dim, index, out); });
}

void scatter_add(const TensorData& src, int dim, const TensorData& index, TensorData& out) {
  primitive_report() = PrimitiveReport{"reference", "scalar", 1};
  if (out.dtype() == kInt64) {
    scatter_add_loop<std::int64_t>(src, dim, index, out);
    return;
  }
  dispatch_floating(
      out.dtype(), [&](auto t) { scatter_add_loop<decltype(t)>(src, dim, index, out); },
      "scatter_add");
}

}  // namespace minitorch::reference
