// Note [Program gradients]: the gradient of a program with respect to one input, as another
// program (one pass over memory in backward). It is traced by reverse accumulation over the
// forward program's DAG: each node's adjoint flows to its arguments through its descriptor's
// grad (elementwise_ops.h), adjoints of a value used twice are added in node order, and the
// forward values a rule reads are recomputed inside the gradient program (the final output is
// read from the saved output instead). So every elementwise op, built-in or user-defined, gets
// its autograd rule from the descriptors alone.
#pragma once

#include <cstdint>

#include "minitorch/program.h"

namespace minitorch::autograd {

struct GradientProgram {
  /// Over the sources it reads, in the order of `sources`.
  Program program;
  /// Program input j reads source sources[j]: s < n is forward input s, n the forward
  /// output, n + 1 the output's gradient (n = the forward program's inputs).
  std::uint8_t sources[kMaxProgramInputs] = {};
  /// No path from the input to the output through differentiable arguments: the gradient
  /// is zero (and program is empty).
  bool zero = false;
  /// The gradient is the output's gradient itself (program is the identity).
  bool identity = false;
};

/// d(output)/d(input) times the output's gradient. Throws ValueError when the gradient needs
/// more than kMaxProgramInputs sources or kMaxProgramNodes nodes.
GradientProgram gradient_program(const Program& forward, int input);

}  // namespace minitorch::autograd
