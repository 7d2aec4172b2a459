// MaxPool2d and AvgPool2d: the pooling ops of minitorch/convolution.h as modules (no
// parameters). stride defaults to kernel_size, as in PyTorch.
#pragma once

#include <optional>
#include <string>

#include "minitorch/convolution.h"
#include "minitorch/nn/module.h"

namespace minitorch::nn {

class MaxPool2d : public Module {
 public:
  /// x [N, C, H, W] (or [C, H, W]) -> [N, C, H_out, W_out]: max_pool2d. Arguments are checked
  /// when called (max_pool2d's errors).
  explicit MaxPool2d(Size2 kernel_size, std::optional<Size2> stride = {}, Size2 padding = 0,
                     Size2 dilation = 1);
  Tensor forward(const Tensor& x) override;
  std::string name() const override;

 private:
  Size2 kernel_size_;
  std::optional<Size2> stride_;
  Size2 padding_;
  Size2 dilation_;
};

class AvgPool2d : public Module {
 public:
  /// x [N, C, H, W] (or [C, H, W]) -> [N, C, H_out, W_out]: avg_pool2d (zero padding counted).
  explicit AvgPool2d(Size2 kernel_size, std::optional<Size2> stride = {}, Size2 padding = 0);
  Tensor forward(const Tensor& x) override;
  std::string name() const override;

 private:
  Size2 kernel_size_;
  std::optional<Size2> stride_;
  Size2 padding_;
};

}  // namespace minitorch::nn
