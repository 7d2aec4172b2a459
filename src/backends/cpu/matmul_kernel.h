// Private interface between the matmul drivers (matmul_packed.cpp, matmul_direct.cpp) and
// the register-blocked micro-kernels compiled per instruction set (matmul_kernel_*.cpp).
// A kernel computes one MR x NR tile of C held in registers; drivers own the blocking and
// threading. Tile and block sizes depend only on dtype and ISA, never on the thread count.
#pragma once

#include <cstdint>
#include <string_view>

namespace minitorch::cpu {

/// C[0:mr, 0:nr] = (accumulate ? C + s : s) with s = sum over p < kc of A[i, p] * B[p, j],
/// summed from zero in increasing p (one FMA per term).
/// A element (i, p) is a[i * a_rs + p * a_ks]; B element (p, j) is b[p * b_ks + j] (unit
/// stride along n); C element (i, j) is c[i * c_rs + j]. Requires 1 <= mr <= MR, 1 <= nr <= NR.
template <class T>
using MatmulKernelFn = void (*)(std::int64_t kc, const T* a, std::int64_t a_rs, std::int64_t a_ks,
                                const T* b, std::int64_t b_ks, T* c, std::int64_t c_rs, int mr,
                                int nr, bool accumulate);

/// C[0:mr, 0:nr] = s with s = sum over p < k of A[i, p] * B[p, j], each term an FMA into
/// lane p % W of a vector accumulator (p increasing), the W lanes then added by a fixed tree.
/// A row i is a[i * a_rs + p] and B column j is b[j * b_cs + p] (both unit stride along k);
/// C element (i, j) is c[i * c_rs + j * c_cs]. Requires k >= 1, 1 <= mr <= dot_mr,
/// 1 <= nr <= dot_nr. Rows past mr and columns past nr are never read.
template <class T>
using MatmulDotFn = void (*)(std::int64_t k, const T* a, std::int64_t a_rs, const T* b,
                             std::int64_t b_cs, T* c, std::int64_t c_rs, std::int64_t c_cs, int mr,
                             int nr);

/// Packs a panel for the packed kernel: see matmul_pack_panel.
template <class T>
using MatmulPackFn = void (*)(T* dst, const T* src, std::int64_t s_w, std::int64_t s_k,
                              std::int64_t width, std::int64_t kc, int w_max);

/// The kernels of one instruction set for one dtype and the block sizes that suit them.
template <class T>
struct MatmulKernels {
  std::string_view isa;  ///< "avx512", "avx2"
  int mr;  ///< rows of the `direct` register tile
  int nr;  ///< columns of the `direct` tile (a multiple of the vector width)
  std::int64_t kc;  ///< depth of a packed block (k)
  std::int64_t mc;  ///< rows of A per packed block (multiple of packed_mr)
  std::int64_t nc;  ///< columns of B per packed block (multiple of packed_nr)
  /// A packed as kc steps of mr values (a_rs = 1, a_ks = mr), B as kc rows of nr.
  MatmulKernelFn<T> packed;
  /// Any a strides, any b row stride; rows past mr and columns past nr are never read.
  MatmulKernelFn<T> direct;
  int lanes;  ///< vector width in elements
  int dot_mr;  ///< rows of A per dot tile
  int dot_nr;  ///< columns of B per dot tile
  /// Dot products of rows of A with columns of B, both read in place along k.
  MatmulDotFn<T> dot;
  /// Packs panels of A and B for `packed`.
  MatmulPackFn<T> pack;
  int packed_mr;  ///< rows of the `packed` tile (its A panels' height)
  int packed_nr;  ///< columns of the `packed` tile (its B panels' width)
};

/// Fills kernels. Call only when the CPU has the instruction set (cpu_features().has_avx512() or
/// has_avx2_fma()): the check lives outside the SIMD files, so that no inline function is
/// compiled there with AVX flags (Note [SIMD files]).
void matmul_kernels_avx512(MatmulKernels<float>& kernels);
void matmul_kernels_avx512(MatmulKernels<double>& kernels);
void matmul_kernels_avx2(MatmulKernels<float>& kernels);
void matmul_kernels_avx2(MatmulKernels<double>& kernels);

/// A strided matrix: element (i, j) is data[i * rs + j * cs].
template <class T>
struct MatView {
  T* data;
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t rs;
  std::int64_t cs;
};

/// Packs width <= w_max rows (or columns) of a panel for the kernels: dst[p * w_max + i] =
/// src[i * s_w + p * s_k] for p < kc, zeros for width <= i < w_max. See matmul_pack.cpp.
template <class T>
void matmul_pack_panel(T* dst, const T* src, std::int64_t s_w, std::int64_t s_k, std::int64_t width,
                       std::int64_t kc, int w_max);

/// matmul_pack_panel with the transposing case (s_k == 1) vectorised; needs AVX2
/// (matmul_pack_avx2.cpp). Writes exactly what matmul_pack_panel writes.
template <class T>
void matmul_pack_panel_avx2(T* dst, const T* src, std::int64_t s_w, std::int64_t s_k,
                            std::int64_t width, std::int64_t kc, int w_max);

/// c = a @ b by packed panels and cache blocks (matmul_packed.cpp). c.cs must be 1, k >= 1.
/// threaded: split blocks over parallel_for (the split never depends on the thread count).
template <class T>
void matmul_packed(const MatmulKernels<T>& kernels, MatView<const T> a, MatView<const T> b,
                   MatView<T> c, bool threaded);

/// c = a @ b reading a and b in place (matmul_direct.cpp). b.cs and c.cs must be 1, k >= 1.
template <class T>
void matmul_direct(const MatmulKernels<T>& kernels, MatView<const T> a, MatView<const T> b,
                   MatView<T> c, bool threaded);

/// c = a @ b as dot products of rows of a and columns of b read in place (matmul_dot.cpp).
/// a.cs and b.rs must be 1, k >= 1; c any strides.
template <class T>
void matmul_dot(const MatmulKernels<T>& kernels, MatView<const T> a, MatView<const T> b,
                MatView<T> c, bool threaded);

}  // namespace minitorch::cpu
