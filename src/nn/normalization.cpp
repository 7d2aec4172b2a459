// LayerNorm and BatchNorm: statistics by the Tensor reductions (so every backend), buffers
// updated in place under NoGradGuard.
#include "minitorch/nn/normalization.h"

#include <cmath>

#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::nn {

LayerNorm::LayerNorm(const Shape& normalized_shape, LayerNormOptions options)
    : normalized_shape_(normalized_shape), options_(options) {
  bool ok = !normalized_shape.empty() && options.eps >= 0.0;
  for (std::int64_t size : normalized_shape) {
    ok = ok && size >= 1;
  }
  if (!ok) {
    throw ValueError("LayerNorm: normalized_shape " + minitorch::to_string(normalized_shape) +
                     " must be non-empty with sizes >= 1, eps >= 0");
  }
  if (options.elementwise_affine) {
    TensorOptions to = {.dtype = options.dtype, .device = options.device};
    weight_ = register_parameter("weight", ones(normalized_shape, to));
    bias_ = register_parameter("bias", zeros(normalized_shape, to));
  }
}

Tensor LayerNorm::forward(const Tensor& x) {
  int k = normalized_shape_.size();
  bool ok = x.ndim() >= k;
  for (int i = 0; ok && i < k; ++i) {
    ok = x.shape()[x.ndim() - k + i] == normalized_shape_[i];
  }
  if (!ok) {
    throw ShapeError("LayerNorm: input shape " + minitorch::to_string(x.shape()) +
                     " does not end in normalized_shape " +
                     minitorch::to_string(normalized_shape_));
  }
  Dims dims;
  for (int i = 0; i < k; ++i) {
    dims.push_back(x.ndim() - k + i);
  }
  Tensor mean = x.mean(dims, /*keepdim=*/true);
  Tensor centered = x - mean;
  Tensor var = (centered * centered).mean(dims, /*keepdim=*/true);
  Tensor out = centered / (var + options_.eps).sqrt();
  if (options_.elementwise_affine) {
    out = out * weight_ + bias_;
  }
  return out;
}

std::string LayerNorm::name() const {
  return "LayerNorm(" + minitorch::to_string(normalized_shape_) +
      ", eps=" + std::to_string(options_.eps) + ")";
}

BatchNorm::BatchNorm(const char* layer, int rank_lo, int rank_hi, std::int64_t num_features,
                     BatchNormOptions options)
    : layer_(layer),
      rank_lo_(rank_lo),
      rank_hi_(rank_hi),
      num_features_(num_features),
      options_(options) {
  if (num_features < 1 || !(options.eps >= 0.0) || !(options.momentum >= 0.0) ||
      !(options.momentum <= 1.0)) {
    throw ValueError(std::string(layer) + ": num_features " + std::to_string(num_features) +
                     " must be >= 1, eps >= 0 and momentum in [0, 1] (got eps " +
                     std::to_string(options.eps) + ", momentum " +
                     std::to_string(options.momentum) + ")");
  }
  TensorOptions to = {.dtype = options.dtype, .device = options.device};
  if (options.affine) {
    weight_ = register_parameter("weight", ones({num_features}, to));
    bias_ = register_parameter("bias", zeros({num_features}, to));
  }
  if (options.track_running_stats) {
    running_mean_ = register_buffer("running_mean", zeros({num_features}, to));
    running_var_ = register_buffer("running_var", ones({num_features}, to));
    num_batches_tracked_ = register_buffer("num_batches_tracked",
                                           zeros({}, {.dtype = kInt64, .device = options.device}));
  }
}

Tensor BatchNorm::forward(const Tensor& x) {
  if (x.ndim() < rank_lo_ || x.ndim() > rank_hi_ || x.shape()[1] != num_features_) {
    throw ShapeError(std::string(layer_) + ": expected an input of " + std::to_string(rank_lo_) +
                     (rank_lo_ == rank_hi_ ? "" : " to " + std::to_string(rank_hi_)) +
                     " dims with " + std::to_string(num_features_) +
                     " channels in dim 1, got shape " + minitorch::to_string(x.shape()));
  }
  // [C] statistics broadcast as [1, C, 1, ...].
  Shape channel_shape = {1, num_features_};
  Dims dims = {0};
  for (int d = 2; d < x.ndim(); ++d) {
    channel_shape.push_back(1);
    dims.push_back(d);
  }
  Tensor mean;
  Tensor var;
  bool batch_stats = is_training() || !options_.track_running_stats;
  if (batch_stats) {
    std::int64_t count = x.numel() / num_features_;
    if (count <= 1 && is_training()) {
      throw ValueError(std::string(layer_) + ": expected more than 1 value per channel when " +
                       "training, got input shape " + minitorch::to_string(x.shape()));
    }
    mean = x.mean(dims, /*keepdim=*/true);
    Tensor centered = x - mean;
    var = (centered * centered).mean(dims, /*keepdim=*/true);
    if (is_training() && options_.track_running_stats) {
      NoGradGuard no_grad;
      double m = options_.momentum;
      auto n = static_cast<double>(count);
      Tensor batch_mean = mean.detach().reshape({num_features_});
      Tensor unbiased = var.detach().reshape({num_features_}) * (n / (n - 1.0));
      running_mean_.mul_(1.0 - m).add_(batch_mean, m);
      running_var_.mul_(1.0 - m).add_(unbiased, m);
      num_batches_tracked_.add_(ones({}, {.dtype = kInt64, .device = x.device()}));
    }
  } else {
    mean = running_mean_.reshape(channel_shape);
    var = running_var_.reshape(channel_shape);
  }
  Tensor out = (x - mean) / (var + options_.eps).sqrt();
  if (options_.affine) {
    out = out * weight_.reshape(channel_shape) + bias_.reshape(channel_shape);
  }
  return out;
}

std::string BatchNorm::describe() const {
  return std::string(layer_) + "(" + std::to_string(num_features_) +
      ", eps=" + std::to_string(options_.eps) + ", momentum=" + std::to_string(options_.momentum) +
      ")";
}

BatchNorm1d::BatchNorm1d(std::int64_t num_features, BatchNormOptions options)
    : BatchNorm("BatchNorm1d", 2, 3, num_features, options) {}

BatchNorm2d::BatchNorm2d(std::int64_t num_features, BatchNormOptions options)
    : BatchNorm("BatchNorm2d", 4, 4, num_features, options) {}

}  // namespace minitorch::nn
