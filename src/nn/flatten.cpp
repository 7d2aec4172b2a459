// Flatten: one reshape.
#include "minitorch/nn/flatten.h"

#include "minitorch/error.h"

namespace minitorch::nn {

Flatten::Flatten(std::int64_t start_dim, std::int64_t end_dim)
    : start_dim_(start_dim), end_dim_(end_dim) {}

Tensor Flatten::forward(const Tensor& x) {
  if (x.ndim() == 0) {
    return x.reshape({1});
  }
  int start = wrap_dim(start_dim_, x.ndim(), "Flatten", x.shape());
  int end = wrap_dim(end_dim_, x.ndim(), "Flatten", x.shape());
  if (start > end) {
    throw ValueError("Flatten: start_dim " + std::to_string(start_dim_) + " comes after end_dim " +
                     std::to_string(end_dim_) + " (shape " + minitorch::to_string(x.shape()) + ")");
  }
  Shape shape;
  for (int d = 0; d < start; ++d) {
    shape.push_back(x.shape()[d]);
  }
  std::int64_t merged = 1;
  for (int d = start; d <= end; ++d) {
    merged *= x.shape()[d];
  }
  shape.push_back(merged);
  for (int d = end + 1; d < x.ndim(); ++d) {
    shape.push_back(x.shape()[d]);
  }
  return x.reshape(shape);
}

std::string Flatten::name() const {
  return "Flatten(start_dim=" + std::to_string(start_dim_) +
      ", end_dim=" + std::to_string(end_dim_) + ")";
}

}  // namespace minitorch::nn
