// A program node over a row, one element at a time through the op's descriptor: the scalar
// kernel table's node kernel, the SIMD tables' fallback for ops without a vector form, and
// the int64 programs' only path. Bitwise equal to the reference backend.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "minitorch/elementwise_ops.h"

namespace minitorch::cpu {

template <class T>
void node_scalar(OpCode op, const T* const* args, const std::int64_t* steps, T* out,
                 std::int64_t n) {
  dispatch_op(op, [&](auto d) {
    using D = decltype(d);
    if constexpr (std::is_integral_v<T> && D::kind == OpKind::Floating) {
      return;  // the ops layer computes Floating ops in a float dtype
    } else if constexpr (D::arity == 1) {
      const T* a = args[0];
      const std::int64_t sa = steps[0];
      for (std::int64_t i = 0; i < n; ++i) {
        out[i] = d(a[i * sa]);
      }
    } else if constexpr (D::arity == 2) {
      const T* a = args[0];
      const T* b = args[1];
      const std::int64_t sa = steps[0];
      const std::int64_t sb = steps[1];
      for (std::int64_t i = 0; i < n; ++i) {
        out[i] = d(a[i * sa], b[i * sb]);
      }
    } else {
      for (std::int64_t i = 0; i < n; ++i) {
        out[i] = d(args[0][i * steps[0]], args[1][i * steps[1]], args[2][i * steps[2]]);
      }
    }
  });
}

/// Row::template run<op> for every op, indexed by OpCode: a kernel table's op_kernel entries
/// (Row::run<op>(args, steps, out, n) runs node op over a row with op a constant).
template <class Row, std::size_t... I>
constexpr auto op_kernels(std::index_sequence<I...>) {
  return std::array{&Row::template run<static_cast<OpCode>(I)>...};
}

template <class T>
struct ScalarRow {
  template <OpCode kOp>
  static void run(const T* const* args, const std::int64_t* steps, T* out, std::int64_t n) {
    node_scalar<T>(kOp, args, steps, out, n);
  }
};

}  // namespace minitorch::cpu
