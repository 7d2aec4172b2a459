// GPU benchmarks of the CUDA backend (issue 6), all through the public Tensor API:
//  1. GB/s of map, zip, broadcast zip, transposed zip and reductions on 64M float32, each as
//     a ratio to a device-to-device cudaMemcpy timed in the same run (bytes read + written);
//  2. sgemm and dgemm, 1024 to 8192, against cuBLAS in the same run (cuBLAS is a peer here and
//     never a library dependency; CUBLAS_DEFAULT_MATH and CUBLAS_PEDANTIC_MATH are both FP32
//     or FP64 arithmetic, no TF32 — NVIDIA_TF32_OVERRIDE must be unset or 0);
//     2b. TF32: ours with set_allow_tf32(true) vs cublasSgemm in CUBLAS_TF32_TENSOR_OP_MATH,
//     2048 to 8192 (skipped under NVIDIA_TF32_OVERRIDE=0; `--tf32` runs these rows alone);
//     2c. bfloat16/float16: the tensor-core kernel (launch_matmul_half, on raw device buffers)
//     vs cublasGemmEx with the same formats in and out and CUBLAS_COMPUTE_32F, 2048 to 8192;
//     then "TN" (B stored [N, K], Linear's x @ W^T) at 4096 and 8192, where sm_90 takes the
//     wgmma kernel (launch_matmul_wgmma), vs cublasGemmEx in the same layout (`--half` runs
//     these rows alone);
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
#include "backends/cuda/cuda_matmul.cuh"
#include "backends/cuda/cuda_matmul_wgmma.cuh"
#include "backends/cuda/cuda_stream.h"
#include "minitorch/minitorch.h"

namespace mt = minitorch;

namespace {

void check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "gpu_bench: %s: %s\n", what, cudaGetErrorString(error));
    std::exit(1);
  }
}

void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "gpu_bench: %s: cuBLAS status %d\n", what, static_cast<int>(status));
    std::exit(1);
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median milliseconds of fn over reps runs after warmup runs, timed with CUDA events.
// The stream the library queues cuda:0's work on (Note [CUDA streams]): events, the copy
// reference and cuBLAS go there too, so no timing includes a wait between streams.
cudaStream_t lib_stream() { return mt::cuda::current_stream(0); }

double time_ms(const std::function<void()>& fn, int warmup, int reps) {
  for (int i = 0; i < warmup; ++i) {
    fn();
  }
  check(cudaDeviceSynchronize(), "warm-up");
  cudaEvent_t start;
  cudaEvent_t stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    check(cudaEventRecord(start, lib_stream()), "cudaEventRecord");
    fn();
    check(cudaEventRecord(stop, lib_stream()), "cudaEventRecord");
    check(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return median(times);
}

void* raw(const mt::Tensor& t) { return t.data().data_ptr(); }

struct Targets {
  int passed = 0;
  int failed = 0;
  std::vector<std::string> lines;
  void add(const std::string& what, double value, double target, bool at_least, const char* unit) {
    bool ok = at_least ? value >= target : value <= target;
    (ok ? passed : failed) += 1;
    char line[256];
    std::snprintf(line, sizeof line, "  %-44s %10.3f %s  (target %s %.3f)  %s", what.c_str(), value,
                  unit, at_least ? ">=" : "<=", target, ok ? "PASS" : "FAIL");
    lines.emplace_back(line);
  }
};

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
  // Note [Program benchmark]: a four-op user function in one program (issue 11: >= 0.9 of a
  // copy's bandwidth), and the same four ops composed (bytes counted as the function's).
  static const auto four_ops =
      mt::elementwise([](auto x, auto y) { return x * sigmoid(y) + y * 0.5; });
  std::vector<Row> rows = {
      {"program x*sigmoid(y)+y*0.5", 3 * bytes, [&] { return four_ops(a, b); }, 0.9},
      {"composed x*sigmoid(y)+y*0.5", 3 * bytes, [&] { return a * b.sigmoid() + b * 0.5; }, 0.0},
      {"program, row broadcast y [8192]", 2 * bytes, [&] { return four_ops(a, row); }, 0.0},
      {"map neg", 2 * bytes, [&] { return a.neg(); }, 0.95},
      {"map exp", 2 * bytes, [&] { return a.exp(); }, 0.95},
      {"zip add", 3 * bytes, [&] { return a + b; }, 0.95},
      {"zip add, row broadcast [8192]", 2 * bytes, [&] { return a + row; }, 0.75},
      {"zip add, column broadcast [8192, 1]", 2 * bytes, [&] { return a + col; }, 0.75},
      {"zip add, transposed b.T", 3 * bytes, [&] { return a + bt; }, 0.75},
      {"contiguous of a transpose", 2 * bytes, [&] { return bt.contiguous(); }, 0.0},
      {"sum over dim 1 (rows)", bytes, [&] { return a.sum(1); }, 0.85},
      {"sum over dim 0 (columns)", bytes, [&] { return a.sum(0); }, 0.85},
      {"sum over everything (64M)", bytes, [&] { return flat.sum(0); }, 0.85},
      {"max over dim 1", bytes, [&] { return a.max(1); }, 0.85},
      {"bfloat16 map neg", 2 * bytes16, [&] { return a16.neg(); }, 0.0},
      {"bfloat16 zip add", 3 * bytes16, [&] { return a16 + b16; }, 0.0},
      {"bfloat16 program x*sigmoid(y)+y*0.5", 3 * bytes16, [&] { return four_ops(a16, b16); }, 0.0},
      {"bfloat16 -> float32", 3 * bytes16, [&] { return a16.to(mt::kFloat32); }, 0.0},
      {"bfloat16 sum over dim 1 (through float32)", bytes16, [&] { return a16.sum(1); }, 0.0},
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
    // The tiled kernel's two block orders, forced (measured for float32).
    double narrow_ms = 0;
    double wide_ms = 0;
    if (single) {
      {
        mt::config::ScopedOverride order("MINITORCH_CUDA_MATMUL_ORDER", "rows");
        narrow_ms = time_ms([&] { ours = a.matmul(b); }, 1, reps);
      }
      {
        mt::config::ScopedOverride order("MINITORCH_CUDA_MATMUL_ORDER", "grouped");
        wide_ms = time_ms([&] { ours = a.matmul(b); }, 1, reps);
      }
      ours = a.matmul(b);
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
      std::printf("   row order %.2f TF, grouped order %.2f TF", flops / narrow_ms / 1e9,
                  flops / wide_ms / 1e9);
    }
    std::printf("\n");
    if (single && n >= 4096) {
      targets.add("sgemm " + std::to_string(n) + " vs fastest cuBLAS FP32", best_cublas / ours_ms,
                  0.85, true, "x");
    }
  }
}

// ---- 2b. TF32 matmul vs cuBLAS TF32 ------------------------------------------------------------

// Ours with set_allow_tf32(true) against cublasSgemm in CUBLAS_TF32_TENSOR_OP_MATH, the same
// contract (inputs rounded to TF32, float32 sums). NVIDIA_TF32_OVERRIDE=0 turns TF32 off in
// cuBLAS (not in our kernel, whose PTX asks for it), so the rows are skipped under it rather
// than compare TF32 with plain FP32.
void bench_gemm_tf32(cublasHandle_t handle) {
  std::printf(
      "\n== TF32 sgemm: minitorch with allow_tf32 vs cublasSgemm "
      "(CUBLAS_TF32_TENSOR_OP_MATH), TFLOP/s = 2 n^3 / time\n");
  const char* override_tf32 = std::getenv("NVIDIA_TF32_OVERRIDE");
  if (override_tf32 != nullptr && std::string(override_tf32) == "0") {
    std::printf("  skipped: NVIDIA_TF32_OVERRIDE=0 disables TF32 in cuBLAS; run without it\n");
    return;
  }
  std::printf("  %6s %10s %10s %10s %10s %8s %12s %12s  %s\n", "n", "ours ms", "ours TF",
              "cublas ms", "cublas TF", "ratio", "rel vs cuBLAS", "rel vs FP32", "path");
  mt::TensorOptions on_gpu = {.dtype = mt::kFloat32, .device = mt::Device::cuda()};
  mt::Generator gen(3);
  for (std::int64_t n : {2048, 4096, 8192}) {
    mt::Tensor a = mt::rand({n, n}, on_gpu, &gen) - 0.5;
    mt::Tensor b = mt::rand({n, n}, on_gpu, &gen) - 0.5;
    mt::Tensor c = mt::empty({n, n}, on_gpu);
    const int reps = n == 2048 ? 15 : (n == 4096 ? 9 : 7);
    mt::set_allow_tf32(true);
    mt::Tensor ours;
    const double ours_ms = time_ms([&] { ours = a.matmul(b); }, 2, reps);
    const std::string path(mt::primitive_report().path);
    mt::set_allow_tf32(false);
    const mt::Tensor fp32 = a.matmul(b);
    mt::reset_allow_tf32();
    const float one = 1;
    const float zero = 0;
    const int m = static_cast<int>(n);
    // Row-major C = A B is column-major C^T = B^T A^T.
    auto run_cublas = [&] {
      check(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one,
                        static_cast<const float*>(raw(b)), m, static_cast<const float*>(raw(a)), m,
                        &zero, static_cast<float*>(raw(c)), m),
            "cublasSgemm");
    };
    check(cublasSetMathMode(handle, CUBLAS_TF32_TENSOR_OP_MATH), "cublasSetMathMode");
    const double cublas_ms = time_ms(run_cublas, 2, reps);
    check(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    // Largest difference relative to the largest magnitude: to cuBLAS TF32 (same rounding of
    // the inputs, another sum order) and to our float32 result (the price of TF32).
    const double scale = fp32.abs().max().item();
    const double rel_cublas = (ours - c).abs().max().item() / scale;
    const double rel_fp32 = (ours - fp32).abs().max().item() / scale;
    const double flops =
        2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
    std::printf("  %6lld %10.3f %10.2f %10.3f %10.2f %8.3f %12.2e %12.2e  %s\n",
                static_cast<long long>(n), ours_ms, flops / ours_ms / 1e9, cublas_ms,
                flops / cublas_ms / 1e9, cublas_ms / ours_ms, rel_cublas, rel_fp32, path.c_str());
  }
}

// ---- 2c. bfloat16/float16 matmul vs cuBLAS -----------------------------------------------------

// Ours (cuda_matmul_half.cu's tensor-core kernel, called directly: the dtypes have no Tensor API
// yet) against cublasGemmEx with the same contract: 16-bit inputs and output in one format,
// float32 accumulation (CUBLAS_COMPUTE_32F), cuBLAS's default algorithm (tensor ops). Row-major
// square matrices, "NN" (B stored [K, N]: launch_matmul_half) and "TN" (B stored [N, K]:
// launch_matmul_wgmma where it takes the problem, else launch_matmul_half), each against
// cuBLAS in the same layout; inputs uniform in [-0.5, 0.5) rounded to the format.
void bench_gemm_half(Targets* targets, cublasHandle_t handle) {
  namespace cuda = mt::cuda;
  std::printf(
      "\n== bf16/fp16 matmul: minitorch tensor cores vs cublasGemmEx (CUBLAS_COMPUTE_32F), "
      "TFLOP/s = 2 n^3 / time\n");
  std::printf("  %-8s %-6s %6s %10s %10s %10s %10s %8s %14s  %s\n", "format", "layout", "n",
              "ours ms", "ours TF", "cublas ms", "cublas TF", "ratio", "max rel diff", "path");
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> uniform(-0.5f, 0.5f);
  for (const bool tn : {false, true}) {
    for (cuda::HalfFormat format : {cuda::HalfFormat::BFloat16, cuda::HalfFormat::Float16}) {
      const bool bf16 = format == cuda::HalfFormat::BFloat16;
      auto to_bits = [&](float v) {
        return bf16 ? __bfloat16_as_ushort(__float2bfloat16_rn(v))
                    : __half_as_ushort(__float2half_rn(v));
      };
      auto to_float = [&](std::uint16_t bits) {
        return bf16 ? __bfloat162float(__ushort_as_bfloat16(bits))
                    : __half2float(__ushort_as_half(bits));
      };
      const cudaDataType_t type = bf16 ? CUDA_R_16BF : CUDA_R_16F;
      for (int n : tn ? std::vector<int>{4096, 8192} : std::vector<int>{2048, 4096, 8192}) {
        const auto count = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
        std::vector<std::uint16_t> host(count);
        std::uint16_t* a = nullptr;
        std::uint16_t* b = nullptr;
        std::uint16_t* c_ours = nullptr;
        std::uint16_t* c_cublas = nullptr;
        for (std::uint16_t** buffer : {&a, &b, &c_ours, &c_cublas}) {
          check(cudaMalloc(buffer, count * 2), "cudaMalloc");
        }
        for (std::uint16_t* operand : {a, b}) {
          for (auto& bits : host) {
            bits = to_bits(uniform(rng));
          }
          check(cudaMemcpy(operand, host.data(), count * 2, cudaMemcpyHostToDevice), "cudaMemcpy");
        }
        cuda::MatmulHalfArgs args;
        args.a = a;
        args.b = b;
        args.c = c_ours;
        args.format = format;
        args.m = args.n = args.k = n;
        args.lda = args.ldb = args.ldc = n;
        args.b_row = !tn;
        args.stream = lib_stream();
        const int reps = n == 2048 ? 15 : (n == 4096 ? 9 : 7);
        auto run_ours = [&] {
          if (!tn || !cuda::launch_matmul_wgmma(args, cuda::OpContext{})) {
            cuda::launch_matmul_half(args, cuda::OpContext{});
          }
        };
        const double ours_ms = time_ms(run_ours, 2, reps);
        const std::string path(mt::primitive_report().path);
        const float one = 1;
        const float zero = 0;
        // Row-major C = A B is column-major C^T = B^T A^T; with B stored [N, K] (TN), B^T is
        // cuBLAS's op T of the column-major [K, N] it sees.
        auto run_cublas = [&] {
          check(cublasGemmEx(handle, tn ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, b,
                             type, n, a, type, n, &zero, c_cublas, type, n, CUBLAS_COMPUTE_32F,
                             CUBLAS_GEMM_DEFAULT),
                "cublasGemmEx");
        };
        const double cublas_ms = time_ms(run_cublas, 2, reps);
        // Largest difference relative to the largest magnitude (another sum order, then a
        // rounding to 16 bits: expect about one ulp of the format).
        std::vector<std::uint16_t> ours(count);
        check(cudaMemcpy(ours.data(), c_ours, count * 2, cudaMemcpyDeviceToHost), "cudaMemcpy");
        check(cudaMemcpy(host.data(), c_cublas, count * 2, cudaMemcpyDeviceToHost), "cudaMemcpy");
        double scale = 0;
        double diff = 0;
        for (std::size_t i = 0; i < count; ++i) {
          const double want = to_float(host[i]);
          scale = std::max(scale, std::abs(want));
          diff = std::max(diff, std::abs(static_cast<double>(to_float(ours[i])) - want));
        }
        for (std::uint16_t* buffer : {a, b, c_ours, c_cublas}) {
          check(cudaFree(buffer), "cudaFree");
        }
        const double flops = 2.0 * n * static_cast<double>(n) * n;
        std::printf("  %-8s %-6s %6d %10.3f %10.2f %10.3f %10.2f %8.3f %14.2e  %s\n",
                    bf16 ? "bfloat16" : "float16", tn ? "TN" : "NN", n, ours_ms,
                    flops / ours_ms / 1e9, cublas_ms, flops / cublas_ms / 1e9, cublas_ms / ours_ms,
                    diff / scale, path.c_str());
        if (targets != nullptr && bf16 && n == 8192) {
          targets->add(
              tn ? "bf16 TN matmul 8192 vs cuBLAS bf16" : "bf16 matmul 8192 vs cuBLAS bf16",
              cublas_ms / ours_ms, 0.85, true, "x");
        }
      }
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
  std::printf("  floor, cudaMemsetAsync of 4 KiB back-to-back: %7.2f us per call\n",
              median(floor_us));
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
  std::printf("\n== Acceptance targets (issue 6)\n");
  for (const std::string& line : targets.lines) {
    std::printf("%s\n", line.c_str());
  }
  std::printf("  %d passed, %d failed\n", targets.passed, targets.failed);
  return 0;
}
