// avg_pool2d and max_pool2d: a pad, two unfold views (Note [Convolution by unfold] in
// tensor_convolution.cpp), then a reduction over each window: mean, or max_with_indices, whose
// gather sends the gradient to each window's first maximum.
#include <limits>
#include <string>
#include <vector>

#include "autograd/window_functions.h"
#include "minitorch/convolution.h"
#include "minitorch/error.h"

namespace minitorch {
namespace {

std::string pair(Size2 s) {
  // Appended step by step: GCC 12 warns, falsely, about `"literal" + std::string` (-Wrestrict).
  std::string out = "[";
  out += std::to_string(s[0]);
  out += ", ";
  out += std::to_string(s[1]);
  out += "]";
  return out;
}

// Windows [N, C, H_out, W_out, kh, kw] of input (batched, checked) padded with pad_value.
Tensor windows(const char* op, const Tensor& input, Size2 kernel, std::optional<Size2> stride_arg,
               Size2 padding, Size2 dilation, double pad_value) {
  Size2 stride = stride_arg.value_or(kernel);
  std::string args = " (input " + to_string(input.shape()) + ", kernel_size " + pair(kernel) +
      ", stride " + pair(stride) + ", padding " + pair(padding) + ", dilation " + pair(dilation) +
      ")";
  if (input.ndim() != 3 && input.ndim() != 4) {
    throw ShapeError(std::string(op) + ": expected a 4-dim (batched) or 3-dim (unbatched) input" +
                     args);
  }
  if (!is_floating_point(input.dtype())) {
    throw DTypeError(std::string(op) + ": expected a floating input, got " +
                     std::string(to_string(input.dtype())) + args);
  }
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1 || stride[i] < 1 || dilation[i] < 1) {
      throw ValueError(std::string(op) + ": kernel_size, stride and dilation must be >= 1" + args);
    }
    // PyTorch's rule: every window then holds at least one element of the input.
    if (padding[i] < 0 || padding[i] > kernel[i] / 2) {
      throw ValueError(std::string(op) + ": padding must be >= 0 and at most half the kernel" +
                       args);
    }
  }
  Tensor x = input.ndim() == 3 ? input.unsqueeze(0) : input;
  for (int i = 0; i < 2; ++i) {
    std::int64_t padded = x.shape()[2 + i] + 2 * padding[i];
    std::int64_t span = dilation[i] * (kernel[i] - 1) + 1;
    if (span > padded) {
      throw ShapeError(std::string(op) + ": kernel (dilated: " + std::to_string(span) +
                       ") is larger than the padded input " + std::to_string(padded) + " in dim " +
                       std::to_string(input.ndim() - 2 + i) + args);
    }
  }
  if (padding[0] > 0 || padding[1] > 0) {
    x = pad(x, {padding[1], padding[1], padding[0], padding[0]}, pad_value);
  }
  for (int i = 0; i < 2; ++i) {
    std::int64_t span = dilation[i] * (kernel[i] - 1) + 1;
    x = autograd::unfold(x, 2 + i, span, stride[i]);
    if (dilation[i] > 1) {
      x = x.slice(-1, 0, span, dilation[i]);
    }
  }
  return x;
}

}  // namespace

Tensor avg_pool2d(const Tensor& input, Size2 kernel_size, std::optional<Size2> stride,
                  Size2 padding) {
  Tensor w = windows("avg_pool2d", input, kernel_size, stride, padding, 1, 0.0);
  Tensor out = w.mean(Dims{-2, -1});
  return input.ndim() == 3 ? out.squeeze(0) : out;
}

Tensor max_pool2d(const Tensor& input, Size2 kernel_size, std::optional<Size2> stride,
                  Size2 padding, Size2 dilation) {
  Tensor w = windows("max_pool2d", input, kernel_size, stride, padding, dilation,
                     -std::numeric_limits<double>::infinity());
  Shape flat = w.shape();
  flat.resize(flat.size() - 1);
  flat[flat.size() - 1] = kernel_size[0] * kernel_size[1];
  Tensor out = w.reshape(flat).max_with_indices(-1).values;
  return input.ndim() == 3 ? out.squeeze(0) : out;
}

}  // namespace minitorch
