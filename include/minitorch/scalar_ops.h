// The scalar definition of every reduction op, shared by all backends (host and device).
// Backends switch on the enum once per call (dispatch_reduce) and then run the functor in
// their loop. Elementwise ops are descriptors in elementwise_ops.h.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#include "minitorch/elementwise_ops.h"

namespace minitorch {

enum class ReduceOp : std::uint8_t { Sum, Max, Prod };
inline constexpr int kReduceOpCount = 3;

std::string_view to_string(ReduceOp op);

namespace scalar {

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
