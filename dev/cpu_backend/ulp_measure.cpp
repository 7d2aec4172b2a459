// dev/: measures the CPU backend's float32 exp/log/sigmoid/tanh against the reference backend
// (libm) in ulp, over a dense sweep plus edge cases, at each SIMD level. Not linked into the
// library. Build: see the command in docs/cpu_backend.md.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "backends/cpu/kernels.h"
#include "minitorch/minitorch.h"

using namespace minitorch;

static long long ulp(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : 1LL << 40;
  auto ord = [](float x) {
    int i;
    std::memcpy(&i, &x, 4);
    return i < 0 ? (long long)std::numeric_limits<int>::min() - i : (long long)i;
  };
  long long d = ord(a) - ord(b);
  return d < 0 ? -d : d;
}

int main() {
  std::vector<float> xs;
  std::mt19937 rng(1);
  // Every 97th float32 bit pattern, plus random values in typical ranges and edge cases.
  for (unsigned long long bits = 0; bits < (1ULL << 32); bits += 97) {
    unsigned int b = static_cast<unsigned int>(bits);
    float f;
    std::memcpy(&f, &b, 4);
    xs.push_back(f);
  }
  std::uniform_real_distribution<float> u(-20.f, 20.f);
  for (int i = 0; i < 2000000; ++i) xs.push_back(u(rng));
  for (float e : {0.f, -0.f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-45f, 1.17549435e-38f, 88.7f,
                  88.73f, -87.3f, -103.9f, -104.f, 0.625f, -0.625f, 9.f, 1e-8f})
    xs.push_back(e);
  auto n = static_cast<std::int64_t>(xs.size());
  Tensor x = from_vector(xs, {n});
  for (auto level : {cpu::SimdLevel::Avx512, cpu::SimdLevel::Avx2, cpu::SimdLevel::Scalar}) {
    cpu::set_simd_level(level);
    for (UnaryOp op : {UnaryOp::Exp, UnaryOp::Log, UnaryOp::Sigmoid, UnaryOp::Tanh}) {
      set_backend("reference");
      Tensor want;
      set_backend("cpu");
      auto run = [&](const Tensor& t) {
        switch (op) {
          case UnaryOp::Exp:
            return t.exp();
          case UnaryOp::Log:
            return t.log();
          case UnaryOp::Sigmoid:
            return t.sigmoid();
          default:
            return t.tanh();
        }
      };
      set_backend("reference");
      want = run(x);
      set_backend("cpu");
      Tensor got = run(x);
      const float* g = got.data_ptr<float>();
      const float* w = want.data_ptr<float>();
      long long worst = 0;
      std::int64_t at = 0, special_mismatch = 0, over1 = 0;
      for (std::int64_t i = 0; i < n; ++i) {
        long long d = ulp(g[i], w[i]);
        if ((std::isnan(w[i]) || std::isinf(w[i])) && d != 0) ++special_mismatch;
        if (d > 1) ++over1;
        if (d > worst) {
          worst = d;
          at = i;
        }
      }
      std::printf(
          "%-7s %-7s max %lld ulp (x=%.9g got %.9g ref %.9g), >1ulp: %lld of %lld, NaN/Inf "
          "mismatches %lld\n",
          std::string(cpu::to_string(level)).c_str(), std::string(to_string(op)).c_str(), worst,
          (double)xs[at], (double)g[at], (double)w[at], (long long)over1, (long long)n,
          (long long)special_mismatch);
    }
  }
}
