// The scalar definition of every elementwise and reduction op, shared by all backends
// (host and device). Backends switch on the enum once per call (dispatch_*) and then run
// the functor in their loop, so adding an elementwise op never touches a backend file.
// See Note [Adding an op] in docs/ops.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#if defined(__CUDACC__)
#define MT_HOST_DEVICE __host__ __device__
#else
#define MT_HOST_DEVICE
#endif

namespace minitorch {

// The counts are checked against the last enumerator, so adding an op without updating
// its count (and so the loops that visit every op) fails to compile.
enum class UnaryOp : std::uint8_t { Neg, Exp, Log, Sigmoid, Relu, Tanh, Inv, Abs };
inline constexpr int kUnaryOpCount = 8;
static_assert(static_cast<int>(UnaryOp::Abs) + 1 == kUnaryOpCount);

enum class BinaryOp : std::uint8_t { Add, Sub, Mul, Div, Pow, Lt, Gt, Le, Ge, Eq };
inline constexpr int kBinaryOpCount = 10;
static_assert(static_cast<int>(BinaryOp::Eq) + 1 == kBinaryOpCount);

enum class ReduceOp : std::uint8_t { Sum, Max, Prod };
inline constexpr int kReduceOpCount = 3;

std::string_view to_string(UnaryOp op);
std::string_view to_string(BinaryOp op);
std::string_view to_string(ReduceOp op);

namespace scalar {

struct Neg {
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return -x;
  }
};
struct Exp {
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::exp(x);
  }
};
struct Log {
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::log(x);
  }
};
// Two branches so that neither exp overflows: stable for |x| up to the dtype's max.
struct Sigmoid {
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    if (x >= T(0)) {
      return T(1) / (T(1) + std::exp(-x));
    }
    T e = std::exp(x);
    return e / (T(1) + e);
  }
};
// Written as `x <= 0 ? 0 : x` so that NaN propagates, as in PyTorch.
struct Relu {
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return x <= T(0) ? T(0) : x;
  }
};
struct Tanh {
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::tanh(x);
  }
};
struct Inv {
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return T(1) / x;
  }
};
struct Abs {
  template <class T>
  MT_HOST_DEVICE T operator()(T x) const {
    return std::fabs(x);
  }
};

struct Add {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a + b;
  }
};
struct Sub {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a - b;
  }
};
struct Mul {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a * b;
  }
};
struct Div {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a / b;
  }
};
// a + alpha * b, the update of the optimisers (Backend::add_scaled). The product is rounded
// before the sum on every backend (no FMA), so all of them give the same bits. GCC contracts
// a * b + c into an FMA in C++ wherever the target has one, so on x86 hosts an empty asm
// hides the product from it (the CPU's SIMD kernel does the same, simd_kernels.h); device
// code says so with the _rn intrinsics.
template <class T>
struct AddScaled {
  T alpha;
  MT_HOST_DEVICE T operator()(T a, T b) const {
#if defined(__CUDA_ARCH__)
    if constexpr (sizeof(T) == 4) {
      return __fadd_rn(a, __fmul_rn(alpha, b));
    } else {
      return __dadd_rn(a, __dmul_rn(alpha, b));
    }
#elif defined(__x86_64__) || defined(__i386__)
    T product = alpha * b;
    asm("" : "+x"(product));
    return a + product;
#else
    return a + alpha * b;
#endif
  }
};
struct Pow {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return std::pow(a, b);
  }
};
struct Lt {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a < b ? T(1) : T(0);
  }
};
struct Gt {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a > b ? T(1) : T(0);
  }
};
struct Le {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a <= b ? T(1) : T(0);
  }
};
struct Ge {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a >= b ? T(1) : T(0);
  }
};
struct Eq {
  template <class T>
  MT_HOST_DEVICE T operator()(T a, T b) const {
    return a == b ? T(1) : T(0);
  }
};

// A reduction is (identity, combine). combine(acc, x) folds one element into acc.
struct SumReduce {
  template <class T>
  MT_HOST_DEVICE static T identity() {
    return T(0);
  }
  template <class T>
  MT_HOST_DEVICE T operator()(T acc, T x) const {
    return acc + x;
  }
};
// NaN wins, as in numpy and PyTorch. The identity is -inf, so max over an empty dim
// is rejected by the ops layer before any backend sees it.
struct MaxReduce {
  template <class T>
  MT_HOST_DEVICE static T identity() {
    return -INFINITY;
  }
  template <class T>
  MT_HOST_DEVICE T operator()(T acc, T x) const {
    if (acc != acc) {
      return acc;
    }
    return (x > acc || x != x) ? x : acc;
  }
};
struct ProdReduce {
  template <class T>
  MT_HOST_DEVICE static T identity() {
    return T(1);
  }
  template <class T>
  MT_HOST_DEVICE T operator()(T acc, T x) const {
    return acc * x;
  }
};

}  // namespace scalar

/// Calls fn(functor) with the functor of op: one switch per primitive call.
template <class Fn>
decltype(auto) dispatch_unary(UnaryOp op, Fn&& fn) {
  switch (op) {
    case UnaryOp::Neg:
      return fn(scalar::Neg{});
    case UnaryOp::Exp:
      return fn(scalar::Exp{});
    case UnaryOp::Log:
      return fn(scalar::Log{});
    case UnaryOp::Sigmoid:
      return fn(scalar::Sigmoid{});
    case UnaryOp::Relu:
      return fn(scalar::Relu{});
    case UnaryOp::Tanh:
      return fn(scalar::Tanh{});
    case UnaryOp::Inv:
      return fn(scalar::Inv{});
    case UnaryOp::Abs:
      return fn(scalar::Abs{});
  }
  return fn(scalar::Neg{});
}

template <class Fn>
decltype(auto) dispatch_binary(BinaryOp op, Fn&& fn) {
  switch (op) {
    case BinaryOp::Add:
      return fn(scalar::Add{});
    case BinaryOp::Sub:
      return fn(scalar::Sub{});
    case BinaryOp::Mul:
      return fn(scalar::Mul{});
    case BinaryOp::Div:
      return fn(scalar::Div{});
    case BinaryOp::Pow:
      return fn(scalar::Pow{});
    case BinaryOp::Lt:
      return fn(scalar::Lt{});
    case BinaryOp::Gt:
      return fn(scalar::Gt{});
    case BinaryOp::Le:
      return fn(scalar::Le{});
    case BinaryOp::Ge:
      return fn(scalar::Ge{});
    case BinaryOp::Eq:
      return fn(scalar::Eq{});
  }
  return fn(scalar::Add{});
}

template <class Fn>
decltype(auto) dispatch_reduce(ReduceOp op, Fn&& fn) {
  switch (op) {
    case ReduceOp::Sum:
      return fn(scalar::SumReduce{});
    case ReduceOp::Max:
      return fn(scalar::MaxReduce{});
    case ReduceOp::Prod:
      return fn(scalar::ProdReduce{});
  }
  return fn(scalar::SumReduce{});
}

}  // namespace minitorch
