// Backend::elementwise on CUDA (Note [CUDA programs]).
//
// Note [CUDA programs]: a one-op program over at most two inputs in the compute dtype runs the
// tuned elementwise paths of cuda_elementwise.cuh (16-byte vectors, shared-memory tiles for a
// transposed operand), with the op's descriptor as the functor; so does add(in0, mul(in1, c)),
// the optimisers' update. Every other program runs its own compiled kernel (Note [CUDA
// program compiler], program_jit.cpp); without NVRTC, program_kernel, a generic interpreter:
// one thread per output element (grid-stride), operand offsets from the output's index (no
// division when every operand is contiguous or a scalar), each input converted to the compute
// dtype on load, the nodes evaluated in order by eval_program (the same code as the reference
// backend and the CPU's scalar lanes), the result converted on store. The program travels as a
// __grid_constant__ kernel parameter, so its nodes are read from the constant bank, uniform
// across a warp. This file is compiled with --fmad=false: a node's product is never fused
// with the next node's sum, so programs give the bits of their nodes run one by one.
#include <cuda_runtime.h>

#include <span>

#include "backends/cuda/cuda_elementwise.cuh"
#include "backends/cuda/program_jit.h"
#include "backends/program_eval.h"

namespace minitorch::cuda {
namespace {

constexpr int kMaxOperandsCuda = 1 + kMaxProgramInputs;

struct ProgramGeometry {
  int ndim = 0;
  bool flat = false;  // every operand is contiguous in out's order (linear) or a scalar
  std::int64_t sizes[kMaxDims] = {};  // innermost first
  std::int64_t strides[kMaxOperandsCuda][kMaxDims] = {};
  bool linear[kMaxOperandsCuda] = {};  // flat only: offset = index (else 0)
  void* out = nullptr;
  const void* data[kMaxOperandsCuda] = {};  // [0] unused: the output is `out`
  DType dtypes[kMaxOperandsCuda] = {};
};

template <class T>
__device__ __forceinline__ T load_as(const void* p, DType dtype, std::int64_t i) {
  switch (dtype) {
    case DType::Float32:
      return cast_value<T>(static_cast<const float*>(p)[i]);
    case DType::Float64:
      return cast_value<T>(static_cast<const double*>(p)[i]);
    case DType::Int64:
      return cast_value<T>(static_cast<const std::int64_t*>(p)[i]);
    case DType::Bool:
      return cast_value<T>(static_cast<const bool*>(p)[i]);
    case DType::Float16:
      return cast_value<T>(static_cast<const Half*>(p)[i]);
    case DType::BFloat16:
      return cast_value<T>(static_cast<const BFloat16*>(p)[i]);
  }
  return T(0);
}

template <class T>
__device__ __forceinline__ void store_as(void* p, DType dtype, std::int64_t i, T v) {
  switch (dtype) {
    case DType::Float32:
      static_cast<float*>(p)[i] = cast_value<float>(v);
      return;
    case DType::Float64:
      static_cast<double*>(p)[i] = cast_value<double>(v);
      return;
    case DType::Int64:
      static_cast<std::int64_t*>(p)[i] = cast_value<std::int64_t>(v);
      return;
    case DType::Bool:
      static_cast<bool*>(p)[i] = cast_value<bool>(v);
      return;
    case DType::Float16:
      static_cast<Half*>(p)[i] = cast_value<Half>(v);
      return;
    case DType::BFloat16:
      static_cast<BFloat16*>(p)[i] = cast_value<BFloat16>(v);
      return;
  }
}

template <class T>
__global__ void __launch_bounds__(kThreads)
    program_kernel(const __grid_constant__ Program program,
                   const __grid_constant__ ProgramGeometry g, std::int64_t n) {
  const std::int64_t step = static_cast<std::int64_t>(gridDim.x) * kThreads;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x; i < n;
       i += step) {
    std::int64_t offset[kMaxOperandsCuda] = {};
    const int operands = 1 + program.inputs;
    if (g.flat) {
      for (int k = 0; k < operands; ++k) {
        offset[k] = g.linear[k] ? i : 0;
      }
    } else {
      std::int64_t rest = i;
      for (int d = 0; d < g.ndim; ++d) {
        std::int64_t index = rest % g.sizes[d];
        rest /= g.sizes[d];
        for (int k = 0; k < operands; ++k) {
          offset[k] += index * g.strides[k][d];
        }
      }
    }
    T values[kMaxProgramInputs + kMaxProgramNodes];
    for (int k = 0; k < program.inputs; ++k) {
      values[k] = load_as<T>(g.data[k + 1], g.dtypes[k + 1], offset[k + 1]);
    }
    store_as<T>(g.out, g.dtypes[0], offset[0], eval_program<T>(program, values));
  }
}

ProgramGeometry geometry_of(std::span<const TensorData> inputs, TensorData& out) {
  ProgramGeometry g;
  const TensorData* operands[kMaxOperandsCuda] = {&out};
  const int count = 1 + static_cast<int>(inputs.size());
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    operands[k + 1] = &inputs[k];
  }
  g.out = out.data_ptr();
  g.flat = out.is_contiguous();
  for (int k = 0; k < count; ++k) {
    const TensorData& t = *operands[k];
    g.data[k] = t.data_ptr();
    g.dtypes[k] = t.dtype();
    bool scalar = true;
    for (int d = 0; d < t.ndim(); ++d) {
      scalar = scalar && (t.strides()[d] == 0 || t.shape()[d] == 1);
    }
    g.linear[k] = !scalar;
    g.flat = g.flat && (scalar || t.is_contiguous());
  }
  for (int d = out.ndim() - 1; d >= 0; --d) {
    g.sizes[g.ndim] = out.shape()[d];
    for (int k = 0; k < count; ++k) {
      g.strides[k][g.ndim] = operands[k]->strides()[d];
    }
    ++g.ndim;
  }
  return g;
}

template <class T>
void launch_interpreter(const Program& program, std::span<const TensorData> inputs, TensorData& out,
                        const OpContext& context) {
  ProgramGeometry g = geometry_of(inputs, out);
  const std::int64_t n = out.numel();
  const auto grid = static_cast<unsigned>(
      std::clamp<std::int64_t>(ceil_div(n, kThreads), 1, sm_count(out.device().index()) * 16));
  primitive_report() = PrimitiveReport{g.flat ? "cuda_program_flat" : "cuda_program", "cuda",
                                       static_cast<int>(grid) * kThreads};
  program_kernel<T><<<grid, kThreads, 0, stream_of(out)>>>(program, g, n);
  check_launch("program_kernel", context);
}

// a + alpha * b with the product rounded before the sum (the add_scaled pattern).
template <class T>
struct AddScaled {
  T alpha;
  __device__ T operator()(T a, T b) const {
    if constexpr (sizeof(T) == 4) {
      return __fadd_rn(a, __fmul_rn(alpha, b));
    } else {
      return __dadd_rn(a, __dmul_rn(alpha, b));
    }
  }
};

bool is_add_scaled(const Program& p) {
  return p.inputs == 2 && p.size == 3 && p.output == 4 && p.nodes[0].op == OpCode::Const &&
      p.nodes[1].op == OpCode::Mul && p.nodes[1].args[0] == 1 && p.nodes[1].args[1] == 2 &&
      p.nodes[2].op == OpCode::Add && p.nodes[2].args[0] == 0 && p.nodes[2].args[1] == 3;
}

// The tuned paths; false when the program is not one of their shapes.
bool run_tuned(const Program& program, DType compute, std::span<const TensorData> inputs,
               TensorData& out, const OpContext& context) {
  if (!is_floating_point(compute)) {
    return false;
  }
  for (const TensorData& t : inputs) {
    if (t.dtype() != compute) {
      return false;
    }
  }
  const OpCode op = program.single_op();
  const bool to_bool = out.dtype() == DType::Bool;
  if (!(out.dtype() == compute || (to_bool && program.is_comparison()))) {
    return false;
  }
  if (op == OpCode::Const) {
    if (!is_add_scaled(program) || to_bool) {
      return false;
    }
    dispatch_floating(compute, [&](auto t) {
      using T = decltype(t);
      run_elementwise<2, T, T, T>(AddScaled<T>{static_cast<T>(program.nodes[0].value)}, out,
                                  &inputs[0], &inputs[1], context);
    });
    return true;
  }
  if (arity_of(op) > 2) {
    return false;
  }
  dispatch_floating(compute, [&](auto t) {
    using T = decltype(t);
    dispatch_op(op, [&](auto d) {
      using D = decltype(d);
      if constexpr (D::arity == 1) {
        run_elementwise<1, T, T, T>(d, out, &inputs[0], nullptr, context);
      } else if constexpr (D::arity == 2) {
        if (to_bool) {
          run_elementwise<2, bool, T, T>(d, out, &inputs[0], &inputs[1], context);
        } else {
          run_elementwise<2, T, T, T>(d, out, &inputs[0], &inputs[1], context);
        }
      }
    });
  });
  return true;
}

}  // namespace

void launch_program(const Program& program, DType compute, std::span<const TensorData> inputs,
                    TensorData& out, const OpContext& context) {
  if (out.numel() == 0) {
    primitive_report() = PrimitiveReport{"cuda_empty", "cuda", 0};
    return;
  }
  if (run_tuned(program, compute, inputs, out, context) ||
      launch_compiled_program(program, compute, inputs, out, context)) {
    return;
  }
  switch (compute) {
    case DType::Float32:
      return launch_interpreter<float>(program, inputs, out, context);
    case DType::Float64:
      return launch_interpreter<double>(program, inputs, out, context);
    default:
      return launch_interpreter<std::int64_t>(program, inputs, out, context);
  }
}

}  // namespace minitorch::cuda
