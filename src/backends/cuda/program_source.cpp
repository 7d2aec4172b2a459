// Generates the CUDA source of one program's kernel (Note [CUDA program compiler]).
#include "backends/cuda/program_source.h"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace minitorch::cuda {
namespace {

// The descriptor type of each op, as spelled in elementwise_ops.h.
std::string_view descriptor_of(OpCode op) {
  switch (op) {
#define MT_DESCRIPTOR_NAME(Type, fn) \
  case OpCode::Type: \
    return #Type;
    MT_ELEMENTWISE_OPS(MT_DESCRIPTOR_NAME)
#undef MT_DESCRIPTOR_NAME
    case OpCode::Const:
      break;
  }
  return "";
}

// The C++ type of a dtype's elements in the generated code (std::int64_t is long on LP64).
std::string_view c_type(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "float";
    case DType::Float64:
      return "double";
    case DType::Int64:
      return "long";
    case DType::Bool:
      return "bool";
    case DType::Float16:
      return "minitorch::Half";
    case DType::BFloat16:
      return "minitorch::BFloat16";
  }
  return "float";
}

void append(std::string& s, std::string_view a) { s.append(a); }
template <class... A>
void append(std::string& s, std::string_view a, const A&... rest) {
  s.append(a);
  append(s, rest...);
}

std::string value_name(const Program& p, int v) {
  std::string name(1, v < p.inputs ? 'x' : 'v');
  name += std::to_string(v < p.inputs ? v : v - p.inputs);
  return name;
}

// mt_eval: the program over the compute type T, one statement per node. A constant is
// static_cast<T>(double) of its exact bits, as eval_node does.
void append_eval(std::string& s, const Program& p, const KernelSpec& spec) {
  append(s, "__device__ __forceinline__ T mt_eval(");
  for (int k = 0; k < p.inputs; ++k) {
    append(s, k == 0 ? "" : ", ", "T x", std::to_string(k));
  }
  append(s, ") {\n");
  for (int k = 0; k < p.size; ++k) {
    const ProgramNode& n = p.nodes[k];
    append(s, "  const T v", std::to_string(k), " = ");
    if (n.op == OpCode::Const) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &n.value, sizeof bits);
      append(s, "static_cast<T>(__longlong_as_double(", std::to_string(bits), "ULL));\n");
      continue;
    }
    if (kind_of(n.op) == OpKind::Floating && !is_floating_point(spec.compute)) {
      append(s, "T(0);\n");  // never built by the ops layer; eval_node's value
      continue;
    }
    append(s, "minitorch::op::", descriptor_of(n.op), "{}(");
    for (int a = 0; a < arity_of(n.op); ++a) {
      append(s, a == 0 ? "" : ", ", value_name(p, n.args[a]));
    }
    append(s, ");\n");
  }
  append(s, "  return ", value_name(p, p.output), ";\n}\n");
}

// out[o] = the program over element e of each input (stepping inputs at their offset, the
// others at 0), converted to the output dtype.
std::string store_expression(const Program& p, const KernelSpec& spec, std::string_view out_at,
                             std::string_view (*input_at)(int)) {
  std::string s = "out[" + std::string(out_at) + "] = mt_store(mt_eval(";
  for (int k = 0; k < p.inputs; ++k) {
    append(s, k == 0 ? "" : ", ", "static_cast<T>(in", std::to_string(k), "[",
           spec.linear[k] ? input_at(k) : "0", "])");
  }
  return s + "));\n";
}

void append_flat_body(std::string& s, const Program& p, const KernelSpec& spec) {
  const std::string vec = std::to_string(spec.vec);
  append(
      s, "  const long long step = static_cast<long long>(gridDim.x) * blockDim.x * ", vec,
      ";\n  for (long long i = (static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x) * ",
      vec, "; i < n; i += step) {\n");
  if (spec.vec > 1) {
    // A whole vector: each stepping input of the compute dtype in one 16-byte load.
    append(s, "    if (i + ", vec, " <= n) {\n");
    for (int k = 0; k < p.inputs; ++k) {
      const std::string in = "in" + std::to_string(k);
      append(s, "      T a", std::to_string(k), "[", vec, "];\n");
      if (spec.linear[k] && spec.inputs[k] == spec.compute) {
        append(s, "      mt_load(a", std::to_string(k), ", ", in, " + i);\n");
      } else {
        append(s, "      for (int l = 0; l < ", vec, "; ++l) a", std::to_string(k),
               "[l] = static_cast<T>(", in, spec.linear[k] ? "[i + l]" : "[0]", ");\n");
      }
    }
    append(s, "      OUT r[", vec, "];\n      for (int l = 0; l < ", vec,
           "; ++l) r[l] = mt_store(mt_eval(");
    for (int k = 0; k < p.inputs; ++k) {
      append(s, k == 0 ? "" : ", ", "a", std::to_string(k), "[l]");
    }
    append(s, "));\n");
    if (spec.out == spec.compute) {
      append(s, "      mt_save(out + i, r);\n");
    } else {
      append(s, "      for (int l = 0; l < ", vec, "; ++l) out[i + l] = r[l];\n");
    }
    append(s, "      continue;\n    }\n");
  }
  append(s, "    for (long long e = i; e < n && e < i + ", vec, "; ++e) {\n      ",
         store_expression(p, spec, "e", [](int) -> std::string_view { return "e"; }),
         "    }\n  }\n");
}

void append_strided_body(std::string& s, const Program& p, const KernelSpec& spec) {
  append(s,
         "  const long long step = static_cast<long long>(gridDim.x) * blockDim.x;\n"
         "  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;"
         " i < n; i += step) {\n"
         "    long long offset[",
         std::to_string(1 + p.inputs),
         "] = {};\n"
         "    long long rest = i;\n"
         "    for (int d = 0; d < g.ndim; ++d) {\n"
         "      const long long index = rest % g.sizes[d];\n"
         "      rest /= g.sizes[d];\n"
         "      for (int k = 0; k < ",
         std::to_string(1 + p.inputs),
         "; ++k) offset[k] += index * g.strides[k][d];\n"
         "    }\n    ");
  static const char* const kOffsets[] = {"offset[1]", "offset[2]", "offset[3]", "offset[4]",
                                         "offset[5]", "offset[6]", "offset[7]", "offset[8]"};
  static_assert(std::size(kOffsets) == kMaxProgramInputs);
  append(
      s,
      store_expression(p, spec, "offset[0]", [](int k) -> std::string_view { return kOffsets[k]; }),
      "  }\n");
}

}  // namespace

std::string program_kernel_source(const Program& program, const KernelSpec& spec) {
  std::string s;
  s.reserve(4096);
  append(s, "#include \"minitorch/elementwise_ops.h\"\n#include \"minitorch/half.h\"\ntypedef ",
         c_type(spec.compute), " T;\ntypedef ", c_type(spec.out), " OUT;\n");
  // The conversions of Note [Value conversion] that a program's output needs: to bool by
  // != 0 (comparisons), else the value itself (the output has the compute dtype).
  append(s,
         spec.out == DType::Bool && spec.compute != DType::Bool
             ? "__device__ __forceinline__ OUT mt_store(T v) { return v != T(0); }\n"
             : "__device__ __forceinline__ OUT mt_store(T v) { return static_cast<OUT>(v); }\n");
  if (spec.vec > 1) {
    // 16-byte loads and stores of the compute dtype (the host checked the alignment).
    const bool is_float = spec.compute == DType::Float32;
    const std::string_view v16 = is_float ? "float4" : "double2";
    append(s, "__device__ __forceinline__ void mt_load(T* a, const T* p) {\n  const ", v16,
           " q = __ldg(reinterpret_cast<const ", v16, "*>(p));\n",
           is_float ? "  a[0] = q.x; a[1] = q.y; a[2] = q.z; a[3] = q.w;\n}\n"
                    : "  a[0] = q.x; a[1] = q.y;\n}\n",
           "__device__ __forceinline__ void mt_save(T* p, const T* r) {\n  *reinterpret_cast<", v16,
           "*>(p) = ",
           is_float ? "make_float4(r[0], r[1], r[2], r[3])" : "make_double2(r[0], r[1])", ";\n}\n");
  }
  if (!spec.flat) {
    append(s, "struct ProgramStrides {\n  long long sizes[", std::to_string(kMaxDims),
           "];\n  long long strides[", std::to_string(1 + kMaxProgramInputs), "][",
           std::to_string(kMaxDims), "];\n  int ndim;\n};\n");
  }
  append_eval(s, program, spec);
  append(s, "extern \"C\" __global__ void __launch_bounds__(", std::to_string(kProgramThreads),
         ") ", kProgramKernelName, "(OUT* __restrict__ out");
  for (int k = 0; k < program.inputs; ++k) {
    append(s, ", const ", c_type(spec.inputs[k]), "* __restrict__ in", std::to_string(k));
  }
  append(s, ", long long n", spec.flat ? "" : ", const ProgramStrides g", ") {\n");
  if (spec.flat) {
    append_flat_body(s, program, spec);
  } else {
    append_strided_body(s, program, spec);
  }
  append(s, "}\n");
  return s;
}

}  // namespace minitorch::cuda
