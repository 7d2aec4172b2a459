// `minitorch bench conv`: conv forward + backward (input, weight and bias gradients) of the
// workloads issue #13 names, as GFLOP/s against the FMA-loop peak measured in the same run
// (bench_matmul_support.h). bench/python/conv_compare.py runs it beside PyTorch.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_matmul_support.h"
#include "bench_timing.h"
#include "cli_args.h"
#include "commands.h"
#include "minitorch/convolution.h"
#include "minitorch/minitorch.h"

namespace minitorch::cli {
namespace {

struct ConvWorkload {
  const char* name;
  Shape input;  // [N, C_in, spatial...]
  Shape weight;  // [C_out, C_in, k...]
  std::int64_t padding;
};

// Multiply-adds of the forward pass: every output element sums C_in * k... products.
double forward_fma(const ConvWorkload& w, const Tensor& out) {
  double window = 1;
  for (int d = 1; d < w.weight.size(); ++d) {
    window *= static_cast<double>(w.weight[d]);
  }
  return static_cast<double>(out.numel()) * window;
}

std::vector<ConvWorkload> workloads() {
  return {
      {"mnist 64x1x28x28, 1->16 3x3", {64, 1, 28, 28}, {16, 1, 3, 3}, 1},
      {"course conv2 64x4x28x28, 4->8 3x3", {64, 4, 28, 28}, {8, 4, 3, 3}, 1},
      {"64x16x32x32, 16->16 3x3", {64, 16, 32, 32}, {16, 16, 3, 3}, 1},
      {"sentiment conv1d 10x50x63, 50->100 w3", {10, 50, 63}, {100, 50, 3}, 0},
  };
}

Tensor convolve(const ConvWorkload& w, const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (w.input.size() == 3) {
    return conv1d(x, weight, bias, 1, w.padding);
  }
  return conv2d(x, weight, bias, 1, w.padding);
}

}  // namespace

int bench_conv(const std::vector<std::string>& args) {
  BenchConvOptions options;
  if (!parse_bench_conv_args(args, options)) {
    std::puts(
        "usage: minitorch bench conv [--threads N] [--budget S] [--json]\n\n"
        "Times conv forward + backward (input, weight and bias gradients; float32, CPU) on an\n"
        "MNIST-sized batch of 64, the course's second MNIST layer, a 64x16x32x32 batch and the\n"
        "sentiment CNN's conv1d, and reports GFLOP/s (3 x 2 x the forward's multiply-adds per\n"
        "call) against an FMA-loop peak measured in the same run. --json: one object per\n"
        "workload (bench/python/conv_compare.py reads them).");
    return 0;
  }
  keep_freed_memory();
  if (options.threads > 0) {
    set_num_threads(options.threads);
  }
  const int threads = get_num_threads();
  const double peak = matmul_bench::measure_peak_gflops(false, threads);
  if (!options.json) {
    std::printf("bench conv: float32, %d thread%s, FMA-loop peak %.1f GFLOP/s\n", threads,
                threads == 1 ? "" : "s", peak);
    std::printf("%-40s %10s %10s %9s %7s\n", "workload (forward + backward)", "median", "min",
                "GFLOP/s", "%peak");
  }
  Generator gen(0);
  for (const ConvWorkload& w : workloads()) {
    Tensor x = rand(w.input, {}, &gen);
    Tensor weight = rand(w.weight, {}, &gen) - 0.5;
    Tensor bias = rand({w.weight[0]}, {}, &gen);
    Tensor grad = rand(convolve(w, x, weight, bias).shape(), {}, &gen);
    double fma = 0;
    TimingPolicy policy{.min_reps = 5, .budget_s = options.budget_s, .warmup = 3};
    Timing t = repeat_timed(policy, [&] {
      Tensor xi = x.detach().requires_grad_();
      Tensor wi = weight.detach().requires_grad_();
      Tensor bi = bias.detach().requires_grad_();
      std::int64_t t0 = steady_now_ns();
      Tensor out = convolve(w, xi, wi, bi);
      out.backward(grad);
      std::int64_t t1 = steady_now_ns();
      fma = forward_fma(w, out);
      return t1 - t0;
    });
    const double flop = 3.0 * 2.0 * fma;
    const double gflops = flop / t.median_ns;
    if (options.json) {
      std::printf(
          "{\"bench\":\"conv\",\"workload\":\"%s\",\"threads\":%d,\"median_s\":%.6g,"
          "\"min_s\":%.6g,\"flop\":%.6g,\"gflops\":%.6g,\"peak_gflops\":%.6g,\"reps\":%d}\n",
          w.name, threads, t.median_ns * 1e-9, t.min_ns * 1e-9, flop, gflops, peak, t.reps);
    } else {
      std::printf("%-40s %8.3f ms %7.3f ms %9.1f %6.1f%%\n", w.name, t.median_ns * 1e-6,
                  t.min_ns * 1e-6, gflops, 100.0 * gflops / peak);
    }
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace minitorch::cli
