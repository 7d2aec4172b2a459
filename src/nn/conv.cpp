// Conv1d and Conv2d: parameter shapes, PyTorch's initialisation, and the call into the ops.
#include "minitorch/nn/conv.h"

#include <cmath>
#include <vector>

#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::nn {
namespace {

// weight [out, in / groups, kernel...] and bias [out], uniform in +-1/sqrt(fan_in) (PyTorch's
// kaiming_uniform(a = sqrt(5)) reduces to this bound).
struct ConvParameters {
  Tensor weight;
  Tensor bias;
};

ConvParameters init(const char* layer, std::int64_t in, std::int64_t out,
                    const std::vector<std::int64_t>& kernel, std::int64_t groups, bool bias,
                    DType dtype, Device device, Generator* gen) {
  bool sizes_ok = in > 0 && out > 0 && groups > 0;
  for (std::int64_t k : kernel) {
    sizes_ok = sizes_ok && k > 0;
  }
  if (!sizes_ok || in % groups != 0 || out % groups != 0) {
    std::string kernels;
    for (std::int64_t k : kernel) {
      kernels += (kernels.empty() ? "" : ", ") + std::to_string(k);
    }
    throw ValueError(std::string(layer) + ": in_channels " + std::to_string(in) +
                     ", out_channels " + std::to_string(out) + " and kernel_size [" + kernels +
                     "] must be positive and divisible by groups " + std::to_string(groups));
  }
  Shape shape = {out, in / groups};
  std::int64_t fan_in = in / groups;
  for (std::int64_t k : kernel) {
    shape.push_back(k);
    fan_in *= k;
  }
  double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  ConvParameters p;
  p.weight = (rand(shape, {.dtype = dtype}, gen) * (2.0 * bound) - bound).to(device);
  if (bias) {
    p.bias = (rand({out}, {.dtype = dtype}, gen) * (2.0 * bound) - bound).to(device);
  }
  return p;
}

std::string sizes(const Tensor& weight, int from) {
  std::string out;
  for (int d = from; d < weight.ndim(); ++d) {
    out += (out.empty() ? "" : ", ") + std::to_string(weight.shape()[d]);
  }
  return out;
}

}  // namespace

Conv1d::Conv1d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
               Conv1dOptions options)
    : options_(options) {
  ConvParameters p = init("Conv1d", in_channels, out_channels, {kernel_size}, options.groups,
                          options.bias, options.dtype, options.device, options.generator);
  weight_ = register_parameter("weight", p.weight);
  if (options.bias) {
    bias_ = register_parameter("bias", p.bias);
  }
}

Tensor Conv1d::forward(const Tensor& x) {
  return conv1d(x, weight_, bias_, options_.stride, options_.padding, options_.dilation,
                options_.groups);
}

std::string Conv1d::name() const {
  return "Conv1d(" + std::to_string(weight_.shape()[1] * options_.groups) + ", " +
      std::to_string(weight_.shape()[0]) + ", kernel_size=(" + sizes(weight_, 2) +
      "), stride=" + std::to_string(options_.stride) +
      ", groups=" + std::to_string(options_.groups) + ")";
}

Conv2d::Conv2d(std::int64_t in_channels, std::int64_t out_channels, Size2 kernel_size,
               Conv2dOptions options)
    : options_(options) {
  ConvParameters p =
      init("Conv2d", in_channels, out_channels, {kernel_size[0], kernel_size[1]}, options.groups,
           options.bias, options.dtype, options.device, options.generator);
  weight_ = register_parameter("weight", p.weight);
  if (options.bias) {
    bias_ = register_parameter("bias", p.bias);
  }
}

Tensor Conv2d::forward(const Tensor& x) {
  return conv2d(x, weight_, bias_, options_.stride, options_.padding, options_.dilation,
                options_.groups);
}

std::string Conv2d::name() const {
  return "Conv2d(" + std::to_string(weight_.shape()[1] * options_.groups) + ", " +
      std::to_string(weight_.shape()[0]) + ", kernel_size=(" + sizes(weight_, 2) + "), stride=(" +
      std::to_string(options_.stride[0]) + ", " + std::to_string(options_.stride[1]) +
      "), groups=" + std::to_string(options_.groups) + ")";
}

}  // namespace minitorch::nn
