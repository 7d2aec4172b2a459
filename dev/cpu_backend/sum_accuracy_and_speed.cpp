// dev/: accuracy of the CPU backend's pairwise sum on 1e7 float32 (vs a float64 sum; numpy's
// pairwise error is computed from the same file by sum_accuracy.py), and rough timings of a
// few ops at 1 and N threads. Not linked into the library.
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "backends/cpu/kernels.h"
#include "minitorch/minitorch.h"
#include "minitorch/threading.h"

using namespace minitorch;

template <class F>
double best_ms(F f, int reps = 7) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    best = ms < best ? ms : best;
  }
  return best;
}

int main() {
  const std::int64_t n = 10000000;
  std::vector<float> xs(static_cast<std::size_t>(n));
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  for (float& x : xs) x = u(rng);
  FILE* f = std::fopen("/tmp/sum1e7.f32", "wb");
  std::fwrite(xs.data(), 4, xs.size(), f);
  std::fclose(f);
  double exact = 0;
  for (float x : xs) exact += x;
  float naive = 0;
  for (float x : xs) naive += x;
  Tensor t = from_vector(xs, {n});
  double mt = t.sum().item();
  std::printf(
      "float64 sum %.6f\nminitorch cpu sum %.6f  rel err %.3e\nnaive float sum %.6f  rel err "
      "%.3e\n",
      exact, mt, std::abs(mt - exact) / exact, (double)naive, std::abs(naive - exact) / exact);
  set_backend("reference");
  double ref = t.sum().item();
  std::printf("reference backend sum %.6f rel err %.3e\n", ref, std::abs(ref - exact) / exact);
  set_backend("cpu");
  // Timings.
  Tensor a = rand({4096, 4096});
  Tensor b = rand({4096, 4096});
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    std::printf("threads %d (simd %s):\n", threads,
                std::string(cpu::to_string(cpu::simd_level())).c_str());
    std::printf("  add 16M f32 contiguous: %.2f ms\n", best_ms([&] { Tensor c = a + b; }));
    std::printf("  exp 16M f32: %.2f ms\n", best_ms([&] { Tensor c = a.exp(); }));
    std::printf("  sum 16M f32 (all): %.2f ms\n", best_ms([&] { Tensor c = a.sum(); }));
    std::printf("  sum dim 0 of [4096,4096]: %.2f ms\n", best_ms([&] { Tensor c = a.sum(0); }));
    std::printf("  sum dim 1 of [4096,4096]: %.2f ms\n", best_ms([&] { Tensor c = a.sum(1); }));
    std::printf("  contiguous() of transpose [4096,4096]: %.2f ms\n",
                best_ms([&] { Tensor c = a.transpose(0, 1).contiguous(); }));
    std::printf("  add with transposed operand: %.2f ms\n",
                best_ms([&] { Tensor c = a + b.transpose(0, 1); }));
    Tensor s = rand({10, 100});
    std::printf("  small [10,100] add: %.3f us\n",
                1000 * best_ms([&] {
                  for (int i = 0; i < 1000; ++i) {
                    Tensor c = s + s;
                  }
                }) / 1000);
  }
  set_backend("reference");
  Tensor sa = rand({512, 512});
  std::printf("reference add [512,512]: %.2f ms; ", best_ms([&] { Tensor c = sa + sa; }, 3));
  set_backend("cpu");
  set_num_threads(1);
  std::printf("cpu 1 thread: %.3f ms\n", best_ms([&] { Tensor c = sa + sa; }, 3));
}
