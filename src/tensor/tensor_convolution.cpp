// conv1d and conv2d: checks, then the unfold composition below.
//
// Note [Convolution by unfold]
// A convolution is a matmul over windows (im2col). The input is padded (pad), each spatial dim
// is unfolded into a strided view of its windows (unfold, no copy; dilation is a step-d slice
// of each window, again a view), and one reshape gathers the windows of each group into a
// matrix [N, G, C_in/G * k..., L] (the only copy, L the number of output positions). The
// weight, viewed as [G, C_out/G, C_in/G * k...], multiplies it in one batched packed matmul to
// give [N, G, C_out/G, L], already the output's memory order. The window matrix is one autograd
// node (autograd::im2col) whose backward, col2im, adds each kernel offset's [N, C, out...]
// gradient back at the positions it read: kernel-size adds whose operands keep a contiguous
// inner dim at stride 1 (the unfold view's own backward would read them with a stride of the
// kernel size). So no backend has a convolution kernel; a direct kernel belongs in dev/ until a
// benchmark shows it beats this.
#include <string>
#include <vector>

#include "autograd/window_functions.h"
#include "minitorch/convolution.h"
#include "minitorch/error.h"

namespace minitorch {
namespace {

// Spatial dims of one convolution, resolved from the user's arguments.
struct ConvGeometry {
  int spatial = 0;
  std::vector<std::int64_t> kernel;
  std::vector<std::int64_t> stride;
  std::vector<std::int64_t> dilation;
  std::vector<std::int64_t> pad_before;
  std::vector<std::int64_t> pad_after;
  std::vector<std::int64_t> out;  // output sizes
};

std::string list(const std::vector<std::int64_t>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i ? ", " : "") + std::to_string(values[i]);
  }
  return out + "]";
}

std::string shapes_of(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  std::string out = "input " + to_string(input.shape()) + ", weight " + to_string(weight.shape());
  if (bias.defined()) {
    out += ", bias " + to_string(bias.shape());
  }
  return out;
}

// Ranks, channels, groups, dtypes and devices; throws naming op and every shape.
void check_operands(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias,
                    int spatial, std::int64_t groups) {
  if (!input.defined() || !weight.defined()) {
    throw ValueError(std::string(op) + ": input and weight must be defined tensors");
  }
  std::string shapes = shapes_of(input, weight, bias);
  if (input.ndim() != spatial + 1 && input.ndim() != spatial + 2) {
    throw ShapeError(std::string(op) + ": expected a " + std::to_string(spatial + 2) +
                     "-dim (batched) or " + std::to_string(spatial + 1) +
                     "-dim (unbatched) input, got " + std::to_string(input.ndim()) + " dims (" +
                     shapes + ")");
  }
  if (weight.ndim() != spatial + 2) {
    throw ShapeError(std::string(op) + ": expected a " + std::to_string(spatial + 2) +
                     "-dim weight [C_out, C_in / groups, kernel...], got " +
                     std::to_string(weight.ndim()) + " dims (" + shapes + ")");
  }
  if (groups < 1) {
    throw ValueError(std::string(op) + ": groups must be >= 1, got " + std::to_string(groups) +
                     " (" + shapes + ")");
  }
  std::int64_t in_channels = input.shape()[input.ndim() - spatial - 1];
  std::int64_t out_channels = weight.shape()[0];
  if (in_channels != weight.shape()[1] * groups) {
    throw ShapeError(std::string(op) + ": input has " + std::to_string(in_channels) +
                     " channels (dim " + std::to_string(input.ndim() - spatial - 1) +
                     ") but weight expects " + std::to_string(weight.shape()[1]) + " * groups " +
                     std::to_string(groups) + " = " + std::to_string(weight.shape()[1] * groups) +
                     " (" + shapes + ")");
  }
  if (out_channels % groups != 0) {
    throw ShapeError(std::string(op) + ": weight's " + std::to_string(out_channels) +
                     " output channels (dim 0) are not divisible by groups " +
                     std::to_string(groups) + " (" + shapes + ")");
  }
  if (bias.defined() && !(bias.ndim() == 1 && bias.shape()[0] == out_channels)) {
    throw ShapeError(std::string(op) + ": bias must have shape [" + std::to_string(out_channels) +
                     "] (" + shapes + ")");
  }
  for (const Tensor* t : {&weight, &bias}) {
    if (t->defined() && t->dtype() != input.dtype()) {
      throw DTypeError(std::string(op) + ": input is " + std::string(to_string(input.dtype())) +
                       " but an operand is " + std::string(to_string(t->dtype())) + " (" + shapes +
                       ")");
    }
    if (t->defined() && t->device() != input.device()) {
      throw DeviceError(std::string(op) + ": input is on " + input.device().to_string() +
                        " but an operand is on " + t->device().to_string() + " (" + shapes + ")");
    }
  }
  if (!is_floating_point(input.dtype())) {
    throw DTypeError(std::string(op) + ": expected floating operands, got " +
                     std::string(to_string(input.dtype())) + " (" + shapes + ")");
  }
}

// Strides, dilations, paddings and output sizes; throws ValueError or ShapeError.
ConvGeometry resolve(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias,
                     int spatial, const std::vector<std::int64_t>& stride,
                     const ConvPadding& padding, const std::vector<std::int64_t>& dilation) {
  std::string shapes = shapes_of(input, weight, bias);
  ConvGeometry g;
  g.spatial = spatial;
  for (int i = 0; i < spatial; ++i) {
    g.kernel.push_back(weight.shape()[2 + i]);
  }
  g.stride = stride;
  g.dilation = dilation;
  for (int i = 0; i < spatial; ++i) {
    auto s = static_cast<std::size_t>(i);
    if (stride[s] < 1 || dilation[s] < 1) {
      throw ValueError(std::string(op) + ": stride " + list(stride) + " and dilation " +
                       list(dilation) + " must be >= 1 (" + shapes + ")");
    }
  }
  const std::vector<std::int64_t>& sizes = padding.sizes();
  if (padding.is_same()) {
    for (int i = 0; i < spatial; ++i) {
      auto s = static_cast<std::size_t>(i);
      if (stride[s] != 1) {
        throw ValueError(std::string(op) + ": padding \"same\" needs stride 1, got stride " +
                         list(stride) + " (" + shapes + ")");
      }
      std::int64_t total = dilation[s] * (g.kernel[s] - 1);
      g.pad_before.push_back(total / 2);
      g.pad_after.push_back(total - total / 2);
    }
  } else {
    if (sizes.size() != 1 && sizes.size() != static_cast<std::size_t>(spatial)) {
      throw ValueError(std::string(op) + ": padding " + list(sizes) + " must have 1 or " +
                       std::to_string(spatial) + " sizes (" + shapes + ")");
    }
    for (int i = 0; i < spatial; ++i) {
      std::int64_t p = sizes.size() == 1 ? sizes[0] : sizes[static_cast<std::size_t>(i)];
      if (p < 0) {
        throw ValueError(std::string(op) + ": padding " + list(sizes) + " must be >= 0 (" + shapes +
                         ")");
      }
      g.pad_before.push_back(p);
      g.pad_after.push_back(p);
    }
  }
  for (int i = 0; i < spatial; ++i) {
    auto s = static_cast<std::size_t>(i);
    int dim = input.ndim() - spatial + i;
    std::int64_t padded = input.shape()[dim] + g.pad_before[s] + g.pad_after[s];
    std::int64_t span = dilation[s] * (g.kernel[s] - 1) + 1;
    if (span > padded) {
      throw ShapeError(std::string(op) + ": kernel size " + std::to_string(g.kernel[s]) +
                       " (dilated: " + std::to_string(span) + ") is larger than the padded input " +
                       std::to_string(padded) + " in dim " + std::to_string(dim) + " (" + shapes +
                       ", padding " + list(g.pad_before) + ")");
    }
    g.out.push_back((padded - span) / stride[s] + 1);
  }
  return g;
}

// The pad list of pad() (pairs from the last dim backwards) for the spatial dims.
std::vector<std::int64_t> pad_list(const ConvGeometry& g) {
  std::vector<std::int64_t> out;
  for (int i = g.spatial - 1; i >= 0; --i) {
    auto s = static_cast<std::size_t>(i);
    out.push_back(g.pad_before[s]);
    out.push_back(g.pad_after[s]);
  }
  return out;
}

// See Note [Convolution by unfold]. input is batched [N, C_in, spatial...] and checked.
Tensor convolve(const Tensor& input, const Tensor& weight, const Tensor& bias,
                const ConvGeometry& g, std::int64_t groups) {
  Tensor x = input;
  bool padded = false;
  for (int i = 0; i < g.spatial; ++i) {
    auto s = static_cast<std::size_t>(i);
    padded = padded || g.pad_before[s] > 0 || g.pad_after[s] > 0;
  }
  if (padded) {
    x = pad(x, pad_list(g));
  }
  std::int64_t n = input.shape()[0];
  std::int64_t group_in = input.shape()[1] / groups;
  std::int64_t out_channels = weight.shape()[0];
  Tensor columns = autograd::im2col(x, g.kernel, g.stride, g.dilation, groups);
  std::int64_t window = 1;
  for (std::int64_t k : g.kernel) {
    window *= k;
  }
  Tensor w = weight.reshape({groups, out_channels / groups, group_in * window});
  Shape out_shape = {n, out_channels};
  Shape bias_shape = {out_channels};
  for (std::int64_t size : g.out) {
    out_shape.push_back(size);
    bias_shape.push_back(1);
  }
  Tensor out = w.matmul(columns).reshape(out_shape);
  if (bias.defined()) {
    out = out + bias.view(bias_shape);
  }
  return out;
}

Tensor convolution(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias,
                   int spatial, const std::vector<std::int64_t>& stride, const ConvPadding& padding,
                   const std::vector<std::int64_t>& dilation, std::int64_t groups) {
  check_operands(op, input, weight, bias, spatial, groups);
  ConvGeometry g = resolve(op, input, weight, bias, spatial, stride, padding, dilation);
  if (input.ndim() == spatial + 1) {
    return convolve(input.unsqueeze(0), weight, bias, g, groups).squeeze(0);
  }
  return convolve(input, weight, bias, g, groups);
}

}  // namespace

ConvPadding::ConvPadding(const char* mode) {
  std::string name = mode == nullptr ? "" : mode;
  if (name == "same") {
    same_ = true;
  } else if (name == "valid") {
    sizes_ = {0};
  } else {
    throw ValueError("ConvPadding: padding must be \"same\", \"valid\" or sizes, got \"" + name +
                     "\"");
  }
}

ConvPadding ConvPadding::same() {
  ConvPadding p;
  p.same_ = true;
  return p;
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, std::int64_t stride,
              const ConvPadding& padding, std::int64_t dilation, std::int64_t groups) {
  return convolution("conv1d", input, weight, bias, 1, {stride}, padding, {dilation}, groups);
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Size2 stride,
              const ConvPadding& padding, Size2 dilation, std::int64_t groups) {
  return convolution("conv2d", input, weight, bias, 2, {stride[0], stride[1]}, padding,
                     {dilation[0], dilation[1]}, groups);
}

}  // namespace minitorch
