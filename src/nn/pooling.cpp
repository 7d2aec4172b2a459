// MaxPool2d and AvgPool2d: argument holders around max_pool2d and avg_pool2d.
#include "minitorch/nn/pooling.h"

namespace minitorch::nn {
namespace {

std::string pair(Size2 s) {
  std::string out = "(";
  out += std::to_string(s[0]);
  out += ", ";
  out += std::to_string(s[1]);
  out += ")";
  return out;
}

}  // namespace

MaxPool2d::MaxPool2d(Size2 kernel_size, std::optional<Size2> stride, Size2 padding, Size2 dilation)
    : kernel_size_(kernel_size), stride_(stride), padding_(padding), dilation_(dilation) {}

Tensor MaxPool2d::forward(const Tensor& x) {
  return max_pool2d(x, kernel_size_, stride_, padding_, dilation_);
}

std::string MaxPool2d::name() const {
  return "MaxPool2d(kernel_size=" + pair(kernel_size_) +
      ", stride=" + pair(stride_.value_or(kernel_size_)) + ", padding=" + pair(padding_) + ")";
}

AvgPool2d::AvgPool2d(Size2 kernel_size, std::optional<Size2> stride, Size2 padding)
    : kernel_size_(kernel_size), stride_(stride), padding_(padding) {}

Tensor AvgPool2d::forward(const Tensor& x) {
  return avg_pool2d(x, kernel_size_, stride_, padding_);
}

std::string AvgPool2d::name() const {
  return "AvgPool2d(kernel_size=" + pair(kernel_size_) +
      ", stride=" + pair(stride_.value_or(kernel_size_)) + ", padding=" + pair(padding_) + ")";
}

}  // namespace minitorch::nn
