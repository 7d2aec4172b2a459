// Module's parameter tree, mode flag and printing.
#include "minitorch/nn/module.h"

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
}

Parameter Module::register_parameter(const std::string& name, const Tensor& value) {
  check_new_name(name);
  Parameter parameter(value);
  parameters_.emplace_back(name, parameter);
  return parameter;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name);
  if (module == nullptr) {
    throw ValueError("Module: submodule '" + name + "' is null");
  }
  children_.emplace_back(name, std::move(module));
}

}  // namespace minitorch::nn
