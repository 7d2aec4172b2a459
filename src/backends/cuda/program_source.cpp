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

// prefix, k and suffix as one name ("a" 2 "[u]" -> "a2[u]"), appended piece by piece (GCC 12's
// -Wrestrict misfires on "literal" + std::string).
std::string indexed(std::string_view prefix, int k, std::string_view suffix) {
  std::string s(prefix);
  s += std::to_string(k);
  s += suffix;
  return s;
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
std::string store_expression(const Program& p, const KernelSpec& spec, std::string_view out_at) {
  std::string s = "out[" + std::string(out_at) + "] = mt_store(mt_eval(";
  for (int k = 0; k < p.inputs; ++k) {
    append(s, k == 0 ? "" : ", ", "static_cast<T>(in", std::to_string(k), "[",
           spec.linear[k] ? out_at : "0", "])");
  }
  return s + "));\n";
}

// Fills a<k>[u][0 .. vec) from in<k> + at: one 16-byte (or 8-byte, 16-bit) load where the
// operand has the compute dtype or is a 16-bit float, else element by element.
void append_vector_load(std::string& s, const KernelSpec& spec, int k, std::string_view at,
                        std::string_view indent) {
  const std::string a = indexed("a", k, "[u]");
  const std::string in = indexed("in", k, "");
  if (spec.vec > 1 && spec.inputs[k] == spec.compute) {
    append(s, indent, "mt_load(", a, ", ", in, " + ", at, ");\n");
  } else if (spec.vec > 1 && is_reduced_float(spec.inputs[k])) {
    append(s, indent, "mt_load_h(", a, ", ", in, " + ", at, ");\n");
  } else {
    append(s, indent, "for (int l = 0; l < ", std::to_string(spec.vec), "; ++l) ", a,
           "[l] = static_cast<T>(", in, "[", at, " + l]);\n");
  }
}

// r[0 .. vec) = the program over a<k>[u][l], stored at out + at as one vector where it can.
void append_compute_store(std::string& s, const Program& p, const KernelSpec& spec,
                          std::string_view at, std::string_view indent) {
  const std::string vec = std::to_string(spec.vec);
  append(s, indent, "OUT r[", vec, "];\n", indent, "for (int l = 0; l < ", vec,
         "; ++l) r[l] = mt_store(mt_eval(");
  for (int k = 0; k < p.inputs; ++k) {
    append(s, k == 0 ? "" : ", ", "a", std::to_string(k), "[u][l]");
  }
  append(s, "));\n");
  if (spec.vec > 1 && spec.out == spec.compute) {
    append(s, indent, "mt_save(out + ", at, ", r);\n");
  } else if (spec.vec > 1 && is_reduced_float(spec.out)) {
    append(s, indent, "mt_save_h(out + ", at, ", r);\n");
  } else {
    append(s, indent, "for (int l = 0; l < ", vec, "; ++l) out[", at, " + l] = r[l];\n");
  }
}

// The operands of kProgramUnroll work items per thread: T a<k>[U][vec]; inputs that do not
// step are read once.
void append_operand_arrays(std::string& s, const Program& p, const KernelSpec& spec) {
  const std::string vec = std::to_string(spec.vec);
  const std::string unroll = std::to_string(spec.unroll);
  for (int k = 0; k < p.inputs; ++k) {
    const std::string a = indexed("a", k, "");
    append(s, "    T ", a, "[", unroll, "][", vec, "];\n");
    if (!spec.linear[k]) {
      append(s, "    for (int u = 0; u < ", unroll, "; ++u) for (int l = 0; l < ", vec, "; ++l) ",
             a, "[u][l] = static_cast<T>(in", std::to_string(k), "[0]);\n");
    }
  }
}

// Flat: work item i is elements [i * vec, i * vec + vec); a thread takes items base,
// base + blockDim.x, ... (kProgramUnroll of them, consecutive threads on consecutive items),
// loads all of them, then computes and stores; the last partial item goes element by element.
void append_flat_body(std::string& s, const Program& p, const KernelSpec& spec) {
  const std::string vec = std::to_string(spec.vec);
  const std::string unroll = std::to_string(spec.unroll);
  append(s, "  const long long items = (n + ", vec, " - 1) / ", vec,
         ";\n  const long long step = static_cast<long long>(gridDim.x) * blockDim.x * ", unroll,
         ";\n  for (long long base = static_cast<long long>(blockIdx.x) * blockDim.x * ", unroll,
         " + threadIdx.x; base < items; base += step) {\n");
  append_operand_arrays(s, p, spec);
  append(s, "#pragma unroll\n    for (int u = 0; u < ", unroll,
         "; ++u) {\n      const long long i = (base + static_cast<long long>(u) * blockDim.x) * ",
         vec, ";\n      if (i + ", vec, " <= n) {\n");
  for (int k = 0; k < p.inputs; ++k) {
    if (spec.linear[k]) {
      append_vector_load(s, spec, k, "i", "        ");
    }
  }
  append(s, "      }\n    }\n#pragma unroll\n    for (int u = 0; u < ", unroll,
         "; ++u) {\n      const long long i = (base + static_cast<long long>(u) * blockDim.x) * ",
         vec, ";\n      if (i + ", vec, " <= n) {\n");
  append_compute_store(s, p, spec, "i", "        ");
  append(s, "      } else {\n        for (long long e = i; e < n; ++e) ",
         store_expression(p, spec, "e"), "      }\n    }\n  }\n");
}

// Strided: work item i is vec elements along the innermost dim; mt_offsets turns it into each
// operand's element offset (in 32-bit multiply-shift division when spec.wide is off).
void append_offsets(std::string& s, const Program& p, const KernelSpec& spec) {
  const std::string operands = std::to_string(1 + p.inputs);
  append(
      s, "__device__ __forceinline__ void mt_offsets(I i, const ProgramStrides& g, I (&off)[",
      operands, "]) {\n#pragma unroll\n  for (int k = 0; k < ", operands,
      "; ++k) off[k] = 0;\n#pragma unroll\n  for (int d = 0; d < ", std::to_string(kMaxDims),
      "; ++d) {\n    I r = i;\n    if (d + 1 < g.ndim) {\n      const I q = ",
      spec.wide ? "i / static_cast<I>(g.sizes[d])" : "(__umulhi(i, g.magic[d]) + i) >> g.shift[d]",
      ";\n      r = i - q * static_cast<I>(g.sizes[d]);\n      i = q;\n    }\n"
      "#pragma unroll\n    for (int k = 0; k < ",
      operands,
      "; ++k) off[k] += r * static_cast<I>(g.strides[k][d]);\n    if (d + 1 >= g.ndim) "
      "break;\n  }\n}\n");
}

void append_strided_body(std::string& s, const Program& p, const KernelSpec& spec) {
  const std::string unroll = std::to_string(spec.unroll);
  append(s, "  const I items = static_cast<I>(n);\n  const I step = static_cast<I>(gridDim.x) * ",
         "blockDim.x * ", unroll, ";\n  for (I base = static_cast<I>(blockIdx.x) * blockDim.x * ",
         unroll, " + threadIdx.x; base < items; base += step) {\n    I o[", unroll, "];\n");
  append_operand_arrays(s, p, spec);
  append(s, "#pragma unroll\n    for (int u = 0; u < ", unroll,
         "; ++u) {\n      const I i = base + static_cast<I>(u) * blockDim.x;\n"
         "      if (i < items) {\n        I off[",
         std::to_string(1 + p.inputs),
         "];\n        mt_offsets(i, g, off);\n        o[u] = off[0];\n");
  for (int k = 0; k < p.inputs; ++k) {
    if (!spec.linear[k]) {
      continue;
    }
    const std::string at = indexed("off[", k + 1, "]");
    if (spec.vec == 1) {
      append(s, "        a", std::to_string(k), "[u][0] = static_cast<T>(in", std::to_string(k),
             "[", at, "]);\n");
      continue;
    }
    append(s, "        if ((g.unit >> ", std::to_string(k), ") & 1) {\n");
    append_vector_load(s, spec, k, at, "          ");
    append(s, "        } else {\n          const T x = static_cast<T>(in", std::to_string(k), "[",
           at, "]);\n          for (int l = 0; l < ", std::to_string(spec.vec), "; ++l) a",
           std::to_string(k), "[u][l] = x;\n        }\n");
  }
  append(s, "      }\n    }\n#pragma unroll\n    for (int u = 0; u < ", unroll,
         "; ++u) {\n      if (base + static_cast<I>(u) * blockDim.x < items) {\n");
  append_compute_store(s, p, spec, "o[u]", "        ");
  append(s, "      }\n    }\n  }\n");
}

// Tiled (Note [CUDA tiled programs] in program_jit.cpp): block b of the grid is a (q, p) tile
// and an index over the other dims; thread (tx, ty) takes rows ty, ty + 8, ... of the tile and
// issues every load before the barrier: transposed inputs with lanes along p (their unit
// stride) into shared memory, the others with lanes along q (the output's) into registers;
// then it computes and stores with lanes along q.
void append_tiled_body(std::string& s, const Program& p, const KernelSpec& spec) {
  const std::string tile = std::to_string(kProgramTile);
  const std::string rows = std::to_string(kProgramTileRows);
  const std::string steps = std::to_string(kProgramTile / kProgramTileRows);
  const std::string operands = std::to_string(1 + p.inputs);
  append(s, "  const I tx = threadIdx.x % ", tile, ";\n  const I ty = threadIdx.x / ", tile,
         ";\n  I b = static_cast<I>(blockIdx.x);\n  I q0 = 0;\n  I p0 = 0;\n  I base[", operands,
         "] = {};\n#pragma unroll\n  for (int d = 0; d < ", std::to_string(kMaxDims),
         "; ++d) {\n    if (d >= g.ndim) break;\n    const I count = d < 2 ? "
         "static_cast<I>((g.sizes[d] + ",
         tile, " - 1) / ", tile,
         ") : static_cast<I>(g.sizes[d]);\n    I r = b;\n    if (d + 1 < g.ndim) {\n      const I "
         "q = ",
         spec.wide ? "b / count" : "(__umulhi(b, g.magic[d]) + b) >> g.shift[d]",
         ";\n      r = b - q * count;\n      b = q;\n    }\n    if (d == 0) q0 = r * ", tile,
         ";\n    else if (d == 1) p0 = r * ", tile, ";\n    else for (int k = 0; k < ", operands,
         "; ++k) base[k] += r * static_cast<I>(g.strides[k][d]);\n  }\n",
         "  const I size_q = static_cast<I>(g.sizes[0]);\n",
         "  const I size_p = static_cast<I>(g.sizes[1]);\n");
  // Operand k's offset at (q, p).
  auto at = [](int k, std::string_view q, std::string_view p_) {
    std::string e = indexed("base[", k, "] + ");
    e.append(q);
    e += indexed(" * static_cast<I>(g.strides[", k, "][0]) + ");
    e.append(p_);
    e += indexed(" * static_cast<I>(g.strides[", k, "][1])");
    return e;
  };
  for (int k = 0; k < p.inputs; ++k) {
    const std::string a = indexed("a", k, "");
    append(s, "  T ", a, "[", steps, "] = {};\n");
    if ((spec.transposed >> k) & 1U) {
      append(s, "  __shared__ T ", indexed("tile", k, ""), "[", tile, "][", tile, " + 1];\n");
    }
    if (!spec.linear[k]) {
      append(s, "  for (int j = 0; j < ", steps, "; ++j) ", a, "[j] = static_cast<T>(",
             indexed("in", k, "[0]);\n"));
    }
  }
  std::string across;  // transposed inputs: lanes along p
  std::string along;  // the others: lanes along q
  for (int k = 0; k < p.inputs; ++k) {
    if (!spec.linear[k]) {
      continue;
    }
    const bool transposed = (spec.transposed >> k) & 1U;
    append(transposed ? across : along, "        ", indexed("a", k, "[j]"), " = static_cast<T>(",
           indexed("in", k, "["),
           transposed ? at(k + 1, "row_q", "lane") : at(k + 1, "lane", "row_p"), "]);\n");
  }
  append(s, "#pragma unroll\n  for (int j = 0; j < ", steps, "; ++j) {\n    const I row = ty + ",
         rows, " * j;\n    {\n      const I lane = p0 + tx;\n      const I row_q = q0 + row;\n",
         "      if (lane < size_p && row_q < size_q) {\n", across, "      }\n    }\n",
         "    {\n      const I lane = q0 + tx;\n      const I row_p = p0 + row;\n",
         "      if (row_p < size_p && lane < size_q) {\n", along, "      }\n    }\n  }\n");
  append(s, "#pragma unroll\n  for (int j = 0; j < ", steps, "; ++j) {\n");
  for (int k = 0; k < p.inputs; ++k) {
    if ((spec.transposed >> k) & 1U) {
      append(s, "    ", indexed("tile", k, ""), "[ty + ", rows,
             " * j][tx] = ", indexed("a", k, "[j]"), ";\n");
    }
  }
  append(s, "  }\n  __syncthreads();\n#pragma unroll\n  for (int j = 0; j < ", steps, "; ++j) {\n");
  for (int k = 0; k < p.inputs; ++k) {
    if ((spec.transposed >> k) & 1U) {
      append(s, "    ", indexed("a", k, "[j]"), " = ", indexed("tile", k, ""), "[tx][ty + ", rows,
             " * j];\n");
    }
  }
  append(s, "  }\n#pragma unroll\n  for (int j = 0; j < ", steps,
         "; ++j) {\n    const I lane = q0 + tx;\n    const I row_p = p0 + ty + ", rows,
         " * j;\n    if (row_p < size_p && lane < size_q) {\n      out[", at(0, "lane", "row_p"),
         "] = mt_store(mt_eval(");
  for (int k = 0; k < p.inputs; ++k) {
    append(s, k == 0 ? "" : ", ", indexed("a", k, "[j]"));
  }
  append(s, "));\n    }\n  }\n");
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
  if (spec.vec > 1 && spec.compute == DType::Float32) {
    // vec 16-bit floats in one vector load or store (8 or 16 bytes; the host checked the
    // alignment), converted one by one through half.h (Note [Reduced floats]).
    const std::string words = std::to_string(spec.vec / 2);
    const std::string_view v = spec.vec == 8 ? "uint4" : "uint2";
    append(s,
           "template <class H> __device__ __forceinline__ void mt_load_h(T* a, const H* p) {\n  "
           "const ",
           v, " q = __ldg(reinterpret_cast<const ", v, "*>(p));\n  const unsigned w[", words,
           "] = {q.x, q.y", spec.vec == 8 ? ", q.z, q.w" : "", "};\n  for (int l = 0; l < ",
           std::to_string(spec.vec),
           "; ++l) a[l] = static_cast<T>(H::from_bits(static_cast<unsigned short>(w[l / 2] >> "
           "(16 * (l % 2)))));\n}\n");
    append(s,
           "template <class H> __device__ __forceinline__ void mt_save_h(H* p, const H* r) {\n  "
           "unsigned w[",
           words, "];\n  for (int l = 0; l < ", words,
           "; ++l) w[l] = r[2 * l].bits | (static_cast<unsigned>(r[2 * l + 1].bits) << 16);\n  "
           "*reinterpret_cast<",
           v, "*>(p) = ",
           spec.vec == 8 ? "make_uint4(w[0], w[1], w[2], w[3])" : "make_uint2(w[0], w[1])",
           ";\n}\n");
  }
  if (!spec.flat) {
    const std::string dims = std::to_string(kMaxDims);
    append(s, "typedef ", spec.wide ? "long long" : "unsigned",
           " I;\nstruct ProgramStrides {\n  long long sizes[", dims, "];\n  long long strides[",
           std::to_string(1 + kMaxProgramInputs), "][", dims, "];\n  unsigned magic[", dims,
           "];\n  unsigned shift[", dims, "];\n  int ndim;\n  unsigned unit;\n};\n");
    if (spec.transposed == 0) {
      append_offsets(s, program, spec);
    }
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
  } else if (spec.transposed != 0) {
    append_tiled_body(s, program, spec);
  } else {
    append_strided_body(s, program, spec);
  }
  append(s, "}\n");
  return s;
}

}  // namespace minitorch::cuda
