// Indexing by int64 tensors: the public functions, each one call into autograd (which runs
// the ops layer and records the node). Tensor::index is index_select over dim 0 with the
// index flattened and the result reshaped to index.shape + shape[1:].
#include "autograd/index_functions.h"
#include "minitorch/error.h"
#include "minitorch/tensor.h"

namespace minitorch {

Tensor gather(const Tensor& t, std::int64_t dim, const Tensor& index) {
  return autograd::gather(t, dim, index);
}

Tensor scatter_add(const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src) {
  return autograd::scatter_add(t, dim, index, src);
}

Tensor index_select(const Tensor& t, std::int64_t dim, const Tensor& index) {
  return autograd::index_select(t, dim, index);
}

Tensor index_add(const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src) {
  return autograd::index_add(t, dim, index, src);
}

Tensor flip(const Tensor& t, const Dims& dims) { return autograd::flip(t, dims); }

Tensor Tensor::index(const Tensor& index) const {
  if (ndim() == 0) {
    throw IndexError("index: cannot index a 0-dim tensor by a tensor (index shape " +
                     minitorch::to_string(index.shape()) + ")");
  }
  Tensor rows = index.ndim() == 1 ? index : index.reshape({-1});
  Tensor selected = autograd::index_select(*this, 0, rows);
  if (index.ndim() == 1) {
    return selected;
  }
  Shape out_shape = index.shape();
  for (int d = 1; d < ndim(); ++d) {
    out_shape.push_back(shape()[d]);
  }
  return selected.reshape(out_shape);
}

}  // namespace minitorch
