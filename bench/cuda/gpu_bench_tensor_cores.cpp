// GPU benchmarks 2b and 2c (see gpu_bench.cpp's list): TF32 sgemm and bfloat16/float16
// matmul on tensor cores against cuBLAS in the same run, same layouts and formats.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cmath>
#include <random>

#include "backends/backend.h"
#include "backends/cuda/cuda_matmul.cuh"
#include "backends/cuda/cuda_matmul_wgmma.cuh"
#include "gpu_bench_support.h"

namespace minitorch::gpu_bench {

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

}  // namespace minitorch::gpu_bench
