// GPU benchmarks of the CUDA backend (issues 6 and 17), all through the public Tensor API:
//  1. GB/s of map, zip, broadcast zip, transposed zip and reductions on 64M float32, each as
//     a ratio to a device-to-device cudaMemcpy timed in the same run (bytes read + written);
//  2. sgemm and dgemm, 1024 to 8192, against cuBLAS in the same run (cuBLAS is a peer here and
//     never a library dependency; CUBLAS_DEFAULT_MATH and CUBLAS_PEDANTIC_MATH are both FP32
//     or FP64 arithmetic, no TF32 — NVIDIA_TF32_OVERRIDE must be unset or 0);
//     2b. TF32: ours with set_allow_tf32(true) vs cublasSgemm in CUBLAS_TF32_TENSOR_OP_MATH,
//     2048 to 8192 (skipped under NVIDIA_TF32_OVERRIDE=0; `--tf32` runs these rows alone);
//     2c. bfloat16/float16: Tensor::matmul on 16-bit tensors (wgmma on sm_90, the mma.sync
//     kernel elsewhere) vs cublasGemmEx with the same formats in and out and
//     CUBLAS_COMPUTE_32F, 2048 to 8192, "NN" (B stored [K, N]) and "TN" (B stored [N, K],
//     Linear's x @ W^T), cuBLAS in the same layout (`--half` runs these rows alone);
//  3. the latency of a 1K-element op through the Tensor API;
//  4. seconds per epoch of an xor MLP (hidden 100) on the GPU and on the CPU backend.
// Device work is timed with CUDA events after warm-up; every figure is a median.
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/cuda/cuda_stream.h"
#include "gpu_bench_support.h"
#include "minitorch/minitorch.h"

namespace mt = minitorch;
using namespace minitorch::gpu_bench;

namespace {

// ---- 1. bandwidth -----------------------------------------------------------------------------

void bench_bandwidth(Targets& targets) {
  const std::int64_t n = std::int64_t{1} << 26;  // 64M float32 = 256 MiB
  const std::int64_t side = 8192;
  const double bytes = static_cast<double>(n) * 4.0;
  mt::Generator gen(1);
  mt::TensorOptions on_gpu = {.dtype = mt::kFloat32, .device = mt::Device::cuda()};
  mt::Tensor a = mt::rand({side, side}, on_gpu, &gen);
  mt::Tensor b = mt::rand({side, side}, on_gpu, &gen);
  mt::Tensor row = mt::rand({side}, on_gpu, &gen);
  mt::Tensor col = mt::rand({side, 1}, on_gpu, &gen);
  mt::Tensor bt = b.transpose(0, 1);
  mt::Tensor flat = a.view({n});
  // The same values in bfloat16 (Note [Reduced floats]): half the bytes per element.
  mt::Tensor a16 = a.to(mt::kBFloat16);
  mt::Tensor b16 = b.to(mt::kBFloat16);
  const double bytes16 = bytes / 2;
  mt::Tensor dst = mt::empty({side, side}, on_gpu);

  const int warmup = 3;
  const int reps = 21;
  double copy_ms = time_ms(
      [&] {
        check(cudaMemcpyAsync(raw(dst), raw(a), static_cast<std::size_t>(bytes),
                              cudaMemcpyDeviceToDevice, lib_stream()),
              "cudaMemcpyAsync");
      },
      warmup, reps);
  double copy_gbs = 2 * bytes / copy_ms / 1e6;
  std::printf("\n== Bandwidth, 64M float32 ([8192, 8192]); bytes = read + written\n");
  std::printf("  %-36s %9s %9s %8s  %s\n", "op", "ms", "GB/s", "vs copy", "path");
  std::printf("  %-36s %9.3f %9.1f %8.3f  %s\n", "cudaMemcpy device-to-device", copy_ms, copy_gbs,
              1.0, "-");

  struct Row {
    std::string name;
    double bytes;
    std::function<mt::Tensor()> op;
    double target;
  };
  // Note [Program benchmark]: a four-op user function in one program (issue 17: >= 0.95 of a
  // copy's bandwidth like any zip, 0.9 with a transposed operand), and the same four ops
  // composed (bytes counted as the function's). Targets: issue 17's.
  static const auto four_ops =
      mt::elementwise([](auto x, auto y) { return x * sigmoid(y) + y * 0.5; });
  std::vector<Row> rows = {
      {"program x*sigmoid(y)+y*0.5", 3 * bytes, [&] { return four_ops(a, b); }, 0.95},
      {"composed x*sigmoid(y)+y*0.5", 3 * bytes, [&] { return a * b.sigmoid() + b * 0.5; }, 0.0},
      {"program, row broadcast y [8192]", 2 * bytes, [&] { return four_ops(a, row); }, 0.95},
      {"program, column broadcast y [8192, 1]", 2 * bytes, [&] { return four_ops(a, col); }, 0.95},
      {"program, transposed y.T", 3 * bytes, [&] { return four_ops(a, bt); }, 0.9},
      {"map neg", 2 * bytes, [&] { return a.neg(); }, 0.95},
      {"map exp", 2 * bytes, [&] { return a.exp(); }, 0.95},
      {"zip add", 3 * bytes, [&] { return a + b; }, 0.95},
      {"zip add, row broadcast [8192]", 2 * bytes, [&] { return a + row; }, 0.95},
      {"zip add, column broadcast [8192, 1]", 2 * bytes, [&] { return a + col; }, 0.95},
      {"zip add, transposed b.T", 3 * bytes, [&] { return a + bt; }, 0.9},
      {"contiguous of a transpose", 2 * bytes, [&] { return bt.contiguous(); }, 0.9},
      {"sum over dim 1 (rows)", bytes, [&] { return a.sum(1); }, 0.9},
      {"sum over dim 0 (columns)", bytes, [&] { return a.sum(0); }, 0.9},
      {"sum over everything (64M)", bytes, [&] { return flat.sum(0); }, 0.9},
      {"max over dim 1", bytes, [&] { return a.max(1); }, 0.9},
      {"bfloat16 map neg", 2 * bytes16, [&] { return a16.neg(); }, 0.0},
      {"bfloat16 zip add", 3 * bytes16, [&] { return a16 + b16; }, 0.0},
      {"bfloat16 program x*sigmoid(y)+y*0.5", 3 * bytes16, [&] { return four_ops(a16, b16); }, 0.0},
      {"bfloat16 -> float32", 3 * bytes16, [&] { return a16.to(mt::kFloat32); }, 0.0},
      {"bfloat16 sum over dim 1 (float32 sums)", bytes16, [&] { return a16.sum(1); }, 0.9},
  };
  for (const Row& r : rows) {
    mt::Tensor keep;
    double ms = time_ms([&] { keep = r.op(); }, warmup, reps);
    double gbs = r.bytes / ms / 1e6;
    std::printf("  %-36s %9.3f %9.1f %8.3f  %s\n", r.name.c_str(), ms, gbs, gbs / copy_gbs,
                std::string(mt::primitive_report().path).c_str());
    if (r.target > 0) {
      targets.add(r.name + " / copy", gbs / copy_gbs, r.target, true, "x");
    }
  }
}

// ---- 2. matmul vs cuBLAS ----------------------------------------------------------------------

template <class T>
void bench_gemm(Targets& targets, cublasHandle_t handle) {
  const bool single = sizeof(T) == 4;
  std::printf("\n== %s: minitorch matmul vs cuBLAS (%s), TFLOP/s = 2 n^3 / time\n",
              single ? "sgemm (float32)" : "dgemm (float64)",
              single ? "cublasSgemm" : "cublasDgemm");
  std::printf("  %6s %10s %10s %10s %10s %8s %8s %10s\n", "n", "ours ms", "ours TF", "cublas ms",
              "cublas TF", "ratio", "ped.ratio", "max rel");
  mt::TensorOptions on_gpu = {.dtype = single ? mt::kFloat32 : mt::kFloat64,
                              .device = mt::Device::cuda()};
  mt::Generator gen(2);
  for (std::int64_t n : {1024, 2048, 4096, 8192}) {
    mt::Tensor a = mt::rand({n, n}, on_gpu, &gen) - 0.5;
    mt::Tensor b = mt::rand({n, n}, on_gpu, &gen) - 0.5;
    mt::Tensor c = mt::empty({n, n}, on_gpu);
    int reps = n <= 2048 ? 15 : (n == 4096 ? 7 : 5);
    mt::Tensor ours;
    double ours_ms = time_ms([&] { ours = a.matmul(b); }, 2, reps);
    // The tiled kernel's two block orders, forced, and the cp.async kernel where it takes
    // the problem (MINITORCH_CUDA_ASYNC_MATMUL, off by default until verified on a GPU),
    // with whether its bits equal the default path's (measured for float32).
    double narrow_ms = 0;
    double wide_ms = 0;
    double async_ms = 0;
    std::string async_path;
    bool async_same_bits = false;
    if (single) {
      {
        mt::config::ScopedOverride order("MINITORCH_CUDA_MATMUL_ORDER", "rows");
        narrow_ms = time_ms([&] { ours = a.matmul(b); }, 1, reps);
      }
      {
        mt::config::ScopedOverride order("MINITORCH_CUDA_MATMUL_ORDER", "grouped");
        wide_ms = time_ms([&] { ours = a.matmul(b); }, 1, reps);
      }
      mt::Tensor by_async;
      {
        mt::config::ScopedOverride async("MINITORCH_CUDA_ASYNC_MATMUL", "1");
        async_ms = time_ms([&] { by_async = a.matmul(b); }, 2, reps);
        async_path = std::string(mt::primitive_report().path);
      }
      ours = a.matmul(b);
      async_same_bits = (by_async - ours).abs().max().item() == 0.0;
    }
    // Row-major C = A B is column-major C^T = B^T A^T.
    const T one = 1;
    const T zero = 0;
    auto run_cublas = [&] {
      int m = static_cast<int>(n);
      if constexpr (sizeof(T) == 4) {
        check(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one,
                          static_cast<const float*>(raw(b)), m, static_cast<const float*>(raw(a)),
                          m, &zero, static_cast<float*>(raw(c)), m),
              "cublasSgemm");
      } else {
        check(cublasDgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one,
                          static_cast<const double*>(raw(b)), m, static_cast<const double*>(raw(a)),
                          m, &zero, static_cast<double*>(raw(c)), m),
              "cublasDgemm");
      }
    };
    check(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    double cublas_ms = time_ms(run_cublas, 2, reps);
    check(cublasSetMathMode(handle, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
    double pedantic_ms = time_ms(run_cublas, 2, reps);
    check(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    // Agreement of the two results, relative to the largest magnitude.
    double max_rel = (ours - c).abs().max().item() / c.abs().max().item();
    double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
    double best_cublas = std::min(cublas_ms, pedantic_ms);
    std::printf("  %6lld %10.3f %10.2f %10.3f %10.2f %8.3f %8.3f %10.2e", static_cast<long long>(n),
                ours_ms, flops / ours_ms / 1e9, cublas_ms, flops / cublas_ms / 1e9,
                cublas_ms / ours_ms, pedantic_ms / ours_ms, max_rel);
    if (single) {
      std::printf("   row order %.2f TF, grouped order %.2f TF; %s %.2f TF (%.3f x), %s bits",
                  flops / narrow_ms / 1e9, flops / wide_ms / 1e9, async_path.c_str(),
                  flops / async_ms / 1e9, best_cublas / async_ms,
                  async_same_bits ? "same" : "OTHER");
    }
    std::printf("\n");
    if (single && n >= 4096) {
      targets.add("sgemm " + std::to_string(n) + " vs fastest cuBLAS FP32", best_cublas / ours_ms,
                  0.95, true, "x");
    }
  }
}

// ---- 3. latency ---------------------------------------------------------------------------------

void bench_latency(Targets& targets) {
  mt::TensorOptions on_gpu = {.dtype = mt::kFloat32, .device = mt::Device::cuda()};
  mt::Tensor a = mt::rand({1024}, on_gpu);
  mt::Tensor b = mt::rand({1024}, on_gpu);
  using Clock = std::chrono::steady_clock;
  const int ops = 20000;
  std::vector<double> per_op;
  std::vector<double> synced;
  for (int trial = 0; trial < 7; ++trial) {
    check(cudaDeviceSynchronize(), "sync");
    auto t0 = Clock::now();
    for (int i = 0; i < ops; ++i) {
      mt::Tensor c = a + b;
    }
    check(cudaDeviceSynchronize(), "sync");
    per_op.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / ops);
    for (int i = 0; i < 200; ++i) {
      auto s0 = Clock::now();
      mt::Tensor c = a + b;
      check(cudaDeviceSynchronize(), "sync");
      synced.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s0).count());
    }
  }
  // The floor: the driver's own back-to-back launch of a 4 KiB memset, no library around it.
  std::vector<double> floor_us;
  for (int trial = 0; trial < 7; ++trial) {
    check(cudaDeviceSynchronize(), "sync");
    auto t0 = Clock::now();
    for (int i = 0; i < ops; ++i) {
      check(cudaMemsetAsync(raw(a), 0, 4096, lib_stream()), "cudaMemsetAsync");
    }
    check(cudaDeviceSynchronize(), "sync");
    floor_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / ops);
  }
  // Where the host time goes: the output's allocation alone (from the cache), and the op
  // without one (in place).
  auto back_to_back_us = [&](const std::function<void()>& op) {
    std::vector<double> us;
    for (int trial = 0; trial < 5; ++trial) {
      check(cudaDeviceSynchronize(), "sync");
      auto t0 = Clock::now();
      for (int i = 0; i < ops; ++i) {
        op();
      }
      check(cudaDeviceSynchronize(), "sync");
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / ops);
    }
    return median(us);
  };
  // The host's own cost: 200 ops right after a sync, timed without a sync at the end (the
  // launch queue holds more than 200 launches, so the host never waits for the device). When
  // it is well under the back-to-back figure, the device's per-kernel time sets that figure.
  auto issue_us = [&](const std::function<void()>& op) {
    std::vector<double> us;
    for (int trial = 0; trial < 21; ++trial) {
      check(cudaDeviceSynchronize(), "sync");
      auto t0 = Clock::now();
      for (int i = 0; i < 200; ++i) {
        op();
      }
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / 200);
    }
    check(cudaDeviceSynchronize(), "sync");
    return median(us);
  };
  const double host_us = issue_us([&] { mt::Tensor c = a + b; });
  const double host_memset_us =
      issue_us([&] { check(cudaMemsetAsync(raw(a), 0, 4096, lib_stream()), "memset"); });
  // The same op over a 2-D [32, 32] view of [32, 64] tensors: the strided kernel, whose
  // launch carries the ~300-byte geometry of 12 dims (Note [CUDA launch latency]).
  mt::Tensor wide_a = mt::rand({32, 64}, on_gpu).slice(1, 0, 32);
  mt::Tensor wide_b = mt::rand({32, 64}, on_gpu).slice(1, 0, 32);
  const double strided_host_us = issue_us([&] { mt::Tensor c = wide_a + wide_b; });
  mt::Tensor c_in_place = a.clone();
  const double alloc_us = back_to_back_us([&] { mt::Tensor e = mt::empty({1024}, on_gpu); });
  const double in_place_us = back_to_back_us([&] { c_in_place.add_(b); });
  const double strided_us = back_to_back_us([&] { mt::Tensor c = wide_a + wide_b; });
  // The same op's device time alone.
  double kernel_us = time_ms([&] { mt::Tensor c = a + b; }, 10, 201) * 1e3;
  std::printf("\n== Latency of a 1K-element float32 zip (a + b) through the Tensor API\n");
  std::printf(
      "  back-to-back, one sync at the end: %7.2f us per op (host-side cost: checks, "
      "allocation, launch)\n",
      median(per_op));
  std::printf("  each op followed by cudaDeviceSynchronize: %7.2f us (includes the round trip)\n",
              median(synced));
  std::printf("  device time between events: %7.2f us\n", kernel_us);
  std::printf("  empty({1024}) alone, back-to-back: %7.2f us; in place a.add_(b): %7.2f us\n",
              alloc_us, in_place_us);
  std::printf("  floor, cudaMemsetAsync of 4 KiB back-to-back: %7.2f us per call\n",
              median(floor_us));
  std::printf("  host issue cost alone (200 ops, no wait): a + b %7.2f us, memset %7.2f us\n",
              host_us, host_memset_us);
  std::printf(
      "  [32, 32] views of [32, 64] (strided geometry): back-to-back %7.2f us, host %7.2f us\n",
      strided_us, strided_host_us);
  targets.add("1K-element op, back-to-back", median(per_op), 4.0, false, "us");
}

// ---- 4. training --------------------------------------------------------------------------------

// The lecture's xor task: 50 points in the unit square, label 1 when exactly one coordinate is
// above 0.5; a 2 -> hidden -> hidden -> 1 MLP (relu, relu, sigmoid), binary cross-entropy,
// SGD with rate 0.05, mini-batches of 10: an epoch is 5 steps. graphed: the first step runs
// eagerly, the second is captured as a CUDA graph on static batch tensors, and every later
// step copies its batch into them and replays the graph (as `minitorch train` does).
double train_xor(mt::Device device, int hidden, int epochs, double* final_loss,
                 bool graphed = false) {
  const int points = 50;
  const int batch = 10;
  mt::Generator gen(7);
  std::vector<double> xs;
  std::vector<double> ys;
  for (int i = 0; i < points; ++i) {
    double x0 = gen.uniform();
    double x1 = gen.uniform();
    xs.push_back(x0);
    xs.push_back(x1);
    ys.push_back(((x0 < 0.5) != (x1 < 0.5)) ? 1.0 : 0.0);
  }
  mt::TensorOptions opts = {.dtype = mt::kFloat32, .device = device};
  std::vector<mt::Tensor> batch_x;
  std::vector<mt::Tensor> batch_y;
  for (int s = 0; s < points; s += batch) {
    std::vector<double> bx(xs.begin() + 2 * s, xs.begin() + 2 * (s + batch));
    std::vector<double> by(ys.begin() + s, ys.begin() + s + batch);
    batch_x.push_back(mt::from_vector(bx, {batch, 2}, opts));
    batch_y.push_back(mt::from_vector(by, {batch, 1}, opts));
  }
  auto param = [&](std::int64_t rows, std::int64_t cols) {
    mt::Tensor w = (mt::rand({rows, cols}, {.dtype = mt::kFloat32}, &gen) - 0.5) * 0.5;
    return w.to(device).requires_grad_(true);
  };
  std::vector<mt::Tensor> params = {param(2, hidden), param(1, hidden), param(hidden, hidden),
                                    param(1, hidden), param(hidden, 1), param(1, 1)};
  auto step = [&](const mt::Tensor& x, const mt::Tensor& y) {
    mt::Tensor h = (x.matmul(params[0]) + params[1]).relu();
    h = (h.matmul(params[2]) + params[3]).relu();
    mt::Tensor p = (h.matmul(params[4]) + params[5]).sigmoid();
    mt::Tensor loss = -(y * p.log() + (1.0 - y) * (1.0 - p).log()).mean();
    loss.backward();
    mt::NoGradGuard no_grad;
    for (mt::Tensor& w : params) {
      w.add_(w.grad(), -0.05);
      w.zero_grad();
    }
    return loss;
  };
  using Clock = std::chrono::steady_clock;
  std::vector<double> seconds;
  mt::Tensor last;
  mt::Tensor static_x = batch_x[0].clone();
  mt::Tensor static_y = batch_y[0].clone();
  mt::CudaGraph graph(device);
  int steps = 0;
  for (int e = 0; e < epochs + 5; ++e) {
    auto t0 = Clock::now();
    for (std::size_t s = 0; s < batch_x.size(); ++s, ++steps) {
      if (!graphed || steps == 0) {
        last = step(batch_x[s], batch_y[s]);
        continue;
      }
      static_x.copy_(batch_x[s]);
      static_y.copy_(batch_y[s]);
      if (!graph.captured()) {
        graph.capture([&] { last = step(static_x, static_y); });
      }
      graph.replay();
    }
    *final_loss = last.item();  // one sync per epoch, as a training loop's log line needs
    if (e >= 5) {
      seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
  }
  return median(seconds);
}

void bench_training(Targets& targets) {
  std::printf("\n== Training: xor, 50 points, batches of 10, MLP 2-100-100-1, SGD 0.05\n");
  double gpu_loss = 0;
  double cpu_loss = 0;
  double graph_loss = 0;
  double gpu_s = train_xor(mt::Device::cuda(), 100, 200, &gpu_loss);
  double graph_s = train_xor(mt::Device::cuda(), 100, 200, &graph_loss, /*graphed=*/true);
  double cpu_s = train_xor(mt::Device::cpu(), 100, 200, &cpu_loss);
  std::printf("  cuda:            %9.3f ms per epoch (loss after 205 epochs %.4f)\n", gpu_s * 1e3,
              gpu_loss);
  std::printf("  cuda, graph replay: %6.3f ms per epoch (loss after 205 epochs %.4f)\n",
              graph_s * 1e3, graph_loss);
  std::printf("  cpu (%-9s): %9.3f ms per epoch (loss after 205 epochs %.4f)\n",
              mt::backend_name(mt::Device::cpu()).c_str(), cpu_s * 1e3, cpu_loss);
  targets.add("xor hidden 100, GPU ms per epoch", gpu_s * 1e3, 2.0, false, "ms");
  targets.add("xor hidden 100, GPU graph replay ms per epoch", graph_s * 1e3, 0.5, false, "ms");
}

}  // namespace

int main(int argc, char** argv) {
  // --quick: no matmuls; --tf32: the TF32 rows alone (run without NVIDIA_TF32_OVERRIDE);
  // --half: the bfloat16/float16 rows alone.
  bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  bool tf32_only = argc > 1 && std::string(argv[1]) == "--tf32";
  bool half_only = argc > 1 && std::string(argv[1]) == "--half";
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    std::fprintf(stderr, "gpu_bench: no CUDA device\n");
    return 2;
  }
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
  int driver = 0;
  int runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  std::printf("minitorch GPU benchmarks\n");
  std::printf(
      "device: %s, %d SMs, %.1f GiB, L2 %.0f MiB, compute %d.%d, driver %d, runtime %d\n",
      prop.name, prop.multiProcessorCount, static_cast<double>(prop.totalGlobalMem) / (1 << 30),
      static_cast<double>(prop.l2CacheSize) / (1 << 20), prop.major, prop.minor, driver, runtime);
  const char* tf32 = std::getenv("NVIDIA_TF32_OVERRIDE");
  std::printf("NVIDIA_TF32_OVERRIDE=%s\n", tf32 != nullptr ? tf32 : "(unset)");
  if (tf32_only) {
    cublasHandle_t handle;
    check(cublasCreate(&handle), "cublasCreate");
    check(cublasSetStream(handle, lib_stream()), "cublasSetStream");
    bench_gemm_tf32(handle);
    cublasDestroy(handle);
    return 0;
  }
  if (half_only) {
    cublasHandle_t handle;
    check(cublasCreate(&handle), "cublasCreate");
    check(cublasSetStream(handle, lib_stream()), "cublasSetStream");
    bench_gemm_half(nullptr, handle);
    cublasDestroy(handle);
    return 0;
  }
  Targets targets;
  bench_latency(targets);
  bench_training(targets);
  bench_bandwidth(targets);
  if (!quick) {
    cublasHandle_t handle;
    check(cublasCreate(&handle), "cublasCreate");
    check(cublasSetStream(handle, lib_stream()), "cublasSetStream");
    bench_gemm<float>(targets, handle);
    bench_gemm<double>(targets, handle);
    bench_gemm_tf32(handle);
    bench_gemm_half(&targets, handle);
    cublasDestroy(handle);
  }
  std::printf("\n== Acceptance targets (issue 17; issue 6 for latency and xor)\n");
  for (const std::string& line : targets.lines) {
    std::printf("%s\n", line.c_str());
  }
  std::printf("  %d passed, %d failed\n", targets.passed, targets.failed);
  return 0;
}
