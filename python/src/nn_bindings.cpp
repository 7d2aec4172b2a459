// The C++ side of minitorch.nn (python/minitorch/nn.py): functional ops, losses, Linear's
// initialisations and forward, gradient clipping and safetensors files (convolution and the
// other layers: convolution_bindings.cpp, layer_bindings.cpp). Modules themselves are Python
// classes, so that users subclass them as in PyTorch.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "minitorch/error.h"
#include "minitorch/nn/nn.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

nn::Reduction reduction_of(const std::string& name) {
  if (name == "mean") {
    return nn::Reduction::Mean;
  }
  if (name == "sum") {
    return nn::Reduction::Sum;
  }
  if (name == "none") {
    return nn::Reduction::None;
  }
  throw ValueError("loss: reduction '" + name + "' is not one of 'mean', 'sum', 'none'");
}

using Loss = Tensor (*)(const Tensor&, const Tensor&, nn::Reduction);

void def_loss(nb::module_& m, const char* name, Loss loss) {
  m.def(
      name,
      [loss](const Tensor& input, const Tensor& target, const std::string& reduction) {
        nn::Reduction r = reduction_of(reduction);
        return without_gil([&] { return loss(input, target, r); });
      },
      nb::arg("input"), nb::arg("target"), nb::arg("reduction") = "mean");
}

// Linear's weight [out, in] and bias [out] (or None), initialised as nn::Linear does.
std::pair<Tensor, std::optional<Tensor>> linear_init(std::int64_t in_features,
                                                     std::int64_t out_features, bool bias,
                                                     const std::string& init, nb::handle dtype,
                                                     nb::handle device, nb::handle generator) {
  nn::LinearOptions options{
      .bias = bias,
      .init = nn::parse_init(init),
      .dtype = to_dtype_or(dtype, kFloat32),
      .device = to_device_or(device, Device::cpu()),
      .generator = generator.is_none() ? nullptr : &nb::cast<Generator&>(generator)};
  nn::Linear layer(in_features, out_features, options);
  std::optional<Tensor> b;
  if (layer.bias().defined()) {
    b = layer.bias().detach();
  }
  return {layer.weight().detach(), b};
}

// x [..., in] @ weight [out, in]^T + bias [out] -> [..., out], in one call.
Tensor linear(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias) {
  if (x.ndim() == 0 || weight.ndim() != 2 || x.size(-1) != weight.size(1)) {
    throw ShapeError("linear: input of shape " + to_string(x.shape()) +
                     " does not end in the weight's in_features (weight shape " +
                     to_string(weight.shape()) + ")");
  }
  Tensor y = x.matmul(weight.transpose(0, 1));
  return bias ? y + *bias : y;
}

}  // namespace

void bind_nn(nb::module_& m) {
  nb::module_ f = m.def_submodule("_nn", "C++ parts of minitorch.nn");
  f.def("softmax", &nn::functional::softmax, nb::arg("input"), nb::arg("dim"), ReleaseGil());
  f.def("log_softmax", &nn::functional::log_softmax, nb::arg("input"), nb::arg("dim"),
        ReleaseGil());
  f.def("softplus", &nn::functional::softplus, ReleaseGil());
  f.def("log_sigmoid", &nn::functional::log_sigmoid, ReleaseGil());
  f.def(
      "dropout",
      [](const Tensor& x, double p, bool training, nb::handle generator) {
        Generator* gen = generator.is_none() ? nullptr : &nb::cast<Generator&>(generator);
        return without_gil([&] { return nn::functional::dropout(x, p, training, gen); });
      },
      nb::arg("input"), nb::arg("p") = 0.5, nb::arg("training") = true,
      nb::arg("generator") = nb::none());
  def_loss(f, "binary_cross_entropy", &nn::binary_cross_entropy);
  def_loss(f, "binary_cross_entropy_with_logits", &nn::binary_cross_entropy_with_logits);
  def_loss(f, "nll_loss", &nn::nll_loss);
  def_loss(f, "cross_entropy", &nn::cross_entropy);
  def_loss(f, "mse_loss", &nn::mse_loss);
  f.def("linear_init", &linear_init, nb::arg("in_features"), nb::arg("out_features"),
        nb::arg("bias"), nb::arg("init"), nb::arg("dtype").none(), nb::arg("device").none(),
        nb::arg("generator").none());
  f.def("clip_grad_norm_",
        static_cast<double (*)(const std::vector<Tensor>&, double, double)>(&nn::clip_grad_norm_),
        nb::arg("parameters"), nb::arg("max_norm"), nb::arg("norm_type") = 2.0, ReleaseGil());
  f.def("linear", &linear, nb::arg("input"), nb::arg("weight"), nb::arg("bias").none(),
        ReleaseGil());
  f.def(
      "save_safetensors",
      [](const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
         const std::map<std::string, std::string>& metadata) {
        nn::save_safetensors(path, tensors, metadata);
      },
      nb::arg("path"), nb::arg("tensors"),
      nb::arg("metadata") = std::map<std::string, std::string>{}, ReleaseGil());
  f.def(
      "load_safetensors",
      [](const std::string& path) {
        nn::SafetensorsFile file = without_gil([&] { return nn::load_safetensors(path); });
        return std::make_pair(file.tensors, file.metadata);
      },
      nb::arg("path"));
}

}  // namespace minitorch::python
