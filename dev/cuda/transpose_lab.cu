// dev/: a transposed-operand elementwise lab (issue #17: "transposed >= 90% of copy bandwidth";
// the library's `a + b.T` path, elementwise_tiled, runs at 0.85 of a device-to-device memcpy).
// Self-contained (with its device half, transpose_lab_kernels.cuh): its own main, not linked into
// the library; the lead decides from its numbers.
//
// What it computes: out[i][j] = a[i][j] + b[j][i] ("add", 3 * 4 * rows * cols bytes) and the
// plain transpose copy out[i][j] = b[j][i] ("copy", 2 * 4 * rows * cols bytes), float32,
// row-major, out and a [rows, cols], b [cols, rows].
//
// Variants (how work maps to threads and the memory pattern: see each kernel's comment):
//   base                elementwise_tiled as the library has it (32x32 tile, 32x8 threads,
//                       64-bit index math, a read after the barrier);
//   tile32_prefetch     the same tile, 32-bit offsets, all 8 loads per thread before the barrier;
//   tile64_vec4         64x64 tile, 256 threads, float4 on every global access, XOR-swizzled
//                       shared memory; edge tiles and unaligned shapes take a scalar path inside
//                       the kernel (padded [64][65] view of the same shared memory);
//   regs4x4_q32/_q16    no shared memory: a thread transposes a 4x4 micro-block in registers,
//                       float4 everywhere; q32 favours out and a (128-byte rows), q16 favours b;
//   regs4x4_q32_stream  regs4x4_q32 with evict-first loads and streaming stores.
// The regs4x4 variants need rows and cols multiples of 4; other shapes fall back to
// tile32_prefetch (the table names the kernel that ran).
//
// Check: every variant is compared bitwise, over every element, with a one-thread-per-element
// reference kernel (itself checked against a host loop: fully on the small shapes, on whole
// rows and columns of the large ones), output poisoned with NaN bits before each run, again
// after timing. Small shapes off tile boundaries (1x1 ... 4100x4092) are checked only; 4096^2,
// 8192^2 and 8191x8193 are checked and timed: cudaEvent, 3 warm-ups, median of 20. GB/s counts
// bytes read + written; "x copy" divides by cudaMemcpyDeviceToDevice of one rows x cols matrix
// (2 * 4 * rows * cols bytes) timed in the same process before and after the variants.
//
// Measured on an H100 SXM (bench/results/transpose_lab_2026-12-07_s12_h100.txt), add / copy at
// 8192^2: base 0.867 / 0.962, tile32_prefetch 1.010 / 0.972, tile64_vec4 1.017 / 0.974,
// regs4x4_q32 1.000 / 0.915. tile32_prefetch is the smallest change to elementwise_tiled for
// nearly all of the gain (its port waits for a device to verify it); at 8191x8193
// tile64_vec4's scalar path leads (0.925 vs 0.857).
//
// Build: nvcc -O3 -std=c++17 -arch=sm_90 dev/cuda/transpose_lab.cu -o transpose_lab
// Run:   ./transpose_lab [--variant NAME] (default all); exit status 0 only if every check passed.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "transpose_lab_kernels.cuh"

namespace {

using namespace transpose_lab;

void check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "transpose_lab: %s: %s\n", what, cudaGetErrorString(error));
    std::exit(1);
  }
}

// Deterministic values in [-1, 1) from an index hash, made on the device.
__global__ void fill_uniform(float* out, long long count, uint32_t seed) {
  const long long step = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < count;
       i += step) {
    uint32_t h = static_cast<uint32_t>(i) * 0x9E3779B1u ^ seed;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    out[i] = static_cast<float>(h >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
}

enum class Variant { Base, Tile32Prefetch, Tile64Vec4, Regs4x4Q32, Regs4x4Q16, Regs4x4Q32Stream };

struct VariantName {
  Variant variant;
  const char* name;
};

constexpr VariantName kVariants[] = {
    {Variant::Base, "base"},
    {Variant::Tile32Prefetch, "tile32_prefetch"},
    {Variant::Tile64Vec4, "tile64_vec4"},
    {Variant::Regs4x4Q32, "regs4x4_q32"},
    {Variant::Regs4x4Q16, "regs4x4_q16"},
    {Variant::Regs4x4Q32Stream, "regs4x4_q32_stream"},
};

unsigned ceil_div(long long a, long long b) { return static_cast<unsigned>((a + b - 1) / b); }

bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

// Float4 rows: every row of out, a and b starts on 16 bytes.
bool vector_shape(const Problem& pr) {
  return pr.rows % 4 == 0 && pr.cols % 4 == 0 && aligned16(pr.out) && aligned16(pr.a) &&
      aligned16(pr.b);
}

// Launches one variant; returns the name of the kernel that ran (regs4x4 falls back).
template <bool kAdd>
const char* launch_variant(Variant variant, const Problem& pr) {
  const dim3 grid32(ceil_div(pr.cols, kTile), ceil_div(pr.rows, kTile));
  const dim3 grid64(ceil_div(pr.cols, kTile64), ceil_div(pr.rows, kTile64));
  const bool vec = vector_shape(pr);
  const char* ran = nullptr;
  switch (variant) {
    case Variant::Base: {
      TiledGeometry g{};
      g.size_q = pr.cols;
      g.size_p = pr.rows;
      g.tiles_q = ceil_div(pr.cols, kTile);
      g.tiles_p = ceil_div(pr.rows, kTile);
      const std::int64_t q_strides[3] = {1, 1, pr.rows};
      const std::int64_t p_strides[3] = {pr.cols, pr.cols, 1};
      for (int k = 0; k < 3; ++k) {
        g.stride_q[k] = q_strides[k];
        g.stride_p[k] = p_strides[k];
      }
      const unsigned blocks = static_cast<unsigned>(g.tiles_q * g.tiles_p);
      transpose_base<kAdd><<<blocks, dim3(kTile, kTileRows)>>>(pr.out, pr.a, pr.b, g);
      ran = "base";
      break;
    }
    case Variant::Tile32Prefetch:
      transpose_tile32_prefetch<kAdd><<<grid32, dim3(kTile, kTileRows)>>>(pr);
      ran = "tile32_prefetch";
      break;
    case Variant::Tile64Vec4:
      transpose_tile64<kAdd><<<grid64, kThreads>>>(pr, vec);
      ran = vec ? "tile64_vec4" : "tile64_vec4(scalar path)";
      break;
    case Variant::Regs4x4Q32:
    case Variant::Regs4x4Q16:
    case Variant::Regs4x4Q32Stream:
      if (!vec) {
        transpose_tile32_prefetch<kAdd><<<grid32, dim3(kTile, kTileRows)>>>(pr);
        ran = "tile32_prefetch(fallback)";
      } else if (variant == Variant::Regs4x4Q32) {
        transpose_regs4x4<8, kAdd, false><<<grid64, kThreads>>>(pr);
        ran = "regs4x4_q32";
      } else if (variant == Variant::Regs4x4Q16) {
        transpose_regs4x4<4, kAdd, false><<<grid64, kThreads>>>(pr);
        ran = "regs4x4_q16";
      } else {
        transpose_regs4x4<8, kAdd, true><<<grid64, kThreads>>>(pr);
        ran = "regs4x4_q32_stream";
      }
      break;
  }
  check(cudaGetLastError(), "variant launch");
  return ran;
}

const char* launch(Variant variant, bool add, const Problem& pr) {
  return add ? launch_variant<true>(variant, pr) : launch_variant<false>(variant, pr);
}

void launch_reference(bool add, const Problem& pr) {
  if (add) {
    transpose_reference<true><<<4096, 256>>>(pr);
  } else {
    transpose_reference<false><<<4096, 256>>>(pr);
  }
  check(cudaGetLastError(), "reference launch");
}

struct Buffers {
  int rows = 0;
  int cols = 0;
  float* a = nullptr;
  float* b = nullptr;
  float* out = nullptr;
  float* ref = nullptr;
  unsigned long long* counters = nullptr;  // mismatches, first mismatch

  long long count() const { return static_cast<long long>(rows) * cols; }
  size_t bytes() const { return static_cast<size_t>(count()) * sizeof(float); }
  Problem problem(float* target) const { return Problem{target, a, b, rows, cols}; }
};

Buffers make_buffers(int rows, int cols, uint32_t seed) {
  if (static_cast<long long>(rows) * cols >= (1ll << 31)) {
    std::fprintf(stderr, "transpose_lab: %dx%d needs 64-bit offsets\n", rows, cols);
    std::exit(1);
  }
  Buffers x;
  x.rows = rows;
  x.cols = cols;
  check(cudaMalloc(&x.a, x.bytes()), "malloc a");
  check(cudaMalloc(&x.b, x.bytes()), "malloc b");
  check(cudaMalloc(&x.out, x.bytes()), "malloc out");
  check(cudaMalloc(&x.ref, x.bytes()), "malloc ref");
  check(cudaMalloc(&x.counters, 2 * sizeof(unsigned long long)), "malloc counters");
  fill_uniform<<<4096, 256>>>(x.a, x.count(), seed);
  fill_uniform<<<4096, 256>>>(x.b, x.count(), seed ^ 0x5bd1e995u);
  check(cudaGetLastError(), "fill launch");
  check(cudaDeviceSynchronize(), "fill");
  return x;
}

void free_buffers(Buffers& x) {
  check(cudaFree(x.a), "free a");
  check(cudaFree(x.b), "free b");
  check(cudaFree(x.out), "free out");
  check(cudaFree(x.ref), "free ref");
  check(cudaFree(x.counters), "free counters");
}

void poison(const Buffers& x) { check(cudaMemset(x.out, 0xFF, x.bytes()), "poison"); }

// Bitwise compare of x.out against x.ref; prints and returns false on any difference.
bool matches_reference(const Buffers& x, const char* what) {
  const unsigned long long init[2] = {0ull, ~0ull};
  check(cudaMemcpy(x.counters, init, sizeof(init), cudaMemcpyHostToDevice), "counters");
  count_mismatches<<<2048, 256>>>(x.out, x.ref, x.count(), x.counters, x.counters + 1);
  check(cudaGetLastError(), "compare launch");
  unsigned long long result[2] = {0ull, 0ull};
  check(cudaMemcpy(result, x.counters, sizeof(result), cudaMemcpyDeviceToHost), "counters back");
  if (result[0] != 0) {
    std::printf("  MISMATCH %s at %dx%d: %llu elements differ, first at row %llu col %llu\n", what,
                x.rows, x.cols, result[0], result[1] / static_cast<unsigned>(x.cols),
                result[1] % static_cast<unsigned>(x.cols));
    return false;
  }
  return true;
}

// The reference kernel against a host loop: every element when full, else whole rows and whole
// columns (first and last four, middle, and 24 hashed), which covers every tile edge kind.
bool reference_matches_host(const Buffers& x, bool add, bool full) {
  const size_t n = static_cast<size_t>(x.count());
  std::vector<float> a(n);
  std::vector<float> b(n);
  std::vector<float> ref(n);
  check(cudaMemcpy(a.data(), x.a, x.bytes(), cudaMemcpyDeviceToHost), "a to host");
  check(cudaMemcpy(b.data(), x.b, x.bytes(), cudaMemcpyDeviceToHost), "b to host");
  check(cudaMemcpy(ref.data(), x.ref, x.bytes(), cudaMemcpyDeviceToHost), "ref to host");
  const size_t rows = static_cast<size_t>(x.rows);
  const size_t cols = static_cast<size_t>(x.cols);
  size_t bad = 0;
  size_t checked = 0;
  size_t nonzero = 0;
  auto check_at = [&](size_t i, size_t j) {
    const float want = add ? a[i * cols + j] + b[j * rows + i] : b[j * rows + i];
    const float got = ref[i * cols + j];
    uint32_t want_bits = 0;
    uint32_t got_bits = 0;
    std::memcpy(&want_bits, &want, 4);
    std::memcpy(&got_bits, &got, 4);
    bad += want_bits != got_bits ? 1 : 0;
    nonzero += got != 0.0f ? 1 : 0;
    ++checked;
  };
  auto picks = [](size_t extent, uint32_t salt) {
    std::vector<size_t> chosen;
    for (size_t k = 0; k < 4 && k < extent; ++k) {
      chosen.push_back(k);
      chosen.push_back(extent - 1 - k);
    }
    chosen.push_back(extent / 2);
    uint32_t state = 2463534242u ^ salt;
    for (int k = 0; k < 24; ++k) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      chosen.push_back(state % extent);
    }
    return chosen;
  };
  if (full) {
    for (size_t i = 0; i < rows; ++i) {
      for (size_t j = 0; j < cols; ++j) {
        check_at(i, j);
      }
    }
  } else {
    for (size_t i : picks(rows, 17u)) {
      for (size_t j = 0; j < cols; ++j) {
        check_at(i, j);
      }
    }
    for (size_t j : picks(cols, 91u)) {
      for (size_t i = 0; i < rows; ++i) {
        check_at(i, j);
      }
    }
  }
  const bool ok = bad == 0 && nonzero * 2 > checked;
  if (!ok) {
    std::printf("  REFERENCE WRONG at %dx%d %s: %zu of %zu differ from the host, %zu nonzero\n",
                x.rows, x.cols, add ? "add" : "copy", bad, checked, nonzero);
  }
  return ok;
}

template <typename Fn>
double median_ms(Fn fn) {
  constexpr int kWarmups = 3;
  constexpr int kReps = 20;
  cudaEvent_t start;
  cudaEvent_t stop;
  check(cudaEventCreate(&start), "event");
  check(cudaEventCreate(&stop), "event");
  for (int r = 0; r < kWarmups; ++r) {
    fn();
  }
  check(cudaDeviceSynchronize(), "warm-up");
  std::vector<float> times;
  for (int r = 0; r < kReps; ++r) {
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

double memcpy_ms(const Buffers& x) {
  return median_ms(
      [&] { check(cudaMemcpyAsync(x.out, x.a, x.bytes(), cudaMemcpyDeviceToDevice), "memcpy"); });
}

struct Row {
  std::string shape;
  const char* op;
  const char* ran;
  double ms;
  double gbps;
  double ratio;
  bool ok;
};

// Registers, static shared memory and resident blocks per SM of each kernel (the add form).
template <typename Kernel>
void print_resources(const char* name, Kernel kernel, int threads) {
  cudaFuncAttributes attributes{};
  check(cudaFuncGetAttributes(&attributes, kernel), "attributes");
  int blocks = 0;
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, kernel, threads, 0), "occupancy");
  std::printf("  %-20s %3d regs, %5zu B shared, %2d local B, %d blocks of %d per SM\n", name,
              attributes.numRegs, attributes.sharedSizeBytes,
              static_cast<int>(attributes.localSizeBytes), blocks, threads);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines survive a run killed for hanging
  std::vector<Variant> selected;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const std::string value = i + 1 < argc ? argv[i + 1] : "";
    bool known = false;
    for (const VariantName& entry : kVariants) {
      if (arg == "--variant" && value == entry.name) {
        selected.push_back(entry.variant);
        known = true;
      }
    }
    if (!known) {
      std::fprintf(stderr, "usage: transpose_lab [--variant NAME], NAME one of:");
      for (const VariantName& entry : kVariants) {
        std::fprintf(stderr, " %s", entry.name);
      }
      std::fprintf(stderr, "\n");
      return 2;
    }
    ++i;
  }
  if (selected.empty()) {
    for (const VariantName& entry : kVariants) {
      selected.push_back(entry.variant);
    }
  }

  cudaDeviceProp props{};
  check(cudaGetDeviceProperties(&props, 0), "properties");
  std::printf("transpose_lab on %s (%d SMs, %d MB L2, cc %d.%d)\n", props.name,
              props.multiProcessorCount, props.l2CacheSize >> 20, props.major, props.minor);
  print_resources("base", transpose_base<true>, kTile * kTileRows);
  print_resources("tile32_prefetch", transpose_tile32_prefetch<true>, kTile * kTileRows);
  print_resources("tile64_vec4", transpose_tile64<true>, kThreads);
  print_resources("regs4x4_q32", transpose_regs4x4<8, true, false>, kThreads);
  print_resources("regs4x4_q16", transpose_regs4x4<4, true, false>, kThreads);
  print_resources("regs4x4_q32_stream", transpose_regs4x4<8, true, true>, kThreads);

  bool all_ok = true;
  // Check only: shapes off every tile boundary, vector and scalar paths, tiny extents.
  const int check_shapes[][2] = {{1, 1},      {7, 33},      {33, 7},     {31, 127},
                                 {64, 64},    {100, 260},   {2, 1000},   {1000, 3},
                                 {513, 1025}, {4100, 4092}, {1028, 2052}};
  uint32_t seed = 1;
  for (const auto& shape : check_shapes) {
    Buffers x = make_buffers(shape[0], shape[1], 0x1234567u * seed++);
    int passed = 0;
    int run = 0;
    for (const bool add : {true, false}) {
      launch_reference(add, x.problem(x.ref));
      check(cudaDeviceSynchronize(), "reference");
      all_ok = reference_matches_host(x, add, true) && all_ok;
      for (const Variant variant : selected) {
        poison(x);
        const char* ran = launch(variant, add, x.problem(x.out));
        check(cudaDeviceSynchronize(), ran);
        const bool ok = matches_reference(x, ran);
        passed += ok ? 1 : 0;
        ++run;
        all_ok = ok && all_ok;
      }
    }
    std::printf("  check %5dx%-5d: %d of %d variant runs bitwise equal\n", x.rows, x.cols, passed,
                run);
    free_buffers(x);
  }
  std::printf("  correctness on the check shapes: %s\n", all_ok ? "PASS" : "FAIL");

  std::vector<Row> table;
  const int timed_shapes[][2] = {{4096, 4096}, {8192, 8192}, {8191, 8193}};
  for (const auto& shape : timed_shapes) {
    Buffers x = make_buffers(shape[0], shape[1], 0x1234567u * seed++);
    const std::string name = std::to_string(x.rows) + "x" + std::to_string(x.cols);
    const double matrix_bytes = static_cast<double>(x.bytes());
    const double copy_before = memcpy_ms(x);
    std::vector<Row> rows_of_shape;
    for (const bool add : {true, false}) {
      launch_reference(add, x.problem(x.ref));
      check(cudaDeviceSynchronize(), "reference");
      const bool reference_ok = reference_matches_host(x, add, false);
      all_ok = reference_ok && all_ok;
      for (const Variant variant : selected) {
        const Problem pr = x.problem(x.out);
        poison(x);
        const char* ran = launch(variant, add, pr);
        check(cudaDeviceSynchronize(), ran);
        bool ok = reference_ok && matches_reference(x, ran);
        double ms = 0.0;
        if (ok) {
          ms = median_ms([&] { launch(variant, add, pr); });
          ok = matches_reference(x, ran);  // the last timed run's output
        }
        all_ok = ok && all_ok;
        const double bytes = (add ? 3.0 : 2.0) * matrix_bytes;
        std::printf("  %s %-4s %-26s %.4f ms %5.0f GB/s%s\n", name.c_str(), add ? "add" : "copy",
                    ran, ms, ok ? bytes / ms * 1e-6 : 0.0, ok ? "" : "  WRONG RESULT");
        rows_of_shape.push_back(
            Row{name, add ? "add" : "copy", ran, ms, ok ? bytes / ms * 1e-6 : 0.0, 0.0, ok});
      }
    }
    const double copy_after = memcpy_ms(x);
    const double copy_gbps = 2.0 * matrix_bytes / (0.5 * (copy_before + copy_after)) * 1e-6;
    std::printf("  %s: cudaMemcpy D2D %.3f ms before, %.3f ms after the variants: %.0f GB/s\n",
                name.c_str(), copy_before, copy_after, copy_gbps);
    for (Row& row : rows_of_shape) {
      row.ratio = row.gbps / copy_gbps;
      table.push_back(row);
    }
    free_buffers(x);
  }

  std::printf("\n  %-10s %-5s %-26s %9s %8s %7s\n", "shape", "op", "kernel", "ms", "GB/s",
              "x copy");
  for (const Row& row : table) {
    std::printf("  %-10s %-5s %-26s %9.4f %8.0f %7.3f%s\n", row.shape.c_str(), row.op, row.ran,
                row.ms, row.gbps, row.ratio, row.ok ? "" : "  WRONG RESULT");
  }
  std::printf("  correctness overall: %s\n", all_ok ? "PASS" : "FAIL");
  return all_ok ? 0 : 1;
}
