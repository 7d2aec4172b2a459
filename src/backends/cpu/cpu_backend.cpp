// The CPU backend: elementwise programs through cpu_program.cpp, copy and fill through the
// loop engine, reduce through reduce_pairwise, matmul through cpu::matmul. Threads split the
// output's elements into chunks (parallel_for); within a chunk, contiguous and broadcast runs
// go to the SIMD kernel table of the active level, strided runs to scalar loops.
#include "backends/cpu/cpu_backend.h"

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "backends/cpu/copy_transpose.h"
#include "backends/cpu/cpu_index.h"
#include "backends/cpu/cpu_program.h"
#include "backends/cpu/elementwise_loop.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/loop_engine.h"
#include "backends/cpu/matmul.h"
#include "backends/cpu/parallel.h"
#include "backends/cpu/reduce_pairwise.h"
#include "backends/cpu/stream_store.h"

namespace minitorch::cpu {
namespace {

// Whether an output of plan's size at dst is written with streaming stores (Note [Streaming
// stores] in simd_kernels.h): use_streaming_stores, element-aligned, and AVX2 at hand.
template <class T>
bool streams(const LoopPlan& plan, const T* dst) {
  return simd_level() != SimdLevel::Scalar && use_streaming_stores(plan, std::int64_t{sizeof(T)}) &&
      reinterpret_cast<std::uintptr_t>(dst) % sizeof(T) == 0;
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
  const bool stream = streams(plan, dst);
  // A run of n output elements at stride 1 from input elements at in_step: every path's rows
  // are such runs (the TransposeBlocked path's at the input's stride, the others' at 0 or 1).
  auto row = [&](const std::int64_t* o, std::int64_t n) {
    const In* s = src + o[1];
    Out* d = dst + o[0];
    if constexpr (std::is_same_v<In, Out>) {
      if (in_step == 1) {
        if (stream) {
          copy_streaming(d, s, static_cast<std::size_t>(n) * sizeof(Out));
        } else {
          std::memcpy(d, s, static_cast<std::size_t>(n) * sizeof(Out));
        }
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
        d[i] = cast_value<Out>(s[i * in_step]);
      }
    }
  };
  // A same-type copy of 4- or 8-byte elements moves whole tiles through the registers.
  constexpr bool kBlocks = std::is_same_v<In, Out> && (sizeof(Out) == 4 || sizeof(Out) == 8);
  const bool blocks = kBlocks && simd_level() != SimdLevel::Scalar;
  split_elementwise(
      plan, kCheapGrain, false,
      [&](int tile_dim, std::int64_t begin, std::int64_t end) {
        if (!blocks) {
          walk_tile_rows(plan, tile_dim, begin, end, row);
          return;
        }
        const std::int64_t dst_t = plan.strides[0][tile_dim];
        for_each_tile(plan, tile_dim, begin, end,
                      [&](const std::int64_t* base, std::int64_t t0, std::int64_t t1) {
                        copy_transpose_avx2(src + base[1], in_step, dst + base[0], dst_t, t1 - t0,
                                            plan.inner(), static_cast<int>(sizeof(Out)));
                      });
      },
      [&](LoopPath path, std::int64_t begin, std::int64_t end) {
        if (path != LoopPath::Odometer) {
          walk_rows(plan, begin, end, row);
          return;
        }
        walk_rows(plan, begin, end, [&](const std::int64_t* o, std::int64_t n) {
          const std::int64_t out_step = plan.inner_stride(0);
          for (std::int64_t i = 0; i < n; ++i) {
            dst[o[0] + i * out_step] = cast_value<Out>(src[o[1] + i * in_step]);
          }
        });
      });
  if (blocks && primitive_report().path == to_string(LoopPath::TransposeBlocked)) {
    primitive_report().isa = "avx2";  // the register transposes (copy_transpose_avx2.cpp)
  }
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
  const bool stream = streams(plan, dst);
  run_elementwise(
      plan, kCheapGrain, false,
      [&](const std::int64_t* o, std::int64_t n) {
        T* d = dst + o[0];
        if (stream) {
          fill_streaming(d, &v, sizeof(T), static_cast<std::size_t>(n));
          return;
        }
        for (std::int64_t i = 0; i < n; ++i) {
          d[i] = v;
        }
      },
      [&](const std::int64_t* o) { dst[o[0]] = v; });
}

class CpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }

  void elementwise(const Program& program, DType compute, std::span<const TensorData> inputs,
                   TensorData& out) override {
    run_program(program, compute, inputs, out);
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
