// The CPU backend: map, zip, copy and fill through the loop engine, reduce through
// reduce_pairwise, matmul through cpu::matmul. Threads split the output's elements into
// chunks (parallel_for); within a chunk, contiguous and broadcast runs go to the SIMD kernel
// table of the active level, strided runs to scalar loops over the shared functors.
#include "backends/cpu/cpu_backend.h"

#include <cstring>
#include <type_traits>

#include "backends/cpu/cpu_index.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/loop_engine.h"
#include "backends/cpu/matmul.h"
#include "backends/cpu/parallel.h"
#include "backends/cpu/reduce_pairwise.h"

namespace minitorch::cpu {
namespace {

// Elements per chunk below which splitting costs more than it saves.
constexpr std::int64_t kCheapGrain = 32768;
constexpr std::int64_t kCostlyGrain = 4096;

bool is_costly(UnaryOp op) {
  return op == UnaryOp::Exp || op == UnaryOp::Log || op == UnaryOp::Sigmoid || op == UnaryOp::Tanh;
}

void report(LoopPath path, bool simd, std::int64_t units, std::int64_t grain) {
  std::string_view isa = simd && path != LoopPath::Odometer && path != LoopPath::TransposeBlocked
      ? to_string(simd_level())
      : "scalar";
  primitive_report() = PrimitiveReport{to_string(path), isa, threads_for(0, units, grain)};
}

// Runs an elementwise loop over plan: vector_row(offsets, n, inner strides) for paths whose
// inner strides are 0 or 1, element(offsets) otherwise.
template <class VectorRow, class Element>
void run_elementwise(const LoopPlan& plan, std::int64_t min_grain, bool simd, VectorRow vector_row,
                     Element element) {
  int tile_dim = 0;
  LoopPath path = choose_path(plan, &tile_dim);
  if (path == LoopPath::TransposeBlocked) {
    std::int64_t units = tile_units(plan, tile_dim);
    std::int64_t per_unit = plan.numel / units;
    std::int64_t grain = (loop_grain(plan.numel, min_grain) + per_unit - 1) / per_unit;
    report(path, simd, units, grain);
    parallel_for(0, units, grain, [&](std::int64_t begin, std::int64_t end) {
      walk_tiles(plan, tile_dim, begin, end, element);
    });
    return;
  }
  std::int64_t grain = loop_grain(plan.numel, min_grain);
  report(path, simd, plan.numel, grain);
  if (path == LoopPath::Odometer) {
    parallel_for(0, plan.numel, grain, [&](std::int64_t begin, std::int64_t end) {
      walk_rows(plan, begin, end, [&](const std::int64_t* offsets, std::int64_t n) {
        std::int64_t o[kMaxOperands] = {offsets[0], offsets[1], offsets[2]};
        for (std::int64_t i = 0; i < n; ++i) {
          element(static_cast<const std::int64_t*>(o));
          for (int k = 0; k < plan.operands; ++k) {
            o[k] += plan.strides[k][plan.ndim - 1];
          }
        }
      });
    });
    return;
  }
  parallel_for(0, plan.numel, grain, [&](std::int64_t begin, std::int64_t end) {
    walk_rows(plan, begin, end,
              [&](const std::int64_t* offsets, std::int64_t n) { vector_row(offsets, n); });
  });
}

template <class T>
void map_typed(UnaryOp op, const TensorData& in, TensorData& out) {
  LoopPlan plan = make_plan(out, &in);
  if (plan.numel == 0) {
    primitive_report() = PrimitiveReport{"contiguous", "scalar", 1};
    return;
  }
  const T* src = static_cast<const T*>(in.data_ptr());
  T* dst = static_cast<T*>(out.data_ptr());
  const Kernels<T>& kernels = active_kernels().get<T>();
  const std::int64_t in_step = plan.inner_stride(1);
  dispatch_unary(op, [&](auto fn) {
    run_elementwise(
        plan, is_costly(op) ? kCostlyGrain : kCheapGrain, true,
        [&](const std::int64_t* o, std::int64_t n) {
          kernels.map(op, src + o[1], in_step, dst + o[0], n);
        },
        [&](const std::int64_t* o) { dst[o[0]] = fn(src[o[1]]); });
  });
}

// out[i] = fn(a[i], b[i]) through the loop engine: row(pa, a_step, pb, b_step, dst, n) runs a
// contiguous or broadcast row (a SIMD kernel), fn the odometer path's single elements.
template <class T, class Row, class Fn>
void zip_loop(const TensorData& a, const TensorData& b, TensorData& out, std::int64_t grain,
              Row row, Fn fn) {
  LoopPlan plan = make_plan(out, &a, &b);
  if (plan.numel == 0) {
    primitive_report() = PrimitiveReport{"contiguous", "scalar", 1};
    return;
  }
  const T* pa = static_cast<const T*>(a.data_ptr());
  const T* pb = static_cast<const T*>(b.data_ptr());
  T* dst = static_cast<T*>(out.data_ptr());
  const std::int64_t a_step = plan.inner_stride(1);
  const std::int64_t b_step = plan.inner_stride(2);
  run_elementwise(
      plan, grain, true,
      [&](const std::int64_t* o, std::int64_t n) {
        row(pa + o[1], a_step, pb + o[2], b_step, dst + o[0], n);
      },
      [&](const std::int64_t* o) { dst[o[0]] = fn(pa[o[1]], pb[o[2]]); });
}

template <class T>
void zip_typed(BinaryOp op, const TensorData& a, const TensorData& b, TensorData& out) {
  const Kernels<T>& kernels = active_kernels().get<T>();
  dispatch_binary(op, [&](auto fn) {
    zip_loop<T>(
        a, b, out, op == BinaryOp::Pow ? kCostlyGrain : kCheapGrain,
        [&](const T* pa, std::int64_t a_step, const T* pb, std::int64_t b_step, T* dst,
            std::int64_t n) { kernels.zip(op, pa, a_step, pb, b_step, dst, n); },
        fn);
  });
}

template <class T>
void add_scaled_typed(const TensorData& a, double alpha, const TensorData& b, TensorData& out) {
  const Kernels<T>& kernels = active_kernels().get<T>();
  const scalar::AddScaled<T> fn{static_cast<T>(alpha)};
  zip_loop<T>(
      a, b, out, kCheapGrain,
      [&](const T* pa, std::int64_t a_step, const T* pb, std::int64_t b_step, T* dst,
          std::int64_t n) { kernels.add_scaled(pa, a_step, fn.alpha, pb, b_step, dst, n); },
      fn);
}

template <class In, class Out>
void copy_typed(const TensorData& in, TensorData& out) {
  LoopPlan plan = make_plan(out, &in);
  if (plan.numel == 0) {
    primitive_report() = PrimitiveReport{"contiguous", "scalar", 1};
    return;
  }
  const In* src = static_cast<const In*>(in.data_ptr());
  Out* dst = static_cast<Out*>(out.data_ptr());
  const std::int64_t in_step = plan.inner_stride(1);
  run_elementwise(
      plan, kCheapGrain, false,
      [&](const std::int64_t* o, std::int64_t n) {
        const In* s = src + o[1];
        Out* d = dst + o[0];
        if constexpr (std::is_same_v<In, Out>) {
          if (in_step == 1) {
            std::memcpy(d, s, static_cast<std::size_t>(n) * sizeof(Out));
            return;
          }
        }
        if (in_step == 0) {
          Out v = cast_value<Out>(*s);
          for (std::int64_t i = 0; i < n; ++i) {
            d[i] = v;
          }
        } else {
          for (std::int64_t i = 0; i < n; ++i) {
            d[i] = cast_value<Out>(s[i]);
          }
        }
      },
      [&](const std::int64_t* o) { dst[o[0]] = cast_value<Out>(src[o[1]]); });
}

template <class T>
void fill_typed(double value, TensorData& out) {
  LoopPlan plan = make_plan(out);
  if (plan.numel == 0) {
    primitive_report() = PrimitiveReport{"contiguous", "scalar", 1};
    return;
  }
  T* dst = static_cast<T*>(out.data_ptr());
  const T v = cast_value<T>(value);
  run_elementwise(
      plan, kCheapGrain, false,
      [&](const std::int64_t* o, std::int64_t n) {
        T* d = dst + o[0];
        for (std::int64_t i = 0; i < n; ++i) {
          d[i] = v;
        }
      },
      [&](const std::int64_t* o) { dst[o[0]] = v; });
}

class CpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }

  void map(UnaryOp op, const TensorData& in, TensorData& out) override {
    dispatch_floating(out.dtype(), [&](auto t) { map_typed<decltype(t)>(op, in, out); });
  }

  void zip(BinaryOp op, const TensorData& a, const TensorData& b, TensorData& out) override {
    dispatch_floating(out.dtype(), [&](auto t) { zip_typed<decltype(t)>(op, a, b, out); });
  }

  void add_scaled(const TensorData& a, double alpha, const TensorData& b,
                  TensorData& out) override {
    dispatch_floating(out.dtype(), [&](auto t) { add_scaled_typed<decltype(t)>(a, alpha, b, out); });
  }

  void reduce(ReduceOp op, const TensorData& in, int dim, TensorData& out) override {
    dispatch_floating(out.dtype(), [&](auto t) { reduce_pairwise<decltype(t)>(op, in, dim, out); });
  }

  void matmul(const TensorData& a, const TensorData& b, TensorData& out) override {
    cpu::matmul(a, b, out);
  }

  void fill(double value, TensorData& out) override {
    dispatch_dtype(out.dtype(), [&](auto t) { fill_typed<decltype(t)>(value, out); });
  }

  void copy(const TensorData& in, TensorData& out) override {
    dispatch_dtype(in.dtype(), [&](auto in_t) {
      dispatch_dtype(out.dtype(),
                     [&](auto out_t) { copy_typed<decltype(in_t), decltype(out_t)>(in, out); });
    });
  }

  void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out) override {
    cpu::gather(in, dim, index, out);
  }

  void scatter_add(const TensorData& src, int dim, const TensorData& index,
                   TensorData& out) override {
    cpu::scatter_add(src, dim, index, out);
  }
};

}  // namespace

Backend& cpu_backend() {
  static CpuBackend instance;
  return instance;
}

}  // namespace minitorch::cpu
