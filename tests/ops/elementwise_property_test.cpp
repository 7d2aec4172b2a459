// Property tests for the elementwise paths the op table (Note [Op table]) does not generate:
// ops with a scalar operand, is_close and in-place ops through views, on random shapes (rank
// 0-5, size 0/1 dims), random layouts (sliced, permuted, expanded), both dtypes, against
// NdArray loops. Each descriptor op itself is the op table's.
#include <cmath>
#include <functional>
#include <vector>

#include "minitorch/minitorch.h"
#include "ops/property_support.h"

namespace minitorch::testing {
namespace {

struct UnaryRow {
  std::string name;
  std::function<Tensor(const Tensor&)> op;
  std::function<double(double, DType)> expect;  // computed in the dtype's precision
  ValueFn values;
};

template <class F>
std::function<double(double, DType)> in_dtype(F f) {
  return [f](double x, DType dtype) {
    if (dtype == kFloat32) {
      return static_cast<double>(static_cast<float>(f(static_cast<float>(x))));
    }
    return f(x);
  };
}

std::vector<UnaryRow> unary_rows() {
  ValueFn any = uniform_values(-3, 3);
  ValueFn positive = uniform_values(0.05, 4);
  return {
      {"pow_scalar", [](const Tensor& t) { return t.pow(2.5); },
       in_dtype([](auto x) { return std::pow(x, decltype(x)(2.5)); }), positive},
      {"add_scalar", [](const Tensor& t) { return t + 1.5; },
       in_dtype([](auto x) { return x + decltype(x)(1.5); }), any},
      {"rsub_scalar", [](const Tensor& t) { return 2.0 - t; },
       in_dtype([](auto x) { return decltype(x)(2) - x; }), any},
      {"mul_scalar", [](const Tensor& t) { return t * 3.0; },
       in_dtype([](auto x) { return x * decltype(x)(3); }), any},
      {"rdiv_scalar", [](const Tensor& t) { return 1.0 / t; },
       in_dtype([](auto x) { return decltype(x)(1) / x; }), positive},
      {"lt_scalar", [](const Tensor& t) { return t.lt(0.5).to(t.dtype()); },
       in_dtype([](auto x) { return x < decltype(x)(0.5) ? decltype(x)(1) : decltype(x)(0); }),
       any},
  };
}

class MapProperty : public BackendTest {};

TEST_P(MapProperty, MatchesScalarLoopOnRandomLayouts) {
  std::uint64_t seed = test_seed();
  for (const UnaryRow& row : unary_rows()) {
    for (DType dtype : {kFloat32, kFloat64}) {
      CaseGen gen(seed);
      for (int i = 0; i < kCasesPerOp; ++i) {
        Sizes shape = gen.shape();
        Operand x = gen.operand(shape, dtype, row.values);
        SCOPED_TRACE(case_note(
            i, row.name, dtype_name(dtype) + " " + sizes_string(shape) + " " + x.recipe, seed));
        Tensor y = row.op(x.tensor);
        NdArray want = x.expected;
        for (double& v : want.values) {
          v = row.expect(v, dtype);
        }
        ASSERT_EQ(y.dtype(), dtype);
        ASSERT_EQ(compare(read(y), want, elementwise_rtol(dtype), 0), "");
        ASSERT_EQ(compare(read(x.tensor), x.expected, 0, 0), "") << "input changed";
      }
    }
  }
}

struct BinaryRow {
  std::string name;
  std::function<Tensor(const Tensor&, const Tensor&)> op;
  std::function<double(double, double, DType)> expect;
  ValueFn a_values;
  ValueFn b_values;
};

template <class F>
std::function<double(double, double, DType)> in_dtype2(F f) {
  return [f](double a, double b, DType dtype) {
    if (dtype == kFloat32) {
      return static_cast<double>(
          static_cast<float>(f(static_cast<float>(a), static_cast<float>(b))));
    }
    return f(a, b);
  };
}

std::vector<BinaryRow> binary_rows() {
  // Few distinct values, so that comparisons see ties.
  ValueFn ties = [](std::mt19937_64& rng) {
    const double choices[] = {-1.0, 0.0, 0.5, 1.0};
    return choices[std::uniform_int_distribution<int>(0, 3)(rng)];
  };
  auto one = [](bool c) { return c ? 1.0 : 0.0; };
  return {
      {"is_close",
       [](const Tensor& a, const Tensor& b) { return a.is_close(b, 1e-5, 0.6).to(a.dtype()); },
       [one](double a, double b, DType) {
         return one(std::fabs(a - b) <= 0.6 + 1e-5 * std::fabs(b));
       },
       ties, ties},
  };
}

class ZipProperty : public BackendTest {};

TEST_P(ZipProperty, MatchesScalarLoopWithBroadcastingOnRandomLayouts) {
  std::uint64_t seed = test_seed();
  for (const BinaryRow& row : binary_rows()) {
    for (DType dtype : {kFloat32, kFloat64}) {
      CaseGen gen(seed);
      for (int i = 0; i < kCasesPerOp; ++i) {
        Sizes out = gen.shape();
        Sizes a_shape = gen.broadcastable_to(out);
        Sizes b_shape = gen.chance(0.2) ? out : gen.broadcastable_to(out);
        Operand a = gen.operand(a_shape, dtype, row.a_values);
        Operand b = gen.operand(b_shape, dtype, row.b_values);
        SCOPED_TRACE(case_note(i, row.name,
                               dtype_name(dtype) + " " + sizes_string(a_shape) + " (" + a.recipe +
                                   ") with " + sizes_string(b_shape) + " (" + b.recipe + ")",
                               seed));
        Sizes want_shape = broadcast_shape(a_shape, b_shape);
        NdArray wa = broadcast_to(a.expected, want_shape);
        NdArray wb = broadcast_to(b.expected, want_shape);
        NdArray want = NdArray::filled(want_shape, 0);
        for (std::size_t k = 0; k < want.values.size(); ++k) {
          want.values[k] = row.expect(wa.values[k], wb.values[k], dtype);
        }
        Tensor y = row.op(a.tensor, b.tensor);
        ASSERT_EQ(compare(read(y), want, elementwise_rtol(dtype), 0), "");
        ASSERT_EQ(compare(read(a.tensor), a.expected, 0, 0), "") << "input a changed";
        ASSERT_EQ(compare(read(b.tensor), b.expected, 0, 0), "") << "input b changed";
      }
    }
  }
}

class InPlaceProperty : public BackendTest {};

// add_, mul_, copy_ and fill_ write through views into a base tensor: the elements of the
// view change and every other element of the base stays as it was.
TEST_P(InPlaceProperty, WritesExactlyTheViewsElements) {
  std::uint64_t seed = test_seed();
  for (DType dtype : {kFloat32, kFloat64}) {
    CaseGen gen(seed);
    for (int i = 0; i < kCasesPerOp; ++i) {
      Sizes base_shape = gen.shape(4, 5);
      if (base_shape.empty()) {
        base_shape = {3};
      }
      Operand base = gen.contiguous(base_shape, dtype);
      std::int64_t size0 = base_shape[0];
      std::int64_t start = size0 > 0 ? gen.uniform_int(0, size0 - 1) : 0;
      std::int64_t step = gen.uniform_int(1, 2);
      std::int64_t length = size0 > start ? (size0 - start + step - 1) / step : 0;
      Tensor view = base.tensor.slice(0, start, size0, step);
      NdArray view_want = slice(base.expected, 0, start, length, step);
      Operand other = gen.operand(gen.broadcastable_to(view_want.shape), dtype);
      NdArray other_full = broadcast_to(other.expected, view_want.shape);
      int which = static_cast<int>(gen.uniform_int(0, 3));
      const char* names[] = {"add_", "mul_", "copy_", "fill_"};
      SCOPED_TRACE(case_note(
          i, names[which],
          dtype_name(dtype) + " base " + sizes_string(base_shape) + " other " + other.recipe,
          seed));
      for (std::size_t k = 0; k < view_want.values.size(); ++k) {
        double v = view_want.values[k];
        double o = other_full.values[k];
        // alpha = -0.3 is inexact in both dtypes, so an FMA (one rounding) would show.
        const double alpha = round_to(dtype, -0.3);
        double results[] = {round_to(dtype, v + round_to(dtype, alpha * o)),
                            round_to(dtype, v * 3.0), o, 7.0};
        view_want.values[k] = results[which];
      }
      switch (which) {
        case 0:
          view.add_(other.tensor, -0.3);
          break;
        case 1:
          view.mul_(3.0);
          break;
        case 2:
          view.copy_(other.tensor);
          break;
        default:
          view.fill_(7.0);
      }
      NdArray base_want = base.expected;
      for_each_index(view_want.shape, [&](const Sizes& idx) {
        Sizes src = idx;
        src[0] = start + idx[0] * step;
        base_want.at(src) = view_want.at(idx);
      });
      ASSERT_EQ(compare(read(base.tensor), base_want, elementwise_rtol(dtype), 0), "");
    }
  }
}

MT_INSTANTIATE_BACKENDS(MapProperty);
MT_INSTANTIATE_BACKENDS(ZipProperty);
MT_INSTANTIATE_BACKENDS(InPlaceProperty);

}  // namespace
}  // namespace minitorch::testing
