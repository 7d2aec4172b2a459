// ModuleList: registration by position and bounds-checked access.
#include "minitorch/nn/module_list.h"

#include <string>

#include "minitorch/error.h"

namespace minitorch::nn {

ModuleList::ModuleList(std::vector<std::shared_ptr<Module>> modules) {
  for (auto& module : modules) {
    push_back(std::move(module));
  }
}

ModuleList& ModuleList::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
  return *this;
}

const std::shared_ptr<Module>& ModuleList::at(std::int64_t i) const {
  auto n = static_cast<std::int64_t>(modules_.size());
  std::int64_t k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) {
    throw IndexError("ModuleList: index " + std::to_string(i) + " is out of range for " +
                     std::to_string(n) + " modules");
  }
  return modules_[static_cast<std::size_t>(k)];
}

Module& ModuleList::operator[](std::int64_t i) const { return *at(i); }

Tensor ModuleList::forward(const Tensor& /*x*/) {
  throw Error("ModuleList: a container has no forward; call its modules in the parent's forward");
}

}  // namespace minitorch::nn
