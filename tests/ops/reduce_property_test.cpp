// Property tests for reductions: sum, mean, max and prod over a dim (keepdim or not) and over
// everything, on random shapes and layouts, against NdArray loops in long double.
#include <cmath>
#include <functional>
#include <limits>

#include "minitorch/minitorch.h"
#include "ops/property_support.h"

namespace minitorch::testing {
namespace {

enum class Kind { Sum, Mean, Max, Prod };

// Reduces dim of a (keepdim shape). Sums run in long double: the reference is exact enough
// that the tolerance below bounds the library's own rounding.
NdArray reduce_dim(const NdArray& a, std::size_t dim, Kind kind, NdArray* abs_sum) {
  Sizes out_shape = a.shape;
  out_shape[dim] = 1;
  NdArray out = NdArray::filled(out_shape, 0);
  *abs_sum = NdArray::filled(out_shape, 0);
  for_each_index(out_shape, [&](const Sizes& idx) {
    long double acc = kind == Kind::Max ? -std::numeric_limits<long double>::infinity()
        : kind == Kind::Prod            ? 1
                                        : 0;
    long double mag = 0;
    bool nan = false;
    Sizes src = idx;
    for (std::int64_t k = 0; k < a.shape[dim]; ++k) {
      src[dim] = k;
      double v = a.at(src);
      nan = nan || std::isnan(v);
      mag += std::fabs(v);
      acc = kind == Kind::Max  ? std::max(acc, static_cast<long double>(v))
          : kind == Kind::Prod ? acc * v
                               : acc + v;
    }
    if (kind == Kind::Prod) {
      // A product of n terms is within about n ulp of the exact one, in any order.
      mag = std::fabs(acc);
    }
    if (kind == Kind::Mean) {
      acc /= static_cast<long double>(a.shape[dim]);
      mag /= static_cast<long double>(a.shape[dim]);
    }
    out.at(idx) = nan ? std::nan("") : static_cast<double>(acc);
    abs_sum->at(idx) = static_cast<double>(mag);
  });
  return out;
}

// Magnitudes in [0.8, 1.25) with random signs, so that a product of thousands of them
// stays far from overflow and underflow.
ValueFn prod_values() {
  return [](std::mt19937_64& rng) {
    double v = std::uniform_real_distribution<double>(0.8, 1.25)(rng);
    return (rng() & 1) != 0 ? -v : v;
  };
}

Sizes squeeze_dim(Sizes shape, std::size_t dim) {
  shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(dim));
  return shape;
}

// |got - want| <= n * eps * sum|x| (+ the result's own rounding): the classic bound for a
// sum of n terms in any order.
std::string compare_reduction(const NdArray& got, const NdArray& want, const NdArray& mag,
                              std::int64_t n, DType dtype) {
  if (got.shape != want.shape) {
    return "shape " + sizes_string(got.shape) + " but expected " + sizes_string(want.shape);
  }
  double eps = dtype == kFloat32 ? 0x1p-24 : 0x1p-53;
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    double atol = static_cast<double>(n + 1) * eps * mag.values[i] + 1e-300;
    if (!close(got.values[i], want.values[i], 2 * eps, atol)) {
      return "element " + std::to_string(i) + ": got " + std::to_string(got.values[i]) +
          ", expected " + std::to_string(want.values[i]) + " (tolerance " + std::to_string(atol) +
          ")";
    }
  }
  return "";
}

class ReduceProperty : public BackendTest {};

TEST_P(ReduceProperty, OverOneDimMatchesLoops) {
  std::uint64_t seed = test_seed();
  for (Kind kind : {Kind::Sum, Kind::Mean, Kind::Max, Kind::Prod}) {
    const char* name = kind == Kind::Sum ? "sum(dim)"
        : kind == Kind::Mean             ? "mean(dim)"
        : kind == Kind::Max              ? "max(dim)"
                                         : "prod(dim)";
    for (DType dtype : {kFloat32, kFloat64}) {
      CaseGen gen(seed);
      for (int i = 0; i < kCasesPerOp; ++i) {
        Sizes shape = gen.shape();
        if (shape.empty()) {
          shape = {gen.uniform_int(1, 4)};
        }
        auto dim = static_cast<std::size_t>(
            gen.uniform_int(0, static_cast<std::int64_t>(shape.size()) - 1));
        if (kind == Kind::Max && shape[dim] == 0) {
          shape[dim] = 2;  // max over an empty dim throws: covered by the error tests
        }
        bool keepdim = gen.chance(0.5);
        std::int64_t dim_arg = gen.chance(0.3)
            ? static_cast<std::int64_t>(dim) - static_cast<std::int64_t>(shape.size())
            : static_cast<std::int64_t>(dim);
        Operand x = gen.operand(shape, dtype, kind == Kind::Prod ? prod_values() : ValueFn{});
        SCOPED_TRACE(case_note(i, name,
                               dtype_name(dtype) + " " + sizes_string(shape) + " dim " +
                                   std::to_string(dim_arg) + (keepdim ? " keepdim " : " ") +
                                   x.recipe,
                               seed));
        Tensor y = kind == Kind::Sum ? x.tensor.sum(dim_arg, keepdim)
            : kind == Kind::Mean     ? x.tensor.mean(dim_arg, keepdim)
            : kind == Kind::Max      ? x.tensor.max(dim_arg, keepdim)
                                     : x.tensor.prod(dim_arg, keepdim);
        NdArray mag;
        NdArray want = reduce_dim(x.expected, dim, kind, &mag);
        if (!keepdim) {
          want.shape = squeeze_dim(want.shape, dim);
          mag.shape = want.shape;
        }
        ASSERT_EQ(compare_reduction(read(y), want, mag, shape[dim], dtype), "");
        ASSERT_EQ(compare(read(x.tensor), x.expected, 0, 0), "") << "input changed";
      }
    }
  }
}

TEST_P(ReduceProperty, OverEverythingMatchesLoops) {
  std::uint64_t seed = test_seed();
  for (Kind kind : {Kind::Sum, Kind::Mean, Kind::Max, Kind::Prod}) {
    const char* name = kind == Kind::Sum ? "sum()"
        : kind == Kind::Mean             ? "mean()"
        : kind == Kind::Max              ? "max()"
                                         : "prod()";
    for (DType dtype : {kFloat32, kFloat64}) {
      CaseGen gen(seed);
      for (int i = 0; i < kCasesPerOp; ++i) {
        Sizes shape = gen.shape();
        if (kind == Kind::Max && numel_of(shape) == 0) {
          shape = {2, 3};
        }
        Operand x = gen.operand(shape, dtype, kind == Kind::Prod ? prod_values() : ValueFn{});
        SCOPED_TRACE(case_note(
            i, name, dtype_name(dtype) + " " + sizes_string(shape) + " " + x.recipe, seed));
        Tensor y = kind == Kind::Sum ? x.tensor.sum()
            : kind == Kind::Mean     ? x.tensor.mean()
            : kind == Kind::Max      ? x.tensor.max()
                                     : x.tensor.prod();
        NdArray flat{{numel_of(shape)}, x.expected.values};
        NdArray mag;
        NdArray want = reduce_dim(flat, 0, kind, &mag);
        want.shape = {};
        mag.shape = {};
        if (kind == Kind::Mean && numel_of(shape) == 0) {
          want.values = {std::nan("")};  // 0 / 0, as in numpy and PyTorch
        }
        ASSERT_EQ(compare_reduction(read(y), want, mag, numel_of(shape), dtype), "");
      }
    }
  }
}

MT_INSTANTIATE_BACKENDS(ReduceProperty);

}  // namespace
}  // namespace minitorch::testing
