// The bfloat16/float16 matmuls (cuda_matmul_half.cu) called directly on cudaMalloc'd raw 16-bit
// buffers, against a float64 matmul of the same rounded inputs: the tensor-core kernel in all
// four layouts, the strided kernel with odd strides, batches (broadcast ones too), size 0,
// NaN/Inf, float16 overflow, rounding to nearest even, and stores confined to out's elements.
//
// Note [Half matmul tolerance]: the inputs are exact in float64 and so are their products in
// float32 (8 x 8 or 11 x 11 significant bits). The float32 sums (tensor cores or FMA) may lose
// up to 2 ulp per add; allowing 4 (2^-21) covers the tensor cores' truncating adds:
//   |y - exact| <= E = (K + 2) 2^-21 s,  s = sum over k of |a[i, k]| |b[k, j]|.
// Then y is rounded to the format, a relative error of at most u (2^-8 for bfloat16, 2^-11
// for float16; plus 2^-25 absolute for float16's subnormals):
//   |out - exact| <= u |exact| + (1 + u) E + tiny.
// A wrong element (a missed or repeated k, a swapped index) is off by O(|a b|), far above.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "backends/cuda/cuda_matmul.cuh"
#include "cuda/cuda_test_support.h"
#include "cuda/half_bits.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

using cuda::HalfFormat;
using cuda::MatmulBatch;

// Marks memory the kernels must not touch; NaN in both formats.
constexpr std::uint16_t kSentinel = 0xffff;

std::uint16_t to_bits(HalfFormat format, float value) {
  return format == HalfFormat::BFloat16 ? bf16_from_float(value) : fp16_from_float(value);
}

double to_double(HalfFormat format, std::uint16_t bits) {
  return format == HalfFormat::BFloat16 ? bf16_to_double(bits) : fp16_to_double(bits);
}

const char* name(HalfFormat format) {
  return format == HalfFormat::BFloat16 ? "bfloat16" : "float16";
}

// A device copy of a host vector of 16-bit elements, freed on scope exit.
struct DeviceBits {
  std::uint16_t* ptr = nullptr;
  explicit DeviceBits(const std::vector<std::uint16_t>& host) {
    const std::size_t bytes = std::max<std::size_t>(host.size(), 1) * 2;
    EXPECT_EQ(cudaMalloc(&ptr, bytes), cudaSuccess);
    EXPECT_EQ(cudaMemcpy(ptr, host.data(), host.size() * 2, cudaMemcpyHostToDevice), cudaSuccess);
  }
  ~DeviceBits() { cudaFree(ptr); }
  DeviceBits(const DeviceBits&) = delete;
  DeviceBits& operator=(const DeviceBits&) = delete;
  std::vector<std::uint16_t> read(std::size_t count) const {
    std::vector<std::uint16_t> host(count);
    EXPECT_EQ(cudaMemcpy(host.data(), ptr, count * 2, cudaMemcpyDeviceToHost), cudaSuccess);
    return host;
  }
};

void host_batch_offsets(const MatmulBatch& g, std::int64_t z, std::int64_t& a, std::int64_t& b,
                        std::int64_t& c) {
  a = b = c = 0;
  for (int d = 0; d < g.ndim; ++d) {
    const std::int64_t r = z % g.sizes[d];
    z /= g.sizes[d];
    a += r * g.a[d];
    b += r * g.b[d];
    c += r * g.c[d];
  }
}

// One matmul problem in the strided kernel's terms (MatmulHalfStridedArgs) with host storage.
// Unused storage (padding) holds NaN, so a kernel that reads it poisons its output.
struct Problem {
  HalfFormat format = HalfFormat::BFloat16;
  int m = 0, n = 0, k = 0;
  std::int64_t am = 0, ak = 0, bk = 0, bn = 0, cm = 0, cn = 0;
  MatmulBatch batch;
  std::vector<std::uint16_t> a, b;
  std::size_t c_size = 0;

  std::string describe() const {
    return std::string(name(format)) + " m " + std::to_string(m) + " n " + std::to_string(n) +
        " k " + std::to_string(k) + " strides a (" + std::to_string(am) + ", " +
        std::to_string(ak) + ") b (" + std::to_string(bk) + ", " + std::to_string(bn) + ") c (" +
        std::to_string(cm) + ", " + std::to_string(cn) + ") batch " + std::to_string(batch.count) +
        " seed " + std::to_string(test_seed());
  }
};

// Storage of `count` elements, NaN everywhere, then the elements of rows x cols at
// (r * row_stride + c * col_stride) for each batch offset filled with random values.
void fill(std::vector<std::uint16_t>& storage, HalfFormat format, std::int64_t rows,
          std::int64_t cols, std::int64_t row_stride, std::int64_t col_stride,
          const std::vector<std::int64_t>& offsets, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> uniform(-2.0f, 2.0f);
  for (std::int64_t offset : offsets) {
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c < cols; ++c) {
        storage[static_cast<std::size_t>(offset + r * row_stride + c * col_stride)] =
            to_bits(format, uniform(rng));
      }
    }
  }
}

// Batch dims from innermost: sizes with each operand's stride in matrices (0: broadcast).
struct BatchDim {
  std::int64_t size, a, b, c;
};

// A problem with A row-major (lda = k padded to 8) or column-major (lda = m padded), B
// likewise, C row-major with row stride ldc; batch dims as given.
Problem dense_problem(HalfFormat format, int m, int n, int k, bool a_row, bool b_row,
                      std::int64_t ldc, const std::vector<BatchDim>& dims, std::mt19937_64& rng) {
  auto pad8 = [](std::int64_t x) { return (x + 7) / 8 * 8; };
  Problem p;
  p.format = format;
  p.m = m;
  p.n = n;
  p.k = k;
  const std::int64_t lda = a_row ? pad8(k) : pad8(m);
  const std::int64_t ldb = b_row ? pad8(n) : pad8(k);
  p.am = a_row ? lda : 1;
  p.ak = a_row ? 1 : lda;
  p.bk = b_row ? ldb : 1;
  p.bn = b_row ? 1 : ldb;
  p.cm = ldc;
  p.cn = 1;
  const std::int64_t a_matrix = (a_row ? m : k) * lda;
  const std::int64_t b_matrix = (b_row ? k : n) * ldb;
  const std::int64_t c_matrix = m * ldc;
  std::int64_t a_count = 1, b_count = 1, c_count = 1;
  for (const BatchDim& d : dims) {
    p.batch.sizes[p.batch.ndim] = d.size;
    p.batch.a[p.batch.ndim] = d.a * a_matrix;
    p.batch.b[p.batch.ndim] = d.b * b_matrix;
    p.batch.c[p.batch.ndim] = d.c * c_matrix;
    p.batch.count *= d.size;
    a_count = std::max(a_count, d.a * d.size);
    b_count = std::max(b_count, d.b * d.size);
    c_count = std::max(c_count, d.c * d.size);
    ++p.batch.ndim;
  }
  p.a.assign(static_cast<std::size_t>(a_count * a_matrix), kSentinel);
  p.b.assign(static_cast<std::size_t>(b_count * b_matrix), kSentinel);
  p.c_size = static_cast<std::size_t>(c_count * c_matrix);
  std::vector<std::int64_t> a_offsets, b_offsets;
  for (std::int64_t i = 0; i < a_count; ++i) {
    a_offsets.push_back(i * a_matrix);
  }
  for (std::int64_t i = 0; i < b_count; ++i) {
    b_offsets.push_back(i * b_matrix);
  }
  fill(p.a, format, m, k, p.am, p.ak, a_offsets, rng);
  fill(p.b, format, k, n, p.bk, p.bn, b_offsets, rng);
  return p;
}

std::vector<std::uint16_t> run_tensor_cores(const Problem& p) {
  DeviceBits a(p.a);
  DeviceBits b(p.b);
  DeviceBits c(std::vector<std::uint16_t>(p.c_size, kSentinel));
  cudaStream_t stream;
  EXPECT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  cuda::MatmulHalfArgs args;
  args.a = a.ptr;
  args.b = b.ptr;
  args.c = c.ptr;
  args.format = p.format;
  args.m = p.m;
  args.n = p.n;
  args.k = p.k;
  args.a_row = p.ak == 1;
  args.b_row = p.bn == 1;
  args.lda = args.a_row ? p.am : p.ak;
  args.ldb = args.b_row ? p.bk : p.bn;
  args.ldc = p.cm;
  args.batch = p.batch;
  args.stream = stream;
  EXPECT_TRUE(cuda::matmul_half_supported(args)) << p.describe();
  cuda::launch_matmul_half(args, cuda::OpContext{});
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  cudaStreamDestroy(stream);
  return c.read(p.c_size);
}

std::vector<std::uint16_t> run_strided(const Problem& p) {
  DeviceBits a(p.a);
  DeviceBits b(p.b);
  DeviceBits c(std::vector<std::uint16_t>(p.c_size, kSentinel));
  cudaStream_t stream;
  EXPECT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  cuda::MatmulHalfStridedArgs args{a.ptr, b.ptr, c.ptr, p.format, p.m,  p.n,     p.k,   p.am,
                                   p.ak,  p.bk,  p.bn,  p.cm,     p.cn, p.batch, stream};
  cuda::launch_matmul_half_strided(args, cuda::OpContext{});
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  cudaStreamDestroy(stream);
  return c.read(p.c_size);
}

// got against the float64 matmul of p's inputs within Note [Half matmul tolerance], and every
// storage element that is no element of out still the sentinel; "" when so. Rejects an
// all-zero result where the exact one is not.
std::string compare(const Problem& p, const std::vector<std::uint16_t>& got) {
  const double u = std::ldexp(1.0, p.format == HalfFormat::BFloat16 ? -8 : -11);
  const double tiny = p.format == HalfFormat::BFloat16 ? 0.0 : std::ldexp(1.0, -25);
  const double per_add = static_cast<double>(p.k + 2) * std::ldexp(1.0, -21);
  std::vector<double> a(p.a.size());
  std::vector<double> b(p.b.size());
  std::transform(p.a.begin(), p.a.end(), a.begin(), [&](auto e) { return to_double(p.format, e); });
  std::transform(p.b.begin(), p.b.end(), b.begin(), [&](auto e) { return to_double(p.format, e); });
  std::vector<bool> written(got.size(), false);
  bool any_nonzero = false;
  bool exact_nonzero = false;
  for (std::int64_t z = 0; z < p.batch.count; ++z) {
    std::int64_t a_off, b_off, c_off;
    host_batch_offsets(p.batch, z, a_off, b_off, c_off);
    for (std::int64_t i = 0; i < p.m; ++i) {
      for (std::int64_t j = 0; j < p.n; ++j) {
        double exact = 0;
        double s = 0;
        for (std::int64_t kk = 0; kk < p.k; ++kk) {
          const double x = a[static_cast<std::size_t>(a_off + i * p.am + kk * p.ak)];
          const double y = b[static_cast<std::size_t>(b_off + kk * p.bk + j * p.bn)];
          exact += x * y;
          s += std::abs(x * y);
        }
        const auto at = static_cast<std::size_t>(c_off + i * p.cm + j * p.cn);
        written[at] = true;
        const double out = to_double(p.format, got[at]);
        const double bound = u * std::abs(exact) + (1 + u) * per_add * s + tiny;
        any_nonzero = any_nonzero || out != 0;
        exact_nonzero = exact_nonzero || exact != 0;
        if (!(std::abs(out - exact) <= bound)) {
          return "batch " + std::to_string(z) + " out[" + std::to_string(i) + ", " +
              std::to_string(j) + "] = " + std::to_string(out) + ", float64 " +
              std::to_string(exact) + ", bound " + std::to_string(bound);
        }
      }
    }
  }
  for (std::size_t e = 0; e < got.size(); ++e) {
    if (!written[e] && got[e] != kSentinel) {
      return "storage element " + std::to_string(e) + " outside out was written";
    }
  }
  if (exact_nonzero && !any_nonzero) {
    return "all zeros";
  }
  return "";
}

struct Dims3 {
  int m, n, k;
};

// Off the 128 x 128 x 32 tiles (and the lab's 128 x 256) on every side and on them, K not a
// multiple of 8 or 32.
const Dims3 kShapes[] = {{1, 1, 1},       {7, 7, 7},        {17, 17, 17},
                         {127, 129, 100}, {129, 127, 36},   {128, 256, 64},
                         {257, 300, 129}, {1000, 72, 1000}, {64, 1000, 520}};

class CudaMatmulHalf : public ::testing::TestWithParam<HalfFormat> {};

TEST_P(CudaMatmulHalf, TensorCoresMatchFloat64InAllLayouts) {
  MT_REQUIRE_CUDA();
  std::mt19937_64 rng(test_seed());
  for (const Dims3& d : kShapes) {
    for (int layout = 0; layout < 4; ++layout) {
      // Odd and even ldc: element-pair stores and single ones.
      const std::int64_t ldc = d.n + layout % 2;
      Problem p = dense_problem(GetParam(), d.m, d.n, d.k, (layout & 1) == 0, (layout & 2) == 0,
                                ldc, {}, rng);
      SCOPED_TRACE(p.describe());
      EXPECT_EQ(compare(p, run_tensor_cores(p)), "");
    }
  }
}

TEST_P(CudaMatmulHalf, StridedKernelMatchesFloat64WithAnyStrides) {
  MT_REQUIRE_CUDA();
  std::mt19937_64 rng(test_seed());
  for (const Dims3& d : kShapes) {
    for (int layout = 0; layout < 2; ++layout) {
      Problem p;
      p.format = GetParam();
      p.m = d.m;
      p.n = d.n;
      p.k = d.k;
      // Non-unit strides everywhere (gaps hold NaN), or a transposed A with an odd row stride.
      p.am = layout == 0 ? 2 * d.k + 1 : 1;
      p.ak = layout == 0 ? 2 : d.m + 3;
      p.bk = 1;
      p.bn = d.k + 3;
      p.cm = 2 * d.n + 3;
      p.cn = 2;
      p.a.assign(static_cast<std::size_t>(d.m * p.am + d.k * p.ak + 1), kSentinel);
      p.b.assign(static_cast<std::size_t>(d.k * p.bk + d.n * p.bn + 1), kSentinel);
      p.c_size = static_cast<std::size_t>(d.m * p.cm + d.n * p.cn + 1);
      fill(p.a, p.format, d.m, d.k, p.am, p.ak, {0}, rng);
      fill(p.b, p.format, d.k, d.n, p.bk, p.bn, {0}, rng);
      SCOPED_TRACE(p.describe());
      EXPECT_EQ(compare(p, run_strided(p)), "");
    }
  }
}

TEST_P(CudaMatmulHalf, BatchedAndBroadcastBatches) {
  MT_REQUIRE_CUDA();
  std::mt19937_64 rng(test_seed());
  // [3] a @ one b (stride 0), then [2, 3] from a [1, 3] a and a [2, 1] b (both broadcast).
  const std::vector<std::vector<BatchDim>> batches = {{{3, 1, 0, 1}}, {{3, 1, 0, 1}, {2, 0, 1, 3}}};
  for (const auto& dims : batches) {
    for (int layout = 0; layout < 4; ++layout) {
      Problem p = dense_problem(GetParam(), 130, 70, 72, (layout & 1) == 0, (layout & 2) == 0, 70,
                                dims, rng);
      SCOPED_TRACE(p.describe());
      EXPECT_EQ(compare(p, run_tensor_cores(p)), "") << "tensor cores";
      EXPECT_EQ(compare(p, run_strided(p)), "") << "strided";
    }
  }
}

TEST_P(CudaMatmulHalf, BitwiseDeterministic) {
  MT_REQUIRE_CUDA();
  std::mt19937_64 rng(test_seed());
  Problem p = dense_problem(GetParam(), 300, 260, 1000, true, false, 260, {}, rng);
  const auto first = run_tensor_cores(p);
  EXPECT_EQ(run_tensor_cores(p), first);
  const auto strided = run_strided(p);
  EXPECT_EQ(run_strided(p), strided);
}

TEST_P(CudaMatmulHalf, SizeZero) {
  MT_REQUIRE_CUDA();
  std::mt19937_64 rng(test_seed());
  // M = 0 or N = 0 or no batch: nothing written. K = 0: zeros.
  for (Dims3 d : {Dims3{0, 5, 8}, Dims3{5, 0, 8}, Dims3{5, 9, 0}}) {
    Problem p = dense_problem(GetParam(), d.m, d.n, d.k, true, true, std::max(d.n, 1), {}, rng);
    p.c_size = std::max<std::size_t>(p.c_size, 1);
    SCOPED_TRACE(p.describe());
    EXPECT_EQ(compare(p, run_tensor_cores(p)), "") << "tensor cores";
    EXPECT_EQ(compare(p, run_strided(p)), "") << "strided";
  }
  Problem none = dense_problem(GetParam(), 9, 9, 9, true, true, 9, {{0, 1, 1, 1}}, rng);
  EXPECT_EQ(compare(none, run_tensor_cores(none)), "") << "batch of 0";
  EXPECT_EQ(compare(none, run_strided(none)), "") << "batch of 0";
}

TEST_P(CudaMatmulHalf, NanAndInfPropagate) {
  MT_REQUIRE_CUDA();
  std::mt19937_64 rng(test_seed());
  const HalfFormat format = GetParam();
  Problem p = dense_problem(format, 40, 24, 32, true, true, 24, {}, rng);
  p.a[static_cast<std::size_t>(3 * p.am + 5)] = to_bits(format, NAN);
  for (int i = 0; i < p.m; ++i) {
    p.a[static_cast<std::size_t>(i * p.am + 2)] = to_bits(format, i % 2 == 0 ? 1.0f : -1.0f);
  }
  p.b[static_cast<std::size_t>(2 * p.bk + 4)] = to_bits(format, INFINITY);
  for (int path = 0; path < 2; ++path) {
    const auto got = path == 0 ? run_tensor_cores(p) : run_strided(p);
    for (int i = 0; i < p.m; ++i) {
      for (int j = 0; j < p.n; ++j) {
        const double out = to_double(format, got[static_cast<std::size_t>(i * p.cm + j)]);
        if (i == 3) {
          EXPECT_TRUE(std::isnan(out)) << "row of the NaN, col " << j << " path " << path;
        } else if (j == 4) {
          EXPECT_EQ(out, i % 2 == 0 ? INFINITY : -INFINITY) << "row " << i << " path " << path;
        } else {
          EXPECT_TRUE(std::isfinite(out)) << "row " << i << " col " << j << " path " << path;
        }
      }
    }
  }
}

TEST_P(CudaMatmulHalf, RoundsToNearestEvenOnStore) {
  MT_REQUIRE_CUDA();
  std::mt19937_64 rng(test_seed());
  const HalfFormat format = GetParam();
  // Half an ulp of 1 is 2^-8 (bfloat16) or 2^-11 (float16): 1 + h is a tie that rounds down
  // to the even 1, 1 + 3h a tie that rounds up to the even 1 + 4h; truncation gives 1 + 2h.
  const float h = std::ldexp(1.0f, format == HalfFormat::BFloat16 ? -8 : -11);
  Problem p = dense_problem(format, 2, 1, 2, true, false, 1, {}, rng);
  const float a_values[2][2] = {{1.0f, h}, {1.0f, 3 * h}};
  for (int i = 0; i < 2; ++i) {
    for (int kk = 0; kk < 2; ++kk) {
      p.a[static_cast<std::size_t>(i * p.am + kk)] = to_bits(format, a_values[i][kk]);
      p.b[static_cast<std::size_t>(kk)] = to_bits(format, 1.0f);
    }
  }
  for (int path = 0; path < 2; ++path) {
    const auto got = path == 0 ? run_tensor_cores(p) : run_strided(p);
    EXPECT_EQ(to_double(format, got[0]), 1.0) << "path " << path;
    EXPECT_EQ(to_double(format, got[1]), 1.0 + 4.0 * h) << "path " << path;
  }
}

TEST_P(CudaMatmulHalf, Float16OverflowGivesInfBFloat16Keeps) {
  MT_REQUIRE_CUDA();
  std::mt19937_64 rng(test_seed());
  const HalfFormat format = GetParam();
  // 64 products of 256 * 256: 2^22, above float16's largest finite (65504), exact in bfloat16.
  Problem p = dense_problem(format, 16, 16, 64, true, true, 16, {}, rng);
  for (auto* operand : {&p.a, &p.b}) {
    for (auto& bits : *operand) {
      bits = to_bits(format, 256.0f);
    }
  }
  for (int path = 0; path < 2; ++path) {
    const auto got = path == 0 ? run_tensor_cores(p) : run_strided(p);
    const double want = format == HalfFormat::Float16 ? INFINITY : std::ldexp(1.0, 22);
    for (std::uint16_t bits : got) {
      ASSERT_EQ(to_double(format, bits), want) << "path " << path;
    }
  }
}

// The test's own conversions against the CUDA headers' host ones, on special values and on
// random bit patterns (NaN only as "is NaN": payloads differ).
TEST(CudaMatmulHalfBits, RoundToNearestEvenAgreesWithCudaHeaders) {
  std::mt19937_64 rng(test_seed());
  std::vector<float> values = {0.0f,
                               -0.0f,
                               1.0f,
                               65504.0f,
                               65519.0f,
                               65520.0f,
                               1e-8f,
                               2.9802322e-8f,
                               5.96e-8f,
                               6.1e-5f,
                               INFINITY,
                               -INFINITY,
                               3.4e38f,
                               1.0f + std::ldexp(1.0f, -8),
                               1.0f + 3 * std::ldexp(1.0f, -8)};
  for (int i = 0; i < 1 << 20; ++i) {
    values.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(rng())));
  }
  for (float value : values) {
    const std::uint16_t fp16 = __half_as_ushort(__float2half_rn(value));
    const std::uint16_t bf16 = __bfloat16_as_ushort(__float2bfloat16_rn(value));
    if (std::isnan(value)) {
      EXPECT_TRUE(std::isnan(fp16_to_double(fp16_from_float(value))));
      EXPECT_TRUE(std::isnan(bf16_to_double(bf16_from_float(value))));
      continue;
    }
    ASSERT_EQ(fp16_from_float(value), fp16) << value;
    ASSERT_EQ(bf16_from_float(value), bf16) << value;
    ASSERT_EQ(fp16_to_double(fp16), static_cast<double>(__half2float(__ushort_as_half(fp16))));
    ASSERT_EQ(bf16_to_double(bf16),
              static_cast<double>(__bfloat162float(__ushort_as_bfloat16(bf16))));
  }
}

TEST(CudaMatmulHalfPreconditions, RejectsRowsThatAreNotSixteenByteAligned) {
  cuda::MatmulHalfArgs args;
  alignas(16) static std::uint16_t storage[64] = {};
  args.a = storage;
  args.b = storage;
  args.c = storage;
  args.m = 4;
  args.n = 4;
  args.k = 4;
  args.lda = 8;
  args.ldb = 8;
  args.ldc = 4;
  EXPECT_TRUE(cuda::matmul_half_supported(args));
  args.lda = 12;
  EXPECT_FALSE(cuda::matmul_half_supported(args));
  EXPECT_THROW(cuda::launch_matmul_half(args, cuda::OpContext{}), InternalError);
  args.lda = 8;
  args.b = storage + 4;
  EXPECT_FALSE(cuda::matmul_half_supported(args));
  args.b = storage;
  args.batch.ndim = 1;
  args.batch.sizes[0] = 2;
  args.batch.count = 2;
  args.batch.a[0] = 4;
  EXPECT_FALSE(cuda::matmul_half_supported(args)) << "batch stride of 4 elements";
  args.batch = MatmulBatch{};
  args.m = 65535 * 128 + 1;
  EXPECT_FALSE(cuda::matmul_half_supported(args)) << "more block rows than gridDim.y takes";
  cuda::MatmulHalfStridedArgs strided;
  strided.m = 65535 * 64 + 1;
  strided.n = 1;
  EXPECT_THROW(cuda::launch_matmul_half_strided(strided, cuda::OpContext{}), InternalError);
}

INSTANTIATE_TEST_SUITE_P(Formats, CudaMatmulHalf,
                         ::testing::Values(HalfFormat::BFloat16, HalfFormat::Float16),
                         [](const auto& format_info) {
                           return std::string(name(format_info.param));
                         });

}  // namespace
}  // namespace minitorch::testing
