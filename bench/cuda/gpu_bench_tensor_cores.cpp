// GPU benchmarks 2b and 2c (see gpu_bench.cpp's list): TF32 sgemm and bfloat16/float16
// matmul on tensor cores against cuBLAS in the same run, same layouts and formats.

#include <cmath>

#include "backends/backend.h"
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

// Ours (Tensor::matmul on bfloat16/float16 tensors: the library's dispatch, matmul_half)
// against cublasGemmEx with the same contract: 16-bit inputs and output in one format, float32
// accumulation (CUBLAS_COMPUTE_32F), cuBLAS's default algorithm (tensor ops). Row-major
// square matrices, "NN" (B stored [K, N]; wgmma through a K-major copy of B, Note [wgmma by
// copying]) and "TN" (B stored [N, K] and transposed: wgmma directly), each against cuBLAS
// in the same layout; inputs uniform in [-0.5, 0.5) rounded to the format.
void bench_gemm_half(Targets* targets, cublasHandle_t handle) {
  std::printf(
      "\n== bf16/fp16 matmul: minitorch tensor cores vs cublasGemmEx (CUBLAS_COMPUTE_32F), "
      "TFLOP/s = 2 n^3 / time\n");
  std::printf("  %-8s %-6s %6s %10s %10s %10s %10s %8s %14s  %s\n", "format", "layout", "n",
              "ours ms", "ours TF", "cublas ms", "cublas TF", "ratio", "max rel diff", "path");
  mt::Generator gen(5);
  const mt::TensorOptions on_gpu = {.device = mt::Device::cuda()};
  for (const bool tn : {false, true}) {
    for (const mt::DType dtype : {mt::kBFloat16, mt::kFloat16}) {
      const bool bf16 = dtype == mt::kBFloat16;
      const cudaDataType_t type = bf16 ? CUDA_R_16BF : CUDA_R_16F;
      for (std::int64_t n : {2048, 4096, 8192}) {
        const mt::Tensor a = (mt::rand({n, n}, on_gpu, &gen) - 0.5).to(dtype);
        // NN: B stored [K, N]. TN: B stored [N, K], used as its transpose.
        const mt::Tensor b_stored = (mt::rand({n, n}, on_gpu, &gen) - 0.5).to(dtype);
        const mt::Tensor b = tn ? b_stored.transpose(0, 1) : b_stored;
        const mt::Tensor c = mt::empty({n, n}, {.dtype = dtype, .device = mt::Device::cuda()});
        const int reps = n == 2048 ? 15 : (n == 4096 ? 9 : 7);
        mt::Tensor ours;
        const double ours_ms = time_ms([&] { ours = a.matmul(b); }, 2, reps);
        const std::string path(mt::primitive_report().path);
        const float one = 1;
        const float zero = 0;
        const int m = static_cast<int>(n);
        // Row-major C = A B is column-major C^T = B^T A^T; with B stored [N, K] (TN), B^T is
        // cuBLAS's op T of the column-major [K, N] it sees.
        auto run_cublas = [&] {
          check(cublasGemmEx(handle, tn ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one,
                             raw(b_stored), type, m, raw(a), type, m, &zero, raw(c), type, m,
                             CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
                "cublasGemmEx");
        };
        const double cublas_ms = time_ms(run_cublas, 2, reps);
        // Largest difference relative to the largest magnitude (another sum order, then a
        // rounding to 16 bits: expect about one ulp of the format).
        const mt::Tensor want = c.to(mt::kFloat32);
        const double scale = want.abs().max().item();
        const double diff = (ours.to(mt::kFloat32) - want).abs().max().item();
        const double flops =
            2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
        std::printf("  %-8s %-6s %6lld %10.3f %10.2f %10.3f %10.2f %8.3f %14.2e  %s\n",
                    bf16 ? "bfloat16" : "float16", tn ? "TN" : "NN", static_cast<long long>(n),
                    ours_ms, flops / ours_ms / 1e9, cublas_ms, flops / cublas_ms / 1e9,
                    cublas_ms / ours_ms, diff / scale, path.c_str());
        if (targets != nullptr && bf16 && n == 8192) {
          targets->add(
              tn ? "bf16 TN matmul 8192 vs cuBLAS bf16" : "bf16 NN matmul 8192 vs cuBLAS bf16",
              cublas_ms / ours_ms, 0.85, true, "x");
        }
      }
    }
  }
}

}  // namespace minitorch::gpu_bench
