// dev/: times the TF32 tensor-core matmul (src/backends/cuda/cuda_matmul_tf32.cuh) over several
// tilings against cublasSgemm in CUBLAS_TF32_TENSOR_OP_MATH, in one run on one GPU; the winner
// is the tiling cuda_matmul_tf32.cu launches. Each tiling is first checked against cuBLAS on
// an odd shape (edge tiles in m, n and k) and on both operand orders. Not linked into the
// library; run without NVIDIA_TF32_OVERRIDE=0 (it turns TF32 off in cuBLAS). Build:
//   nvcc -O3 -std=c++20 --expt-relaxed-constexpr -arch=sm_90 -Iinclude -Isrc \
//     dev/cuda/tf32_tiles.cu -lcublas -o tf32_tiles
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "backends/cuda/cuda_matmul_tf32.cuh"

namespace tf32 = minitorch::cuda::tf32;
using minitorch::cuda::MatmulBatch;

namespace {

void check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "tf32_tiles: %s: %s\n", what, cudaGetErrorString(error));
    std::exit(1);
  }
}

void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "tf32_tiles: %s: cuBLAS status %d\n", what, static_cast<int>(status));
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

// Row-major [m, k] (a_row) or its transpose stored row-major [k, m]; likewise b.
template <class Tiles, bool kARow, bool kBRow>
void run_ours(const float* a, const float* b, float* c, int m, int n, int k) {
  auto kernel = tf32::matmul_tf32<Tiles, kARow, kBRow>;
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
void run_cublas(cublasHandle_t handle, const float* a, const float* b, float* c, int m, int n,
                int k, bool a_row, bool b_row) {
  const float one = 1;
  const float zero = 0;
  check(cublasSgemm(handle, b_row ? CUBLAS_OP_N : CUBLAS_OP_T, a_row ? CUBLAS_OP_N : CUBLAS_OP_T, n,
                    m, k, &one, b, b_row ? n : k, a, a_row ? k : m, &zero, c, n),
        "cublasSgemm");
}

double max_rel(const float* got, const float* want, std::size_t count) {
  std::vector<float> g(count);
  std::vector<float> w(count);
  check(cudaMemcpy(g.data(), got, count * 4, cudaMemcpyDeviceToHost), "copy");
  check(cudaMemcpy(w.data(), want, count * 4, cudaMemcpyDeviceToHost), "copy");
  double diff = 0;
  double scale = 0;
  for (std::size_t i = 0; i < count; ++i) {
    diff = std::max(diff, static_cast<double>(std::abs(g[i] - w[i])));
    scale = std::max(scale, static_cast<double>(std::abs(w[i])));
  }
  return scale > 0 ? diff / scale : 1.0;
}

struct Buffers {
  float* a;
  float* b;
  float* c;
  float* ref;
};

template <class Tiles>
void measure(const char* name, cublasHandle_t handle, const Buffers& buf) {
  // Odd shape, all four operand orders, against cuBLAS TF32 (another sum order: ~1e-5).
  const int m = 1003;
  const int n = 1004;
  const int k = 1000;
  double worst = 0;
  auto layout = [&](auto ours, bool a_row, bool b_row) {
    check(cudaMemset(buf.c, 0, std::size_t{4} * m * n), "memset");
    ours(buf.a, buf.b, buf.c, m, n, k);
    run_cublas(handle, buf.a, buf.b, buf.ref, m, n, k, a_row, b_row);
    worst = std::max(worst, max_rel(buf.c, buf.ref, std::size_t(m) * n));
  };
  layout(run_ours<Tiles, true, true>, true, true);
  layout(run_ours<Tiles, true, false>, true, false);
  layout(run_ours<Tiles, false, true>, false, true);
  layout(run_ours<Tiles, false, false>, false, false);
  std::printf("%-30s %4d thr %6d B smem  check %.1e %s", name, Tiles::kThreads, Tiles::kSmemBytes,
              worst, worst < 1e-4 ? "ok  " : "FAIL");
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
  check(cudaMalloc(&buf.a, count * 4), "malloc");
  check(cudaMalloc(&buf.b, count * 4), "malloc");
  check(cudaMalloc(&buf.c, count * 4), "malloc");
  check(cudaMalloc(&buf.ref, count * 4), "malloc");
  std::vector<float> host(count);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1, 1);
  for (float& v : host) {
    v = uniform(rng);
  }
  check(cudaMemcpy(buf.a, host.data(), count * 4, cudaMemcpyHostToDevice), "copy");
  std::reverse(host.begin(), host.end());
  check(cudaMemcpy(buf.b, host.data(), count * 4, cudaMemcpyHostToDevice), "copy");
  cublasHandle_t handle;
  check(cublasCreate(&handle), "cublasCreate");
  check(cublasSetMathMode(handle, CUBLAS_TF32_TENSOR_OP_MATH), "cublasSetMathMode");
  const char* override_tf32 = std::getenv("NVIDIA_TF32_OVERRIDE");
  std::printf("NVIDIA_TF32_OVERRIDE=%s; tiling <m, n, warp m, warp n, stages, min blocks>\n",
              override_tf32 != nullptr ? override_tf32 : "(unset)");
  measure<tf32::Tf32Tiles<128, 128, 64, 32, 3, 2>>("<128,128,64,32,3,2>", handle, buf);
  measure<tf32::Tf32Tiles<128, 128, 64, 64, 3, 2>>("<128,128,64,64,3,2>", handle, buf);
  measure<tf32::Tf32Tiles<128, 128, 64, 64, 4, 1>>("<128,128,64,64,4,1>", handle, buf);
  measure<tf32::Tf32Tiles<128, 256, 64, 64, 3, 1>>("<128,256,64,64,3,1>", handle, buf);
  measure<tf32::Tf32Tiles<128, 256, 64, 64, 4, 1>>("<128,256,64,64,4,1>", handle, buf);
  measure<tf32::Tf32Tiles<256, 128, 64, 64, 3, 1>>("<256,128,64,64,3,1>", handle, buf);
  measure<tf32::Tf32Tiles<256, 128, 64, 64, 4, 1>>("<256,128,64,64,4,1>", handle, buf);
  cublasDestroy(handle);
  return 0;
}
