// dev/: an FP32 SIMT sgemm lab (issue #17: FP32 SIMT sgemm >= 0.95x cuBLAS at 4096/8192; the
// library's matmul_tiled is at 0.87x). Self-contained (its device half is sgemm_lab_kernels.cuh):
// its own main, not linked into the library; the lead picks a winner from its numbers.
//
// What it computes: C[M,N] = A[M,K] @ B[K,N], all row-major float32, plain FFMA (no tensor cores,
// no TF32), c = fma(a_ik, b_kj, c) for k = 0..K-1 per element, so every variant must give the
// bits of "base" (checked with a bitwise compare on the device). M, N, K multiples of the tile.
//
// Variants (how work maps to threads is in the kernels file):
//   base           the library's matmul_tiled: 128x128x8, 256 threads, 8x8 per thread,
//                  register-staged double buffer, 2 blocks/SM
//   bk16           the same with a k-step of 16 (half the barriers and shared stores per FLOP)
//   async          128x128x16, 256 threads, 8x8 per thread, 3-stage cp.async pipeline
//                  (A scattered transposed by 4-byte copies, B by 16-byte copies), 2 blocks/SM
//   async-128x256  128x256x16, 256 threads, 8x16 per thread, 4 stages, 1 block/SM
//   async-128x256-pf  the same with double-buffered fragments that also run ahead across
//                  k-steps (the barrier moves before the last k-row's FFMAs)
//   async-t128     128x128x16, 128 threads (2x2 warps of 64x64), 16x8 per thread, 4 stages,
//                  up to 3 blocks/SM (the shape of cuBLAS's sm80 "128x128x8 warpsize2x2" FFMA
//                  kernels)
//   async-t128-pf2 async-t128 with the cross-step fragment double buffering of -pf, at 2
//                  blocks/SM (255 registers; at 3 blocks/SM it spilled 368 bytes)
//   async-t128-k8  async-t128 with a k-step of 8 and 6 stages (twice the barriers, 49 KiB)
//   async-t128-s3  async-t128 with 3 stages (49 KiB of shared memory instead of 65)
//   (the last three added in session 14, not yet run on a GPU)
//
// Checks: against cublasSgemm (CUBLAS_DEFAULT_MATH; NVIDIA_TF32_OVERRIDE=0 is set before CUDA
// starts) per element, |ours - cublas| / (|A| @ |B|) <= 1e-4, no NaN/Inf, mostly nonzero; and
// bits equal to base. Timing: cudaEvent, 2 warm-ups, median of 10, at 2048, 4096, 8192.
//
// Measured on an H100 SXM (bench/results/sgemm_lab_2026-12-07_s12_h100.txt; every variant
// bitwise equal to base and to cuBLAS): async-t128 0.936x cuBLAS at 4096 and at 8192 (0.82x at
// 2048); async-128x256-pf 0.89x / 0.87x. The other variants' timings did not come back.
// ptxas (nvcc 13, sm_90), registers, no spills: base 126, bk16 128, async
// 127, async-128x256 211, async-128x256-pf 241, async-t128 168 (its cap for 3 blocks/SM). FFMAs
// in the main loop's SASS: 86%, 88%, 89%, 92%, 92%, 90% of its instructions.
//
// Build: nvcc -O3 -std=c++17 -arch=sm_90 -lineinfo -Xptxas -v dev/cuda/sgemm_lab.cu -lcublas \
//          -o sgemm_lab
// Run:   NVIDIA_TF32_OVERRIDE=0 ./sgemm_lab [--variant NAME]; without --variant it runs itself
//        once per variant (a child process each, so a fault in one leaves the others' numbers;
//        each child times cuBLAS again and gives its ratio against that).
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sgemm_lab_kernels.cuh"

namespace {

using namespace sgemm_lab;

void check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "sgemm_lab: %s: %s\n", what, cudaGetErrorString(error));
    std::exit(1);
  }
}

void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "sgemm_lab: %s: cuBLAS status %d\n", what, static_cast<int>(status));
    std::exit(1);
  }
}

using Kernel = void (*)(const float*, const float*, float*, int, int, int, std::int64_t,
                        std::int64_t, std::int64_t);

struct Variant {
  const char* name;
  Kernel kernel;
  int threads;
  int shared_bytes;  // dynamic shared memory (0: static only)
  int tile_m;
  int tile_n;
  int tile_k;
};

using AsyncSquare = AsyncShape<128, 128, 16, 3, 4, 2, 2, 2>;
using AsyncWide = AsyncShape<128, 256, 16, 4, 4, 2, 2, 4>;
using AsyncT128 = AsyncShape<128, 128, 16, 4, 2, 2, 4, 2>;
using AsyncT128K8 = AsyncShape<128, 128, 8, 6, 2, 2, 4, 2>;
using AsyncT128S3 = AsyncShape<128, 128, 16, 3, 2, 2, 4, 2>;

const Variant kVariants[] = {
    {"base", matmul_staged<8>, kStagedThreads, 0, 128, 128, 8},
    {"bk16", matmul_staged<16>, kStagedThreads, 0, 128, 128, 16},
    {"async", matmul_async<128, 128, 16, 3, 4, 2, 2, 2, 2, false>, AsyncSquare::kThreads,
     AsyncSquare::kSharedBytes, 128, 128, 16},
    {"async-128x256", matmul_async<128, 256, 16, 4, 4, 2, 2, 4, 1, false>, AsyncWide::kThreads,
     AsyncWide::kSharedBytes, 128, 256, 16},
    {"async-128x256-pf", matmul_async<128, 256, 16, 4, 4, 2, 2, 4, 1, true>, AsyncWide::kThreads,
     AsyncWide::kSharedBytes, 128, 256, 16},
    {"async-t128", matmul_async<128, 128, 16, 4, 2, 2, 4, 2, 3, false>, AsyncT128::kThreads,
     AsyncT128::kSharedBytes, 128, 128, 16},
    {"async-t128-pf2", matmul_async<128, 128, 16, 4, 2, 2, 4, 2, 2, true>, AsyncT128::kThreads,
     AsyncT128::kSharedBytes, 128, 128, 16},
    {"async-t128-k8", matmul_async<128, 128, 8, 6, 2, 2, 4, 2, 3, false>, AsyncT128K8::kThreads,
     AsyncT128K8::kSharedBytes, 128, 128, 8},
    {"async-t128-s3", matmul_async<128, 128, 16, 3, 2, 2, 4, 2, 3, false>, AsyncT128S3::kThreads,
     AsyncT128S3::kSharedBytes, 128, 128, 16},
};

// Deterministic values in [-1, 1) from an index hash, made on the device.
__global__ void fill_uniform(float* out, size_t count, uint32_t seed) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= count) {
    return;
  }
  uint32_t h = static_cast<uint32_t>(i) * 0x9E3779B1u ^ seed;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  out[i] = static_cast<float>(h >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

__global__ void absolute(const float* in, float* out, size_t count) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i < count) {
    out[i] = fabsf(in[i]);
  }
}

struct Comparison {
  unsigned long long bits_differ;  // elements whose bits differ from base
  unsigned long long nonzero;
  unsigned long long not_finite;
  unsigned int max_rel_bits;  // max |ours - cublas| / (|A| @ |B|), a nonnegative float's bits
};

// Grid-stride walk over C: per-thread tallies, one atomic of each kind per thread.
__global__ void compare_results(const float* ours, const float* base, const float* cublas,
                                const float* scale, size_t count, Comparison* out) {
  unsigned long long differ = 0;
  unsigned long long nonzero = 0;
  unsigned long long not_finite = 0;
  float max_rel = 0.0f;
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count;
       i += stride) {
    const float o = ours[i];
    differ += __float_as_uint(o) != __float_as_uint(base[i]) ? 1 : 0;
    nonzero += o != 0.0f ? 1 : 0;
    not_finite += isfinite(o) ? 0 : 1;
    const float rel = fabsf(o - cublas[i]) / fmaxf(scale[i], 1e-30f);
    max_rel = fmaxf(max_rel, isfinite(rel) ? rel : 3.0e38f);
  }
  atomicAdd(&out->bits_differ, differ);
  atomicAdd(&out->nonzero, nonzero);
  atomicAdd(&out->not_finite, not_finite);
  atomicMax(&out->max_rel_bits, __float_as_uint(max_rel));
}

struct Matrices {
  int m;
  int n;
  int k;
  float* a;  // [m, k]
  float* b;  // [k, n]
  float* c;  // [m, n], the variant under test
  float* base;  // [m, n], base's result
  float* cublas;  // [m, n]
  float* scale;  // [m, n], |A| @ |B|
  Comparison* comparison;
};

void run_cublas(cublasHandle_t handle, const float* a, const float* b, float* c, int m, int n,
                int k) {
  // Row-major C = A B is column-major C^T = B^T A^T: B and A passed as they lie, no transposes.
  const float alpha = 1.0f;
  const float beta = 0.0f;
  check(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha, b, n, a, k, &beta, c, n),
        "cublasSgemm");
}

Matrices make_matrices(cublasHandle_t handle, int m, int n, int k) {
  Matrices x{m, n, k, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  const size_t a_count = static_cast<size_t>(m) * k;
  const size_t b_count = static_cast<size_t>(k) * n;
  const size_t c_count = static_cast<size_t>(m) * n;
  check(cudaMalloc(&x.a, a_count * sizeof(float)), "malloc a");
  check(cudaMalloc(&x.b, b_count * sizeof(float)), "malloc b");
  check(cudaMalloc(&x.c, c_count * sizeof(float)), "malloc c");
  check(cudaMalloc(&x.base, c_count * sizeof(float)), "malloc base");
  check(cudaMalloc(&x.cublas, c_count * sizeof(float)), "malloc cublas");
  check(cudaMalloc(&x.scale, c_count * sizeof(float)), "malloc scale");
  check(cudaMalloc(&x.comparison, sizeof(Comparison)), "malloc comparison");
  fill_uniform<<<static_cast<unsigned>((a_count + 255) / 256), 256>>>(x.a, a_count, 1234u);
  fill_uniform<<<static_cast<unsigned>((b_count + 255) / 256), 256>>>(x.b, b_count, 5678u);
  check(cudaGetLastError(), "fill");
  // |A| @ |B| through cuBLAS on absolute copies (scratch in c and base, overwritten later).
  float* abs_a = nullptr;
  float* abs_b = nullptr;
  check(cudaMalloc(&abs_a, a_count * sizeof(float)), "malloc abs a");
  check(cudaMalloc(&abs_b, b_count * sizeof(float)), "malloc abs b");
  absolute<<<static_cast<unsigned>((a_count + 255) / 256), 256>>>(x.a, abs_a, a_count);
  absolute<<<static_cast<unsigned>((b_count + 255) / 256), 256>>>(x.b, abs_b, b_count);
  check(cudaGetLastError(), "absolute");
  run_cublas(handle, abs_a, abs_b, x.scale, m, n, k);
  run_cublas(handle, x.a, x.b, x.cublas, m, n, k);
  check(cudaDeviceSynchronize(), "reference");
  cudaFree(abs_a);
  cudaFree(abs_b);
  return x;
}

void free_matrices(Matrices& x) {
  cudaFree(x.a);
  cudaFree(x.b);
  cudaFree(x.c);
  cudaFree(x.base);
  cudaFree(x.cublas);
  cudaFree(x.scale);
  cudaFree(x.comparison);
}

bool fits(const Variant& v, const Matrices& x) {
  return x.m % v.tile_m == 0 && x.n % v.tile_n == 0 && x.k % v.tile_k == 0;
}

void launch(const Variant& v, const Matrices& x, float* c) {
  const dim3 grid(static_cast<unsigned>(x.n / v.tile_n), static_cast<unsigned>(x.m / v.tile_m));
  v.kernel<<<grid, v.threads, v.shared_bytes>>>(x.a, x.b, c, x.m, x.n, x.k, x.k, x.n, x.n);
  check(cudaGetLastError(), v.name);
}

// Runs the variant into x.c (poisoned first, so a tile it never writes cannot pass) and
// compares with base and cuBLAS. Returns whether it passes; prints the verdict.
bool verify(const Variant& v, const Matrices& x, bool* bits_equal, float* max_rel) {
  const size_t count = static_cast<size_t>(x.m) * x.n;
  check(cudaMemset(x.c, 0xff, count * sizeof(float)), "poison c");  // 0xffffffff is a NaN
  launch(v, x, x.c);
  check(cudaMemset(x.comparison, 0, sizeof(Comparison)), "clear comparison");
  compare_results<<<1024, 256>>>(x.c, x.base, x.cublas, x.scale, count, x.comparison);
  check(cudaGetLastError(), "compare launch");
  Comparison result{};
  check(cudaMemcpy(&result, x.comparison, sizeof(Comparison), cudaMemcpyDeviceToHost),
        "compare copy");
  float rel = 0.0f;
  std::memcpy(&rel, &result.max_rel_bits, sizeof(float));
  *bits_equal = result.bits_differ == 0;
  *max_rel = rel;
  const bool ok = result.not_finite == 0 && rel <= 1e-4f && result.nonzero > count / 2;
  if (!ok || result.bits_differ != 0) {
    std::printf(
        "    %s %dx%dx%d: %llu elements differ from base, %llu not finite, %llu "
        "nonzero of %zu, max rel err %.3e%s\n",
        v.name, x.m, x.n, x.k, result.bits_differ, result.not_finite, result.nonzero, count,
        static_cast<double>(rel), ok ? "" : "  FAIL");
  }
  return ok;
}

template <typename Fn>
double median_ms(Fn fn, int reps) {
  cudaEvent_t start;
  cudaEvent_t stop;
  check(cudaEventCreate(&start), "event");
  check(cudaEventCreate(&stop), "event");
  fn();
  fn();
  check(cudaDeviceSynchronize(), "warm-up");
  std::vector<float> times;
  for (int r = 0; r < reps; ++r) {
    check(cudaEventRecord(start), "record");
    fn();
    check(cudaEventRecord(stop), "record");
    check(cudaEventSynchronize(stop), "sync");
    float ms = 0.0f;
    check(cudaEventElapsedTime(&ms, start, stop), "elapsed");
    times.push_back(ms);
  }
  check(cudaEventDestroy(start), "event destroy");
  check(cudaEventDestroy(stop), "event destroy");
  std::sort(times.begin(), times.end());
  return static_cast<double>(times[times.size() / 2]);
}

void describe(const Variant& v) {
  cudaFuncAttributes attributes{};
  check(cudaFuncGetAttributes(&attributes, v.kernel), "attributes");
  int blocks = 0;
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, v.kernel, v.threads, v.shared_bytes),
        "occupancy");
  std::printf(
      "  %-16s tile %dx%dx%d, %d threads, %d regs, %zu B local (spills if > 0), "
      "%zu B static + %d B dynamic shared, %d blocks/SM\n",
      v.name, v.tile_m, v.tile_n, v.tile_k, v.threads, attributes.numRegs,
      attributes.localSizeBytes, attributes.sharedSizeBytes, v.shared_bytes, blocks);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines survive a run killed for time
  setenv("NVIDIA_TF32_OVERRIDE", "0", 1);  // before the first CUDA call: cuBLAS in pure FP32
  std::vector<const Variant*> selected;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string value = i + 1 < argc ? argv[i + 1] : "";
    const Variant* found = nullptr;
    for (const Variant& v : kVariants) {
      if (arg == "--variant" && value == v.name) {
        found = &v;
      }
    }
    if (found == nullptr) {
      std::fprintf(stderr, "usage: sgemm_lab [--variant NAME], NAME one of:");
      for (const Variant& v : kVariants) {
        std::fprintf(stderr, " %s", v.name);
      }
      std::fprintf(stderr, "\n");
      return 2;
    }
    selected.push_back(found);
    ++i;
  }
  if (selected.empty()) {
    bool all_passed = true;
    for (const Variant& v : kVariants) {
      const std::string command = std::string("'") + argv[0] + "' --variant " + v.name;
      const int status = std::system(command.c_str());
      const int code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      std::printf("sgemm_lab: variant %s exited with %d\n\n", v.name, code);
      all_passed = all_passed && code == 0;
    }
    std::printf("sgemm_lab: all variants %s\n", all_passed ? "PASS" : "FAIL");
    return all_passed ? 0 : 1;
  }
  const Variant& base = kVariants[0];

  cudaDeviceProp props{};
  check(cudaGetDeviceProperties(&props, 0), "properties");
  std::printf("sgemm_lab on %s (%d SMs), NVIDIA_TF32_OVERRIDE=%s\n", props.name,
              props.multiProcessorCount, std::getenv("NVIDIA_TF32_OVERRIDE"));
  for (const Variant& v : kVariants) {
    if (v.shared_bytes > 0) {
      check(cudaFuncSetAttribute(v.kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 v.shared_bytes),
            "shared memory attribute");
    }
    check(cudaFuncSetAttribute(v.kernel, cudaFuncAttributePreferredSharedMemoryCarveout,
                               cudaSharedmemCarveoutMaxShared),
          "carveout attribute");
  }
  for (const Variant* v : selected) {
    describe(*v);
  }

  cublasHandle_t handle;
  check(cublasCreate(&handle), "cublasCreate");
  check(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");

  bool all_ok = true;
  // An odd-shaped check first (M != N != K, 3 block-rows: a partial L2 group), then the sizes.
  const int shapes[][3] = {
      {384, 768, 272}, {2048, 2048, 2048}, {4096, 4096, 4096}, {8192, 8192, 8192}};
  for (const auto& shape : shapes) {
    Matrices x = make_matrices(handle, shape[0], shape[1], shape[2]);
    const bool timed = shape[0] == shape[1] && shape[1] == shape[2];
    std::printf("%dx%dx%d%s\n", x.m, x.n, x.k, timed ? "" : " (check only)");
    launch(base, x, x.base);
    check(cudaDeviceSynchronize(), "base");
    const double flops = 2.0 * x.m * static_cast<double>(x.n) * x.k;
    double cublas_ms = 0.0;
    if (timed) {
      cublas_ms = median_ms([&] { run_cublas(handle, x.a, x.b, x.c, x.m, x.n, x.k); }, 10);
      std::printf("  %-16s %8.3f ms %6.2f TFLOP/s\n", "cublasSgemm", cublas_ms,
                  flops / cublas_ms * 1e-9);
    }
    for (const Variant* v : selected) {
      if (!fits(*v, x)) {
        std::printf("  %-16s skipped: the tile does not divide the problem\n", v->name);
        continue;
      }
      bool bits_equal = false;
      float max_rel = 0.0f;
      const bool ok = verify(*v, x, &bits_equal, &max_rel);
      all_ok = all_ok && ok && bits_equal;
      if (!timed) {
        std::printf("  %-16s bits equal to base %s, max rel err vs cuBLAS %.2e%s\n", v->name,
                    bits_equal ? "yes" : "NO", static_cast<double>(max_rel), ok ? "" : " FAIL");
        continue;
      }
      const double ms = median_ms([&] { launch(*v, x, x.c); }, 10);
      std::printf(
          "  %-16s %8.3f ms %6.2f TFLOP/s  %.3fx cuBLAS  bits equal to base %s  max rel "
          "err %.2e%s\n",
          v->name, ms, flops / ms * 1e-9, cublas_ms / ms, bits_equal ? "yes" : "NO",
          static_cast<double>(max_rel), ok ? "" : "  FAIL");
    }
    if (timed) {  // clocks drift under a long FFMA load: a second cuBLAS timing shows how much
      const double again = median_ms([&] { run_cublas(handle, x.a, x.b, x.c, x.m, x.n, x.k); }, 10);
      std::printf("  %-16s %8.3f ms %6.2f TFLOP/s (again, after the variants)\n", "cublasSgemm",
                  again, flops / again * 1e-9);
    }
    free_matrices(x);
  }
  check(cublasDestroy(handle), "cublasDestroy");
  std::printf("sgemm_lab: %s\n", all_ok ? "PASS" : "FAIL");
  return all_ok ? 0 : 1;
}
