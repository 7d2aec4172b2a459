// Gradient programs by reverse accumulation over a program's DAG (Note [Program gradients]).
#include "autograd/program_grad.h"

#include <array>
#include <optional>
#include <string>

#include "minitorch/error.h"

namespace minitorch::autograd {
namespace {

constexpr std::size_t kMaxValues = kMaxProgramInputs + 2 + kMaxProgramNodes;

template <class D>
constexpr bool arg_differentiable(int i) {
  if constexpr (requires { D::nondifferentiable_arg; }) {
    return D::differentiable && i != D::nondifferentiable_arg;
  } else {
    return D::differentiable;
  }
}

bool node_arg_differentiable(OpCode op, int i) {
  return dispatch_op(op, [i](auto d) { return arg_differentiable<decltype(d)>(i); });
}

// The forward program's values re-traced into the gradient's builder on demand: input s is
// the builder's input s, the output is the saved output (input n), other nodes are recomputed.
class ForwardValues {
 public:
  ForwardValues(const Program& forward, ProgramBuilder& builder)
      : forward_(forward), builder_(builder) {}

  Expr get(int v) {
    auto index = static_cast<std::size_t>(v);
    if (values_[index].has_value()) {
      return *values_[index];
    }
    Expr e;
    if (v < forward_.inputs) {
      e = builder_.input(v);
    } else if (v == forward_.output) {
      e = builder_.input(forward_.inputs);
    } else {
      const ProgramNode& n = forward_.node_of(v);
      if (n.op == OpCode::Const) {
        e = builder_.constant(n.value);
      } else {
        Expr args[3] = {};
        for (int i = 0; i < arity_of(n.op); ++i) {
          args[i] = get(n.args[i]);
        }
        e = builder_.apply(n.op, args, arity_of(n.op));
      }
    }
    values_[index] = e;
    return e;
  }

 private:
  const Program& forward_;
  ProgramBuilder& builder_;
  std::array<std::optional<Expr>, kMaxValues> values_{};
};

}  // namespace

GradientProgram gradient_program(const Program& forward, int input) {
  const int n = forward.inputs;
  GradientProgram result;
  // Which values depend on input through differentiable arguments.
  std::array<bool, kMaxValues> depends{};
  depends[static_cast<std::size_t>(input)] = true;
  for (int v = n; v < forward.values(); ++v) {
    const ProgramNode& node = forward.node_of(v);
    for (int i = 0; i < arity_of(node.op); ++i) {
      if (depends[node.args[i]] && node_arg_differentiable(node.op, i)) {
        depends[static_cast<std::size_t>(v)] = true;
      }
    }
  }
  if (!depends[forward.output]) {
    result.zero = true;
    return result;
  }
  ProgramBuilder builder(n + 2);
  ForwardValues values(forward, builder);
  std::array<std::optional<Expr>, kMaxValues> adjoint{};
  adjoint[forward.output] = builder.input(n + 1);
  for (int v = forward.output; v >= n; --v) {
    auto index = static_cast<std::size_t>(v);
    if (!adjoint[index].has_value() || !depends[index]) {
      continue;
    }
    const ProgramNode& node = forward.node_of(v);
    const int arity = arity_of(node.op);
    Expr x[3] = {};
    for (int i = 0; i < arity; ++i) {
      x[i] = values.get(node.args[i]);
    }
    Expr y = values.get(v);
    Expr g = *adjoint[index];
    for (int i = 0; i < arity; ++i) {
      auto arg = static_cast<std::size_t>(node.args[i]);
      if (!depends[arg] || !node_arg_differentiable(node.op, i)) {
        continue;
      }
      Expr contribution = dispatch_op(
          node.op, [&](auto d) { return decltype(d)::template grad<Expr>(x, y, g, i); });
      adjoint[arg] = adjoint[arg].has_value() ? *adjoint[arg] + contribution : contribution;
    }
  }
  Program traced = builder.finish(*adjoint[static_cast<std::size_t>(input)]);
  // Keep only the sources the program reads, renumbered in order.
  std::array<bool, kMaxProgramInputs + 2> read{};
  if (traced.output < traced.inputs) {
    read[traced.output] = true;
  }
  for (int k = 0; k < traced.size; ++k) {
    const ProgramNode& node = traced.nodes[k];
    for (int i = 0; i < arity_of(node.op); ++i) {
      if (node.args[i] < traced.inputs) {
        read[node.args[i]] = true;
      }
    }
  }
  std::array<std::uint8_t, kMaxProgramInputs + 2> renumber{};
  int count = 0;
  for (int s = 0; s < n + 2; ++s) {
    if (read[static_cast<std::size_t>(s)]) {
      if (count == kMaxProgramInputs) {
        throw ValueError("elementwise: the gradient of " + forward.to_string() +
                         " reads more than " + std::to_string(kMaxProgramInputs) + " tensors");
      }
      result.sources[count] = static_cast<std::uint8_t>(s);
      renumber[static_cast<std::size_t>(s)] = static_cast<std::uint8_t>(count++);
    }
  }
  Program& p = result.program;
  p.inputs = static_cast<std::uint8_t>(count);
  p.size = traced.size;
  const int shift = traced.inputs - count;
  auto remap = [&](int v) {
    return static_cast<std::uint8_t>(v < traced.inputs ? renumber[static_cast<std::size_t>(v)]
                                                       : v - shift);
  };
  for (int k = 0; k < traced.size; ++k) {
    p.nodes[k] = traced.nodes[k];
    for (int i = 0; i < arity_of(p.nodes[k].op); ++i) {
      p.nodes[k].args[i] = remap(p.nodes[k].args[i]);
    }
  }
  p.output = remap(traced.output);
  result.identity = p.size == 0 && count == 1 && result.sources[0] == n + 1;
  return result;
}

}  // namespace minitorch::autograd
