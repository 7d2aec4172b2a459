// float64 exp, log, tanh and sigmoid on VecD (see simd_vec.h), the float64 twins of
// vec_math.h: range reduction and polynomials evaluated with FMA, the same code for AVX2 and
// AVX-512 (no instruction AVX2 lacks, no 64-bit int <-> double conversion), so both levels
// give the same bits. Special values and overflow/underflow limits are the reference's;
// measured error against libm is in docs/cpu_backend.md. Include only from SIMD files.
#pragma once

#include "backends/cpu/simd_vec.h"

namespace minitorch::cpu {
namespace {

// 2^k for integral k in [-1022, 1023]: k + 1023 lands in the low bits of 0x1.8p52 + k + 1023
// (exactly, the sum being an integer below 2^53), and a shift by 52 moves it into the
// exponent field while the 0x1.8p52 bits fall off the top.
inline VecD pow2(VecD k) {
  return from_bits64(ishl64<52>(bits(k + VecD::set1(0x1.8p52 + 1023.0))));
}

// ln 2 = kLn2Hi + kLn2Lo, kLn2Hi with 32 trailing zero bits so that n * kLn2Hi is exact for
// any exponent n (fdlibm's split).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;

// e^x = 2^n (hi + lo), hi + lo in [sqrt(1/2), sqrt(2)] with lo below half an ulp of hi, for
// x in [-746, 710].
struct ExpParts {
  VecD n;
  VecD hi;
  VecD lo;
};

inline ExpParts exp_parts(VecD x) {
  // x = n ln2 + r + r_lo, |r| <= ln2 / 2. x - n kLn2Hi is exact (Sterbenz); r_lo is the
  // rounding error of r, kept so that r's rounding does not add to the final one.
  VecD n = round_nearest(x * VecD::set1(1.44269504088896338700e+00));
  VecD r_hi = fnmadd(n, VecD::set1(kLn2Hi), x);
  VecD r = fnmadd(n, VecD::set1(kLn2Lo), r_hi);
  VecD r_lo = fnmadd(n, VecD::set1(kLn2Lo), r_hi - r);
  // e^r - 1 - r = r^2 (1/2! + r/3! + ... + r^11/13!); the next term is below 2^-57 of e^r.
  VecD p = VecD::set1(1.0 / 6227020800.0);
  p = fmadd(p, r, VecD::set1(1.0 / 479001600.0));
  p = fmadd(p, r, VecD::set1(1.0 / 39916800.0));
  p = fmadd(p, r, VecD::set1(1.0 / 3628800.0));
  p = fmadd(p, r, VecD::set1(1.0 / 362880.0));
  p = fmadd(p, r, VecD::set1(1.0 / 40320.0));
  p = fmadd(p, r, VecD::set1(1.0 / 5040.0));
  p = fmadd(p, r, VecD::set1(1.0 / 720.0));
  p = fmadd(p, r, VecD::set1(1.0 / 120.0));
  p = fmadd(p, r, VecD::set1(1.0 / 24.0));
  p = fmadd(p, r, VecD::set1(1.0 / 6.0));
  p = fmadd(p, r, VecD::set1(0.5));
  // e^(r + r_lo) = (1 + r) + (r^2 p + r_lo (1 + r)); 1 + r as a rounded sum and its exact
  // error (Fast2Sum, |r| < 1), so that the whole sum is rounded once, in hi.
  const VecD one = VecD::set1(1.0);
  VecD head = one + r;
  VecD head_err = (one - head) + r;
  VecD tail = head_err + fmadd(p, r * r, fmadd(r_lo, r, r_lo));
  VecD hi = head + tail;
  return {n, hi, (head - hi) + tail};
}

inline VecD vexp(VecD x) {
  // |x| <= 708 (nearly every vector): the result is normal and 2^n one power of two. The
  // general path below gives the same bits there, so which one a vector takes cannot show.
  if (!any(cmp<_CMP_NLE_UQ>(vabs(x), VecD::set1(708.0)))) {
    ExpParts e = exp_parts(x);
    return e.hi * pow2(e.n);
  }
  // exp(710) is inf and exp(-746) is 0: clamping keeps n within pow2's range below.
  const VecD hi = VecD::set1(710.0);
  const VecD lo = VecD::set1(-746.0);
  VecD xc = select(cmp<_CMP_GT_OQ>(x, hi), hi, x);
  xc = select(cmp<_CMP_LT_OQ>(xc, lo), lo, xc);
  ExpParts e = exp_parts(xc);
  // 2^n hi in two exact power-of-two steps, so that subnormal results are rounded once and
  // n = 1024 still reaches infinity.
  VecD n1 = vfloor(e.n * VecD::set1(0.5));
  VecD y = e.hi * pow2(n1);
  y = y * pow2(e.n - n1);
  return select(cmp<_CMP_UNORD_Q>(x, x), x + x, y);
}

inline VecD vlog(VecD x) {
  // Subnormals: scale into the normal range first.
  auto tiny = cmp<_CMP_LT_OQ>(x, VecD::set1(0x1p-1022));
  VecD xs = select(tiny, x * VecD::set1(0x1p54), x);
  VecD e_adjust = select(tiny, VecD::set1(-54.0), VecD::set1(0.0));
  auto b = bits(xs);
  // x = m * 2^e with m in [0.5, 1). The exponent field, at most 2047, converts exactly by
  // OR-ing it into 2^52's mantissa and subtracting 2^52.
  auto field = isrl64<52>(iand(b, iset1_64(0x7fffffffffffffff)));
  VecD e = from_bits64(ior(field, bits(VecD::set1(0x1p52)))) - VecD::set1(0x1p52 + 1022.0);
  e = e + e_adjust;
  VecD m = from_bits64(ior(iand(b, iset1_64(0x000fffffffffffff)), iset1_64(0x3fe0000000000000)));
  // m in [sqrt(1/2), sqrt(2)): take one from e where m < sqrt(1/2) and double m.
  auto below = cmp<_CMP_LT_OQ>(m, VecD::set1(0.707106781186547524));
  e = e - select(below, VecD::set1(1.0), VecD::set1(0.0));
  m = select(below, m + m, m);
  // fdlibm's log: f = m - 1 (exact), s = f / (2 + f), log(1 + f) = f - f^2/2 + s (f^2/2 + R)
  // with R(s^2) a minimax polynomial, the terms summed smallest first.
  VecD f = m - VecD::set1(1.0);
  VecD hfsq = VecD::set1(0.5) * f * f;
  VecD s = f / (VecD::set1(2.0) + f);
  VecD z = s * s;
  VecD w = z * z;
  VecD t1 = fmadd(w, VecD::set1(1.531383769920937332e-01), VecD::set1(2.222219843214978396e-01));
  t1 = fmadd(w, t1, VecD::set1(3.999999999940941908e-01));
  t1 = t1 * w;
  VecD t2 = fmadd(w, VecD::set1(1.479819860511658591e-01), VecD::set1(1.818357216161805012e-01));
  t2 = fmadd(w, t2, VecD::set1(2.857142874366239149e-01));
  t2 = fmadd(w, t2, VecD::set1(6.666666666666735130e-01));
  t2 = t2 * z;
  VecD r = fmadd(s, hfsq + (t2 + t1), e * VecD::set1(kLn2Lo));
  r = (r - hfsq) + f;
  r = fmadd(e, VecD::set1(kLn2Hi), r);
  // Special values, as libm: log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, NaN stays.
  const VecD inf = VecD::set1(__builtin_inf());
  r = select(cmp<_CMP_EQ_OQ>(x, VecD::set1(0.0)), vneg(inf), r);
  r = select(cmp<_CMP_LT_OQ>(x, VecD::set1(0.0)), VecD::set1(__builtin_nan("")), r);
  r = select(cmp<_CMP_EQ_OQ>(x, inf), inf, r);
  return select(cmp<_CMP_UNORD_Q>(x, x), x + x, r);
}

inline VecD vtanh(VecD x) {
  VecD ax = vabs(x);
  // |x| < 0.625: Cephes' odd rational x + x^3 P(x^2) / Q(x^2); else 1 - 2 / (exp(2|x|) + 1)
  // with x's sign.
  VecD z = x * x;
  VecD num = VecD::set1(-9.64399179425052238628e-1);
  num = fmadd(num, z, VecD::set1(-9.92877231001918586564e1));
  num = fmadd(num, z, VecD::set1(-1.61468768441708447952e3));
  VecD den = z + VecD::set1(1.12811678491632931402e2);
  den = fmadd(den, z, VecD::set1(2.23548839060100448583e3));
  den = fmadd(den, z, VecD::set1(4.84406305325125486048e3));
  VecD small = fmadd(x * z, num / den, x);
  // 1 - 2 / (e + 1) with e = e^2|x| carried as hi + lo through the sum and the quotient, so
  // that only the last subtraction rounds: 1 - 2 / (e + 1) alone reached 1.3 ulp near 0.625.
  // tanh(x) rounds to 1 from |x| = 19.1 (and 2^n stays below 2^58).
  const VecD one = VecD::set1(1.0);
  const VecD two = VecD::set1(2.0);
  VecD a = select(cmp<_CMP_GT_OQ>(ax, VecD::set1(20.0)), VecD::set1(20.0), ax);
  ExpParts ep = exp_parts(a + a);
  VecD scale = pow2(ep.n);
  VecD e_hi = ep.hi * scale;
  VecD d = e_hi + one;  // Fast2Sum, e_hi > 1
  VecD d_lo = ((e_hi - d) + one) + ep.lo * scale;
  VecD q = two / d;
  VecD q_lo = fnmadd(q, d_lo, fnmadd(q, d, two)) / d;  // 2 - q d is exact with FMA
  VecD h = one - q;  // Fast2Sum, q < 1
  VecD large = h + (((one - h) - q) - q_lo);
  large = select(cmp<_CMP_LT_OQ>(x, VecD::set1(0.0)), vneg(large), large);
  VecD r = select(cmp<_CMP_LT_OQ>(ax, VecD::set1(0.625)), small, large);
  // tanh(x) rounds to x below 2^-28; this also keeps the sign of -0.
  r = select(cmp<_CMP_LT_OQ>(ax, VecD::set1(0x1p-28)), x, r);
  return select(cmp<_CMP_UNORD_Q>(x, x), x + x, r);
}

inline VecD vsigmoid(VecD x) {
  // The reference's two branches: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below.
  VecD e = vexp(vneg(vabs(x)));
  VecD one = VecD::set1(1.0);
  VecD denominator = one + e;
  VecD r = select(cmp<_CMP_GE_OQ>(x, VecD::set1(0.0)), one / denominator, e / denominator);
  return select(cmp<_CMP_UNORD_Q>(x, x), x + x, r);
}

}  // namespace
}  // namespace minitorch::cpu
