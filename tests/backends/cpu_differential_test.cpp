// The CPU backend against the reference backend, per primitive and dtype, on the core tests'
// random shapes and views, at every SIMD level with 1-4 threads (chunks made tiny so that
// small cases split too): copy, fill and max must be bitwise equal; sums, means and products
// within reduction_tolerance of a long double loop (docs/cpu_backend.md). The elementwise ops
// and add_scaled are the op table's (tests/ops/op_table_suite.cpp, Note [Op table]).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "backends/cpu/kernels.h"
#include "backends/cpu/loop_engine.h"
#include "minitorch/minitorch.h"
#include "minitorch/threading.h"
#include "support/case_gen.h"
#include "support/op_table.h"
#include "support/test_seed.h"

#ifndef MT_DIFF_CASES
#define MT_DIFF_CASES 1000
#endif

namespace minitorch::testing {
namespace {

constexpr int kCases = MT_DIFF_CASES;

struct Config {
  cpu::SimdLevel level;
  int threads;
};

std::string config_name(const ::testing::TestParamInfo<Config>& info) {
  return std::string(cpu::to_string(info.param.level)) + "_" + std::to_string(info.param.threads) +
      "threads";
}

class CpuDifferential : public ::testing::TestWithParam<Config> {
 protected:
  void SetUp() override {
    if (GetParam().level > cpu::max_simd_level()) {
      GTEST_SKIP() << "this CPU lacks " << cpu::to_string(GetParam().level);
    }
    cpu::set_simd_level(GetParam().level);
    set_num_threads(GetParam().threads);
    cpu::set_min_grain_for_testing(GetParam().threads > 1 ? 5 : 0);
    // Multi-thread runs write every output with streaming stores (Note [Streaming stores]).
    cpu::set_stream_store_bytes(GetParam().threads > 1 ? 0 : -1);
    set_backend("cpu");
  }
  void TearDown() override {
    cpu::set_simd_level(cpu::max_simd_level());
    set_num_threads(0);
    cpu::set_min_grain_for_testing(0);
    cpu::set_stream_store_bytes(-1);
    set_backend("cpu");
  }
};

// Runs f on the reference backend and on the cpu backend.
template <class F>
std::pair<NdArray, NdArray> both(F f) {
  set_backend("reference");
  NdArray want = read(f());
  set_backend("cpu");
  NdArray got = read(f());
  return {got, want};
}

// Values for copy cases: mostly uniform, sometimes an edge case.
ValueFn edge_values(double lo, double hi) {
  return [lo, hi](std::mt19937_64& rng) {
    double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    if (r < 0.08) {
      const double edges[] = {0.0,    -0.0,   INFINITY, -INFINITY, NAN,    1e-40,
                              -1e-40, 1e-310, 88.5,     -87.0,     -103.5, 100.0,
                              1e30,   -1e30,  0.625,    -0.625,    9.5,    1.0};
      return edges[rng() % std::size(edges)];
    }
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
}

Sizes case_shape(CaseGen& gen) { return gen.chance(0.5) ? gen.shape(5, 5) : gen.shape(3, 40); }

// contiguous() of views, dtype conversion, copy_ into a permuted destination, fill_.
TEST_P(CpuDifferential, CopyAndFill) {
  std::uint64_t seed = test_seed();
  for (DType dtype : {kFloat32, kFloat64}) {
    CaseGen gen(seed + 2);
    for (int i = 0; i < kCases; ++i) {
      Sizes shape = case_shape(gen);
      Operand x = gen.operand(shape, dtype, edge_values(-3, 3));
      int kind = i % 4;
      SCOPED_TRACE(case_note(
          i, "copy kind " + std::to_string(kind),
          std::string(to_string(dtype)) + " " + sizes_string(shape) + " " + x.recipe, seed + 2));
      DType other = dtype == kFloat32 ? kFloat64 : kFloat32;
      Dims order;
      for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
        order.push_back(d);
      }
      auto [got, want] = both([&] {
        switch (kind) {
          case 0:
            return x.tensor.contiguous().clone();
          case 1:
            return x.tensor.to(other);
          case 2: {
            // A destination laid out as the reverse permutation of a contiguous base.
            Sizes reversed(shape.rbegin(), shape.rend());
            Tensor dst = zeros(Shape(reversed), {.dtype = dtype}).permute(order);
            dst.copy_(x.tensor);
            return dst;
          }
          default: {
            Tensor base = zeros(Shape(shape), {.dtype = dtype});
            Tensor view = shape.size() > 1 ? base.transpose(0, -1) : base;
            view.fill_(static_cast<double>(i) * 0.37 - 5.0);
            return base;
          }
        }
      });
      ASSERT_EQ(compare_ulps(got, want, kind == 1 ? other : dtype, 0), "");
    }
  }
}

// |got - exact| <= (log2(n) + 16) * eps * sum|x| for sums (|prod| for products): the depth
// of the tree of Note [Reduction order] bounds the rounding steps any term goes through.
double reduction_tolerance(DType dtype, std::int64_t n, double magnitude) {
  double eps = dtype == kFloat32 ? 0x1p-24 : 0x1p-53;
  double depth = std::log2(static_cast<double>(std::max<std::int64_t>(n, 1))) + 16;
  return depth * eps * magnitude + 1e-300;
}

enum class Fold { Sum, Mean, Max, Prod };

// The bytes of t's elements in row-major order, on the current backend.
template <class T>
std::vector<unsigned char> element_bytes(const Tensor& t) {
  std::vector<T> values = t.contiguous().to_vector<T>();
  std::vector<unsigned char> bytes(values.size() * sizeof(T));
  for (std::size_t i = 0; i < values.size(); ++i) {  // element by element: vector<bool> packs
    T v = values[i];
    std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
  }
  return bytes;
}

std::vector<unsigned char> element_bytes_of(const Tensor& t, DType dtype) {
  if (dtype == kFloat32) {
    return element_bytes<float>(t);
  }
  if (dtype == kFloat64) {
    return element_bytes<double>(t);
  }
  return dtype == kInt64 ? element_bytes<std::int64_t>(t) : element_bytes<bool>(t);
}

void append(std::vector<unsigned char>& to, const std::vector<unsigned char>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

// contiguous() of transposed views of every dtype, on shapes around the copy's 8 x 8 / 4 x 4
// register blocks and 16-wide tiles (copy_transpose_avx2.cpp): bit for bit against the
// reference backend, NaN payloads of the float types included.
TEST_P(CpuDifferential, TransposedCopiesOfEveryDtypeAreExact) {
  std::mt19937_64 rng(test_seed() + 7);
  const Shape shapes[] = {{8, 8}, {16, 16}, {7, 9}, {33, 17}, {3, 40, 24}, {2, 5, 65, 3}};
  for (DType dtype : {kFloat32, kFloat64, kInt64, kBool}) {
    for (const Shape& shape : shapes) {
      SCOPED_TRACE(std::string(to_string(dtype)) + " " + std::to_string(shape.size()) + "-d");
      std::vector<double> values(static_cast<std::size_t>(shape_numel(shape)));
      for (double& v : values) {
        std::int64_t r = static_cast<std::int64_t>(rng() % 2001) - 1000;
        v = dtype == kBool ? (r > 0 ? 1.0 : 0.0) : static_cast<double>(r);
      }
      values[3] = dtype == kFloat32 || dtype == kFloat64 ? std::nan("42") : values[3];
      Tensor x = from_vector(values, shape, {.dtype = dtype});
      Dims last_first;
      for (int d = shape.size() - 1; d >= 0; --d) {
        last_first.push_back(d);
      }
      for (const Tensor& view : {x.transpose(0, -1), x.permute(last_first)}) {
        auto bytes = [&](const char* backend) {
          set_backend(backend);
          Tensor copy = view.contiguous();
          EXPECT_TRUE(copy.is_contiguous());
          if (dtype == kFloat32) {
            return element_bytes<float>(copy);
          }
          if (dtype == kFloat64) {
            return element_bytes<double>(copy);
          }
          return dtype == kInt64 ? element_bytes<std::int64_t>(copy) : element_bytes<bool>(copy);
        };
        std::vector<unsigned char> want = bytes("reference");
        ASSERT_EQ(bytes("cpu"), want);
      }
    }
  }
}

// Streaming stores (Note [Streaming stores]) on every output, into rows that start at every
// offset from a vector boundary and end anywhere: the unaligned head and the tail use plain
// stores, the middle non-temporal ones. copy_, fill_, an in-place add_ and a program must
// write exactly their elements, bit for bit the reference's, and nothing around them.
TEST_P(CpuDifferential, StreamingStoresWriteExactlyTheirElements) {
  cpu::set_stream_store_bytes(0);
  for (DType dtype : {kFloat32, kFloat64, kInt64, kBool}) {
    for (std::int64_t offset = 0; offset < 17; offset += 3) {
      for (std::int64_t n : {1, 5, 16, 31, 64, 100, 257}) {
        SCOPED_TRACE(std::string(to_string(dtype)) + " offset " + std::to_string(offset) + " n " +
                     std::to_string(n));
        Tensor src = arange(1.0, static_cast<double>(n) + 1.0, 1.0, {.dtype = dtype});
        auto bytes = [&](const char* backend) {
          set_backend(backend);
          Tensor base = full(Shape{n + offset + 20}, 7.0, {.dtype = dtype});
          base.narrow(0, offset, n).copy_(src);
          std::vector<unsigned char> out = element_bytes_of(base, dtype);
          base.narrow(0, offset, n).fill_(3.0);
          append(out, element_bytes_of(base, dtype));
          if (dtype != kBool) {
            base.narrow(0, offset, n).add_(src);
            append(out, element_bytes_of(base, dtype));
            append(out, element_bytes_of((src * src) + 2.0, dtype));
          }
          return out;
        };
        std::vector<unsigned char> want = bytes("reference");
        ASSERT_EQ(bytes("cpu"), want);
      }
    }
  }
}

TEST_P(CpuDifferential, Reduce) {
  std::uint64_t seed = test_seed();
  for (DType dtype : {kFloat32, kFloat64}) {
    CaseGen gen(seed + 3);
    for (int i = 0; i < kCases; ++i) {
      auto fold = static_cast<Fold>(i % 4);
      Sizes shape = case_shape(gen);
      bool everything = shape.empty() || gen.chance(0.2);
      std::int64_t dim =
          everything ? 0 : gen.uniform_int(0, static_cast<std::int64_t>(shape.size()) - 1);
      if (fold == Fold::Max &&
          (everything ? numel_of(shape) == 0 : shape[static_cast<std::size_t>(dim)] == 0)) {
        continue;  // max over nothing throws (tested elsewhere)
      }
      ValueFn values = fold == Fold::Prod ? ValueFn([](std::mt19937_64& rng) {
        double v = std::uniform_real_distribution<double>(0.8, 1.25)(rng);
        return (rng() & 1) != 0 ? -v : v;
      })
                                          : uniform_values(-2, 2);
      Operand x = gen.operand(shape, dtype, values);
      const char* names[] = {"sum", "mean", "max", "prod"};
      SCOPED_TRACE(case_note(
          i, names[static_cast<int>(fold)],
          std::string(to_string(dtype)) + " " + sizes_string(shape) +
              (everything ? " everything " : " dim " + std::to_string(dim) + " ") + x.recipe,
          seed + 3));
      auto run = [&] {
        const Tensor& t = x.tensor;
        switch (fold) {
          case Fold::Sum:
            return everything ? t.sum() : t.sum(dim);
          case Fold::Mean:
            return everything ? t.mean() : t.mean(dim);
          case Fold::Max:
            return everything ? t.max() : t.max(dim);
          case Fold::Prod:
            return everything ? t.prod() : t.prod(dim);
        }
        return t;
      };
      auto [got, want] = both(run);
      if (fold == Fold::Max) {
        ASSERT_EQ(compare_ulps(got, want, dtype, 0), "");
        continue;
      }
      // The exact fold, in long double, of the elements of each output.
      NdArray flat = everything ? NdArray{{numel_of(shape)}, x.expected.values} : x.expected;
      auto d = static_cast<std::size_t>(everything ? 0 : dim);
      Sizes out_shape = flat.shape;
      std::int64_t n = flat.shape.empty() ? 1 : flat.shape[d];
      if (!flat.shape.empty()) {
        out_shape[d] = 1;
      }
      ASSERT_EQ(got.values.size(), static_cast<std::size_t>(numel_of(out_shape)));
      std::size_t k = 0;
      for_each_index(out_shape, [&](const Sizes& idx) {
        long double acc = fold == Fold::Prod ? 1 : 0;
        long double mag = 0;
        Sizes src = idx;
        for (std::int64_t j = 0; j < n; ++j) {
          if (!flat.shape.empty()) {
            src[d] = j;
          }
          double v = flat.at(src);
          acc = fold == Fold::Prod ? acc * v : acc + v;
          mag += std::fabs(v);
        }
        if (fold == Fold::Mean) {
          acc /= static_cast<long double>(n);
          mag /= static_cast<long double>(n);
        }
        if (fold == Fold::Prod) {
          mag = std::fabs(acc);
        }
        // Rounded to the dtype: an expanded operand repeats one value, so a product can
        // overflow, and must then give the same infinity.
        double exact = dtype == kFloat32 ? static_cast<double>(static_cast<float>(acc))
                                         : static_cast<double>(acc);
        double g = got.values[k++];
        if (std::isinf(exact)) {
          ASSERT_EQ(g, exact) << "output " << k - 1;
          return;
        }
        double tol = reduction_tolerance(dtype, n, static_cast<double>(mag)) +
            std::fabs(exact) * (dtype == kFloat32 ? 0x1p-24 : 0x1p-53);
        if (!(fold == Fold::Mean && n == 0)) {
          ASSERT_LE(std::fabs(g - exact), tol)
              << "output " << k - 1 << ": got " << g << ", exact " << exact;
        }
      });
    }
  }
}

std::vector<Config> configs() {
  std::vector<Config> out;
  for (cpu::SimdLevel level :
       {cpu::SimdLevel::Scalar, cpu::SimdLevel::Avx2, cpu::SimdLevel::Avx512}) {
    for (int threads : {1, 2, 3, 4}) {
      out.push_back({level, threads});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Levels, CpuDifferential, ::testing::ValuesIn(configs()), config_name);

}  // namespace
}  // namespace minitorch::testing
