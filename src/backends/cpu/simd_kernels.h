// The kernel table for one SIMD level, written once over VecF / VecD and compiled twice
// (kernels_avx2.cpp, kernels_avx512.cpp). One call runs on one thread: lanes walk the row,
// tails use masked loads and stores. Arithmetic, comparisons, sqrt and floor are single IEEE
// operations, bitwise equal to the reference; exp/log/tanh/sigmoid are within their descriptors'
// ulps32 / ulps64 (vec_math.h, vec_math_f64.h); pow calls libm per lane. The reductions are in
// simd_reduce.h. Include only from SIMD files.
#pragma once

#include <algorithm>
#include <cstdint>

#include "backends/cpu/kernels.h"
#include "backends/cpu/node_scalar.h"
#include "backends/cpu/simd_reduce.h"
#include "backends/cpu/simd_vec.h"
#include "backends/cpu/vec_math.h"
#include "backends/cpu/vec_math_f64.h"

namespace minitorch::cpu {
namespace {

template <class V>
using Elem = typename V::T;

// ---- map / zip --------------------------------------------------------------------------

// How far ahead of its loads a vector program (and a streaming map or zip) prefetches its
// inputs. The hardware
// prefetchers alone left a four-op program at 0.84-0.88 (1 thread) and 0.75-0.84 (2 threads)
// of STREAM add, paired; 2 KiB ahead gave 0.90-0.92 and 0.87-0.91 (4 KiB and 8 KiB: no
// better than none), three interleaved rounds (bench/results/program_2026-12-07_session7_cpu.txt).
inline constexpr std::int64_t kPrefetchBytes = 2048;

// Note [Streaming stores]: a row kernel instantiated with kStream writes its full vectors with
// non-temporal stores, which skip the read-for-ownership of each output line (a plain store
// reads the line first: an add moves 4n bytes instead of 3n) and keep a large output from
// evicting its inputs. The elements before the first vector-aligned address and the tail go
// through plain (masked) stores; an sfence at the end orders the streamed lines before the
// thread pool's completion flag. Rows run this way only when the whole output passes
// stream_store_bytes() (kernels.h), where it will not fit in cache anyway.
template <class V>
std::int64_t unaligned_head(const Elem<V>* out, std::int64_t n) {
  constexpr std::uintptr_t kAlign = sizeof(V);
  const std::uintptr_t misalign = reinterpret_cast<std::uintptr_t>(out) % kAlign;
  const auto head = static_cast<std::int64_t>((kAlign - misalign) % kAlign / sizeof(Elem<V>));
  return std::min(head, n);
}

template <bool kStream, class V>
[[gnu::always_inline]] inline void put(V v, Elem<V>* p) {
  if constexpr (kStream) {
    v.stream(p);
  } else {
    v.store(p);
  }
}

// out[i] = f(in[i * step]) with f on vectors.
template <class V, bool kStream, class F>
bool map_vec(F f, const Elem<V>* in, std::int64_t step, Elem<V>* out, std::int64_t n) {
  constexpr std::int64_t kL = V::kLanes;
  std::int64_t i = 0;
  if (step == 0) {
    V y = f(V::set1(*in));
    if constexpr (kStream) {
      i = unaligned_head<V>(out, n);
      if (i > 0) {
        y.store_partial(out, i);
      }
    }
    for (; i + kL <= n; i += kL) {
      put<kStream>(y, out + i);
    }
    if (i < n) {
      y.store_partial(out + i, n - i);
    }
  } else {
    if constexpr (kStream) {
      i = unaligned_head<V>(out, n);
      if (i > 0) {
        f(V::load_partial(in, i)).store_partial(out, i);
      }
    }
    for (; i + kL <= n; i += kL) {
      if constexpr (kStream) {  // large outputs only: short rows gain nothing from it
        __builtin_prefetch(in + i + kPrefetchBytes / static_cast<std::int64_t>(sizeof(*in)));
      }
      put<kStream>(f(V::load(in + i)), out + i);
    }
    if (i < n) {
      f(V::load_partial(in + i, n - i)).store_partial(out + i, n - i);
    }
  }
  if constexpr (kStream) {
    _mm_sfence();
  }
  return true;
}

template <class V>
V load_step(const Elem<V>* p, std::int64_t step, std::int64_t i) {
  return step == 0 ? V::set1(*p) : V::load(p + i);
}
template <class V>
V load_step_partial(const Elem<V>* p, std::int64_t step, std::int64_t i, std::int64_t n) {
  return step == 0 ? V::set1(*p) : V::load_partial(p + i, n);
}

template <class V, bool kStream, class F>
bool zip_vec(F f, const Elem<V>* a, std::int64_t a_step, const Elem<V>* b, std::int64_t b_step,
             Elem<V>* out, std::int64_t n) {
  constexpr std::int64_t kL = V::kLanes;
  std::int64_t i = 0;
  if constexpr (kStream) {
    i = unaligned_head<V>(out, n);
    if (i > 0) {
      f(load_step_partial<V>(a, a_step, 0, i), load_step_partial<V>(b, b_step, 0, i))
          .store_partial(out, i);
    }
  }
  for (; i + kL <= n; i += kL) {
    if constexpr (kStream) {
      constexpr std::int64_t kAhead = kPrefetchBytes / static_cast<std::int64_t>(sizeof(*a));
      __builtin_prefetch(a + i * a_step + kAhead);
      __builtin_prefetch(b + i * b_step + kAhead);
    }
    put<kStream>(f(load_step<V>(a, a_step, i), load_step<V>(b, b_step, i)), out + i);
  }
  if (i < n) {
    f(load_step_partial<V>(a, a_step, i, n - i), load_step_partial<V>(b, b_step, i, n - i))
        .store_partial(out + i, n - i);
  }
  if constexpr (kStream) {
    _mm_sfence();
  }
  return true;
}

// ---- vector forms, single ops and whole programs ----------------------------------------

// Note [SIMD forms]: an op's optional vector form is its case in with_vector_form (one list,
// used by single-op rows and by whole programs alike); every other op runs the descriptor lane
// by lane (node_scalar), bitwise the reference. Arithmetic, comparisons, sqrt, floor, minimum
// and maximum are single IEEE operations or the descriptor's selects in its order: bitwise
// equal. exp, log, tanh and sigmoid are within their descriptor's ulps32 (float32) and ulps64
// (float64), and give the same bits at AVX2 and AVX-512.
//
// Note [Vector programs]: a program whose every node has a vector form runs a block of
// kProgramBlock vectors at a time through all its nodes, intermediates in registers (an
// array the compiler keeps on the stack, in L1 at worst), so loading the inputs, computing
// and storing the output overlap the way they do in a single-op kernel; node-by-node chunks
// (cpu_program.cpp) serialize them. One switch per node and block, not per vector: on a
// four-op function of 16M floats with 2 threads, one vector per dispatch reached 0.86-0.87
// of STREAM add and blocks of four 1.0-1.1 in back-to-back runs (paired ratios, Note [Paired
// ratios] in bench_ops.cpp; this host's bandwidth drifts: the same binary later gave 0.81-0.84,
// blocks of eight no better). The inputs are prefetched (kPrefetchBytes).
template <class V>
constexpr bool has_vector_form(OpCode op) {
  switch (op) {
    case OpCode::Neg:
    case OpCode::Relu:
    case OpCode::Inv:
    case OpCode::Abs:
    case OpCode::Sqrt:
    case OpCode::Floor:
    case OpCode::Add:
    case OpCode::Sub:
    case OpCode::Mul:
    case OpCode::Div:
    case OpCode::Minimum:
    case OpCode::Maximum:
    case OpCode::Lt:
    case OpCode::Gt:
    case OpCode::Le:
    case OpCode::Ge:
    case OpCode::Eq:
    case OpCode::Const:
    case OpCode::Exp:
    case OpCode::Log:
    case OpCode::Tanh:
    case OpCode::Sigmoid:
      return true;
    default:
      return false;
  }
}

template <class V, int kPredicate>
V compare(V a, V b) {
  using T = Elem<V>;
  return select(cmp<kPredicate>(a, b), V::set1(T(1)), V::set1(T(0)));
}

// Calls fn(f) with f(V a, V b) -> V, op's vector form (b unused by unary ops); op must have
// one (has_vector_form). One switch per call, outside whatever loop fn runs f in.
template <class V, class Fn>
void with_vector_form(OpCode op, Fn&& fn) {
  using T = Elem<V>;
  switch (op) {
    case OpCode::Neg:
      return fn([](V a, V) { return vneg(a); });
    case OpCode::Relu:  // `x <= 0 ? 0 : x`: NaN propagates
      return fn([](V a, V) { return select(cmp<_CMP_LE_OQ>(a, V::set1(T(0))), V::set1(T(0)), a); });
    case OpCode::Inv:
      return fn([](V a, V) { return V::set1(T(1)) / a; });
    case OpCode::Abs:
      return fn([](V a, V) { return vabs(a); });
    case OpCode::Sqrt:  // IEEE square root: correctly rounded, bitwise std::sqrt
      return fn([](V a, V) { return vsqrt(a); });
    case OpCode::Floor:  // rounding to an integer is exact: bitwise std::floor
      return fn([](V a, V) { return vfloor(a); });
    case OpCode::Add:
      return fn([](V a, V b) { return a + b; });
    case OpCode::Sub:
      return fn([](V a, V b) { return a - b; });
    case OpCode::Mul:
      return fn([](V a, V b) { return a * b; });
    case OpCode::Div:
      return fn([](V a, V b) { return a / b; });
    case OpCode::Minimum:  // the descriptor's selects, in its order
      return fn([](V a, V b) {
        V m = select(cmp<_CMP_LT_OQ>(b, a), b, a);
        m = select(cmp<_CMP_UNORD_Q>(b, b), b, m);
        return select(cmp<_CMP_UNORD_Q>(a, a), a, m);
      });
    case OpCode::Maximum:
      return fn([](V a, V b) {
        V m = select(cmp<_CMP_GT_OQ>(b, a), b, a);
        m = select(cmp<_CMP_UNORD_Q>(b, b), b, m);
        return select(cmp<_CMP_UNORD_Q>(a, a), a, m);
      });
    case OpCode::Lt:
      return fn(compare<V, _CMP_LT_OQ>);
    case OpCode::Gt:
      return fn(compare<V, _CMP_GT_OQ>);
    case OpCode::Le:
      return fn(compare<V, _CMP_LE_OQ>);
    case OpCode::Ge:
      return fn(compare<V, _CMP_GE_OQ>);
    case OpCode::Eq:
      return fn(compare<V, _CMP_EQ_OQ>);
    case OpCode::Exp:
      return fn([](V a, V) { return vexp(a); });
    case OpCode::Log:
      return fn([](V a, V) { return vlog(a); });
    case OpCode::Tanh:
      return fn([](V a, V) { return vtanh(a); });
    case OpCode::Sigmoid:
      return fn([](V a, V) { return vsigmoid(a); });
    default:
      break;
  }
}

// One program node over a row (Kernels::node): the vector form when op has one.
template <class V, bool kStream = false>
[[gnu::always_inline]] inline void node_kernel(OpCode op, const Elem<V>* const* args,
                                               const std::int64_t* steps, Elem<V>* out,
                                               std::int64_t n) {
  if (!has_vector_form<V>(op)) {
    node_scalar<Elem<V>>(op, args, steps, out, n);
    return;
  }
  with_vector_form<V>(op, [&](auto f) {
    if (arity_of(op) == 1) {
      map_vec<V, kStream>([&](V x) { return f(x, x); }, args[0], steps[0], out, n);
    } else {
      zip_vec<V, kStream>(f, args[0], steps[0], args[1], steps[1], out, n);
    }
  });
}

// Vectors per node dispatch: a block of kProgramBlock vectors goes through each node before
// the next node, so one switch serves several vectors and their loads overlap.

inline constexpr int kProgramBlock = 4;

// out[i] = p(in[0][i * steps[0]], ...) for i < n, steps 0 or 1; every node has a vector form.
template <class V, bool kStream>
void program_kernel(const Program& p, const Elem<V>* const* in, const std::int64_t* steps,
                    Elem<V>* out, std::int64_t n) {
  using T = Elem<V>;
  constexpr std::int64_t kL = V::kLanes;
  constexpr int kB = kProgramBlock;
  constexpr std::int64_t kAhead = kPrefetchBytes / static_cast<std::int64_t>(sizeof(T));
  V vals[kMaxProgramInputs + kMaxProgramNodes][kB];
  for (int j = 0; j < p.size; ++j) {
    if (p.nodes[j].op == OpCode::Const) {
      for (int b = 0; b < kB; ++b) {
        vals[p.inputs + j][b] = V::set1(static_cast<T>(p.nodes[j].value));
      }
    }
  }
  for (int k = 0; k < p.inputs; ++k) {
    if (steps[k] == 0) {
      for (int b = 0; b < kB; ++b) {
        vals[k][b] = V::set1(*in[k]);
      }
    }
  }
  // The nodes over the first `count` vectors of the block.
  auto run_nodes = [&](int count) {
    for (int j = 0; j < p.size; ++j) {
      const ProgramNode& node = p.nodes[j];
      if (node.op == OpCode::Const) {
        continue;
      }
      const V* x = vals[node.args[0]];
      const V* y = vals[node.args[1]];
      V* r = vals[p.inputs + j];
      with_vector_form<V>(node.op, [&](auto f) {
        if (count == kB) {
          for (int b = 0; b < kB; ++b) {
            r[b] = f(x[b], y[b]);
          }
        } else {
          r[0] = f(x[0], y[0]);
        }
      });
    }
  };
  // count < kL lanes from element i, through the block's first vector.
  auto run_partial = [&](std::int64_t i, std::int64_t count) {
    for (int k = 0; k < p.inputs; ++k) {
      if (steps[k] != 0) {
        vals[k][0] = V::load_partial(in[k] + i, count);
      }
    }
    run_nodes(1);
    vals[p.output][0].store_partial(out + i, count);
  };
  std::int64_t i = 0;
  if constexpr (kStream) {
    i = unaligned_head<V>(out, n);
    if (i > 0) {
      run_partial(0, i);
    }
  }
  for (; i + kB * kL <= n; i += kB * kL) {
    for (int k = 0; k < p.inputs; ++k) {
      if (steps[k] != 0) {
        for (int b = 0; b < kB; ++b) {
          __builtin_prefetch(in[k] + i + b * kL + kAhead);
          vals[k][b] = V::load(in[k] + i + b * kL);
        }
      }
    }
    run_nodes(kB);
    for (int b = 0; b < kB; ++b) {
      put<kStream>(vals[p.output][b], out + i + b * kL);
    }
  }
  for (; i < n; i += kL) {
    run_partial(i, std::min(kL, n - i));
  }
  if constexpr (kStream) {
    _mm_sfence();
  }
}

// The vector program kernel when every node of p has a vector form, else nullptr.
template <class V>
auto program_kernel_for(const Program& p, bool stream) -> typename Kernels<Elem<V>>::ProgramKernel {
  for (int j = 0; j < p.size; ++j) {
    if (!has_vector_form<V>(p.nodes[j].op)) {
      return nullptr;
    }
  }
  return stream ? &program_kernel<V, true> : &program_kernel<V, false>;
}

template <class V, bool kStream>
struct VectorRow {
  template <OpCode kOp>
  static void run(const Elem<V>* const* args, const std::int64_t* steps, Elem<V>* out,
                  std::int64_t n) {
    node_kernel<V, kStream>(kOp, args, steps, out, n);
  }
};

template <class V>
typename Kernels<Elem<V>>::OpKernel op_kernel_for(OpCode op, bool stream) {
  static constexpr auto plain =
      op_kernels<VectorRow<V, false>>(std::make_index_sequence<kOpCount>{});
  static constexpr auto streaming =
      op_kernels<VectorRow<V, true>>(std::make_index_sequence<kOpCount>{});
  return (stream ? streaming : plain)[static_cast<std::size_t>(op)];
}

template <class V>
Kernels<Elem<V>> kernels_for() {
  return {&node_kernel<V>, &op_kernel_for<V>, &program_kernel_for<V>, &reduce_block_kernel<V>,
          &reduce_rows_kernel<V>};
}

}  // namespace
}  // namespace minitorch::cpu
