// dev/: measures vec_math_f64.h's exp, log, tanh and sigmoid against glibc (the reference
// backend's functors) and against long double (closer to the exact value), in ulp, over
// random bit patterns (every exponent, subnormals, NaN, +-Inf), uniform values in each op's
// interesting range and edge cases. Prints a checksum of every output's bits, so that the AVX2
// and AVX-512 builds can be compared. Not linked into the library. Build and run from the
// repository root, once per level:
//   g++ -std=c++20 -O2 -mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma -Isrc \
//       dev/cpu_backend/ulp_measure_f64.cpp -o /tmp/ulp512 && /tmp/ulp512
//   g++ -std=c++20 -O2 -mavx2 -mfma -Isrc dev/cpu_backend/ulp_measure_f64.cpp -o /tmp/ulp2
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <random>
#include <vector>

#include "backends/cpu/vec_math_f64.h"
#include "minitorch/elementwise_ops.h"

using namespace minitorch;

namespace {

std::int64_t ordered(double x) {
  std::int64_t i;
  std::memcpy(&i, &x, 8);
  return i < 0 ? INT64_MIN - i : i;
}

// Distance in ulps (representable doubles between), NaN equal only to NaN.
double ulp_distance(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    return std::isnan(a) && std::isnan(b) ? 0 : 1e30;
  }
  return std::fabs(static_cast<double>(ordered(a) - ordered(b)));
}

// Error of a against the long double t, in ulps of the double nearest t.
double ulp_error(double a, long double t) {
  if (std::isnan(a) || std::isnan(t)) {
    return std::isnan(a) && std::isnan(t) ? 0 : 1e30;
  }
  double nearest = static_cast<double>(t);
  if (std::isinf(nearest) || std::isinf(a)) {
    return a == nearest ? 0 : 1e30;
  }
  int exp = 0;
  std::frexp(nearest == 0 ? 0x1p-1022 : nearest, &exp);
  long double ulp = std::ldexp(1.0L, std::max(exp - 53, -1074));
  return static_cast<double>(std::fabs(static_cast<long double>(a) - t) / ulp);
}

struct Op {
  const char* name;
  cpu::VecD (*vec)(cpu::VecD);
  double (*libm)(double);
  long double (*truth)(long double);
  std::vector<std::pair<double, double>> ranges;
};

}  // namespace

int main() {
  std::vector<Op> ops = {
      {"exp",
       [](cpu::VecD x) { return cpu::vexp(x); },
       [](double x) { return std::exp(x); },
       [](long double x) { return std::exp(x); },
       {{-746, 710}, {-1, 1}, {-0.4, 0.4}}},
      {"log",
       [](cpu::VecD x) { return cpu::vlog(x); },
       [](double x) { return std::log(x); },
       [](long double x) { return std::log(x); },
       {{0, 10}, {0.5, 2}, {0.9, 1.1}}},
      {"tanh",
       [](cpu::VecD x) { return cpu::vtanh(x); },
       [](double x) { return std::tanh(x); },
       [](long double x) { return std::tanh(x); },
       {{-20, 20}, {-1, 1}, {0.5, 1.5}}},
      {"sigmoid",
       [](cpu::VecD x) { return cpu::vsigmoid(x); },
       [](double x) { return op::Sigmoid{}(x); },
       [](long double x) { return 1 / (1 + std::exp(-x)); },
       {{-750, 750}, {-40, 40}, {-2, 2}}},
  };
  std::mt19937_64 rng(1);
  const int kPerRange = 4'000'000;
  const int kBitPatterns = 8'000'000;
  for (const Op& op : ops) {
    std::vector<double> xs;
    for (int i = 0; i < kBitPatterns; ++i) {
      std::uint64_t b = rng();
      double x;
      std::memcpy(&x, &b, 8);
      xs.push_back(x);
    }
    for (auto [lo, hi] : op.ranges) {
      std::uniform_real_distribution<double> u(lo, hi);
      for (int i = 0; i < kPerRange; ++i) {
        xs.push_back(u(rng));
      }
    }
    for (double e : std::initializer_list<double>{0.0,
                                                  -0.0,
                                                  INFINITY,
                                                  -INFINITY,
                                                  NAN,
                                                  0x1p-1074,
                                                  -0x1p-1074,
                                                  0x1p-1022,
                                                  0x1.fffffffffffffp-1023,
                                                  709.782712893384,
                                                  709.7827128933841,
                                                  709.79,
                                                  -708.39,
                                                  -745.1332191019411,
                                                  -745.1332191019412,
                                                  -745.2,
                                                  0.625,
                                                  -0.625,
                                                  0x1p-28,
                                                  0x1p-29,
                                                  19.0625,
                                                  1.0,
                                                  -1.0,
                                                  1e300,
                                                  -1e300,
                                                  0.5,
                                                  2.0}) {
      xs.push_back(e);
    }
    while (xs.size() % 8 != 0) {  // the same values for either vector width
      xs.push_back(1.0);
    }
    std::vector<double> got(xs.size());
    for (std::size_t i = 0; i < xs.size(); i += cpu::VecD::kLanes) {
      op.vec(cpu::VecD::load(xs.data() + i)).store(got.data() + i);
    }
    double worst_libm = 0;
    double worst_truth = 0;
    double worst_libm_truth = 0;
    double at_libm = 0;
    double at_truth = 0;
    long long over_one = 0;
    long long over_one_libm_faithful = 0;  // > 1 ulp from libm where libm is within 1 ulp
    std::uint64_t checksum = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      double want = op.libm(xs[i]);
      std::uint64_t b;
      std::memcpy(&b, &got[i], 8);
      checksum = checksum * 1000003u + b;
      double d = ulp_distance(got[i], want);
      over_one += d > 1;
      if (d > worst_libm) {
        worst_libm = d;
        at_libm = xs[i];
      }
      long double t = op.truth(static_cast<long double>(xs[i]));
      double e = ulp_error(got[i], t);
      if (e > worst_truth) {
        worst_truth = e;
        at_truth = xs[i];
      }
      double libm_error = ulp_error(want, t);
      worst_libm_truth = std::max(worst_libm_truth, libm_error);
      over_one_libm_faithful += d > 1 && libm_error < 1;
    }
    std::printf(
        "%-8s %zu values: vs libm max %.0f ulp (x=%.17g), >1 ulp: %lld (libm within 1 ulp: %lld); "
        "vs long double max %.3f "
        "ulp (x=%.17g), libm's own %.3f; checksum %016llx\n",
        op.name, xs.size(), worst_libm, at_libm, over_one, over_one_libm_faithful, worst_truth,
        at_truth, worst_libm_truth, static_cast<unsigned long long>(checksum));
  }
}
