// Note [Elementwise programs]: a Program is a small DAG of op descriptors (elementwise_ops.h)
// over up to kMaxProgramInputs broadcast inputs and scalar constants, evaluated by every
// backend in one pass over memory into one output (Backend::elementwise). Values are numbered:
// value i < inputs is input i, value inputs + k is node k; a node's arguments are earlier
// values. Every node rounds to the compute dtype (no contraction into FMA), so a program's
// result is bitwise the result of running its nodes one by one.
//
// Programs are built by tracing: Expr is a value in a ProgramBuilder, and the functions below
// (one per descriptor, with the descriptor's function name) record a node instead of
// computing. The same generic callable runs on Expr (tracing), on float/double (the scalar
// overloads at the end) and, through minitorch::elementwise (user_function.h), on Tensors.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>

#include "minitorch/elementwise_ops.h"

namespace minitorch {

inline constexpr int kMaxProgramInputs = 8;
inline constexpr int kMaxProgramNodes = 64;

struct ProgramNode {
  OpCode op = OpCode::Const;
  std::uint8_t args[3] = {0, 0, 0};
  double value = 0;  ///< Const's value (rounded to the compute dtype when evaluated)
};

struct Program {
  std::uint8_t inputs = 0;
  std::uint8_t size = 0;  ///< nodes
  std::uint8_t output = 0;  ///< the value written out (the last node, or an input)
  ProgramNode nodes[kMaxProgramNodes];

  int values() const { return inputs + size; }
  /// Node of value v (v >= inputs).
  const ProgramNode& node_of(int v) const { return nodes[v - inputs]; }
  /// Some node is a Floating op: integer inputs compute in float32.
  bool has_floating_op() const;
  /// The output is a comparison: the result is bool.
  bool is_comparison() const;
  /// Nodes other than constants.
  int op_count() const;
  /// The single op of a one-op program whose arguments are its inputs in order, else Const.
  OpCode single_op() const;
  std::uint64_t hash() const;
  /// "mul(in0, add(in1, 1))"-style text, for errors, profiles and tests.
  std::string to_string() const;
  friend bool operator==(const Program& a, const Program& b);
};

class ProgramBuilder;

/// A traced value: a value number in a builder.
struct Expr {
  ProgramBuilder* builder = nullptr;
  int value = 0;
};

template <class A>
concept ExprOperand =
    std::same_as<std::remove_cvref_t<A>, Expr> || std::is_arithmetic_v<std::remove_cvref_t<A>>;
template <class... A>
concept HasExpr = (std::same_as<std::remove_cvref_t<A>, Expr> || ...);

class ProgramBuilder {
 public:
  explicit ProgramBuilder(int inputs);
  Expr input(int i);
  Expr constant(double value);
  /// Records op over args (Expr or numbers); throws ValueError past kMaxProgramNodes.
  Expr apply(OpCode op, const Expr* args, int count);
  /// The program whose output is result; unused nodes are dropped.
  Program finish(Expr result) const;

  template <class A>
  Expr operand(const A& a) {
    if constexpr (std::is_same_v<std::remove_cvref_t<A>, Expr>) {
      return a;
    } else {
      return constant(static_cast<double>(a));
    }
  }

 private:
  Program program_;
};

namespace detail {
template <class... A>
ProgramBuilder* builder_of(const A&... a) {
  ProgramBuilder* b = nullptr;
  ((b = b != nullptr ? b : [](const auto& x) -> ProgramBuilder* {
     if constexpr (std::is_same_v<std::remove_cvref_t<decltype(x)>, Expr>) {
       return x.builder;
     } else {
       return nullptr;
     }
   }(a)),
   ...);
  return b;
}
template <class... A>
Expr trace(OpCode op, const A&... a) {
  ProgramBuilder* b = builder_of(a...);
  Expr args[] = {b->operand(a)...};
  return b->apply(op, args, static_cast<int>(sizeof...(A)));
}
}  // namespace detail

// One tracing function per descriptor (exp(Expr), add(Expr, 2.0), ...).
#define MT_EXPR_FUNCTION(Type, fn) \
  template <ExprOperand... A> \
  requires(sizeof...(A) == op::Type::arity && HasExpr<A...>) Expr fn(const A&... a) { \
    return detail::trace(OpCode::Type, a...); \
  }
MT_ELEMENTWISE_OPS(MT_EXPR_FUNCTION)
#undef MT_EXPR_FUNCTION

// One scalar function per descriptor (sigmoid(0.5f), ...): a user function also runs on
// plain numbers. The operands are converted to their common floating type.
#define MT_SCALAR_FUNCTION(Type, fn) \
  template <class... A> \
  requires(sizeof...(A) == op::Type::arity && (std::is_arithmetic_v<A> && ...) && \
           (std::is_floating_point_v<A> || ...)) std::common_type_t<A...> \
  fn(A... a) { \
    using C = std::common_type_t<A...>; \
    return op::Type{}(static_cast<C>(a)...); \
  }
MT_ELEMENTWISE_OPS(MT_SCALAR_FUNCTION)
#undef MT_SCALAR_FUNCTION

template <ExprOperand A, ExprOperand B>
requires HasExpr<A, B> Expr operator+(const A& a, const B& b) { return add(a, b); }
template <ExprOperand A, ExprOperand B>
requires HasExpr<A, B> Expr operator-(const A& a, const B& b) { return sub(a, b); }
template <ExprOperand A, ExprOperand B>
requires HasExpr<A, B> Expr operator*(const A& a, const B& b) { return mul(a, b); }
template <ExprOperand A, ExprOperand B>
requires HasExpr<A, B> Expr operator/(const A& a, const B& b) { return div(a, b); }
inline Expr operator-(const Expr& a) { return neg(a); }
template <ExprOperand A, ExprOperand B>
requires HasExpr<A, B> Expr operator<(const A& a, const B& b) { return lt(a, b); }
template <ExprOperand A, ExprOperand B>
requires HasExpr<A, B> Expr operator>(const A& a, const B& b) { return gt(a, b); }
template <ExprOperand A, ExprOperand B>
requires HasExpr<A, B> Expr operator<=(const A& a, const B& b) { return le(a, b); }
template <ExprOperand A, ExprOperand B>
requires HasExpr<A, B> Expr operator>=(const A& a, const B& b) { return ge(a, b); }

/// The one-op program op(in0, ..., in{arity-1}) (a static; cheap to call).
const Program& op_program(OpCode op);

}  // namespace minitorch
