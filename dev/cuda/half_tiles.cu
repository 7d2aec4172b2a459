// dev/: times the bfloat16 tensor-core matmul (src/backends/cuda/cuda_matmul_half.cuh) over
// several tilings against cublasGemmEx (bf16 in and out, CUBLAS_COMPUTE_32F), in one run on one
// GPU; the winner is the tiling cuda_matmul_half.cu launches. Each tiling is first checked
// against cuBLAS on an odd shape (edge tiles in m, n and k) in all four operand orders. Not
// linked into the library. Build:
//   nvcc -O3 -std=c++20 --expt-relaxed-constexpr -arch=sm_90 -Iinclude -Isrc \
//     dev/cuda/half_tiles.cu -lcublas -o half_tiles
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "backends/cuda/cuda_matmul_half.cuh"

namespace half_matmul = minitorch::cuda::half_matmul;
using minitorch::cuda::HalfFormat;
using minitorch::cuda::MatmulBatch;
using Bits = std::uint16_t;

namespace {

void check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "half_tiles: %s: %s\n", what, cudaGetErrorString(error));
    std::exit(1);
  }
}

void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "half_tiles: %s: cuBLAS status %d\n", what, static_cast<int>(status));
    std::exit(1);
  }
}

template <class Fn>
double median_ms(Fn fn, int reps) {
  fn();
  fn();
  check(cudaDeviceSynchronize(), "warm-up");
  cudaEvent_t start;
  cudaEvent_t stop;
  check(cudaEventCreate(&start), "event");
  check(cudaEventCreate(&stop), "event");
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    check(cudaEventRecord(start), "record");
    fn();
    check(cudaEventRecord(stop), "record");
    check(cudaEventSynchronize(stop), "sync");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, start, stop), "elapsed");
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Row-major [m, k] (a_row) or its transpose stored row-major [k, m]; likewise b. The leading
// dims of the odd check shape are multiples of 8 (the kernel's precondition).
template <class Tiles, bool kARow, bool kBRow>
void run_ours(const Bits* a, const Bits* b, Bits* c, int m, int n, int k) {
  auto kernel = half_matmul::matmul_half<Tiles, HalfFormat::BFloat16, kARow, kBRow>;
  check(
      cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Tiles::kSmemBytes),
      "cudaFuncSetAttribute");
  dim3 grid(static_cast<unsigned>((n + Tiles::kN - 1) / Tiles::kN),
            static_cast<unsigned>((m + Tiles::kM - 1) / Tiles::kM), 1);
  kernel<<<grid, Tiles::kThreads, Tiles::kSmemBytes>>>(a, b, c, m, n, k, kARow ? k : m,
                                                       kBRow ? n : k, n, MatmulBatch{});
  check(cudaGetLastError(), "launch");
}

// cuBLAS (column-major): row-major C = A B is C^T = B^T A^T.
void run_cublas(cublasHandle_t handle, const Bits* a, const Bits* b, Bits* c, int m, int n, int k,
                bool a_row, bool b_row) {
  const float one = 1;
  const float zero = 0;
  check(cublasGemmEx(handle, b_row ? CUBLAS_OP_N : CUBLAS_OP_T, a_row ? CUBLAS_OP_N : CUBLAS_OP_T,
                     n, m, k, &one, b, CUDA_R_16BF, b_row ? n : k, a, CUDA_R_16BF, a_row ? k : m,
                     &zero, c, CUDA_R_16BF, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
        "cublasGemmEx");
}

float to_float(Bits bits) { return __bfloat162float(__ushort_as_bfloat16(bits)); }

double max_rel(const Bits* got, const Bits* want, std::size_t count) {
  std::vector<Bits> g(count);
  std::vector<Bits> w(count);
  check(cudaMemcpy(g.data(), got, count * 2, cudaMemcpyDeviceToHost), "copy");
  check(cudaMemcpy(w.data(), want, count * 2, cudaMemcpyDeviceToHost), "copy");
  double diff = 0;
  double scale = 0;
  for (std::size_t i = 0; i < count; ++i) {
    diff = std::max(diff, static_cast<double>(std::abs(to_float(g[i]) - to_float(w[i]))));
    scale = std::max(scale, static_cast<double>(std::abs(to_float(w[i]))));
  }
  return scale > 0 ? diff / scale : 1.0;
}

struct Buffers {
  Bits* a;
  Bits* b;
  Bits* c;
  Bits* ref;
};

template <class Tiles>
void measure(const char* name, cublasHandle_t handle, const Buffers& buf) {
  // Odd shape, all four operand orders, against cuBLAS (another sum order, then a rounding to
  // bfloat16: about 2^-8 of the largest element).
  const int m = 1000;
  const int n = 1008;
  const int k = 1000;
  double worst = 0;
  auto layout = [&](auto ours, bool a_row, bool b_row) {
    check(cudaMemset(buf.c, 0, std::size_t{2} * m * n), "memset");
    ours(buf.a, buf.b, buf.c, m, n, k);
    run_cublas(handle, buf.a, buf.b, buf.ref, m, n, k, a_row, b_row);
    worst = std::max(worst, max_rel(buf.c, buf.ref, std::size_t(m) * n));
  };
  layout(run_ours<Tiles, true, true>, true, true);
  layout(run_ours<Tiles, true, false>, true, false);
  layout(run_ours<Tiles, false, true>, false, true);
  layout(run_ours<Tiles, false, false>, false, false);
  std::printf("%-30s %4d thr %6d B smem  check %.1e %s", name, Tiles::kThreads, Tiles::kSmemBytes,
              worst, worst < 1e-2 ? "ok  " : "FAIL");
  for (int s : {4096, 8192}) {
    const double flops = 2.0 * s * s * s;
    const double ours_ms =
        median_ms([&] { run_ours<Tiles, true, true>(buf.a, buf.b, buf.c, s, s, s); }, 7);
    const double cublas_ms =
        median_ms([&] { run_cublas(handle, buf.a, buf.b, buf.ref, s, s, s, true, true); }, 7);
    const double nt_ms =
        median_ms([&] { run_ours<Tiles, true, false>(buf.a, buf.b, buf.c, s, s, s); }, 5);
    std::printf("  | %d: %6.1f TF (x%.3f cuBLAS %5.1f TF; a b^T %6.1f TF)", s,
                flops / ours_ms / 1e9, cublas_ms / ours_ms, flops / cublas_ms / 1e9,
                flops / nt_ms / 1e9);
  }
  std::printf("\n");
}

}  // namespace

int main() {
  const std::size_t count = std::size_t{8192} * 8192;
  Buffers buf{};
  check(cudaMalloc(&buf.a, count * 2), "malloc");
  check(cudaMalloc(&buf.b, count * 2), "malloc");
  check(cudaMalloc(&buf.c, count * 2), "malloc");
  check(cudaMalloc(&buf.ref, count * 2), "malloc");
  std::vector<Bits> host(count);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1, 1);
  for (Bits& v : host) {
    v = __bfloat16_as_ushort(__float2bfloat16_rn(uniform(rng)));
  }
  check(cudaMemcpy(buf.a, host.data(), count * 2, cudaMemcpyHostToDevice), "copy");
  std::reverse(host.begin(), host.end());
  check(cudaMemcpy(buf.b, host.data(), count * 2, cudaMemcpyHostToDevice), "copy");
  cublasHandle_t handle;
  check(cublasCreate(&handle), "cublasCreate");
  std::printf("bfloat16; tiling <m, n, warp m, warp n, stages, min blocks>\n");
  measure<half_matmul::HalfTiles<128, 256, 64, 64, 4, 1>>("<128,256,64,64,4,1>", handle, buf);
  measure<half_matmul::HalfTiles<128, 256, 64, 64, 3, 1>>("<128,256,64,64,3,1>", handle, buf);
  measure<half_matmul::HalfTiles<256, 128, 64, 64, 4, 1>>("<256,128,64,64,4,1>", handle, buf);
  measure<half_matmul::HalfTiles<128, 128, 64, 64, 4, 2>>("<128,128,64,64,4,2>", handle, buf);
  measure<half_matmul::HalfTiles<128, 128, 64, 32, 4, 2>>("<128,128,64,32,4,2>", handle, buf);
  cublasDestroy(handle);
  return 0;
}
