// Indexing by int64 tensors: the public functions, each one call into autograd (which runs
// the ops layer and records the node). Tensor::index is index_select over dim 0 with the
// index flattened and the result reshaped to index.shape + shape[1:].
#include "autograd/index_functions.h"
#include "minitorch/convolution.h"
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

Tensor embedding(const Tensor& indices, const Tensor& weight) {
  std::string shapes = "(indices " + minitorch::to_string(indices.shape()) + ", weight " +
      minitorch::to_string(weight.shape()) + ")";
  if (indices.dtype() != kInt64 || !is_floating_point(weight.dtype())) {
    throw DTypeError("embedding: expected int64 indices and a floating weight, got " +
                     std::string(minitorch::to_string(indices.dtype())) + " and " +
                     std::string(minitorch::to_string(weight.dtype())) + " " + shapes);
  }
  if (weight.ndim() != 2) {
    throw ShapeError("embedding: weight must be 2-dim [num_embeddings, embedding_dim] " + shapes);
  }
  if (indices.device() != weight.device()) {
    throw DeviceError("embedding: indices are on " + indices.device().to_string() +
                      " and weight on " + weight.device().to_string() + " " + shapes);
  }
  std::int64_t rows = weight.shape()[0];
  if (indices.numel() > 0) {
    // Two scalars come to the host; the values only when one is out of range.
    std::int64_t lo = indices.amin().item<std::int64_t>();
    std::int64_t hi = indices.amax().item<std::int64_t>();
    if (lo < 0 || hi >= rows) {
      std::int64_t bad = lo < 0 ? lo : hi;
      for (std::int64_t v : indices.contiguous().to_vector<std::int64_t>()) {
        if (v < 0 || v >= rows) {
          bad = v;
          break;
        }
      }
      throw IndexError("embedding: index " + std::to_string(bad) + " is outside [0, " +
                       std::to_string(rows) + ") " + shapes);
    }
  }
  return weight.index(indices);
}

}  // namespace minitorch
