// Reductions over several dims, min, any/all, var/std, logsumexp, cumsum and softmax: compositions
// of the one-dim reductions, elementwise ops and views, so they run and differentiate on every
// backend with no rule of their own (cumsum's node is in autograd/composite_functions.cpp).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "autograd/composite_functions.h"
#include "minitorch/autocast.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "minitorch/tensor.h"

namespace minitorch {
namespace {

// The dims to reduce, wrapped and in increasing order; every dim for an empty list. A scalar
// accepts 0 and -1 (PyTorch) but has no dim to reduce: the result is empty.
std::vector<int> reduced_dims(const Tensor& x, const Dims& dims, const char* op) {
  int rank = x.ndim();
  std::vector<int> out;
  if (dims.empty()) {
    for (int d = 0; d < rank; ++d) {
      out.push_back(d);
    }
    return out;
  }
  std::vector<bool> seen(static_cast<std::size_t>(std::max(rank, 1)), false);
  for (std::int64_t dim : dims) {
    int d = wrap_dim(dim, rank, op, x.shape());
    if (seen[static_cast<std::size_t>(d)]) {
      throw IndexError(std::string(op) + ": dim " + std::to_string(d) +
                       " appears more than once in dims " + to_string(dims) + " (shape " +
                       to_string(x.shape()) + ")");
    }
    seen[static_cast<std::size_t>(d)] = true;
    if (rank > 0) {
      out.push_back(d);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The number of elements each output folds (1 for no dims).
std::int64_t reduced_count(const Tensor& x, const std::vector<int>& dims) {
  std::int64_t n = 1;
  for (int d : dims) {
    n *= x.shape()[d];  // cannot overflow: a factor of x's checked element count
  }
  return n;
}

// x with the reduced dims (of size 1 now) removed, unless keepdim.
Tensor drop_dims(const Tensor& x, const std::vector<int>& dims, bool keepdim) {
  if (keepdim || dims.empty()) {
    return x;
  }
  Shape shape;
  for (int d = 0; d < x.ndim(); ++d) {
    if (std::find(dims.begin(), dims.end(), d) == dims.end()) {
      shape.push_back(x.shape()[d]);
    }
  }
  return x.view(shape);
}

Tensor sum_over(const Tensor& x, const std::vector<int>& dims, bool keepdim) {
  Tensor out = x;
  for (int d : dims) {
    out = out.sum(d, /*keepdim=*/true);
  }
  return drop_dims(out, dims, keepdim);
}

// amax over dims, its errors naming op. Several dims are moved last and merged into one (a
// copy unless the layout allows a view) and reduced once, so that ties anywhere among the
// reduced elements share the gradient equally, as in PyTorch; reducing dim by dim would
// split it unevenly.
Tensor amax_over(const Tensor& x, const std::vector<int>& dims, bool keepdim, const char* op) {
  for (int d : dims) {
    if (x.shape()[d] == 0) {
      throw ShapeError(std::string(op) + ": cannot reduce over dim " + std::to_string(d) +
                       " of size 0 (shape " + to_string(x.shape()) + "); max has no identity");
    }
  }
  if (dims.empty()) {
    return x.ndim() == 0 ? x.max(0) : x;
  }
  if (dims.size() == 1) {
    return x.max(dims[0], keepdim);
  }
  Dims order;
  Shape merged;
  Shape kept_shape = x.shape();
  for (int d = 0; d < x.ndim(); ++d) {
    if (std::find(dims.begin(), dims.end(), d) == dims.end()) {
      order.push_back(d);
      merged.push_back(x.shape()[d]);
    } else {
      kept_shape[d] = 1;
    }
  }
  for (int d : dims) {
    order.push_back(d);
  }
  merged.push_back(reduced_count(x, dims));
  Tensor out = x.permute(order).reshape(merged).max(-1);
  return keepdim ? out.view(kept_shape) : out;
}

// max(m, -big) then min(., big) for big the largest finite value, NaN kept: the shift of
// logsumexp must be finite, or x - m is inf - inf. Each is an amax over a stacked pair.
// TODO(#11): one `where` once it lands.
Tensor clamp_to_finite(const Tensor& m) {
  const double big = max_finite(m.dtype());
  Tensor limit = full(m.shape(), -big, {.dtype = m.dtype(), .device = m.device()});
  Tensor at_least = stack({m, limit}).amax(0);
  return -stack({-at_least, limit}).amax(0);
}

}  // namespace

Tensor Tensor::sum(const Dims& dims, bool keepdim) const {
  std::vector<int> ds = reduced_dims(*this, dims, "sum");
  return ndim() == 0 ? sum(0, keepdim) : sum_over(*this, ds, keepdim);
}

Tensor Tensor::mean(const Dims& dims, bool keepdim) const {
  std::vector<int> ds = reduced_dims(*this, dims, "mean");
  return sum(dims, keepdim) / static_cast<double>(reduced_count(*this, ds));
}

Tensor Tensor::amax(const Dims& dims, bool keepdim) const {
  return amax_over(*this, reduced_dims(*this, dims, "amax"), keepdim, "amax");
}

Tensor Tensor::amin(const Dims& dims, bool keepdim) const {
  return -amax_over(-*this, reduced_dims(*this, dims, "amin"), keepdim, "amin");
}

Tensor Tensor::min() const {
  if (numel() == 0) {
    throw ShapeError("min: cannot reduce a tensor with 0 elements (shape " +
                     minitorch::to_string(shape()) + "); min has no identity");
  }
  return -(-*this).max();
}

Tensor Tensor::min(std::int64_t dim, bool keepdim) const {
  return -amax_over(-*this, reduced_dims(*this, Dims{dim}, "min"), keepdim, "min");
}

// Counts of nonzero (any) and zero (all) elements, through sum's exact count of bools; over
// no elements the count is 0, which gives any's false and all's true.
Tensor Tensor::any(const Dims& dims, bool keepdim) const {
  return sum_over(to(kBool), reduced_dims(*this, dims, "any"), keepdim).gt(0.0);
}

Tensor Tensor::all(const Dims& dims, bool keepdim) const {
  return sum_over(eq(0.0), reduced_dims(*this, dims, "all"), keepdim).eq(0.0);
}

Tensor Tensor::var(const Dims& dims, double correction, bool keepdim) const {
  std::vector<int> ds = reduced_dims(*this, dims, "var");
  auto n = static_cast<double>(reduced_count(*this, ds));
  Tensor centered = *this - mean(dims, /*keepdim=*/true);
  return (centered * centered).sum(dims, keepdim) / std::max(0.0, n - correction);
}

Tensor Tensor::std(const Dims& dims, double correction, bool keepdim) const {
  return var(dims, correction, keepdim).pow(0.5);
}

Tensor Tensor::logsumexp(const Dims& dims, bool keepdim) const {
  std::vector<int> ds = reduced_dims(*this, dims, "logsumexp");
  if (reduced_count(*this, ds) == 0) {
    return exp().sum(dims, keepdim).log();  // log(0) = -inf, as in PyTorch
  }
  // See Note [Detached shift] (src/nn/functional.cpp): the gradient does not depend on m.
  Tensor m = clamp_to_finite(amax_over(detach(), ds, /*keepdim=*/true, "logsumexp"));
  Tensor out = (*this - m).exp().sum(dims, /*keepdim=*/true).log() + m;
  return drop_dims(out, ds, keepdim);
}

Tensor Tensor::cumsum(std::int64_t dim) const {
  return autograd::cumsum(*this, wrap_dim(dim, ndim(), "cumsum", shape()));
}

Tensor Tensor::softmax(std::int64_t dim) const {
  if (is_autocast_enabled() && is_reduced_float(dtype())) {
    return autocast::widen(*this).softmax(dim);  // Note [Autocast]
  }
  int d = wrap_dim(dim, ndim(), "softmax", shape());
  if (ndim() > 0 && shape()[d] == 0) {
    return exp();  // empty, like the input; max over no elements would throw
  }
  // See Note [Detached shift] (src/nn/functional.cpp).
  Tensor e = (*this - detach().max(d, /*keepdim=*/true)).exp();
  return e / e.sum(d, /*keepdim=*/true);
}

Tensor Tensor::log_softmax(std::int64_t dim) const {
  if (is_autocast_enabled() && is_reduced_float(dtype())) {
    return autocast::widen(*this).log_softmax(dim);  // Note [Autocast]
  }
  int d = wrap_dim(dim, ndim(), "log_softmax", shape());
  if (ndim() > 0 && shape()[d] == 0) {
    return exp();
  }
  // See Note [Detached shift] (src/nn/functional.cpp).
  Tensor shifted = *this - detach().max(d, /*keepdim=*/true);
  return shifted - shifted.exp().sum(d, /*keepdim=*/true).log();
}

Tensor cumsum(const Tensor& t, std::int64_t dim) { return t.cumsum(dim); }

}  // namespace minitorch
