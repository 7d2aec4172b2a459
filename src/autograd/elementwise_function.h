// Elementwise programs in autograd: one node type for every elementwise op, built-in or
// user-defined, whose backward evaluates the program's gradient programs (Note [Program
// gradients], program_grad.h), one pass each.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>

#include "autograd/program_grad.h"
#include "minitorch/program.h"
#include "minitorch/tensor.h"

namespace minitorch::autograd {

/// A program with its name and its gradient programs, built once and shared.
struct CompiledProgram {
  Program forward;
  /// Stable for the process's life (profiles keep views of it).
  std::string_view name;
  std::array<GradientProgram, kMaxProgramInputs> grads;
  /// Some input has a non-zero gradient (comparisons have none: never recorded).
  bool differentiable = false;
};

/// Compiles program (its gradients too); throws ValueError when a gradient needs more than
/// kMaxProgramInputs tensors.
std::shared_ptr<const CompiledProgram> compile_program(const Program& program,
                                                       std::string_view name);
/// The compiled one-op program of op (a static).
const CompiledProgram& compiled_op(OpCode op);

/// program over inputs (broadcast together), recording a node when grad mode is on and an
/// input requires grad. keep_alive holds program's owner while the node lives (null for the
/// statics of compiled_op).
Tensor apply_program(const CompiledProgram& program, std::span<const Tensor> inputs,
                     std::shared_ptr<const CompiledProgram> keep_alive = nullptr);

}  // namespace minitorch::autograd
