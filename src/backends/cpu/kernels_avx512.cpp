// The AVX-512 kernel table: simd_kernels.h compiled with this file's ISA flags
// (Note [SIMD files]). Reached only through active_kernels(), after a run-time CPU check.
#include "backends/cpu/simd_kernels.h"

namespace minitorch::cpu {

const KernelTable& avx512_kernels() {
  static const KernelTable table{SimdLevel::Avx512, kernels_for<VecF>(), kernels_for<VecD>()};
  return table;
}

}  // namespace minitorch::cpu
