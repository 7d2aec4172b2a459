// CUDA C++ source for one elementwise program (Note [CUDA program compiler] in
// program_jit.cpp). Pure host code: the text is compiled by NVRTC at run time.
#pragma once

#include <string>

#include "minitorch/dtype.h"
#include "minitorch/program.h"
#include "minitorch/shape.h"

namespace minitorch::cuda {

/// The kernel's name in the generated source, its block size, and the work items each thread
/// takes per grid step (their loads are all issued before the first store).
inline constexpr const char* kProgramKernelName = "mt_program";
inline constexpr int kProgramThreads = 256;
inline constexpr int kProgramUnroll = 4;

/// What a generated kernel is specialised on besides the program: the dtypes, which inputs
/// step with the output (the others are read once: size-1 or stride-0 everywhere), whether
/// every stepping operand is contiguous in the output's order (flat: offset = index), the
/// elements per work item (vec: 16-byte vectors of the compute dtype, 8 16-bit floats when
/// every stepping operand is one, else 1), when not flat whether offsets need 64 bits, and the
/// work items a thread takes per grid step. A nonzero `transposed` (bit k: input k) asks for
/// the tiled kernel instead (Note [CUDA tiled programs] in program_jit.cpp): those inputs are
/// unit-stride along another dim than the output's innermost and go through shared memory.
struct KernelSpec {
  DType compute = DType::Float32;
  DType out = DType::Float32;
  DType inputs[kMaxProgramInputs] = {};
  bool linear[kMaxProgramInputs] = {};
  bool flat = true;
  int vec = 1;
  bool wide = false;
  int unroll = kProgramUnroll;
  unsigned transposed = 0;
};

/// The tiled kernel: 32x32 (q, p) tiles, a block of kProgramThreads = 32 x kProgramTileRows
/// threads; at most kMaxTiledInputs inputs go through shared memory (four float64 tiles take
/// 33 KiB of the 48 KiB a block may declare).
inline constexpr int kProgramTile = 32;
inline constexpr int kProgramTileRows = 8;
inline constexpr int kMaxTiledInputs = 4;

/// The kernel's source. Its parameters, in order: the output pointer, one pointer per input,
/// a count (long long: the elements when flat, else the work items) and, when !spec.flat, a
/// ProgramStrides by value.
std::string program_kernel_source(const Program& program, const KernelSpec& spec);

/// The strided kernel's geometry, in work items of spec.vec elements along the innermost
/// dim: the output's dims innermost first (size-1 dims dropped, dims every operand steps
/// through as one merged), each operand's strides in elements (operand 0 the output; dim 0's
/// stride is per item), the multiply-shift divisors of the sizes (32-bit kernels), and which
/// inputs are unit-stride along dim 0 (bit k: loaded as vectors; else broadcast there).
/// The tiled kernel's: dim 0 is q (the output's unit-stride dim), dim 1 is p (the transposed
/// inputs' unit-stride dim), and the divisors are of the block grid's extents (tiles along q
/// and p, the sizes of the other dims). Layout shared with the generated source.
struct ProgramStrides {
  long long sizes[kMaxDims] = {};
  long long strides[1 + kMaxProgramInputs][kMaxDims] = {};
  unsigned magic[kMaxDims] = {};
  unsigned shift[kMaxDims] = {};
  int ndim = 0;
  unsigned unit = 0;
};

}  // namespace minitorch::cuda
