// Sequential: runs its children in order, each one's output feeding the next. Children are
// named "0", "1", ... so parameters read "2.weight", as in torch.nn.Sequential.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "minitorch/nn/module.h"

namespace minitorch::nn {

class Sequential : public Module {
 public:
  Sequential() = default;
  explicit Sequential(std::vector<std::shared_ptr<Module>> modules);

  /// Appends a module; returns *this for chaining.
  Sequential& push_back(std::shared_ptr<Module> module);
  std::size_t size() const { return layers_.size(); }
  /// The i-th module; negative i counts from the end, as in Python. Throws IndexError.
  Module& operator[](std::int64_t i) const;

  /// x -> layer[n-1](...layer[0](x)); the identity when empty.
  Tensor forward(const Tensor& x) override;
  std::string name() const override { return "Sequential"; }

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};

}  // namespace minitorch::nn
