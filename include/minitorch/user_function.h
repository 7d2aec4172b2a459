// Note [User functions]: the lecture's map(fn) / zip(fn), with autodiff. A user writes one
// generic callable over minitorch's scalar math,
//
//   auto swish_plus = minitorch::elementwise([](auto x, auto y) { return x * sigmoid(y) + 1; });
//   Tensor z = swish_plus(a, b);  // broadcasting, any backend, differentiable
//   float s = swish_plus(0.5f, 2.0f);  // the same callable on plain numbers
//
// At construction the callable is traced once into a Program (program.h): it is called with
// one Expr per input, and every operator and function it applies records a node (the
// functions are the op descriptors' names: exp, sigmoid, where, ...; call them unqualified or
// as minitorch::, not std::). The program runs in one pass over memory on every backend
// (Backend::elementwise), and its gradient with respect to each input is another program,
// derived symbolically from the descriptors' rules (Note [Program gradients]), so the user
// writes no derivative and no device code. Control flow on values cannot be traced: write
// `where(x > 0, x, 0)`, not `x > 0 ? x : 0`.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "minitorch/program.h"
#include "minitorch/tensor.h"

namespace minitorch {

namespace autograd {
struct CompiledProgram;
}

namespace detail {

/// Compiles program with its gradient programs; name appears in errors and profiles.
std::shared_ptr<const autograd::CompiledProgram> compile_user_program(const Program& program,
                                                                      std::string_view name);
/// Runs a compiled program over inputs with autograd.
Tensor apply_user_program(const std::shared_ptr<const autograd::CompiledProgram>& program,
                          std::span<const Tensor> inputs);
/// The forward program of a compiled one.
const Program& forward_program(const autograd::CompiledProgram& program);

template <class Fn, std::size_t... I>
constexpr bool invocable_with_exprs(std::index_sequence<I...>) {
  return std::is_invocable_v<const Fn&, decltype((void(I), std::declval<Expr>()))...>;
}

/// The fewest inputs (1..kMaxProgramInputs) fn can be called with as Exprs, or 0.
template <class Fn>
constexpr int traced_arity() {
  int arity = 0;
  [&]<std::size_t... N>(std::index_sequence<N...>) {
    ((arity == 0 && invocable_with_exprs<Fn>(std::make_index_sequence<N + 1>()) ? arity = N + 1
                                                                                : 0),
     ...);
  }
  (std::make_index_sequence<kMaxProgramInputs>());
  return arity;
}

template <class Fn, std::size_t... I>
Program trace(const Fn& fn, std::index_sequence<I...>) {
  ProgramBuilder builder(static_cast<int>(sizeof...(I)));
  auto result = fn(builder.input(static_cast<int>(I))...);
  return builder.finish(builder.operand(result));
}

}  // namespace detail

/// A traced elementwise function (see Note [User functions]). Copies share the program.
template <class Fn>
class ElementwiseFunction {
 public:
  static constexpr int kArity = detail::traced_arity<Fn>();
  static_assert(kArity > 0,
                "minitorch::elementwise: the callable must accept 1 to 8 traced values (Expr); "
                "use minitorch's scalar functions (exp, sigmoid, where, ...) rather than std::");

  ElementwiseFunction(Fn fn, std::string_view name)
      : fn_(std::move(fn)),
        program_(detail::compile_user_program(
            detail::trace(fn_, std::make_index_sequence<static_cast<std::size_t>(kArity)>()),
            name)) {}

  /// The function over tensors, broadcast together (one pass; differentiable).
  template <class... Args>
  requires(sizeof...(Args) == kArity &&
           (std::is_same_v<std::remove_cvref_t<Args>, Tensor> && ...)) Tensor
  operator()(const Args&... args) const {
    const Tensor inputs[] = {args...};
    return detail::apply_user_program(program_, inputs);
  }

  /// The callable itself on plain numbers.
  template <class... Args>
  requires((std::is_arithmetic_v<Args> && ...) && std::is_invocable_v<const Fn&, Args...>) auto
  operator()(Args... args) const {
    return fn_(args...);
  }

  /// The traced program (for printing and tests).
  const Program& program() const { return detail::forward_program(*program_); }

 private:
  Fn fn_;
  std::shared_ptr<const autograd::CompiledProgram> program_;
};

/// Traces fn (a generic callable of 1 to 8 arguments) into an elementwise Tensor function.
/// Throws ValueError when the program needs more than kMaxProgramNodes nodes.
template <class Fn>
ElementwiseFunction<std::decay_t<Fn>> elementwise(Fn&& fn, std::string_view name = "elementwise") {
  return ElementwiseFunction<std::decay_t<Fn>>(std::forward<Fn>(fn), name);
}

}  // namespace minitorch
