// What the GPU benchmark files share (gpu_bench.cpp, gpu_bench_tensor_cores.cpp): error
// checks, CUDA-event timing on the library's stream, and the acceptance-target table.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "backends/cuda/cuda_stream.h"
#include "minitorch/minitorch.h"

namespace minitorch::gpu_bench {

namespace mt = minitorch;

inline void check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "gpu_bench: %s: %s\n", what, cudaGetErrorString(error));
    std::exit(1);
  }
}

inline void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "gpu_bench: %s: cuBLAS status %d\n", what, static_cast<int>(status));
    std::exit(1);
  }
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median milliseconds of fn over reps runs after warmup runs, timed with CUDA events.
// The stream the library queues cuda:0's work on (Note [CUDA streams]): events, the copy
// reference and cuBLAS go there too, so no timing includes a wait between streams.
inline cudaStream_t lib_stream() { return mt::cuda::current_stream(0); }

inline double time_ms(const std::function<void()>& fn, int warmup, int reps) {
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

inline void* raw(const mt::Tensor& t) { return t.data().data_ptr(); }

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

/// 2b and 2c (gpu_bench_tensor_cores.cpp): TF32 sgemm and bfloat16/float16 matmul vs cuBLAS;
/// targets may be null (the --half run alone).
void bench_gemm_tf32(cublasHandle_t handle);
void bench_gemm_half(Targets* targets, cublasHandle_t handle);

}  // namespace minitorch::gpu_bench
