// LayerNorm and BatchNorm1d/2d (torch.nn's): normalise to zero mean and unit variance (the
// biased variance, plus eps), then scale and shift by learned per-feature parameters.
// BatchNorm keeps running statistics as buffers: updated in training, used in eval.
#pragma once

#include <cstdint>
#include <string>

#include "minitorch/nn/module.h"

namespace minitorch::nn {

struct LayerNormOptions {
  double eps = 1e-5;
  /// weight (ones) and bias (zeros) of normalized_shape as parameters.
  bool elementwise_affine = true;
  DType dtype = kFloat32;
  Device device = Device::cpu();
};

class LayerNorm : public Module {
 public:
  /// Normalises over the last normalized_shape.size() dims, which must equal normalized_shape.
  /// ValueError for an empty shape or a size < 1.
  explicit LayerNorm(const Shape& normalized_shape, LayerNormOptions options = {});
  /// x [..., normalized_shape] -> same shape. ShapeError when x's trailing dims differ.
  Tensor forward(const Tensor& x) override;
  std::string name() const override;

  /// Undefined without elementwise_affine.
  const Parameter& weight() const { return weight_; }
  const Parameter& bias() const { return bias_; }

 private:
  Shape normalized_shape_;
  LayerNormOptions options_;
  Parameter weight_;
  Parameter bias_;
};

struct BatchNormOptions {
  double eps = 1e-5;
  /// running = (1 - momentum) * running + momentum * batch statistic.
  double momentum = 0.1;
  /// weight (ones) and bias (zeros) [num_features] as parameters.
  bool affine = true;
  /// Buffers running_mean (zeros), running_var (ones) and num_batches_tracked (int64); without
  /// them, eval mode normalises by the batch's own statistics too.
  bool track_running_stats = true;
  DType dtype = kFloat32;
  Device device = Device::cpu();
};

/// BatchNorm1d and BatchNorm2d share this; they differ in the input ranks they accept.
class BatchNorm : public Module {
 public:
  /// In training (or without running stats): statistics over every dim but the channel dim
  /// 1, the running mean and (unbiased) variance updated in place. In eval: the running ones.
  /// ShapeError for a rank the subclass refuses or a channel count other than num_features;
  /// ValueError in training when a channel has a single value (no variance to estimate).
  Tensor forward(const Tensor& x) override;

  const Parameter& weight() const { return weight_; }
  const Parameter& bias() const { return bias_; }
  /// Undefined without track_running_stats.
  const Tensor& running_mean() const { return running_mean_; }
  const Tensor& running_var() const { return running_var_; }
  const Tensor& num_batches_tracked() const { return num_batches_tracked_; }
  std::int64_t num_features() const { return num_features_; }

 protected:
  /// ValueError unless num_features >= 1, eps >= 0 and momentum in [0, 1].
  BatchNorm(const char* layer, int rank_lo, int rank_hi, std::int64_t num_features,
            BatchNormOptions options);
  std::string describe() const;

 private:
  const char* layer_;
  int rank_lo_;
  int rank_hi_;
  std::int64_t num_features_;
  BatchNormOptions options_;
  Parameter weight_;
  Parameter bias_;
  Tensor running_mean_;
  Tensor running_var_;
  Tensor num_batches_tracked_;
};

class BatchNorm1d : public BatchNorm {
 public:
  /// x [N, C] or [N, C, L] -> same shape.
  explicit BatchNorm1d(std::int64_t num_features, BatchNormOptions options = {});
  std::string name() const override { return describe(); }
};

class BatchNorm2d : public BatchNorm {
 public:
  /// x [N, C, H, W] -> same shape.
  explicit BatchNorm2d(std::int64_t num_features, BatchNormOptions options = {});
  std::string name() const override { return describe(); }
};

}  // namespace minitorch::nn
