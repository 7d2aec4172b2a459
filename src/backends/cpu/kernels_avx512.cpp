// The AVX-512 kernel table: simd_kernels.h compiled with this file's ISA flags
// (Note [SIMD files]). Reached only through active_kernels(), after a run-time CPU check.
// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the unused source of their masked
// builtins, and -Wuninitialized reports that inside the header once they inline into the
// program kernel (GCC bug 105593, fixed in GCC 13). Nothing here reads an undefined value.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include "backends/cpu/simd_kernels.h"

namespace minitorch::cpu {

const KernelTable& avx512_kernels() {
  static const KernelTable table{SimdLevel::Avx512, kernels_for<VecF>(), kernels_for<VecD>()};
  return table;
}

}  // namespace minitorch::cpu
