// Note [CPU programs]: an elementwise program runs through the loop engine like any
// elementwise loop (threads split the output's elements; the plan merges and orders the dims
// once for every operand), and each run of the inner dim is evaluated chunk by chunk: for a
// chunk of kChunkBytes, each node runs as one kernel call over the chunk (SIMD where the op has
// a vector form, the descriptor lane by lane otherwise) into a per-thread scratch row that
// stays in L1, reading inputs in place when they are in the compute dtype with inner stride 0
// or 1 (else converted into scratch first); the last node writes the output in place when it
// can. When every operand is read and written in place and every node has a vector form, the
// whole program runs per vector instead (Note [Vector programs] in simd_kernels.h). A one-op
// program over direct inputs runs as a single kernel call per run: map and zip cost what they cost
// before programs. Each node rounds to the compute dtype, so results are bitwise those of the
// reference backend (up to an op's SIMD-form ulps, elementwise_ops.h).
#include "backends/cpu/cpu_program.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "backends/cpu/copy_transpose.h"
#include "backends/cpu/elementwise_loop.h"
#include "backends/cpu/node_scalar.h"

namespace minitorch::cpu {
namespace {

// Measured on a four-op program over 16M floats, one thread (medians, ms; an add of the same
// arrays: 16): chunks of 256 B 32, 512 B 28, 1 KiB 29.5, 4 KiB 35, 16 KiB 39. Small chunks keep
// the input streams interleaved finely; below 512 B the per-node call overhead shows.
constexpr std::int64_t kChunkBytes = 1024;
constexpr int kMaxValues = kMaxProgramInputs + kMaxProgramNodes;

template <class T>
using NodeFn = void (*)(OpCode, const T* const*, const std::int64_t*, T*, std::int64_t);

template <class T>
using ProgramFn = typename Kernels<T>::ProgramKernel;
template <class T>
using OpFn = typename Kernels<T>::OpKernel;

template <class T>
constexpr std::int64_t kChunk = kChunkBytes / static_cast<std::int64_t>(sizeof(T));

// Note [Staged tiles]: on the TransposeBlocked path (an input contiguous along another dim
// than the output, e.g. b.T in a + b.T), each tile of kTile rows is cut into blocks of
// kStageCols columns; the transposed inputs' blocks are copied into a per-thread staging area
// through the register transposes of copy_transpose_avx2 (a bit copy), and then every row of
// the block runs the vector kernel of a contiguous row. Without it, each element of a
// transposed input was read one at a time, at 0.19 of STREAM add for a + b.T (16M floats).
constexpr std::int64_t kStageCols = 128;

// kTile x kStageCols elements per program input, for the calling thread.
template <class T>
T* staging() {
  thread_local std::unique_ptr<T[]> buffer;
  if (!buffer) {
    buffer =
        std::make_unique<T[]>(static_cast<std::size_t>(kMaxProgramInputs * kTile * kStageCols));
  }
  return buffer.get();
}

// One chunk per program value, for the calling thread.
template <class T>
T* scratch() {
  thread_local std::unique_ptr<T[]> buffer;
  if (!buffer) {
    buffer = std::make_unique<T[]>(static_cast<std::size_t>(kMaxValues * kChunk<T>));
  }
  return buffer.get();
}

// Whether op's SIMD form in T (if any) gives the descriptor's bits (ulps32 or ulps64 0): then
// the descriptor may run on a layout where other layouts run the form. int64 has no forms.
template <class T>
bool is_exact(OpCode op) {
  return dispatch_op(op, [](auto d) {
    using D = decltype(d);
    if constexpr (!std::is_floating_point_v<T>) {
      return true;
    } else {
      return (sizeof(T) == 4 ? D::ulps32 : D::ulps64) == 0;
    }
  });
}

// Kernels::op_kernel's entries for any inner strides: the descriptor lane by lane.
template <class T>
OpFn<T> strided_op_kernel(OpCode op) {
  static constexpr auto table = op_kernels<ScalarRow<T>>(std::make_index_sequence<kOpCount>{});
  return table[static_cast<std::size_t>(op)];
}

// The active SIMD level's kernels; int64 programs (no SIMD table) run the descriptors lane by
// lane.
template <class T>
const Kernels<T>& kernels_of() {
  if constexpr (std::is_floating_point_v<T>) {
    return active_kernels().get<T>();
  } else {
    static const Kernels<T> scalar{
        &node_scalar<T>, [](OpCode op, bool) { return strided_op_kernel<T>(op); },
        [](const Program&, bool) -> ProgramFn<T> { return nullptr; }, nullptr, nullptr};
    return scalar;
  }
}

// Ops whose elements cost more than a load and a store: smaller parallel grains pay.
bool is_costly(const Program& p) {
  if (p.op_count() > 2) {
    return true;
  }
  for (int k = 0; k < p.size; ++k) {
    OpCode op = p.nodes[k].op;
    if (op != OpCode::Const && kind_of(op) == OpKind::Floating && op != OpCode::Div &&
        op != OpCode::Inv) {
      return true;
    }
  }
  return false;
}

template <class T>
class ProgramRows {
 public:
  ProgramRows(const Program& p, std::span<const TensorData> inputs, TensorData& out,
              const LoopPlan& plan, const Kernels<T>& kernels)
      : p_(p), node_(kernels.node), inputs_(static_cast<int>(inputs.size())) {
    const int nd = plan.ndim;
    for (int k = 0; k < inputs_; ++k) {
      in_base_[k] = static_cast<const std::byte*>(inputs[static_cast<std::size_t>(k)].data_ptr());
      in_dtype_[k] = inputs[static_cast<std::size_t>(k)].dtype();
      in_step_[k] = plan.strides[k + 1][nd - 1];
      in_direct_[k] = in_dtype_[k] == dtype_of<T>() && (in_step_[k] == 0 || in_step_[k] == 1);
    }
    out_base_ = static_cast<std::byte*>(out.data_ptr());
    out_dtype_ = out.dtype();
    out_step_ = plan.strides[0][nd - 1];
    out_direct_ = out_dtype_ == dtype_of<T>() && out_step_ == 1 && p.output >= p.inputs;
    for (int j = 0; j < p.size; ++j) {
      if (p.nodes[j].op == OpCode::Const) {
        consts_[j] = static_cast<T>(p.nodes[j].value);
      }
    }
    // A one-op program reading its inputs in place: the op's kernel per run, its vector form
    // when every inner stride is 0 or 1, else (exact ops) the descriptor over the strides (a
    // transposed operand's tile rows).
    bool all_direct = out_direct_;
    bool all_typed = out_direct_;
    for (int k = 0; k < inputs_; ++k) {
      all_direct = all_direct && in_direct_[k];
      all_typed = all_typed && in_dtype_[k] == dtype_of<T>();
    }
    single_op_ = all_typed ? p.single_op() : OpCode::Const;
    if (single_op_ != OpCode::Const && !all_direct && !is_exact<T>(single_op_)) {
      single_op_ = OpCode::Const;  // its SIMD form (in the chunked path) gives the bits
    }
    // Note [Streaming stores]: a large output written in place by a vector kernel.
    const bool stream = all_direct && use_streaming_stores(plan, std::int64_t{sizeof(T)}) &&
        reinterpret_cast<std::uintptr_t>(out_base_) % sizeof(T) == 0;
    if (single_op_ != OpCode::Const) {
      single_kernel_ =
          all_direct ? kernels.op_kernel(single_op_, stream) : strided_op_kernel<T>(single_op_);
    }
    program_ =
        all_direct && single_op_ == OpCode::Const ? kernels.program_kernel(p, stream) : nullptr;
    // Note [Staged tiles]: the kernels for rows whose transposed inputs were staged.
    if (!all_direct && out_direct_ && all_typed && simd_level() != SimdLevel::Scalar &&
        (sizeof(T) == 4 || sizeof(T) == 8)) {
      const OpCode op = p.single_op();
      staged_single_ = op != OpCode::Const ? kernels.op_kernel(op, false) : nullptr;
      staged_program_ = op == OpCode::Const ? kernels.program_kernel(p, false) : nullptr;
    }
  }

  // Whether the TransposeBlocked path's tiles run staged (Note [Staged tiles]): every input
  // is direct or contiguous along tile_dim, at least one is the latter, and a vector kernel
  // runs the whole program.
  bool stages_tiles(const LoopPlan& plan, int tile_dim) const {
    if (staged_single_ == nullptr && staged_program_ == nullptr) {
      return false;
    }
    bool any = false;
    for (int k = 0; k < inputs_; ++k) {
      if (!in_direct_[k]) {
        if (plan.strides[k + 1][tile_dim] != 1) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  // One tile of staged rows: [t0, t1) along tile_dim by the whole inner dim, base as
  // for_each_tile gives it.
  void staged_tile(const LoopPlan& plan, int tile_dim, const std::int64_t* base, std::int64_t t0,
                   std::int64_t t1) const {
    const int nd = plan.ndim;
    const std::int64_t rows = t1 - t0;
    T* stage = staging<T>();
    for (std::int64_t i0 = 0; i0 < plan.inner(); i0 += kStageCols) {
      const std::int64_t n = std::min(kStageCols, plan.inner() - i0);
      for (int k = 0; k < inputs_; ++k) {
        if (!in_direct_[k]) {
          copy_transpose_avx2(in_ptr(k) + base[k + 1] + i0 * in_step_[k], in_step_[k],
                              stage + k * kTile * kStageCols, kStageCols, rows, n,
                              static_cast<int>(sizeof(T)));
        }
      }
      for (std::int64_t t = 0; t < rows; ++t) {
        const T* args[kMaxProgramInputs];
        std::int64_t steps[kMaxProgramInputs];
        for (int k = 0; k < inputs_; ++k) {
          if (in_direct_[k]) {
            args[k] = in_ptr(k) + base[k + 1] + t * plan.strides[k + 1][tile_dim] +
                i0 * plan.strides[k + 1][nd - 1];
            steps[k] = in_step_[k];
          } else {
            args[k] = stage + (k * kTile + t) * kStageCols;
            steps[k] = 1;
          }
        }
        T* out = out_ptr() + base[0] + t * plan.strides[0][tile_dim] + i0;
        if (staged_single_ != nullptr) {
          staged_single_(args, steps, out, n);
        } else {
          staged_program_(p_, args, steps, out, n);
        }
      }
    }
  }

  // One run of n elements along the inner dim; offsets[k] is operand k's (0 = out).
  void operator()(const std::int64_t* offsets, std::int64_t n) const {
    if (single_op_ != OpCode::Const) {
      const T* args[kMaxProgramInputs];
      for (int k = 0; k < inputs_; ++k) {
        args[k] = in_ptr(k) + offsets[k + 1];
      }
      single_kernel_(args, in_step_, out_ptr() + offsets[0], n);
      return;
    }
    if (program_ != nullptr) {
      const T* args[kMaxProgramInputs];
      for (int k = 0; k < inputs_; ++k) {
        args[k] = in_ptr(k) + offsets[k + 1];
      }
      program_(p_, args, in_step_, out_ptr() + offsets[0], n);
      return;
    }
    T* buf = scratch<T>();
    constexpr std::int64_t chunk = kChunk<T>;
    for (std::int64_t c = 0; c < n; c += chunk) {
      const std::int64_t m = std::min(chunk, n - c);
      const T* val[kMaxValues];
      std::int64_t step[kMaxValues];
      for (int k = 0; k < inputs_; ++k) {
        const std::int64_t s = in_step_[k];
        const std::int64_t o = offsets[k + 1] + c * s;
        if (in_direct_[k]) {
          val[k] = in_ptr(k) + o;
          step[k] = s;
        } else {
          T* dst = buf + k * chunk;
          load(k, o, s, s == 0 ? 1 : m, dst);
          val[k] = dst;
          step[k] = s == 0 ? 0 : 1;
        }
      }
      for (int j = 0; j < p_.size; ++j) {
        const int v = p_.inputs + j;
        const ProgramNode& node = p_.nodes[j];
        if (node.op == OpCode::Const) {
          val[v] = &consts_[j];
          step[v] = 0;
          continue;
        }
        T* dst = v == p_.output && out_direct_ ? out_ptr() + offsets[0] + c : buf + v * chunk;
        const T* args[3];
        std::int64_t steps[3];
        for (int i = 0; i < arity_of(node.op); ++i) {
          args[i] = val[node.args[i]];
          steps[i] = step[node.args[i]];
        }
        node_(node.op, args, steps, dst, m);
        val[v] = dst;
        step[v] = 1;
      }
      if (!out_direct_) {
        store(val[p_.output], step[p_.output], offsets[0] + c * out_step_, m);
      }
    }
  }

 private:
  const T* in_ptr(int k) const { return reinterpret_cast<const T*>(in_base_[k]); }
  T* out_ptr() const { return reinterpret_cast<T*>(out_base_); }

  // dst[i] = input k's element at o + i * s, converted to T (Note [Value conversion]).
  void load(int k, std::int64_t o, std::int64_t s, std::int64_t count, T* dst) const {
    dispatch_dtype(in_dtype_[k], [&](auto t) {
      using S = decltype(t);
      const S* src = reinterpret_cast<const S*>(in_base_[k]) + o;
      for (std::int64_t i = 0; i < count; ++i) {
        dst[i] = cast_value<T>(src[i * s]);
      }
    });
  }

  void store(const T* v, std::int64_t vs, std::int64_t o, std::int64_t m) const {
    dispatch_dtype(out_dtype_, [&](auto t) {
      using O = decltype(t);
      O* dst = reinterpret_cast<O*>(out_base_) + o;
      for (std::int64_t i = 0; i < m; ++i) {
        dst[i * out_step_] = cast_value<O>(v[i * vs]);
      }
    });
  }

  const Program& p_;
  NodeFn<T> node_;
  int inputs_;
  const std::byte* in_base_[kMaxProgramInputs] = {};
  DType in_dtype_[kMaxProgramInputs] = {};
  std::int64_t in_step_[kMaxProgramInputs] = {};
  bool in_direct_[kMaxProgramInputs] = {};
  std::byte* out_base_ = nullptr;
  DType out_dtype_ = DType::Float32;
  std::int64_t out_step_ = 1;
  bool out_direct_ = false;
  OpCode single_op_ = OpCode::Const;
  OpFn<T> single_kernel_ = nullptr;  // single_op_'s kernel
  ProgramFn<T> program_ = nullptr;  // Note [Vector programs]
  OpFn<T> staged_single_ = nullptr;  // Note [Staged tiles]: a one-op program's vector kernel
  ProgramFn<T> staged_program_ = nullptr;  // or the whole program's
  T consts_[kMaxProgramNodes];  // entries of Const nodes only
};

template <class T>
void run_typed(const Program& program, std::span<const TensorData> inputs, TensorData& out) {
  LoopPlan plan = make_plan(out, inputs);
  if (plan.numel == 0) {
    primitive_report() = PrimitiveReport{"contiguous", "scalar", 1};
    return;
  }
  const ProgramRows<T> rows(program, inputs, out, plan, kernels_of<T>());
  std::atomic<bool> staged{false};
  split_elementwise(
      plan, is_costly(program) ? kCostlyGrain : kCheapGrain, std::is_floating_point_v<T>,
      [&](int tile_dim, std::int64_t begin, std::int64_t end) {
        if (!rows.stages_tiles(plan, tile_dim)) {
          walk_tile_rows(plan, tile_dim, begin, end, rows);
          return;
        }
        staged.store(true, std::memory_order_relaxed);
        for_each_tile(plan, tile_dim, begin, end,
                      [&](const std::int64_t* base, std::int64_t t0, std::int64_t t1) {
                        rows.staged_tile(plan, tile_dim, base, t0, t1);
                      });
      },
      [&](LoopPath, std::int64_t begin, std::int64_t end) { walk_rows(plan, begin, end, rows); });
  if (staged.load(std::memory_order_relaxed)) {
    primitive_report().isa = std::string(to_string(simd_level()));  // the staged rows' kernels
  }
}

}  // namespace

void run_program(const Program& program, DType compute, std::span<const TensorData> inputs,
                 TensorData& out) {
  switch (compute) {
    case DType::Float32:
      return run_typed<float>(program, inputs, out);
    case DType::Float64:
      return run_typed<double>(program, inputs, out);
    default:
      return run_typed<std::int64_t>(program, inputs, out);
  }
}

}  // namespace minitorch::cpu
