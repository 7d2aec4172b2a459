// The AVX2 + FMA kernel table: simd_kernels.h compiled with this file's ISA flags
// (Note [SIMD files]). Reached only through active_kernels(), after a run-time CPU check.
#include "backends/cpu/simd_kernels.h"

namespace minitorch::cpu {

const KernelTable& avx2_kernels() {
  static const KernelTable table{SimdLevel::Avx2, kernels_for<VecF>(), kernels_for<VecD>()};
  return table;
}

}  // namespace minitorch::cpu
