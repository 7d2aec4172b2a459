// Whether float32 matmuls may trade precision for speed, as PyTorch's
// torch.backends.cuda.matmul.allow_tf32: with it on, a float32 CUDA matmul may round its
// inputs to TF32 (10-bit mantissa) and multiply on tensor cores, summing in float32. Off by
// default (results then stay plain float32 FMA); MINITORCH_ALLOW_TF32=1 turns it on for a run.
// It is a permission, not a promise: small or unaligned problems keep the float32 kernels.
// CPU and float64 matmuls never change. docs/cuda.md ("TF32") gives the error bound.
#pragma once

namespace minitorch {

/// Lets (true) or forbids (false) float32 CUDA matmuls to use TF32 tensor cores from the next
/// matmul on, overriding MINITORCH_ALLOW_TF32. Not meant to change while ops are running.
void set_allow_tf32(bool allow);

/// Forgets set_allow_tf32: MINITORCH_ALLOW_TF32 decides again (read anew).
void reset_allow_tf32();

/// Whether float32 CUDA matmuls may use TF32 now: set_allow_tf32's value, else
/// MINITORCH_ALLOW_TF32's (default false). Throws ConfigError while that variable is malformed.
bool allow_tf32();

}  // namespace minitorch
