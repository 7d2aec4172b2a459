// ModuleList: holds submodules named "0", "1", ... (torch.nn.ModuleList) so their parameters
// and buffers join the parent's, without running them in any order: the parent's forward
// decides how each is called.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "minitorch/nn/module.h"

namespace minitorch::nn {

class ModuleList : public Module {
 public:
  ModuleList() = default;
  explicit ModuleList(std::vector<std::shared_ptr<Module>> modules);

  /// Appends a module (named by its position); returns *this for chaining.
  ModuleList& push_back(std::shared_ptr<Module> module);
  std::size_t size() const { return modules_.size(); }
  /// The i-th module; negative i counts from the end. IndexError outside.
  Module& operator[](std::int64_t i) const;
  /// The shared handle of the i-th module (as operator[]).
  const std::shared_ptr<Module>& at(std::int64_t i) const;
  std::vector<std::shared_ptr<Module>>::const_iterator begin() const { return modules_.begin(); }
  std::vector<std::shared_ptr<Module>>::const_iterator end() const { return modules_.end(); }

  /// A ModuleList is a container, not a layer: Error (iterate it and call the modules).
  Tensor forward(const Tensor& x) override;
  std::string name() const override { return "ModuleList"; }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};

}  // namespace minitorch::nn
