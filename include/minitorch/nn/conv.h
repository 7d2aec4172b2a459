// Conv1d and Conv2d: the convolution ops of minitorch/convolution.h with their weight and bias
// as parameters, laid out as PyTorch's ([C_out, C_in / groups, k...]) so checkpoints carry
// over, initialised as PyTorch does (uniform in +-1/sqrt(C_in / groups * k...)).
#pragma once

#include <cstdint>
#include <string>

#include "minitorch/convolution.h"
#include "minitorch/generator.h"
#include "minitorch/nn/module.h"

namespace minitorch::nn {

struct Conv1dOptions {
  std::int64_t stride = 1;
  ConvPadding padding = 0;
  std::int64_t dilation = 1;
  std::int64_t groups = 1;
  bool bias = true;
  DType dtype = kFloat32;
  /// Parameters are drawn on the CPU, then moved here.
  Device device = Device::cpu();
  /// nullptr uses default_generator().
  Generator* generator = nullptr;
};

struct Conv2dOptions {
  Size2 stride = 1;
  ConvPadding padding = 0;
  Size2 dilation = 1;
  std::int64_t groups = 1;
  bool bias = true;
  DType dtype = kFloat32;
  Device device = Device::cpu();
  Generator* generator = nullptr;
};

class Conv1d : public Module {
 public:
  /// x [N, C_in, L] (or [C_in, L]) -> [N, C_out, L_out] (conv1d). Parameters: weight
  /// [C_out, C_in / groups, kernel_size], bias [C_out]. ValueError unless the sizes are
  /// positive and groups divides both channel counts.
  Conv1d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
         Conv1dOptions options = {});
  /// conv1d's errors.
  Tensor forward(const Tensor& x) override;
  std::string name() const override;

  const Parameter& weight() const { return weight_; }
  /// Undefined when the layer has no bias.
  const Parameter& bias() const { return bias_; }
  const Conv1dOptions& options() const { return options_; }

 private:
  Conv1dOptions options_;
  Parameter weight_;
  Parameter bias_;
};

class Conv2d : public Module {
 public:
  /// x [N, C_in, H, W] (or [C_in, H, W]) -> [N, C_out, H_out, W_out] (conv2d). Parameters:
  /// weight [C_out, C_in / groups, kh, kw], bias [C_out]. ValueError as Conv1d.
  Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2 kernel_size,
         Conv2dOptions options = {});
  Tensor forward(const Tensor& x) override;
  std::string name() const override;

  const Parameter& weight() const { return weight_; }
  const Parameter& bias() const { return bias_; }
  const Conv2dOptions& options() const { return options_; }

 private:
  Conv2dOptions options_;
  Parameter weight_;
  Parameter bias_;
};

}  // namespace minitorch::nn
