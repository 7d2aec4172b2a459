// Linear's initialisations and forward. The weight's transpose is a view; the backend's
// matmul takes any strides, so no copy is made on either pass.
#include "minitorch/nn/linear.h"

#include <cmath>

#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::nn {
namespace {

// Uniform in [lo, hi) drawn from gen (or the default generator).
Tensor uniform(const Shape& shape, double lo, double hi, DType dtype, Generator* gen) {
  Tensor r = rand(shape, {.dtype = dtype}, gen);
  return r * (hi - lo) + lo;
}

}  // namespace

const char* to_string(Init init) {
  switch (init) {
    case Init::PyTorch:
      return "pytorch";
    case Init::Course:
      return "course";
    case Init::XavierUniform:
      return "xavier";
    case Init::KaimingUniform:
      return "kaiming";
  }
  return "?";
}

Init parse_init(const std::string& name) {
  for (Init init : {Init::PyTorch, Init::Course, Init::XavierUniform, Init::KaimingUniform}) {
    if (name == to_string(init)) {
      return init;
    }
  }
  throw ValueError("init: unknown initialisation '" + name +
                   "' (pytorch, course, xavier, kaiming)");
}

Linear::Linear(std::int64_t in_features, std::int64_t out_features, LinearOptions options)
    : in_features_(in_features), out_features_(out_features) {
  if (in_features <= 0 || out_features <= 0) {
    throw ShapeError("Linear: in_features and out_features must be positive (got " +
                     std::to_string(in_features) + " and " + std::to_string(out_features) + ")");
  }
  Shape w_shape = {out_features, in_features};
  Shape b_shape = {out_features};
  auto fan_in = static_cast<double>(in_features);
  auto fan_out = static_cast<double>(out_features);
  Tensor w;
  Tensor b;
  switch (options.init) {
    case Init::PyTorch: {
      double bound = 1.0 / std::sqrt(fan_in);
      w = uniform(w_shape, -bound, bound, options.dtype, options.generator);
      b = uniform(b_shape, -bound, bound, options.dtype, options.generator);
      break;
    }
    case Init::Course:
      w = uniform(w_shape, -0.5, 0.5, options.dtype, options.generator);
      b = full(b_shape, 0.1, {.dtype = options.dtype});
      break;
    case Init::XavierUniform: {
      double bound = std::sqrt(6.0 / (fan_in + fan_out));
      w = uniform(w_shape, -bound, bound, options.dtype, options.generator);
      b = zeros(b_shape, {.dtype = options.dtype});
      break;
    }
    case Init::KaimingUniform: {
      double bound = std::sqrt(6.0 / fan_in);
      w = uniform(w_shape, -bound, bound, options.dtype, options.generator);
      b = zeros(b_shape, {.dtype = options.dtype});
      break;
    }
  }
  weight_ = register_parameter("weight", w.to(options.device));
  if (options.bias) {
    bias_ = register_parameter("bias", b.to(options.device));
  }
}

Tensor Linear::forward(const Tensor& x) {
  if (x.ndim() == 0 || x.size(-1) != in_features_) {
    throw ShapeError("Linear: input of shape " + minitorch::to_string(x.shape()) +
                     " does not end in in_features = " + std::to_string(in_features_) +
                     " (weight shape " + minitorch::to_string(weight_.shape()) + ")");
  }
  Tensor y = x.matmul(weight_.transpose(0, 1));
  return bias_.defined() ? y + bias_ : y;
}

std::string Linear::name() const {
  return "Linear(in_features=" + std::to_string(in_features_) +
      ", out_features=" + std::to_string(out_features_) +
      ", bias=" + (bias_.defined() ? "true" : "false") + ")";
}

}  // namespace minitorch::nn
