// torch.nn.functional's convolution, pooling, pad and embedding over minitorch/convolution.h,
// and Tensor.unfold (the view they are built on). This file only translates PyTorch's argument
// spellings (an int or a tuple per spatial dim, "same"/"valid") into the C++ option types;
// every shape and value check is the C++ op's, so messages name the op as in C++.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bindings.h"
#include "minitorch/convolution.h"
#include "minitorch/error.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

// PyTorch's `int or tuple`: one size for every spatial dim, or one per dim.
using SizeArg = std::variant<std::int64_t, std::vector<std::int64_t>>;
// A convolution's padding also takes "same" and "valid".
using PaddingArg = std::variant<std::int64_t, std::vector<std::int64_t>, std::string>;

std::string describe(const std::vector<std::int64_t>& sizes) {
  std::string out = "(";
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    out += (i == 0 ? "" : ", ") + std::to_string(sizes[i]);
  }
  return out + ")";
}

// A 1-d op's size: an int or a 1-tuple.
std::int64_t to_size1(const SizeArg& arg, const char* op, const char* what) {
  if (const auto* both = std::get_if<std::int64_t>(&arg)) {
    return *both;
  }
  const auto& sizes = std::get<std::vector<std::int64_t>>(arg);
  if (sizes.size() != 1) {
    throw ValueError(std::string(op) + ": " + what + " must be an int or a 1-tuple (got " +
                     describe(sizes) + ")");
  }
  return sizes[0];
}

// A 2-d op's size: an int or an (h, w) pair (a 1-tuple means both, as in PyTorch).
Size2 to_size2(const SizeArg& arg, const char* op, const char* what) {
  if (const auto* both = std::get_if<std::int64_t>(&arg)) {
    return {*both};
  }
  const auto& sizes = std::get<std::vector<std::int64_t>>(arg);
  if (sizes.size() == 1) {
    return {sizes[0]};
  }
  if (sizes.size() != 2) {
    throw ValueError(std::string(op) + ": " + what + " must be an int or a pair of ints (got " +
                     describe(sizes) + ")");
  }
  return {sizes[0], sizes[1]};
}

std::optional<Size2> to_optional_size2(const std::optional<SizeArg>& arg, const char* op,
                                       const char* what) {
  if (!arg) {
    return std::nullopt;
  }
  return to_size2(*arg, op, what);
}

// ConvPadding holds one size or one per spatial dim; the C++ op checks which count it takes.
ConvPadding to_padding(const PaddingArg& arg, const char* op, std::size_t spatial_dims) {
  if (const auto* mode = std::get_if<std::string>(&arg)) {
    // Checked here too, so that the message names the op rather than ConvPadding.
    if (*mode != "same" && *mode != "valid") {
      throw ValueError(std::string(op) + ": padding must be an int, a tuple, 'same' or 'valid' " +
                       "(got '" + *mode + "')");
    }
    return {mode->c_str()};
  }
  if (const auto* both = std::get_if<std::int64_t>(&arg)) {
    return {*both};
  }
  const auto& sizes = std::get<std::vector<std::int64_t>>(arg);
  if (sizes.size() == 1) {
    return {sizes[0]};
  }
  if (sizes.size() != spatial_dims) {
    throw ValueError(std::string(op) + ": padding must be an int, a tuple of " +
                     std::to_string(spatial_dims) + ", 'same' or 'valid' (got " + describe(sizes) +
                     ")");
  }
  return {sizes[0], sizes[1]};
}

Tensor bias_or_none(const std::optional<Tensor>& bias) { return bias ? *bias : Tensor(); }

Tensor conv1d_py(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                 const SizeArg& stride, const PaddingArg& padding, const SizeArg& dilation,
                 std::int64_t groups) {
  std::int64_t s = to_size1(stride, "conv1d", "stride");
  ConvPadding p = to_padding(padding, "conv1d", 1);
  std::int64_t d = to_size1(dilation, "conv1d", "dilation");
  return without_gil([&] { return conv1d(input, weight, bias_or_none(bias), s, p, d, groups); });
}

Tensor conv2d_py(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                 const SizeArg& stride, const PaddingArg& padding, const SizeArg& dilation,
                 std::int64_t groups) {
  Size2 s = to_size2(stride, "conv2d", "stride");
  ConvPadding p = to_padding(padding, "conv2d", 2);
  Size2 d = to_size2(dilation, "conv2d", "dilation");
  return without_gil([&] { return conv2d(input, weight, bias_or_none(bias), s, p, d, groups); });
}

Tensor avg_pool2d_py(const Tensor& input, const SizeArg& kernel_size,
                     const std::optional<SizeArg>& stride, const SizeArg& padding) {
  Size2 k = to_size2(kernel_size, "avg_pool2d", "kernel_size");
  std::optional<Size2> s = to_optional_size2(stride, "avg_pool2d", "stride");
  Size2 p = to_size2(padding, "avg_pool2d", "padding");
  return without_gil([&] { return avg_pool2d(input, k, s, p); });
}

Tensor max_pool2d_py(const Tensor& input, const SizeArg& kernel_size,
                     const std::optional<SizeArg>& stride, const SizeArg& padding,
                     const SizeArg& dilation) {
  Size2 k = to_size2(kernel_size, "max_pool2d", "kernel_size");
  std::optional<Size2> s = to_optional_size2(stride, "max_pool2d", "stride");
  Size2 p = to_size2(padding, "max_pool2d", "padding");
  Size2 d = to_size2(dilation, "max_pool2d", "dilation");
  return without_gil([&] { return max_pool2d(input, k, s, p, d); });
}

// torch.nn.functional.pad(input, pad, mode="constant", value=None): constant mode only.
Tensor pad_py(const Tensor& input, const std::vector<std::int64_t>& padding,
              const std::string& mode, std::optional<double> value) {
  if (mode != "constant") {
    throw ValueError("pad: mode '" + mode + "' is not supported (only 'constant')");
  }
  return without_gil([&] { return pad(input, padding, value.value_or(0.0)); });
}

}  // namespace

void bind_convolution(nb::module_& nn_module, nb::class_<Tensor>& cls) {
  cls.def("unfold", &Tensor::unfold, nb::arg("dimension"), nb::arg("size"), nb::arg("step"),
          ReleaseGil(),
          "Every window of `size` elements along `dimension`, `step` apart, as a new last dim "
          "(a view).");
  nn_module.def("conv1d", &conv1d_py, nb::arg("input"), nb::arg("weight"),
                nb::arg("bias").none() = nb::none(), nb::arg("stride") = 1, nb::arg("padding") = 0,
                nb::arg("dilation") = 1, nb::arg("groups") = 1,
                "input [N, C_in, L], weight [C_out, C_in / groups, k] -> [N, C_out, L_out]; "
                "padding an int, a 1-tuple, 'same' or 'valid'.");
  nn_module.def("conv2d", &conv2d_py, nb::arg("input"), nb::arg("weight"),
                nb::arg("bias").none() = nb::none(), nb::arg("stride") = 1, nb::arg("padding") = 0,
                nb::arg("dilation") = 1, nb::arg("groups") = 1,
                "input [N, C_in, H, W], weight [C_out, C_in / groups, kh, kw] -> "
                "[N, C_out, H_out, W_out]; sizes an int or a pair, padding also 'same' or "
                "'valid'.");
  nn_module.def("avg_pool2d", &avg_pool2d_py, nb::arg("input"), nb::arg("kernel_size"),
                nb::arg("stride").none() = nb::none(), nb::arg("padding") = 0,
                "[N, C, H, W] -> [N, C, H_out, W_out], the mean of each window (zero padding "
                "counted); stride defaults to kernel_size.");
  nn_module.def("max_pool2d", &max_pool2d_py, nb::arg("input"), nb::arg("kernel_size"),
                nb::arg("stride").none() = nb::none(), nb::arg("padding") = 0,
                nb::arg("dilation") = 1,
                "[N, C, H, W] -> [N, C, H_out, W_out], the max of each window; stride defaults "
                "to kernel_size.");
  nn_module.def("pad", &pad_py, nb::arg("input"), nb::arg("pad"), nb::arg("mode") = "constant",
                nb::arg("value").none() = nb::none(),
                "input padded by (before, after) pairs from the last dim backwards.");
  nn_module.def("embedding", &embedding, nb::arg("input"), nb::arg("weight"), ReleaseGil(),
                "int64 indices [...], weight [num_embeddings, dim] -> [..., dim].");
}

}  // namespace minitorch::python
