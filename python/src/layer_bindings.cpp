// The C++ side of minitorch.nn's layers (python/minitorch/_layers.py): their parameters'
// shapes and initialisation, taken from the C++ modules (so the checks and PyTorch's init
// live in one place, src/nn/), and the functional forms that use Python's parameters and
// buffers: layer_norm and batch_norm. Modules themselves are Python classes.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bindings.h"
#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/nn/nn.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

Generator* generator_of(nb::handle generator) {
  return generator.is_none() ? nullptr : &nb::cast<Generator&>(generator);
}

std::optional<Tensor> detached_or_none(const Tensor& t) {
  if (!t.defined()) {
    return std::nullopt;
  }
  return t.detach();
}

// Conv1d's or Conv2d's weight [out, in / groups, k...] and bias [out] (or None), initialised as
// the C++ module does; its ValueError names the layer.
std::pair<Tensor, std::optional<Tensor>> conv_init(std::int64_t in_channels,
                                                   std::int64_t out_channels,
                                                   const std::vector<std::int64_t>& kernel_size,
                                                   std::int64_t groups, bool bias, nb::handle dtype,
                                                   nb::handle device, nb::handle generator) {
  DType dt = to_dtype_or(dtype, kFloat32);
  Device dev = to_device_or(device, Device::cpu());
  Generator* gen = generator_of(generator);
  if (kernel_size.size() == 1) {
    nn::Conv1d layer(
        in_channels, out_channels, kernel_size[0],
        {.groups = groups, .bias = bias, .dtype = dt, .device = dev, .generator = gen});
    return {layer.weight().detach(), detached_or_none(layer.bias())};
  }
  if (kernel_size.size() != 2) {
    throw ValueError("Conv2d: kernel_size must be an int or a pair of ints (got " +
                     std::to_string(kernel_size.size()) + " sizes)");
  }
  nn::Conv2d layer(in_channels, out_channels, {kernel_size[0], kernel_size[1]},
                   {.groups = groups, .bias = bias, .dtype = dt, .device = dev, .generator = gen});
  return {layer.weight().detach(), detached_or_none(layer.bias())};
}

// Embedding's table [num_embeddings, embedding_dim], standard normal (PyTorch's init).
Tensor embedding_init(std::int64_t num_embeddings, std::int64_t embedding_dim, nb::handle dtype,
                      nb::handle device, nb::handle generator) {
  nn::Embedding layer(num_embeddings, embedding_dim,
                      {.dtype = to_dtype_or(dtype, kFloat32),
                       .device = to_device_or(device, Device::cpu()),
                       .generator = generator_of(generator)});
  return layer.weight().detach();
}

// A copy of pretrained weights [n, dim], checked as nn::Embedding::from_pretrained does.
Tensor embedding_pretrained(const Tensor& weights) {
  return nn::Embedding::from_pretrained(weights, /*freeze=*/true)->weight().detach();
}

// LayerNorm's weight (ones) and bias (zeros), or None without elementwise_affine.
std::pair<std::optional<Tensor>, std::optional<Tensor>> layer_norm_init(
    const Shape& normalized_shape, double eps, bool elementwise_affine, nb::handle dtype,
    nb::handle device) {
  nn::LayerNorm layer(normalized_shape,
                      {.eps = eps,
                       .elementwise_affine = elementwise_affine,
                       .dtype = to_dtype_or(dtype, kFloat32),
                       .device = to_device_or(device, Device::cpu())});
  return {detached_or_none(layer.weight()), detached_or_none(layer.bias())};
}

using BatchNormState =
    std::tuple<std::optional<Tensor>, std::optional<Tensor>, std::optional<Tensor>,
               std::optional<Tensor>, std::optional<Tensor>>;

// BatchNorm{1,2}d's weight, bias, running_mean, running_var and num_batches_tracked (each None
// when the layer has none), from the C++ module of that name (its checks name it).
BatchNormState batch_norm_init(const std::string& layer_name, std::int64_t num_features, double eps,
                               double momentum, bool affine, bool track_running_stats,
                               nb::handle dtype, nb::handle device) {
  nn::BatchNormOptions options{.eps = eps,
                               .momentum = momentum,
                               .affine = affine,
                               .track_running_stats = track_running_stats,
                               .dtype = to_dtype_or(dtype, kFloat32),
                               .device = to_device_or(device, Device::cpu())};
  auto state = [](const nn::BatchNorm& layer) {
    return BatchNormState{detached_or_none(layer.weight()), detached_or_none(layer.bias()),
                          detached_or_none(layer.running_mean()),
                          detached_or_none(layer.running_var()),
                          detached_or_none(layer.num_batches_tracked())};
  };
  if (layer_name == "BatchNorm2d") {
    return state(nn::BatchNorm2d(num_features, options));
  }
  return state(nn::BatchNorm1d(num_features, options));
}

// x [..., normalized_shape] normalised over its trailing dims by nn::LayerNorm's own forward
// (no affine there), then scaled and shifted by Python's parameters.
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape,
                  const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  double eps) {
  nn::LayerNorm normalize(normalized_shape, {.eps = eps, .elementwise_affine = false});
  Tensor out = normalize.forward(input);
  if (weight) {
    out = out * *weight;
  }
  return bias ? out + *bias : out;
}

void check_channel_vector(const Tensor& t, const char* what, const Tensor& input) {
  if (t.defined() && (t.ndim() != 1 || t.size(0) != input.size(1))) {
    throw ShapeError(std::string("batch_norm: ") + what + " of shape " + to_string(t.shape()) +
                     " is not [C] for input shape " + to_string(input.shape()) + " (C = dim 1)");
  }
}

Tensor value_or_undefined(const std::optional<Tensor>& t) { return t ? *t : Tensor(); }

// torch.nn.functional.batch_norm: statistics per channel (dim 1) over every other dim. The
// arithmetic is nn::BatchNorm::forward's (src/nn/normalization.cpp), written again here
// because the C++ module owns its buffers while a Python module passes its own.
Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& running_mean_arg,
                  const std::optional<Tensor>& running_var_arg,
                  const std::optional<Tensor>& weight_arg, const std::optional<Tensor>& bias_arg,
                  bool training, double momentum, double eps) {
  Tensor running_mean = value_or_undefined(running_mean_arg);
  Tensor running_var = value_or_undefined(running_var_arg);
  Tensor weight = value_or_undefined(weight_arg);
  Tensor bias = value_or_undefined(bias_arg);
  if (input.ndim() < 2) {
    throw ShapeError("batch_norm: expected an input of at least 2 dims [N, C, ...], got shape " +
                     to_string(input.shape()));
  }
  check_channel_vector(running_mean, "running_mean", input);
  check_channel_vector(running_var, "running_var", input);
  check_channel_vector(weight, "weight", input);
  check_channel_vector(bias, "bias", input);
  if (running_mean.defined() != running_var.defined()) {
    throw ValueError("batch_norm: running_mean and running_var must both be given or both None");
  }
  std::int64_t channels = input.size(1);
  // [C] statistics broadcast as [1, C, 1, ...].
  Shape channel_shape = {1, channels};
  Dims dims = {0};
  for (int d = 2; d < input.ndim(); ++d) {
    channel_shape.push_back(1);
    dims.push_back(d);
  }
  Tensor mean;
  Tensor var;
  if (training || !running_mean.defined()) {
    std::int64_t count = channels == 0 ? 0 : input.numel() / channels;
    if (count <= 1 && training) {
      throw ValueError(
          "batch_norm: expected more than 1 value per channel when training, got input shape " +
          to_string(input.shape()));
    }
    mean = input.mean(dims, /*keepdim=*/true);
    Tensor centered = input - mean;
    var = (centered * centered).mean(dims, /*keepdim=*/true);
    if (training && running_mean.defined()) {
      NoGradGuard no_grad;
      auto n = static_cast<double>(count);
      Tensor unbiased = var.detach().reshape({channels}) * (n / (n - 1.0));
      running_mean.mul_(1.0 - momentum).add_(mean.detach().reshape({channels}), momentum);
      running_var.mul_(1.0 - momentum).add_(unbiased, momentum);
    }
  } else {
    mean = running_mean.reshape(channel_shape);
    var = running_var.reshape(channel_shape);
  }
  Tensor out = (input - mean) / (var + eps).sqrt();
  if (weight.defined()) {
    out = out * weight.reshape(channel_shape);
  }
  return bias.defined() ? out + bias.reshape(channel_shape) : out;
}

}  // namespace

void bind_layers(nb::module_& nn_module) {
  nn_module.def("conv_init", &conv_init, nb::arg("in_channels"), nb::arg("out_channels"),
                nb::arg("kernel_size"), nb::arg("groups"), nb::arg("bias"), nb::arg("dtype").none(),
                nb::arg("device").none(), nb::arg("generator").none());
  nn_module.def("embedding_init", &embedding_init, nb::arg("num_embeddings"),
                nb::arg("embedding_dim"), nb::arg("dtype").none(), nb::arg("device").none(),
                nb::arg("generator").none());
  nn_module.def("embedding_pretrained", &embedding_pretrained, nb::arg("weights"), ReleaseGil());
  nn_module.def("layer_norm_init", &layer_norm_init, nb::arg("normalized_shape"), nb::arg("eps"),
                nb::arg("elementwise_affine"), nb::arg("dtype").none(), nb::arg("device").none());
  nn_module.def("batch_norm_init", &batch_norm_init, nb::arg("layer"), nb::arg("num_features"),
                nb::arg("eps"), nb::arg("momentum"), nb::arg("affine"),
                nb::arg("track_running_stats"), nb::arg("dtype").none(), nb::arg("device").none());
  nn_module.def("layer_norm", &layer_norm, nb::arg("input"), nb::arg("normalized_shape"),
                nb::arg("weight").none() = nb::none(), nb::arg("bias").none() = nb::none(),
                nb::arg("eps") = 1e-5, ReleaseGil(),
                "x [..., *normalized_shape] normalised over its trailing dims, then * weight + "
                "bias.");
  nn_module.def("batch_norm", &batch_norm, nb::arg("input"), nb::arg("running_mean").none(),
                nb::arg("running_var").none(), nb::arg("weight").none() = nb::none(),
                nb::arg("bias").none() = nb::none(), nb::arg("training") = false,
                nb::arg("momentum") = 0.1, nb::arg("eps") = 1e-5, ReleaseGil(),
                "x [N, C, ...] normalised per channel: by the batch's statistics when training "
                "(updating running_mean/var in place), else by the running ones.");
}

}  // namespace minitorch::python
