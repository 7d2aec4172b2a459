// CPU matmul entry point (issue 4): a [B..., m, k] @ b [B..., k, n] -> out [B..., m, n].
// Fused (no (m, k, n) intermediate); any strides, batch dims broadcast by stride 0.
// Results do not depend on the thread count. See docs/matmul.md.
#pragma once

#include <string_view>

#include "minitorch/tensor_data.h"

namespace minitorch::cpu {

/// a [B..., m, k] @ b [B..., k, n] -> out [B..., m, n]. a and b have out's batch dims
/// (broadcast by stride-0 views), any strides; out is allocated by the caller, float32 or
/// float64 like a and b. Fills primitive_report() (see Note [Primitive report]).
void matmul(const TensorData& a, const TensorData& b, TensorData& out);

/// The algorithms behind cpu::matmul, for tests and `minitorch bench matmul`.
enum class MatmulPath { Auto, Packed, Direct, Dot, Strided };
struct MatmulOptions {
  /// Direct falls back to Packed where b.cs != 1; Dot where a.cs != 1 or b.rs != 1.
  MatmulPath path = MatmulPath::Auto;
  bool threaded = true;  ///< false: everything on the calling thread
};
void matmul(const TensorData& a, const TensorData& b, TensorData& out,
            const MatmulOptions& options);

/// Restricts the micro-kernels to isa ("avx512", "avx2", "scalar", or "" for the best this
/// CPU has); returns false, changing nothing, when the CPU lacks it. Not thread-safe: call
/// before work starts. MINITORCH_MATMUL_ISA sets the initial choice.
bool set_matmul_isa(std::string_view isa);
/// The instruction set matmul uses now.
std::string_view matmul_isa();

}  // namespace minitorch::cpu
