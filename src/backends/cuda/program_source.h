// CUDA C++ source for one elementwise program (Note [CUDA program compiler] in
// program_jit.cpp). Pure host code: the text is compiled by NVRTC at run time.
#pragma once

#include <string>

#include "minitorch/dtype.h"
#include "minitorch/program.h"
#include "minitorch/shape.h"

namespace minitorch::cuda {

/// What a generated kernel is specialised on besides the program: the dtypes, which inputs
/// step with the output (the others are read once: size-1 or stride-0 everywhere), whether
/// every stepping operand is contiguous in the output's order (flat: offset = index), and the
/// elements per thread and step (flat only: 16-byte vectors of the compute dtype, else 1).
struct KernelSpec {
  DType compute = DType::Float32;
  DType out = DType::Float32;
  DType inputs[kMaxProgramInputs] = {};
  bool linear[kMaxProgramInputs] = {};
  bool flat = true;
  int vec = 1;
};

/// The kernel's name in the generated source, and its block size.
inline constexpr const char* kProgramKernelName = "mt_program";
inline constexpr int kProgramThreads = 256;

/// The kernel's source. Its parameters, in order: the output pointer, one pointer per input,
/// the element count (long long) and, when !spec.flat, a ProgramStrides by value.
std::string program_kernel_source(const Program& program, const KernelSpec& spec);

/// The strided kernel's geometry parameter: the output's dims innermost first and each
/// operand's strides (operand 0 the output), in elements. Layout shared with the source.
struct ProgramStrides {
  long long sizes[kMaxDims] = {};
  long long strides[1 + kMaxProgramInputs][kMaxDims] = {};
  int ndim = 0;
};

}  // namespace minitorch::cuda
