// Module's parameter tree, mode flag and printing.
#include "minitorch/nn/module.h"

#include <map>
#include <set>

#include "minitorch/autograd.h"
#include "minitorch/error.h"

namespace minitorch::nn {

Parameter::Parameter(const Tensor& value) : Tensor(value.detach().contiguous()) {
  requires_grad_(true);
}

void Parameter::update(const Tensor& value) const {
  if (!(value.shape() == shape())) {
    throw ShapeError("Parameter::update: new value has shape " +
                     minitorch::to_string(value.shape()) + ", the parameter has shape " +
                     minitorch::to_string(shape()));
  }
  NoGradGuard no_grad;
  Tensor handle = *this;
  handle.copy_(value);
}

std::vector<std::pair<std::string, Parameter>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Parameter>> out;
  collect("", out);
  return out;
}

void Module::collect(const std::string& prefix,
                     std::vector<std::pair<std::string, Parameter>>& out) const {
  for (const auto& [name, parameter] : parameters_) {
    out.emplace_back(prefix + name, parameter);
  }
  for (const auto& [name, child] : children_) {
    child->collect(prefix + name + ".", out);
  }
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect_buffers("", out);
  return out;
}

void Module::collect_buffers(const std::string& prefix,
                             std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [name, buffer] : buffers_) {
    out.emplace_back(prefix + name, buffer);
  }
  for (const auto& [name, child] : children_) {
    child->collect_buffers(prefix + name + ".", out);
  }
}

StateDict Module::state_dict() const {
  StateDict out;
  collect_state("", out);
  return out;
}

void Module::collect_state(const std::string& prefix, StateDict& out) const {
  for (const auto& [name, parameter] : parameters_) {
    out.emplace_back(prefix + name, parameter.detach());
  }
  for (const auto& [name, buffer] : buffers_) {
    out.emplace_back(prefix + name, buffer.detach());
  }
  for (const auto& [name, child] : children_) {
    child->collect_state(prefix + name + ".", out);
  }
}

namespace {

void append_name(std::string& list, const std::string& name) {
  list += list.empty() ? "" : ", ";
  list += name;
}

}  // namespace

void Module::load_state_dict(const StateDict& state, bool strict, const std::string& source) {
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, tensor] : state) {
    by_name[name] = &tensor;
  }
  // Handles to the module's own tensors: writing through them updates the module.
  StateDict targets = state_dict();
  std::string missing;
  std::set<std::string> expected;
  for (const auto& [name, target] : targets) {
    expected.insert(name);
    auto found = by_name.find(name);
    if (found == by_name.end()) {
      append_name(missing, name);
    } else if (!(found->second->shape() == target.shape())) {
      throw ShapeError(source + ": tensor '" + name + "' has shape " +
                       minitorch::to_string(found->second->shape()) + " in the state but " +
                       minitorch::to_string(target.shape()) + " in the model");
    }
  }
  std::string unexpected;
  for (const auto& [name, tensor] : state) {
    if (expected.count(name) == 0) {
      append_name(unexpected, name);
    }
  }
  if (strict && (!missing.empty() || !unexpected.empty())) {
    throw ValueError(source + ": the state does not match the model (missing: " +
                     (missing.empty() ? "none" : missing) +
                     "; unexpected: " + (unexpected.empty() ? "none" : unexpected) + ")");
  }
  // Convert to each target's dtype and device first: only then, when nothing can fail for
  // want of memory or a device, write.
  std::vector<std::pair<Tensor, Tensor>> staged;
  for (const auto& [name, target] : targets) {
    auto found = by_name.find(name);
    if (found != by_name.end()) {
      staged.emplace_back(target, found->second->to(target.dtype()).to(target.device()));
    }
  }
  NoGradGuard no_grad;
  for (auto& [target, value] : staged) {
    target.copy_(value);
  }
}

std::vector<Parameter> Module::parameters() const {
  std::vector<Parameter> out;
  for (auto& [name, parameter] : named_parameters()) {
    out.push_back(parameter);
  }
  return out;
}

std::int64_t Module::num_parameters() const {
  std::int64_t total = 0;
  for (const auto& [name, parameter] : named_parameters()) {
    total += parameter.numel();
  }
  return total;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) {
    child->train(on);
  }
}

void Module::zero_grad() {
  for (auto& [name, parameter] : named_parameters()) {
    parameter.zero_grad();
  }
}

std::string Module::to_string() const {
  if (children_.empty()) {
    return name();
  }
  std::string out = name() + "(\n";
  for (const auto& [child_name, child] : children_) {
    std::string body = child->to_string();
    // Indent nested lines by two spaces.
    std::string indented;
    for (char c : body) {
      indented += c;
      if (c == '\n') {
        indented += "  ";
      }
    }
    out += "  (" + child_name + "): " + indented + "\n";
  }
  return out + ")";
}

void Module::check_new_name(const std::string& name) const {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw ValueError("Module: name '" + name + "' must be non-empty and contain no '.'");
  }
  for (const auto& [existing, parameter] : parameters_) {
    if (existing == name) {
      throw ValueError("Module: a parameter named '" + name + "' already exists");
    }
  }
  for (const auto& [existing, child] : children_) {
    if (existing == name) {
      throw ValueError("Module: a submodule named '" + name + "' already exists");
    }
  }
  for (const auto& [existing, buffer] : buffers_) {
    if (existing == name) {
      throw ValueError("Module: a buffer named '" + name + "' already exists");
    }
  }
}

Parameter Module::register_parameter(const std::string& name, const Tensor& value) {
  check_new_name(name);
  Parameter parameter(value);
  parameters_.emplace_back(name, parameter);
  return parameter;
}

Tensor Module::register_buffer(const std::string& name, const Tensor& value) {
  check_new_name(name);
  Tensor buffer = value.detach().contiguous();
  buffers_.emplace_back(name, buffer);
  return buffer;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name);
  if (module == nullptr) {
    throw ValueError("Module: submodule '" + name + "' is null");
  }
  children_.emplace_back(name, std::move(module));
}

}  // namespace minitorch::nn
