// Module: a tree of named parameters, buffers and submodules with a train/eval flag, as
// torch.nn.Module, and its state dict.
// Parameters are shared handles: optimisers and load() update them in place, so every copy
// (a module's member, its entry in the tree, an optimiser's list) sees the same values.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "minitorch/tensor.h"

namespace minitorch::nn {

/// Named tensors in a module's order (parameters, then buffers, then each child's, depth
/// first): what state_dict() returns and load_state_dict() reads.
using StateDict = std::vector<std::pair<std::string, Tensor>>;

/// A trainable tensor: a leaf that requires grad. Being a Tensor, it goes straight into ops.
class Parameter : public Tensor {
 public:
  Parameter() = default;
  /// Takes value's storage (detached from any graph) and marks it requires_grad.
  explicit Parameter(const Tensor& value);

  /// Overwrites the value in place (no grad recorded; const because a Parameter is a handle:
  /// the storage changes, the handle does not). ShapeError when shapes differ.
  void update(const Tensor& value) const;
};

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  // Modules are shared by std::shared_ptr; copying one would silently share parameters.
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  /// The module's computation; its shape contract is documented by each subclass.
  virtual Tensor forward(const Tensor& input) = 0;
  Tensor operator()(const Tensor& input) { return forward(input); }

  /// Every parameter of this module and its descendants, depth first in registration order,
  /// named by their path: "layers.0.weight".
  std::vector<std::pair<std::string, Parameter>> named_parameters() const;
  std::vector<Parameter> parameters() const;
  /// Direct submodules in registration order.
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
    return children_;
  }
  /// Every buffer (state that is saved but not trained, like BatchNorm's running mean) of
  /// this module and its descendants, named by path as named_parameters().
  std::vector<std::pair<std::string, Tensor>> named_buffers() const;

  /// Parameters and buffers by path, in the module's order (PyTorch's state_dict): detached
  /// handles that share storage with the module, so copy or clone them to keep a snapshot.
  StateDict state_dict() const;
  /// Copies every entry of state into the parameter or buffer of that name (converting dtype
  /// and device). Checks everything first and stages every conversion before writing, so a
  /// throw leaves the module untouched: ValueError naming the missing and unexpected names
  /// (strict: both refused; not strict: both ignored), ShapeError naming a shape mismatch.
  /// source names the origin in messages ("load_state_dict" by default).
  void load_state_dict(const StateDict& state, bool strict = true,
                       const std::string& source = "load_state_dict");

  /// Total number of parameter elements.
  std::int64_t num_parameters() const;

  /// Sets training mode here and in every descendant (dropout reads it).
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  /// Drops every parameter's gradient (PyTorch's set_to_none).
  void zero_grad();

  /// One line per module, PyTorch style: "Linear(in_features=2, out_features=100)".
  virtual std::string to_string() const;
  /// The module's own line, without children (default: its type name).
  virtual std::string name() const { return "Module"; }

 protected:
  /// Adds a parameter under name and returns it; Error on a duplicate or dotted name.
  Parameter register_parameter(const std::string& name, const Tensor& value);
  /// Adds a buffer under name and returns its handle (updated in place by the module and by
  /// load_state_dict); Error on a duplicate or dotted name.
  Tensor register_buffer(const std::string& name, const Tensor& value);
  /// Adds a child under name and returns it; Error on a duplicate or dotted name.
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name) const;
  void collect(const std::string& prefix,
               std::vector<std::pair<std::string, Parameter>>& out) const;
  void collect_buffers(const std::string& prefix,
                       std::vector<std::pair<std::string, Tensor>>& out) const;
  void collect_state(const std::string& prefix, StateDict& out) const;

  std::vector<std::pair<std::string, Parameter>> parameters_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace minitorch::nn
