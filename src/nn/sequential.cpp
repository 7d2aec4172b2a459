// Sequential: a list of modules applied in order.
#include "minitorch/nn/sequential.h"

#include <string>

#include "minitorch/error.h"

namespace minitorch::nn {

Sequential::Sequential(std::vector<std::shared_ptr<Module>> modules) {
  for (auto& module : modules) {
    push_back(std::move(module));
  }
}

Sequential& Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(layers_.size()), module);
  layers_.push_back(std::move(module));
  return *this;
}

Module& Sequential::operator[](std::int64_t i) const {
  auto size = static_cast<std::int64_t>(layers_.size());
  if (i < -size || i >= size) {
    throw IndexError("Sequential: index " + std::to_string(i) + " is out of range for " +
                     std::to_string(size) + " modules");
  }
  return *layers_[static_cast<std::size_t>(i < 0 ? i + size : i)];
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor out = x;
  for (auto& layer : layers_) {
    out = layer->forward(out);
  }
  return out;
}

}  // namespace minitorch::nn
