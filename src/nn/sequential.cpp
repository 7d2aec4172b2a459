// Sequential: a list of modules applied in order.
#include "minitorch/nn/sequential.h"

#include <string>

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

Tensor Sequential::forward(const Tensor& x) {
  Tensor out = x;
  for (auto& layer : layers_) {
    out = layer->forward(out);
  }
  return out;
}

}  // namespace minitorch::nn
