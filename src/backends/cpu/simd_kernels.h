// The kernel table for one SIMD level, written once over VecF / VecD and compiled twice
// (kernels_avx2.cpp, kernels_avx512.cpp). One call runs on one thread: lanes walk the row,
// tails use masked loads and stores. Arithmetic, comparisons, sqrt and floor are single IEEE
// operations, bitwise equal to the reference; float64 exp/log/tanh/sigmoid and pow call libm per
// lane. Reductions follow Note [Reduction order] exactly. Include only from SIMD files.
#pragma once

#include <cstdint>

#include "backends/cpu/kernels.h"
#include "backends/cpu/node_scalar.h"
#include "backends/cpu/simd_vec.h"
#include "backends/cpu/vec_math.h"

namespace minitorch::cpu {
namespace {

template <class V>
using Elem = typename V::T;

// ---- map / zip --------------------------------------------------------------------------

// out[i] = f(in[i * step]) with f on vectors.
template <class V, class F>
bool map_vec(F f, const Elem<V>* in, std::int64_t step, Elem<V>* out, std::int64_t n) {
  constexpr std::int64_t kL = V::kLanes;
  std::int64_t i = 0;
  if (step == 0) {
    V y = f(V::set1(*in));
    for (; i + kL <= n; i += kL) {
      y.store(out + i);
    }
    if (i < n) {
      y.store_partial(out + i, n - i);
    }
    return true;
  }
  for (; i + kL <= n; i += kL) {
    f(V::load(in + i)).store(out + i);
  }
  if (i < n) {
    f(V::load_partial(in + i, n - i)).store_partial(out + i, n - i);
  }
  return true;
}

// out[i] = f(in[i * step]) with a scalar f (libm); lanes buy nothing here.
template <class T, class F>
bool map_each(F f, const T* in, std::int64_t step, T* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    out[i] = f(in[i * step]);
  }
  return true;
}

inline float sigmoid_scalar(float x) {
  if (x >= 0.0f) {
    return 1.0f / (1.0f + __builtin_expf(-x));
  }
  float e = __builtin_expf(x);
  return e / (1.0f + e);
}
inline double sigmoid_scalar(double x) {
  if (x >= 0.0) {
    return 1.0 / (1.0 + __builtin_exp(-x));
  }
  double e = __builtin_exp(x);
  return e / (1.0 + e);
}

// A unary op's vector form; false when it has none (the caller runs node_scalar).
template <class V>
bool map_kernel(OpCode op, const Elem<V>* in, std::int64_t step, Elem<V>* out, std::int64_t n) {
  using T = Elem<V>;
  switch (op) {
    case OpCode::Neg:
      return map_vec<V>([](V x) { return vneg(x); }, in, step, out, n);
    case OpCode::Relu:
      return map_vec<V>(
          [](V x) {
            V zero = V::set1(T(0));
            return select(cmp<_CMP_LE_OQ>(x, zero), zero, x);
          },
          in, step, out, n);
    case OpCode::Inv:
      return map_vec<V>([](V x) { return V::set1(T(1)) / x; }, in, step, out, n);
    case OpCode::Abs:
      return map_vec<V>([](V x) { return vabs(x); }, in, step, out, n);
    case OpCode::Sqrt:  // IEEE square root: correctly rounded, bitwise std::sqrt
      return map_vec<V>([](V x) { return vsqrt(x); }, in, step, out, n);
    case OpCode::Floor:  // rounding to an integer is exact: bitwise std::floor
      return map_vec<V>([](V x) { return vfloor(x); }, in, step, out, n);
    case OpCode::Exp:
      if constexpr (sizeof(T) == 4) {
        return map_vec<V>([](V x) { return vexp(x); }, in, step, out, n);
      } else {
        return map_each([](T x) { return __builtin_exp(x); }, in, step, out, n);
      }
    case OpCode::Log:
      if constexpr (sizeof(T) == 4) {
        return map_vec<V>([](V x) { return vlog(x); }, in, step, out, n);
      } else {
        return map_each([](T x) { return __builtin_log(x); }, in, step, out, n);
      }
    case OpCode::Tanh:
      if constexpr (sizeof(T) == 4) {
        return map_vec<V>([](V x) { return vtanh(x); }, in, step, out, n);
      } else {
        return map_each([](T x) { return __builtin_tanh(x); }, in, step, out, n);
      }
    case OpCode::Sigmoid:
      if constexpr (sizeof(T) == 4) {
        return map_vec<V>([](V x) { return vsigmoid(x); }, in, step, out, n);
      } else {
        return map_each([](T x) { return sigmoid_scalar(x); }, in, step, out, n);
      }
    default:
      return false;
  }
}

template <class V>
V load_step(const Elem<V>* p, std::int64_t step, std::int64_t i) {
  return step == 0 ? V::set1(*p) : V::load(p + i);
}
template <class V>
V load_step_partial(const Elem<V>* p, std::int64_t step, std::int64_t i, std::int64_t n) {
  return step == 0 ? V::set1(*p) : V::load_partial(p + i, n);
}

template <class V, class F>
bool zip_vec(F f, const Elem<V>* a, std::int64_t a_step, const Elem<V>* b, std::int64_t b_step,
             Elem<V>* out, std::int64_t n) {
  constexpr std::int64_t kL = V::kLanes;
  std::int64_t i = 0;
  for (; i + kL <= n; i += kL) {
    f(load_step<V>(a, a_step, i), load_step<V>(b, b_step, i)).store(out + i);
  }
  if (i < n) {
    f(load_step_partial<V>(a, a_step, i, n - i), load_step_partial<V>(b, b_step, i, n - i))
        .store_partial(out + i, n - i);
  }
  return true;
}

template <class V, int kPredicate>
bool zip_compare(const Elem<V>* a, std::int64_t a_step, const Elem<V>* b, std::int64_t b_step,
                 Elem<V>* out, std::int64_t n) {
  using T = Elem<V>;
  return zip_vec<V>(
      [](V x, V y) { return select(cmp<kPredicate>(x, y), V::set1(T(1)), V::set1(T(0))); }, a,
      a_step, b, b_step, out, n);
}

// A binary op's vector form; false when it has none (the caller runs node_scalar).
template <class V>
bool zip_kernel(OpCode op, const Elem<V>* a, std::int64_t a_step, const Elem<V>* b,
                std::int64_t b_step, Elem<V>* out, std::int64_t n) {
  switch (op) {
    case OpCode::Add:
      return zip_vec<V>([](V x, V y) { return x + y; }, a, a_step, b, b_step, out, n);
    case OpCode::Sub:
      return zip_vec<V>([](V x, V y) { return x - y; }, a, a_step, b, b_step, out, n);
    case OpCode::Mul:
      return zip_vec<V>([](V x, V y) { return x * y; }, a, a_step, b, b_step, out, n);
    case OpCode::Div:
      return zip_vec<V>([](V x, V y) { return x / y; }, a, a_step, b, b_step, out, n);
    case OpCode::Minimum:  // the descriptor's selects, in its order: bitwise
      return zip_vec<V>(
          [](V x, V y) {
            V m = select(cmp<_CMP_LT_OQ>(y, x), y, x);
            m = select(cmp<_CMP_UNORD_Q>(y, y), y, m);
            return select(cmp<_CMP_UNORD_Q>(x, x), x, m);
          },
          a, a_step, b, b_step, out, n);
    case OpCode::Maximum:
      return zip_vec<V>(
          [](V x, V y) {
            V m = select(cmp<_CMP_GT_OQ>(y, x), y, x);
            m = select(cmp<_CMP_UNORD_Q>(y, y), y, m);
            return select(cmp<_CMP_UNORD_Q>(x, x), x, m);
          },
          a, a_step, b, b_step, out, n);
    case OpCode::Lt:
      return zip_compare<V, _CMP_LT_OQ>(a, a_step, b, b_step, out, n);
    case OpCode::Gt:
      return zip_compare<V, _CMP_GT_OQ>(a, a_step, b, b_step, out, n);
    case OpCode::Le:
      return zip_compare<V, _CMP_LE_OQ>(a, a_step, b, b_step, out, n);
    case OpCode::Ge:
      return zip_compare<V, _CMP_GE_OQ>(a, a_step, b, b_step, out, n);
    case OpCode::Eq:
      return zip_compare<V, _CMP_EQ_OQ>(a, a_step, b, b_step, out, n);
    default:
      return false;
  }
}

// Note [SIMD forms]: an op's optional vector form is its case in map_kernel / zip_kernel;
// every other op runs its descriptor lane by lane (node_scalar), bitwise the reference.
template <class V>
void node_kernel(OpCode op, const Elem<V>* const* args, const std::int64_t* steps, Elem<V>* out,
                 std::int64_t n) {
  const int arity = arity_of(op);
  if (arity == 1 && map_kernel<V>(op, args[0], steps[0], out, n)) {
    return;
  }
  if (arity == 2 && zip_kernel<V>(op, args[0], steps[0], args[1], steps[1], out, n)) {
    return;
  }
  node_scalar<Elem<V>>(op, args, steps, out, n);
}

// ---- whole programs in registers (Note [Vector programs]) -----------------------------------

// Note [Vector programs]: a program whose every node has a vector form below runs one vector
// of lanes at a time through all its nodes, intermediates in registers (an array the compiler
// keeps on the stack, in L1 at worst), so loading the inputs, computing and storing the
// output overlap the way they do in a single-op kernel; node-by-node chunks (cpu_program.cpp)
// serialize them. The forms are the ones map_kernel / zip_kernel use, so both paths give the
// same bits.
template <class V>
constexpr bool has_vector_form(OpCode op) {
  switch (op) {
    case OpCode::Neg:
    case OpCode::Relu:
    case OpCode::Inv:
    case OpCode::Abs:
    case OpCode::Add:
    case OpCode::Sub:
    case OpCode::Mul:
    case OpCode::Div:
    case OpCode::Lt:
    case OpCode::Gt:
    case OpCode::Le:
    case OpCode::Ge:
    case OpCode::Eq:
    case OpCode::Const:
      return true;
    case OpCode::Exp:
    case OpCode::Log:
    case OpCode::Tanh:
    case OpCode::Sigmoid:
      return sizeof(Elem<V>) == 4;
    default:
      return false;
  }
}

template <class V>
V vector_node(OpCode op, V a, V b) {
  using T = Elem<V>;
  const V one = V::set1(T(1));
  const V zero = V::set1(T(0));
  switch (op) {
    case OpCode::Neg:
      return vneg(a);
    case OpCode::Relu:
      return select(cmp<_CMP_LE_OQ>(a, zero), zero, a);
    case OpCode::Inv:
      return one / a;
    case OpCode::Abs:
      return vabs(a);
    case OpCode::Add:
      return a + b;
    case OpCode::Sub:
      return a - b;
    case OpCode::Mul:
      return a * b;
    case OpCode::Div:
      return a / b;
    case OpCode::Lt:
      return select(cmp<_CMP_LT_OQ>(a, b), one, zero);
    case OpCode::Gt:
      return select(cmp<_CMP_GT_OQ>(a, b), one, zero);
    case OpCode::Le:
      return select(cmp<_CMP_LE_OQ>(a, b), one, zero);
    case OpCode::Ge:
      return select(cmp<_CMP_GE_OQ>(a, b), one, zero);
    case OpCode::Eq:
      return select(cmp<_CMP_EQ_OQ>(a, b), one, zero);
    default:
      break;
  }
  if constexpr (sizeof(T) == 4) {
    switch (op) {
      case OpCode::Exp:
        return vexp(a);
      case OpCode::Log:
        return vlog(a);
      case OpCode::Tanh:
        return vtanh(a);
      case OpCode::Sigmoid:
        return vsigmoid(a);
      default:
        break;
    }
  }
  return a;
}

// out[i] = p(in[0][i * steps[0]], ...) for i < n, steps 0 or 1; every node has a vector form.
template <class V>
void program_kernel(const Program& p, const Elem<V>* const* in, const std::int64_t* steps,
                    Elem<V>* out, std::int64_t n) {
  using T = Elem<V>;
  constexpr std::int64_t kL = V::kLanes;
  V vals[kMaxProgramInputs + kMaxProgramNodes];
  for (int j = 0; j < p.size; ++j) {
    if (p.nodes[j].op == OpCode::Const) {
      vals[p.inputs + j] = V::set1(static_cast<T>(p.nodes[j].value));
    }
  }
  for (int k = 0; k < p.inputs; ++k) {
    if (steps[k] == 0) {
      vals[k] = V::set1(*in[k]);
    }
  }
  auto run_nodes = [&] {
    for (int j = 0; j < p.size; ++j) {
      const ProgramNode& node = p.nodes[j];
      if (node.op != OpCode::Const) {
        vals[p.inputs + j] = vector_node<V>(node.op, vals[node.args[0]], vals[node.args[1]]);
      }
    }
  };
  std::int64_t i = 0;
  for (; i + kL <= n; i += kL) {
    for (int k = 0; k < p.inputs; ++k) {
      if (steps[k] != 0) {
        vals[k] = V::load(in[k] + i);
      }
    }
    run_nodes();
    vals[p.output].store(out + i);
  }
  if (i < n) {
    for (int k = 0; k < p.inputs; ++k) {
      if (steps[k] != 0) {
        vals[k] = V::load_partial(in[k] + i, n - i);
      }
    }
    run_nodes();
    vals[p.output].store_partial(out + i, n - i);
  }
}

// The vector program kernel when every node of p has a vector form, else nullptr.
template <class V>
auto program_kernel_for(const Program& p) -> void (*)(const Program&, const Elem<V>* const*,
                                                      const std::int64_t*, Elem<V>*, std::int64_t) {
  for (int j = 0; j < p.size; ++j) {
    if (!has_vector_form<V>(p.nodes[j].op)) {
      return nullptr;
    }
  }
  return &program_kernel<V>;
}

// ---- reductions (Note [Reduction order]) ----------------------------------------------------

struct SumV {
  template <class V>
  static V combine(V acc, V x) {
    return acc + x;
  }
  template <class T>
  static T combine1(T acc, T x) {
    return acc + x;
  }
  template <class T>
  static T identity() {
    return T(0);
  }
};
struct ProdV {
  template <class V>
  static V combine(V acc, V x) {
    return acc * x;
  }
  template <class T>
  static T combine1(T acc, T x) {
    return acc * x;
  }
  template <class T>
  static T identity() {
    return T(1);
  }
};
// NaN wins (scalar::MaxReduce): keep a NaN acc, else take x when x > acc or x is NaN.
struct MaxV {
  template <class V>
  static V combine(V acc, V x) {
    auto take = mask_and(cmp<_CMP_ORD_Q>(acc, acc),
                         mask_or(cmp<_CMP_GT_OQ>(x, acc), cmp<_CMP_UNORD_Q>(x, x)));
    return select(take, x, acc);
  }
  template <class T>
  static T combine1(T acc, T x) {
    if (acc != acc) {
      return acc;
    }
    return (x > acc || x != x) ? x : acc;
  }
  template <class T>
  static T identity() {
    return T(-__builtin_inf());
  }
};

template <class V, class R>
Elem<V> reduce_leaf(const Elem<V>* x, std::int64_t n) {
  using T = Elem<V>;
  constexpr std::int64_t kK = kReduceLanes<T>;
  constexpr std::int64_t kL = V::kLanes;
  constexpr std::int64_t kVecs = kK / kL;
  const T identity = R::template identity<T>();
  V acc[static_cast<std::size_t>(kVecs)];
  for (std::int64_t v = 0; v < kVecs; ++v) {
    acc[v] = V::set1(identity);
  }
  std::int64_t i = 0;
  for (; i + kK <= n; i += kK) {
    for (std::int64_t v = 0; v < kVecs; ++v) {
      acc[v] = R::combine(acc[v], V::load(x + i + v * kL));
    }
  }
  for (std::int64_t v = 0; v < kVecs && i + v * kL < n; ++v) {
    std::int64_t left = n - i - v * kL;
    V tail =
        left >= kL ? V::load(x + i + v * kL) : V::load_partial_or(x + i + v * kL, left, identity);
    acc[v] = R::combine(acc[v], tail);
  }
  alignas(64) T lanes[static_cast<std::size_t>(kK)];
  for (std::int64_t v = 0; v < kVecs; ++v) {
    acc[v].store(lanes + v * kL);
  }
  for (std::int64_t half = kK / 2; half >= 1; half /= 2) {
    for (std::int64_t j = 0; j < half; ++j) {
      lanes[j] = R::combine1(lanes[j], lanes[j + half]);
    }
  }
  return lanes[0];
}

template <class V, class R>
Elem<V> reduce_pairwise(const Elem<V>* x, std::int64_t n) {
  using T = Elem<V>;
  if (n <= kReduceLeaf<T>) {
    return reduce_leaf<V, R>(x, n);
  }
  std::int64_t half = n / 2 / kReduceLanes<T> * kReduceLanes<T>;
  return R::combine1(reduce_pairwise<V, R>(x, half), reduce_pairwise<V, R>(x + half, n - half));
}

template <class V>
Elem<V> reduce_block_kernel(ReduceOp op, const Elem<V>* x, std::int64_t n) {
  switch (op) {
    case ReduceOp::Sum:
      return reduce_pairwise<V, SumV>(x, n);
    case ReduceOp::Max:
      return reduce_pairwise<V, MaxV>(x, n);
    case ReduceOp::Prod:
      return reduce_pairwise<V, ProdV>(x, n);
  }
  return Elem<V>(0);
}

// acc[j] = fold of rows [0, rows) of column j: runs of kReduceRowLeaf rows in order, halves
// combined pairwise. Lanes walk the columns.
template <class V, class R>
void reduce_rows_pairwise(const Elem<V>* in, std::int64_t row_stride, std::int64_t rows,
                          Elem<V>* acc, std::int64_t cols) {
  using T = Elem<V>;
  constexpr std::int64_t kL = V::kLanes;
  if (rows <= kReduceRowLeaf) {
    for (std::int64_t c = 0; c < cols; c += kL) {
      std::int64_t width = cols - c < kL ? cols - c : kL;
      V a = V::set1(R::template identity<T>());
      for (std::int64_t r = 0; r < rows; ++r) {
        const T* p = in + r * row_stride + c;
        a = R::combine(a, width == kL ? V::load(p) : V::load_partial(p, width));
      }
      if (width == kL) {
        a.store(acc + c);
      } else {
        a.store_partial(acc + c, width);
      }
    }
    return;
  }
  std::int64_t half = rows / 2;
  reduce_rows_pairwise<V, R>(in, row_stride, half, acc, cols);
  alignas(64) T other[static_cast<std::size_t>(kReduceCols)];
  reduce_rows_pairwise<V, R>(in + half * row_stride, row_stride, rows - half, other, cols);
  for (std::int64_t c = 0; c < cols; c += kL) {
    std::int64_t width = cols - c < kL ? cols - c : kL;
    if (width == kL) {
      R::combine(V::load(acc + c), V::load(other + c)).store(acc + c);
    } else {
      R::combine(V::load_partial(acc + c, width), V::load_partial(other + c, width))
          .store_partial(acc + c, width);
    }
  }
}

template <class V>
void reduce_rows_kernel(ReduceOp op, const Elem<V>* in, std::int64_t row_stride, std::int64_t rows,
                        Elem<V>* out, std::int64_t cols) {
  switch (op) {
    case ReduceOp::Sum:
      return reduce_rows_pairwise<V, SumV>(in, row_stride, rows, out, cols);
    case ReduceOp::Max:
      return reduce_rows_pairwise<V, MaxV>(in, row_stride, rows, out, cols);
    case ReduceOp::Prod:
      return reduce_rows_pairwise<V, ProdV>(in, row_stride, rows, out, cols);
  }
}

template <class V>
Kernels<Elem<V>> kernels_for() {
  return {&node_kernel<V>, &program_kernel_for<V>, &reduce_block_kernel<V>, &reduce_rows_kernel<V>};
}

}  // namespace
}  // namespace minitorch::cpu
