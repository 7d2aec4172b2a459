// Note [Op descriptors]: every elementwise op is one descriptor struct below, and the list
// MT_ELEMENTWISE_OPS names them once. Everything else is derived from the list: the OpCode
// enum, the op names, the program tracer's functions (program.h), the autograd rule (each
// descriptor's grad, applied by differentiating programs: program_grad.cpp), the backends'
// dispatch (dispatch_op), the benchmarks and the generated test table (tests/ops/op_table*).
//
// A descriptor has:
//   name      the public name (errors, profiles, tests);
//   arity     1, 2 or 3 operands;
//   kind      Floating: integer operands are promoted to float32 (exp, div, ...);
//             Arithmetic: computes in the operands' promoted dtype, int64 included;
//             Comparison: computes in the promoted dtype, the result is 0/1 (bool tensors);
//   operator()(T...)  the scalar meaning, host and device, for T = float, double and (for
//             non-Floating kinds) std::int64_t; every backend evaluates exactly this, except
//             the optional SIMD forms in src/backends/cpu/simd_kernels.h (within ulps32/64);
//   grad(x, y, g, i)  the gradient of input i, written over the tracer Expr (program.h):
//             x the inputs, y the output, g the output's gradient. Absent (differentiable =
//             false) for comparisons, whose outputs never require grad;
//   domain    where the generated tests draw inputs (and kinks, points to keep away from in
//             gradient checks);
//   ulps32    the most float32 ulps a SIMD form may differ from operator() (0: bitwise);
//   ulps64    the same in float64.
// See Note [Adding an op] in docs/ops.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <type_traits>

#if defined(__CUDACC__)
#define MT_HOST_DEVICE __host__ __device__
#else
#define MT_HOST_DEVICE
#endif

namespace minitorch {

enum class OpKind : std::uint8_t { Floating, Arithmetic, Comparison };

/// Test inputs are drawn from [low, high]; gradient checks stay kink_gap away from kinks.
struct Domain {
  double low = -4;
  double high = 4;
  double kinks[2] = {NAN, NAN};
  double kink_gap = 0;
};

// X(Type, function name). The order fixes OpCode's values.
#define MT_ELEMENTWISE_OPS(X) \
  X(Neg, neg) \
  X(Exp, exp) \
  X(Log, log) \
  X(Sigmoid, sigmoid) \
  X(Relu, relu) \
  X(Tanh, tanh) \
  X(Inv, inv) \
  X(Abs, abs) \
  X(Sqrt, sqrt) \
  X(Sin, sin) \
  X(Cos, cos) \
  X(Log1p, log1p) \
  X(Expm1, expm1) \
  X(Sign, sign) \
  X(Floor, floor) \
  X(Add, add) \
  X(Sub, sub) \
  X(Mul, mul) \
  X(Div, div) \
  X(Pow, pow) \
  X(Minimum, minimum) \
  X(Maximum, maximum) \
  X(Lt, lt) \
  X(Gt, gt) \
  X(Le, le) \
  X(Ge, ge) \
  X(Eq, eq) \
  X(Where, where)

/// One value per descriptor, plus Const (a program's scalar constant, not an op).
enum class OpCode : std::uint8_t {
#define MT_OPCODE(Type, fn) Type,
  MT_ELEMENTWISE_OPS(MT_OPCODE)
#undef MT_OPCODE
      Const,
};
inline constexpr int kOpCount = static_cast<int>(OpCode::Const);
std::string_view to_string(OpCode op);

namespace op {
// ---- unary ---------------------------------------------------------------------------------
struct Neg {
  static constexpr std::string_view name = "neg";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return -x;
  }
  template <class E>
  static E grad(const E*, const E&, const E& g, int) {
    return -g;
  }
};

struct Exp {
  static constexpr std::string_view name = "exp";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-10, 10};
  static constexpr int ulps32 = 1, ulps64 = 1;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::exp(x);
  }
  template <class E>
  static E grad(const E*, const E& y, const E& g, int) {
    return g * y;
  }
};

struct Log {
  static constexpr std::string_view name = "log";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{0.05, 10};
  static constexpr int ulps32 = 1, ulps64 = 1;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::log(x);
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int) {
    return g / x[0];
  }
};

// Two branches so that neither exp overflows: stable for |x| up to the dtype's max.
struct Sigmoid {
  static constexpr std::string_view name = "sigmoid";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-10, 10};
  static constexpr int ulps32 = 2, ulps64 = 2;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    if (x >= T(0)) {
      return T(1) / (T(1) + std::exp(-x));
    }
    T e = std::exp(x);
    return e / (T(1) + e);
  }
  template <class E>
  static E grad(const E*, const E& y, const E& g, int) {
    return g * y * (1.0 - y);
  }
};

// Written as `x <= 0 ? 0 : x` so that NaN propagates, as in PyTorch.
struct Relu {
  static constexpr std::string_view name = "relu";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-4, 4, {0, NAN}, 1e-3};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return x <= T(0) ? T(0) : x;
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int) {
    return g * gt(x[0], 0.0);
  }
};

struct Tanh {
  static constexpr std::string_view name = "tanh";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-5, 5};
  static constexpr int ulps32 = 2, ulps64 = 2;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::tanh(x);
  }
  template <class E>
  static E grad(const E*, const E& y, const E& g, int) {
    return g * (1.0 - y * y);
  }
};

struct Inv {
  static constexpr std::string_view name = "inv";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{0.1, 4};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return T(1) / x;
  }
  template <class E>
  static E grad(const E*, const E& y, const E& g, int) {
    return -g * y * y;
  }
};

struct Abs {
  static constexpr std::string_view name = "abs";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-4, 4, {0, NAN}, 1e-3};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) {
      return std::fabs(x);
    } else {
      return x < T(0) ? -x : x;
    }
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int) {
    return g * (gt(x[0], 0.0) - lt(x[0], 0.0));
  }
};

struct Sqrt {
  static constexpr std::string_view name = "sqrt";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{0.05, 10};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::sqrt(x);
  }
  template <class E>
  static E grad(const E*, const E& y, const E& g, int) {
    return g / (2.0 * y);
  }
};

struct Sin {
  static constexpr std::string_view name = "sin";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-6, 6};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::sin(x);
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int) {
    return g * cos(x[0]);
  }
};

struct Cos {
  static constexpr std::string_view name = "cos";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-6, 6};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::cos(x);
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int) {
    return -(g * sin(x[0]));
  }
};

// log(1 + x) without the rounding of 1 + x: exact to the last bits for tiny x.
struct Log1p {
  static constexpr std::string_view name = "log1p";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-0.9, 10};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::log1p(x);
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int) {
    return g / (x[0] + 1.0);
  }
};

// exp(x) - 1 without the cancellation near 0.
struct Expm1 {
  static constexpr std::string_view name = "expm1";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-10, 10};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::expm1(x);
  }
  template <class E>
  static E grad(const E*, const E& y, const E& g, int) {
    return g * (y + 1.0);
  }
};

// -1, 0 or 1. NaN stays NaN (NumPy's sign; PyTorch's gives 0, pytorch/pytorch#41245) and -0
// gives +0. The gradient is 0 (the output still requires grad, as in PyTorch).
struct Sign {
  static constexpr std::string_view name = "sign";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-4, 4, {0, NAN}, 1e-3};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    if (x > T(0)) {
      return T(1);
    }
    if (x < T(0)) {
      return T(-1);
    }
    return x == T(0) ? T(0) : x;
  }
  template <class E>
  static E grad(const E*, const E&, const E& g, int) {
    return g * 0.0;
  }
};

// The largest integer <= x; int64 is unchanged. The gradient is 0; the kinks at the integers
// are kept out of gradient checks by drawing from (-1, 1) away from 0.
struct Floor {
  static constexpr std::string_view name = "floor";
  static constexpr int arity = 1;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{-0.9, 0.9, {0, NAN}, 0.1};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) {
      return std::floor(x);
    } else {
      return x;
    }
  }
  template <class E>
  static E grad(const E*, const E&, const E& g, int) {
    return g * 0.0;
  }
};

// ---- binary --------------------------------------------------------------------------------

struct Add {
  static constexpr std::string_view name = "add";
  static constexpr int arity = 2;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a + b;
  }
  template <class E>
  static E grad(const E*, const E&, const E& g, int) {
    return g;
  }
};

struct Sub {
  static constexpr std::string_view name = "sub";
  static constexpr int arity = 2;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a - b;
  }
  template <class E>
  static E grad(const E*, const E&, const E& g, int i) {
    return i == 0 ? g : -g;
  }
};

struct Mul {
  static constexpr std::string_view name = "mul";
  static constexpr int arity = 2;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a * b;
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int i) {
    return g * x[1 - i];
  }
};

struct Div {
  static constexpr std::string_view name = "div";
  static constexpr int arity = 2;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{0.25, 4};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a / b;
  }
  template <class E>
  static E grad(const E* x, const E& y, const E& g, int i) {
    return i == 0 ? g / x[1] : -g * y / x[1];
  }
};

struct Pow {
  static constexpr std::string_view name = "pow";
  static constexpr int arity = 2;
  static constexpr OpKind kind = OpKind::Floating;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{0.25, 2.5};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return std::pow(a, b);
  }
  template <class E>
  static E grad(const E* x, const E& y, const E& g, int i) {
    return i == 0 ? g * x[1] * pow(x[0], x[1] - 1.0) : g * y * log(x[0]);
  }
};

// NaN if either operand is NaN (PyTorch's minimum, unlike fmin); a tie gives a (std::min's
// rule, so minimum(0, -0) is 0 and minimum(-0, 0) is -0). A tie's gradient is shared equally.
struct Minimum {
  static constexpr std::string_view name = "minimum";
  static constexpr int arity = 2;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    if (a != a) {
      return a;
    }
    if (b != b) {
      return b;
    }
    return b < a ? b : a;
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int i) {
    return g * (1.0 - gt(x[i], x[1 - i]) - 0.5 * eq(x[0], x[1]));
  }
};

// minimum's mirror: NaN if either operand is NaN, a tie gives a, a tie's gradient is shared.
struct Maximum {
  static constexpr std::string_view name = "maximum";
  static constexpr int arity = 2;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr Domain domain{};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    if (a != a) {
      return a;
    }
    if (b != b) {
      return b;
    }
    return b > a ? b : a;
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int i) {
    return g * (1.0 - lt(x[i], x[1 - i]) - 0.5 * eq(x[0], x[1]));
  }
};

// Comparisons: 1 or 0 (the result dtype is bool; see docs/dtypes.md).
#define MT_COMPARISON(Type, fn_name, expr) \
  struct Type { \
    static constexpr std::string_view name = fn_name; \
    static constexpr int arity = 2; \
    static constexpr OpKind kind = OpKind::Comparison; \
    static constexpr bool differentiable = false; \
    static constexpr Domain domain{-2, 2}; \
    static constexpr int ulps32 = 0, ulps64 = 0; \
    template <class T> \
    MT_HOST_DEVICE T operator()(T a, T b) const { \
      return (expr) ? T(1) : T(0); \
    } \
    template <class E> \
    static E grad(const E*, const E&, const E& g, int) { \
      return g * 0.0; \
    } \
  };
MT_COMPARISON(Lt, "lt", a < b)
MT_COMPARISON(Gt, "gt", a > b)
MT_COMPARISON(Le, "le", a <= b)
MT_COMPARISON(Ge, "ge", a >= b)
MT_COMPARISON(Eq, "eq", a == b)
#undef MT_COMPARISON

// ---- ternary -------------------------------------------------------------------------------

// cond ? a : b, a nonzero cond (NaN included) meaning true, as bool(cond) does. The condition
// never gets a gradient; a and b get g where they were chosen.
struct Where {
  static constexpr std::string_view name = "where";
  static constexpr int arity = 3;
  static constexpr OpKind kind = OpKind::Arithmetic;
  static constexpr bool differentiable = true;
  static constexpr int nondifferentiable_arg = 0;
  static constexpr Domain domain{-2, 2};
  static constexpr int ulps32 = 0, ulps64 = 0;
  template <class T>
  MT_HOST_DEVICE T operator()(T cond, T a, T b) const {
    return cond != T(0) ? a : b;
  }
  template <class E>
  static E grad(const E* x, const E&, const E& g, int i) {
    return i == 1 ? where(x[0], g, 0.0) : where(x[0], 0.0, g);
  }
};

}  // namespace op

/// Calls fn(Descriptor{}) for op (not Const): one switch per call site.
template <class Fn>
MT_HOST_DEVICE decltype(auto) dispatch_op(OpCode op, Fn&& fn) {
  switch (op) {
#define MT_DISPATCH(Type, fn_name) \
  case OpCode::Type: \
    return fn(op::Type{});
    MT_ELEMENTWISE_OPS(MT_DISPATCH)
#undef MT_DISPATCH
    case OpCode::Const:
      break;
  }
  return fn(op::Neg{});
}

/// Arity of op (0 for Const).
constexpr int arity_of(OpCode op) {
  switch (op) {
#define MT_ARITY(Type, fn_name) \
  case OpCode::Type: \
    return op::Type::arity;
    MT_ELEMENTWISE_OPS(MT_ARITY)
#undef MT_ARITY
    case OpCode::Const:
      break;
  }
  return 0;
}

constexpr OpKind kind_of(OpCode op) {
  switch (op) {
#define MT_KIND(Type, fn_name) \
  case OpCode::Type: \
    return op::Type::kind;
    MT_ELEMENTWISE_OPS(MT_KIND)
#undef MT_KIND
    case OpCode::Const:
      break;
  }
  return OpKind::Arithmetic;
}

}  // namespace minitorch
