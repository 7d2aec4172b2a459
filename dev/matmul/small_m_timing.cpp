// dev/: times the training loop's small matmuls on the calling thread, every path of
// cpu::matmul that applies, interleaved in one run (the machine is shared and noisy: per call
// median and min over repeats). Each variant is checked against the strided loop first.
// Not linked into the library; build command in docs/matmul.md (Measurements).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/matmul.h"
#include "minitorch/minitorch.h"

using namespace minitorch;

namespace {

// MATMUL_THREADED=1: let cpu::matmul use the pool (MINITORCH_NUM_THREADS) as training does.
const bool kThreaded = std::getenv("MATMUL_THREADED") != nullptr;

TensorData random_matrix(const Shape& shape, DType dtype, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  TensorData t = TensorData::empty(shape, dtype, Device::cpu());
  dispatch_dtype(dtype, [&](auto v) {
    using T = decltype(v);
    for (std::int64_t i = 0; i < t.numel(); ++i) {
      t.storage_data<T>()[i] = static_cast<T>(dist(rng));
    }
  });
  return t;
}

double max_rel_diff(const TensorData& x, const TensorData& y) {
  return dispatch_dtype(x.dtype(), [&](auto v) {
    using T = decltype(v);
    double worst = 0;
    for (std::int64_t i = 0; i < x.numel(); ++i) {
      const double d = std::fabs(double(x.storage_data<T>()[i]) - double(y.storage_data<T>()[i]));
      worst = std::max(worst, d / (1.0 + std::fabs(double(y.storage_data<T>()[i]))));
    }
    return worst;
  });
}

struct Variant {
  std::string name;
  cpu::MatmulPath path;
  TensorData b;  // the B operand this variant multiplies (same values, maybe another order)
};

void run_case(const char* title, const TensorData& a, const std::vector<Variant>& variants,
              int repeats, int calls) {
  const std::int64_t m = a.shape()[0];
  const std::int64_t k = a.shape()[1];
  const std::int64_t n = variants[0].b.shape()[1];
  const DType dtype = a.dtype();
  TensorData want = TensorData::empty({m, n}, dtype, Device::cpu());
  cpu::matmul(a, variants[0].b, want, {cpu::MatmulPath::Strided, false});
  std::vector<std::vector<double>> us(variants.size());
  TensorData out = TensorData::empty({m, n}, dtype, Device::cpu());
  for (std::size_t v = 0; v < variants.size(); ++v) {
    cpu::matmul(a, variants[v].b, out, {variants[v].path, kThreaded});
    const double d = max_rel_diff(out, want);
    if (d > 1e-4) {
      std::printf("%s %s: WRONG (max rel diff %g)\n", title, variants[v].name.c_str(), d);
      std::exit(1);
    }
  }
  for (int r = 0; r < repeats; ++r) {
    for (std::size_t v = 0; v < variants.size(); ++v) {
      const auto t0 = std::chrono::steady_clock::now();
      for (int c = 0; c < calls; ++c) {
        cpu::matmul(a, variants[v].b, out, {variants[v].path, kThreaded});
      }
      const auto t1 = std::chrono::steady_clock::now();
      us[v].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / calls);
    }
  }
  const double flop = 2.0 * double(m) * double(n) * double(k);
  for (std::size_t v = 0; v < variants.size(); ++v) {
    std::vector<double> t = us[v];
    std::sort(t.begin(), t.end());
    const double med = t[t.size() / 2];
    std::printf("%-44s %-26s median %7.2f us  min %7.2f us  %6.1f GFLOP/s (median)\n", title,
                variants[v].name.c_str(), med, t[0], flop / med * 1e-3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 31;
  const int calls = argc > 2 ? std::atoi(argv[2]) : 200;
  for (DType dtype : {kFloat32, kFloat64}) {
    const std::string dt = std::string(to_string(dtype));
    // Linear forward: x [10, 256] @ W^T, W [256, 256] contiguous (B F-ordered).
    {
      TensorData x = random_matrix({10, 256}, dtype, 1);
      TensorData w = random_matrix({256, 256}, dtype, 2);
      TensorData wt = w.transpose(0, 1);
      run_case((dt + " [10,256] @ [256,256]F").c_str(), x,
               {{"packed (was auto)", cpu::MatmulPath::Packed, wt},
                {"dot (auto now)", cpu::MatmulPath::Auto, wt}},
               repeats, calls);
    }
    // First Linear forward: x [10, 2] @ W^T, W [256, 2] (k below a vector).
    {
      TensorData x = random_matrix({10, 2}, dtype, 6);
      TensorData wt = random_matrix({256, 2}, dtype, 7).transpose(0, 1);
      run_case((dt + " [10,2] @ [2,256]F").c_str(), x,
               {{"packed (auto)", cpu::MatmulPath::Packed, wt}, {"dot", cpu::MatmulPath::Dot, wt}},
               repeats, calls);
    }
    // Same values, B row-major: matmul_direct (the other forward product in the step).
    {
      TensorData x = random_matrix({10, 256}, dtype, 1);
      TensorData w = random_matrix({256, 256}, dtype, 2);
      run_case(
          (dt + " [10,256] @ [256,256]C").c_str(), x,
          {{"direct (auto)", cpu::MatmulPath::Auto, w}, {"packed", cpu::MatmulPath::Packed, w}},
          repeats, calls);
    }
    // Weight gradient: g^T [256, 10] (F-ordered) @ x [10, 256], k = 10.
    {
      TensorData g = random_matrix({10, 256}, dtype, 4).transpose(0, 1);
      TensorData x = random_matrix({10, 256}, dtype, 5);
      run_case(
          (dt + " [256,10]F @ [10,256]C").c_str(), g,
          {{"direct (auto)", cpu::MatmulPath::Auto, x}, {"packed", cpu::MatmulPath::Packed, x}},
          repeats, calls);
    }
  }
  return 0;
}
