// One program node evaluated on scalars, host and device: the reference backend's loop, the
// CPU's scalar lanes and the CUDA interpreter all run this (Note [Elementwise programs]).
#pragma once

#include <type_traits>

#include "minitorch/program.h"

namespace minitorch {

/// The value of node n given the values before it, in compute type T (float, double or
/// std::int64_t; Floating ops never run on integers: the ops layer computes those in float).
template <class T>
MT_HOST_DEVICE T eval_node(const ProgramNode& n, const T* values) {
  if (n.op == OpCode::Const) {
    return static_cast<T>(n.value);
  }
  return dispatch_op(n.op, [&](auto d) -> T {
    using D = decltype(d);
    if constexpr (std::is_integral_v<T> && D::kind == OpKind::Floating) {
      return T(0);
    } else if constexpr (D::arity == 1) {
      return d(values[n.args[0]]);
    } else if constexpr (D::arity == 2) {
      return d(values[n.args[0]], values[n.args[1]]);
    } else {
      return d(values[n.args[0]], values[n.args[1]], values[n.args[2]]);
    }
  });
}

/// Evaluates every node of p; values[0..inputs) hold the inputs. Returns the output.
template <class T>
MT_HOST_DEVICE T eval_program(const Program& p, T* values) {
  for (int k = 0; k < p.size; ++k) {
    values[p.inputs + k] = eval_node<T>(p.nodes[k], values);
  }
  return values[p.output];
}

}  // namespace minitorch
