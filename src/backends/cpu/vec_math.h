// float32 exp, log, tanh and sigmoid on VecF (see simd_vec.h): Cephes-style range reduction
// and minimax polynomials evaluated with FMA, the same code for AVX2 and AVX-512, so both
// levels give the same bits. NaN in gives NaN out and +-Inf give the reference's limits;
// measured error against libm is in docs/cpu_backend.md. Include only from SIMD files.
#pragma once

#include "backends/cpu/simd_vec.h"

namespace minitorch::cpu {
namespace {

inline VecF vexp(VecF x) {
  const VecF hi = VecF::set1(89.0f);
  const VecF lo = VecF::set1(-104.0f);
  VecF xc = select(cmp<_CMP_GT_OQ>(x, hi), hi, x);
  xc = select(cmp<_CMP_LT_OQ>(xc, lo), lo, xc);
  // x = n ln2 + r with |r| <= ln2 / 2; ln2 in two parts so that n * ln2_hi is exact.
  VecF n = round_nearest(xc * VecF::set1(1.44269504088896341f));
  VecF r = fnmadd(n, VecF::set1(0.693359375f), xc);
  r = fnmadd(n, VecF::set1(-2.12194440e-4f), r);
  VecF p = VecF::set1(1.9875691500e-4f);
  p = fmadd(p, r, VecF::set1(1.3981999507e-3f));
  p = fmadd(p, r, VecF::set1(8.3334519073e-3f));
  p = fmadd(p, r, VecF::set1(4.1665795894e-2f));
  p = fmadd(p, r, VecF::set1(1.6666665459e-1f));
  p = fmadd(p, r, VecF::set1(5.0000001201e-1f));
  VecF y = fmadd(p, r * r, r) + VecF::set1(1.0f);
  // y * 2^n in two exact power-of-two steps, so that results in the subnormal range are
  // rounded once and n = 128 still reaches infinity.
  auto ni = to_int(n);
  auto n1 = isra<1>(ni);
  auto n2 = isub(ni, n1);
  y = y * from_bits(ishl<23>(iadd(n1, iset1(127))));
  y = y * from_bits(ishl<23>(iadd(n2, iset1(127))));
  return select(cmp<_CMP_UNORD_Q>(x, x), x + x, y);
}

inline VecF vlog(VecF x) {
  // Subnormals: scale into the normal range first.
  auto tiny = cmp<_CMP_LT_OQ>(x, VecF::set1(1.17549435e-38f));
  VecF xs = select(tiny, x * VecF::set1(8388608.0f), x);
  VecF e_adjust = select(tiny, VecF::set1(-23.0f), VecF::set1(0.0f));
  auto b = bits(xs);
  // x = m * 2^e with m in [0.5, 1).
  VecF e = from_int(isub(isrl<23>(iand(b, iset1(0x7fffffff))), iset1(126))) + e_adjust;
  VecF m = from_bits(ior(iand(b, iset1(static_cast<std::int32_t>(0x807fffff))), iset1(0x3f000000)));
  // m in [sqrt(1/2), sqrt(2)): take one from e where m < sqrt(1/2) and double m.
  auto below = cmp<_CMP_LT_OQ>(m, VecF::set1(0.707106781186547524f));
  e = e - select(below, VecF::set1(1.0f), VecF::set1(0.0f));
  m = m - VecF::set1(1.0f) + select(below, m, VecF::set1(0.0f));
  VecF z = m * m;
  VecF p = VecF::set1(7.0376836292e-2f);
  p = fmadd(p, m, VecF::set1(-1.1514610310e-1f));
  p = fmadd(p, m, VecF::set1(1.1676998740e-1f));
  p = fmadd(p, m, VecF::set1(-1.2420140846e-1f));
  p = fmadd(p, m, VecF::set1(1.4249322787e-1f));
  p = fmadd(p, m, VecF::set1(-1.6668057665e-1f));
  p = fmadd(p, m, VecF::set1(2.0000714765e-1f));
  p = fmadd(p, m, VecF::set1(-2.4999993993e-1f));
  p = fmadd(p, m, VecF::set1(3.3333331174e-1f));
  VecF y = p * m * z;
  y = fmadd(e, VecF::set1(-2.12194440e-4f), y);
  y = fnmadd(z, VecF::set1(0.5f), y);
  VecF r = m + y;
  r = fmadd(e, VecF::set1(0.693359375f), r);
  // Special values, as libm: log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, NaN stays.
  const VecF inf = VecF::set1(__builtin_inff());
  r = select(cmp<_CMP_EQ_OQ>(x, VecF::set1(0.0f)), vneg(inf), r);
  r = select(cmp<_CMP_LT_OQ>(x, VecF::set1(0.0f)), VecF::set1(__builtin_nanf("")), r);
  r = select(cmp<_CMP_EQ_OQ>(x, inf), inf, r);
  return select(cmp<_CMP_UNORD_Q>(x, x), x + x, r);
}

inline VecF vtanh(VecF x) {
  VecF ax = vabs(x);
  // |x| < 0.625: odd polynomial; else 1 - 2 / (exp(2|x|) + 1) with x's sign.
  VecF z = x * x;
  VecF p = VecF::set1(-5.70498872745e-3f);
  p = fmadd(p, z, VecF::set1(2.06390887954e-2f));
  p = fmadd(p, z, VecF::set1(-5.37397155531e-2f));
  p = fmadd(p, z, VecF::set1(1.33314422036e-1f));
  p = fmadd(p, z, VecF::set1(-3.33332819422e-1f));
  VecF small = fmadd(p * z, x, x);
  VecF e = vexp(ax + ax);
  VecF large = VecF::set1(1.0f) - VecF::set1(2.0f) / (e + VecF::set1(1.0f));
  large = select(cmp<_CMP_LT_OQ>(x, VecF::set1(0.0f)), vneg(large), large);
  VecF r = select(cmp<_CMP_LT_OQ>(ax, VecF::set1(0.625f)), small, large);
  // tanh(x) rounds to x below 2^-12; this also keeps the sign of -0.
  r = select(cmp<_CMP_LT_OQ>(ax, VecF::set1(0x1p-12f)), x, r);
  return select(cmp<_CMP_UNORD_Q>(x, x), x + x, r);
}

inline VecF vsigmoid(VecF x) {
  // The reference's two branches: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below.
  VecF e = vexp(vneg(vabs(x)));
  VecF one = VecF::set1(1.0f);
  VecF denominator = one + e;
  // One division with the numerator selected: the same IEEE quotient as either branch's.
  VecF r = select(cmp<_CMP_GE_OQ>(x, VecF::set1(0.0f)), one, e) / denominator;
  return select(cmp<_CMP_UNORD_Q>(x, x), x + x, r);
}

}  // namespace
}  // namespace minitorch::cpu
