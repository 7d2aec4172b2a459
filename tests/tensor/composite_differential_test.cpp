// The composites of issue 11 (cat, stack, split, chunk, reductions over several dims, var,
// std, logsumexp, cumsum, softmax, sub_, div_) on random shapes with size-0 and size-1 dims
// and random views, float32 and float64, on the reference and cpu backends, against NdArray
// loops in long double. Joins, splits, amax/amin, cumsum and the in-place ops must give the
// same bits on both backends (they run the same copies, zips and maxima in the same order).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "minitorch/minitorch.h"
#include "support/case_gen.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

constexpr int kCases = 300;

class Composite : public ::testing::TestWithParam<DType> {
 protected:
  void TearDown() override { set_backend("cpu"); }
  double eps() const { return GetParam() == kFloat32 ? 0x1p-24 : 0x1p-53; }
};

// f's result (or results) on the reference backend, then on the cpu backend.
template <class F>
std::pair<std::vector<NdArray>, std::vector<NdArray>> on_both(F f) {
  auto read_all = [&] {
    std::vector<NdArray> out;
    for (const Tensor& t : f()) {
      out.push_back(read(t));
    }
    return out;
  };
  set_backend("reference");
  std::vector<NdArray> want = read_all();
  set_backend("cpu");
  return {read_all(), want};
}

bool same_bits(const NdArray& a, const NdArray& b) {
  if (a.shape != b.shape) {
    return false;
  }
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    if (std::isnan(a.values[i]) != std::isnan(b.values[i]) ||
        (!std::isnan(a.values[i]) && std::memcmp(&a.values[i], &b.values[i], sizeof(double)))) {
      return false;
    }
  }
  return true;
}

// Both backends agree bitwise and equal the model within rtol/atol.
void expect_both(const std::pair<std::vector<NdArray>, std::vector<NdArray>>& results,
                 const std::vector<NdArray>& model, double rtol, double atol, bool bitwise) {
  const auto& [got, want] = results;
  ASSERT_EQ(got.size(), model.size());
  ASSERT_EQ(want.size(), model.size());
  for (std::size_t i = 0; i < model.size(); ++i) {
    ASSERT_EQ(compare(got[i], model[i], rtol, atol), "") << "cpu, result " << i;
    ASSERT_EQ(compare(want[i], model[i], rtol, atol), "") << "reference, result " << i;
    if (bitwise) {
      ASSERT_TRUE(same_bits(got[i], want[i])) << "cpu and reference differ, result " << i;
    }
  }
}

// Model of x along dim [start, start + length).
NdArray narrow_model(const NdArray& x, int dim, std::int64_t start, std::int64_t length) {
  return slice(x, dim, start, length, 1);
}

NdArray cat_model(const std::vector<NdArray>& parts, int dim) {
  Sizes shape = parts[0].shape;
  shape[static_cast<std::size_t>(dim)] = 0;
  for (const NdArray& p : parts) {
    shape[static_cast<std::size_t>(dim)] += p.shape[static_cast<std::size_t>(dim)];
  }
  NdArray out = NdArray::filled(shape, 0);
  std::int64_t offset = 0;
  for (const NdArray& p : parts) {
    for_each_index(p.shape, [&](const Sizes& idx) {
      Sizes dst = idx;
      dst[static_cast<std::size_t>(dim)] += offset;
      out.at(dst) = p.at(idx);
    });
    offset += p.shape[static_cast<std::size_t>(dim)];
  }
  return out;
}

// A random list of dims of a rank-r shape: distinct, in any order, some negative; sometimes
// empty (every dim).
Dims random_dims(CaseGen& gen, int rank, std::vector<int>* wrapped) {
  Dims dims;
  wrapped->clear();
  if (rank == 0 || gen.chance(0.15)) {
    for (int d = 0; d < rank; ++d) {
      wrapped->push_back(d);
    }
    return dims;
  }
  for (int d = 0; d < rank; ++d) {
    if (gen.chance(0.5)) {
      wrapped->push_back(d);
    }
  }
  if (wrapped->empty()) {
    wrapped->push_back(static_cast<int>(gen.uniform_int(0, rank - 1)));
  }
  std::vector<int> order = *wrapped;
  std::shuffle(order.begin(), order.end(), gen.rng());
  for (int d : order) {
    dims.push_back(gen.chance(0.3) ? d - rank : d);
  }
  return dims;
}

struct Folded {
  NdArray value;
  NdArray magnitude;  // sum |x| of the folded elements, for tolerances
};

// fold(values) over wrapped dims of x, keepdim shape.
Folded fold_model(const NdArray& x, const std::vector<int>& dims,
                  const std::function<long double(const std::vector<long double>&)>& fold) {
  Sizes out_shape = x.shape;
  for (int d : dims) {
    out_shape[static_cast<std::size_t>(d)] = 1;
  }
  Folded out{NdArray::filled(out_shape, 0), NdArray::filled(out_shape, 0)};
  Sizes inner = Sizes(x.shape.size(), 1);
  for (int d : dims) {
    inner[static_cast<std::size_t>(d)] = x.shape[static_cast<std::size_t>(d)];
  }
  for_each_index(out_shape, [&](const Sizes& idx) {
    std::vector<long double> values;
    long double mag = 0;
    for_each_index(inner, [&](const Sizes& offset) {
      Sizes src = idx;
      for (std::size_t k = 0; k < src.size(); ++k) {
        src[k] += offset[k];
      }
      values.push_back(x.at(src));
      mag += std::fabs(x.at(src));
    });
    out.value.at(idx) = static_cast<double>(fold(values));
    out.magnitude.at(idx) = static_cast<double>(mag);
  });
  return out;
}

Sizes dropped(const Sizes& keep_shape, const std::vector<int>& dims, bool keepdim) {
  if (keepdim) {
    return keep_shape;
  }
  Sizes out;
  for (std::size_t d = 0; d < keep_shape.size(); ++d) {
    if (std::find(dims.begin(), dims.end(), static_cast<int>(d)) == dims.end()) {
      out.push_back(keep_shape[d]);
    }
  }
  return out;
}

// |got - want| <= tol[i] elementwise, tol from the model's magnitudes.
void expect_within(const std::vector<NdArray>& got, const NdArray& want, const NdArray& tol) {
  for (const NdArray& g : got) {
    ASSERT_EQ(g.shape, want.shape);
    for (std::size_t i = 0; i < want.values.size(); ++i) {
      double w = want.values[i];
      if (std::isnan(w) || std::isinf(w)) {
        ASSERT_TRUE(std::isnan(w) ? std::isnan(g.values[i]) : g.values[i] == w)
            << "element " << i << ": got " << g.values[i] << ", want " << w;
        continue;
      }
      ASSERT_LE(std::fabs(g.values[i] - w), tol.values[i])
          << "element " << i << ": got " << g.values[i] << ", want " << w;
    }
  }
}

TEST_P(Composite, CatAndStack) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 11);
  for (int i = 0; i < kCases; ++i) {
    int rank = static_cast<int>(gen.uniform_int(1, 4));
    Sizes shape = gen.shape(rank, 4);
    while (static_cast<int>(shape.size()) < rank) {
      shape.push_back(gen.uniform_int(0, 3));
    }
    int dim = static_cast<int>(gen.uniform_int(0, rank - 1));
    auto count = static_cast<std::size_t>(gen.uniform_int(1, 4));
    std::vector<Operand> cat_parts;
    std::vector<Operand> stack_parts;
    std::string recipes;
    for (std::size_t k = 0; k < count; ++k) {
      Sizes part_shape = shape;
      part_shape[static_cast<std::size_t>(dim)] = gen.uniform_int(0, 4);
      cat_parts.push_back(gen.operand(part_shape, GetParam()));
      stack_parts.push_back(gen.operand(shape, GetParam()));
      recipes += sizes_string(part_shape) + " " + cat_parts.back().recipe + "; ";
    }
    int stack_dim = static_cast<int>(gen.uniform_int(-rank - 1, rank));
    SCOPED_TRACE(case_note(i, "cat/stack", "dim " + std::to_string(dim) + " " + recipes, seed));
    std::vector<NdArray> cat_inputs;
    std::vector<NdArray> stack_inputs;
    std::vector<Tensor> cat_tensors;
    std::vector<Tensor> stack_tensors;
    int wrapped_stack = stack_dim < 0 ? stack_dim + rank + 1 : stack_dim;
    for (std::size_t k = 0; k < count; ++k) {
      cat_inputs.push_back(cat_parts[k].expected);
      cat_tensors.push_back(cat_parts[k].tensor);
      NdArray unsqueezed = stack_parts[k].expected;
      unsqueezed.shape.insert(unsqueezed.shape.begin() + wrapped_stack, 1);
      stack_inputs.push_back(unsqueezed);
      stack_tensors.push_back(stack_parts[k].tensor);
    }
    int neg_dim = gen.chance(0.3) ? dim - rank : dim;
    expect_both(
        on_both([&] {
          return std::vector<Tensor>{cat(cat_tensors, neg_dim), stack(stack_tensors, stack_dim)};
        }),
        {cat_model(cat_inputs, dim), cat_model(stack_inputs, wrapped_stack)}, 0, 0,
        /*bitwise=*/true);
  }
}

TEST_P(Composite, SplitAndChunkAreViews) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 12);
  for (int i = 0; i < kCases; ++i) {
    Sizes shape = gen.shape(4, 6);
    if (shape.empty()) {
      shape.push_back(gen.uniform_int(0, 7));
    }
    int rank = static_cast<int>(shape.size());
    int dim = static_cast<int>(gen.uniform_int(0, rank - 1));
    std::int64_t n = shape[static_cast<std::size_t>(dim)];
    Operand x = gen.operand(shape, GetParam());
    std::int64_t split_size = n == 0 ? gen.uniform_int(0, 2) : gen.uniform_int(1, n + 1);
    std::int64_t chunks = gen.uniform_int(1, 5);
    std::vector<std::int64_t> sizes;
    for (std::int64_t left = n; left > 0;) {
      std::int64_t s = gen.uniform_int(0, left);
      sizes.push_back(s);
      left -= s;
    }
    sizes.push_back(0);
    SCOPED_TRACE(case_note(i, "split/chunk",
                           sizes_string(shape) + " dim " + std::to_string(dim) + " " + x.recipe,
                           seed));
    // The expected parts.
    std::vector<NdArray> model;
    auto add_parts = [&](const std::vector<std::int64_t>& part_sizes) {
      std::int64_t offset = 0;
      for (std::int64_t s : part_sizes) {
        model.push_back(narrow_model(x.expected, dim, offset, s));
        offset += s;
      }
    };
    std::vector<std::int64_t> by_size;
    for (std::int64_t left = n; left > 0; left -= std::min(left, split_size)) {
      by_size.push_back(std::min(left, split_size));
    }
    if (by_size.empty()) {
      by_size.push_back(0);
    }
    add_parts(by_size);
    add_parts(sizes);
    std::int64_t chunk_size = (n + chunks - 1) / chunks;
    std::vector<std::int64_t> by_chunk;
    for (std::int64_t left = n; left > 0; left -= std::min(left, chunk_size)) {
      by_chunk.push_back(std::min(left, chunk_size));
    }
    if (n == 0) {
      by_chunk.assign(static_cast<std::size_t>(chunks), 0);
    }
    add_parts(by_chunk);
    std::vector<Tensor> parts;
    auto results = on_both([&] {
      parts = split(x.tensor, split_size, dim);
      for (const Tensor& t : split(x.tensor, sizes, dim - rank)) {
        parts.push_back(t);
      }
      for (const Tensor& t : chunk(x.tensor, chunks, dim)) {
        parts.push_back(t);
      }
      return parts;
    });
    expect_both(results, model, 0, 0, /*bitwise=*/true);
    for (const Tensor& part : parts) {
      EXPECT_EQ(part.data().storage(), x.tensor.data().storage()) << "a view, not a copy";
    }
  }
}

enum class Fold { Sum, Mean, Amax, Amin, Var, Std, LogSumExp };
constexpr int kFolds = 7;
const char* const kFoldNames[] = {"sum", "mean", "amax", "amin", "var", "std", "logsumexp"};

TEST_P(Composite, ReductionsOverSeveralDims) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 13);
  for (int i = 0; i < kCases * 2; ++i) {
    auto fold = static_cast<Fold>(i % kFolds);
    Sizes shape = gen.shape(4, 5);
    int rank = static_cast<int>(shape.size());
    std::vector<int> dims;
    Dims dim_list = random_dims(gen, rank, &dims);
    bool keepdim = gen.chance(0.5);
    double correction = gen.chance(0.5) ? 1.0 : (gen.chance(0.5) ? 0.0 : 2.5);
    bool empty_fold = false;
    for (int d : dims) {
      empty_fold = empty_fold || shape[static_cast<std::size_t>(d)] == 0;
    }
    if (empty_fold && (fold == Fold::Amax || fold == Fold::Amin)) {
      continue;  // no identity: an error, tested in composite_errors_test
    }
    Operand x = gen.operand(shape, GetParam());
    SCOPED_TRACE(case_note(i, kFoldNames[static_cast<int>(fold)],
                           sizes_string(shape) + " dims " + to_string(dim_list) +
                               (keepdim ? " keepdim " : " ") + "correction " +
                               std::to_string(correction) + " " + x.recipe,
                           seed + 13));
    const Tensor& t = x.tensor;
    auto results = on_both([&] {
      switch (fold) {
        case Fold::Sum:
          return std::vector<Tensor>{t.sum(dim_list, keepdim)};
        case Fold::Mean:
          return std::vector<Tensor>{t.mean(dim_list, keepdim)};
        case Fold::Amax:
          return std::vector<Tensor>{t.amax(dim_list, keepdim)};
        case Fold::Amin:
          return std::vector<Tensor>{t.amin(dim_list, keepdim)};
        case Fold::Var:
          return std::vector<Tensor>{t.var(dim_list, correction, keepdim)};
        case Fold::Std:
          return std::vector<Tensor>{t.std(dim_list, correction, keepdim)};
        case Fold::LogSumExp:
          return std::vector<Tensor>{t.logsumexp(dim_list, keepdim)};
      }
      return std::vector<Tensor>{};
    });
    auto var_of = [correction](const std::vector<long double>& v) {
      long double mean = 0;
      for (long double e : v) {
        mean += e;
      }
      mean /= static_cast<long double>(v.size());
      long double ss = 0;
      for (long double e : v) {
        ss += (e - mean) * (e - mean);
      }
      return ss / std::max<long double>(0, static_cast<long double>(v.size()) - correction);
    };
    Folded model = fold_model(x.expected, dims, [&](const std::vector<long double>& v) {
      long double acc = 0;
      switch (fold) {
        case Fold::Sum:
        case Fold::Mean:
          for (long double e : v) {
            acc += e;
          }
          return fold == Fold::Mean ? acc / static_cast<long double>(v.size()) : acc;
        case Fold::Amax:
          return *std::max_element(v.begin(), v.end());
        case Fold::Amin:
          return *std::min_element(v.begin(), v.end());
        case Fold::Var:
          return var_of(v);
        case Fold::Std:
          return std::sqrt(var_of(v));
        case Fold::LogSumExp:
          for (long double e : v) {
            acc += std::exp(e);
          }
          return std::log(acc);
      }
      return acc;
    });
    std::int64_t n = 1;
    for (int d : dims) {
      n *= shape[static_cast<std::size_t>(d)];
    }
    // Rounding bounds: a tree of depth log2(n) per reduced dim, values in [-2, 2].
    double depth = std::log2(static_cast<double>(std::max<std::int64_t>(n, 1))) + 16;
    NdArray tol = model.magnitude;
    for (std::size_t k = 0; k < tol.values.size(); ++k) {
      double mag = model.magnitude.values[k];
      double value = std::fabs(model.value.values[k]);
      double denom = std::max(1.0, static_cast<double>(n) - correction);
      switch (fold) {
        case Fold::Sum:
          tol.values[k] = depth * eps() * mag + 1e-300;
          break;
        case Fold::Mean:
          tol.values[k] = depth * eps() * mag / static_cast<double>(std::max<std::int64_t>(n, 1));
          break;
        case Fold::Amax:
        case Fold::Amin:
          tol.values[k] = 0;
          break;
        case Fold::Var:
          tol.values[k] = 8 * depth * eps() * 4 * (mag + 1) * 4 / denom;
          break;
        case Fold::Std:
          tol.values[k] = std::sqrt(8 * depth * eps() * 4 * (mag + 1) * 4 / denom);
          break;
        case Fold::LogSumExp:
          tol.values[k] = 8 * depth * eps() * (value + 1);
          break;
      }
    }
    model.value.shape = dropped(model.value.shape, dims, keepdim);
    tol.shape = model.value.shape;
    expect_within(results.first, model.value, tol);
    expect_within(results.second, model.value, tol);
    if (fold == Fold::Amax || fold == Fold::Amin) {
      ASSERT_TRUE(same_bits(results.first[0], results.second[0]));
    }
  }
}

TEST_P(Composite, CumsumIsTheSameOnBothBackendsAndCloseToTheRunningSum) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 14);
  for (int i = 0; i < kCases; ++i) {
    Sizes shape = gen.chance(0.5) ? gen.shape(4, 5) : gen.shape(2, 70);
    int rank = static_cast<int>(shape.size());
    int dim = rank == 0 ? 0 : static_cast<int>(gen.uniform_int(0, rank - 1));
    Operand x = gen.operand(shape, GetParam());
    SCOPED_TRACE(case_note(i, "cumsum",
                           sizes_string(shape) + " dim " + std::to_string(dim) + " " + x.recipe,
                           seed + 14));
    auto results = on_both([&] { return std::vector<Tensor>{x.tensor.cumsum(dim - rank)}; });
    NdArray want = x.expected;
    NdArray tol = NdArray::filled(want.shape, 0);
    if (rank > 0) {
      auto d = static_cast<std::size_t>(dim);
      Sizes lines = want.shape;
      lines[d] = 1;
      for_each_index(lines, [&](const Sizes& idx) {
        long double acc = 0;
        long double mag = 0;
        Sizes at = idx;
        for (std::int64_t k = 0; k < want.shape[d]; ++k) {
          at[d] = k;
          acc += x.expected.at(at);
          mag += std::fabs(x.expected.at(at));
          want.at(at) = static_cast<double>(acc);
          tol.at(at) =
              (std::log2(static_cast<double>(k + 1)) + 2) * eps() * static_cast<double>(mag);
        }
      });
    }
    expect_within(results.first, want, tol);
    ASSERT_TRUE(same_bits(results.first[0], results.second[0]));
  }
}

TEST_P(Composite, SoftmaxAndLogSoftmax) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 15);
  for (int i = 0; i < kCases; ++i) {
    Sizes shape = gen.shape(4, 6);
    int rank = static_cast<int>(shape.size());
    int dim = rank == 0 ? 0 : static_cast<int>(gen.uniform_int(0, rank - 1));
    Operand x = gen.operand(shape, GetParam(), uniform_values(-30, 30));
    SCOPED_TRACE(case_note(i, "softmax",
                           sizes_string(shape) + " dim " + std::to_string(dim) + " " + x.recipe,
                           seed + 15));
    auto results = on_both([&] {
      return std::vector<Tensor>{x.tensor.softmax(dim),
                                 x.tensor.log_softmax(-1 - (rank - 1 - dim))};
    });
    std::vector<int> dims;
    if (rank > 0) {
      dims.push_back(dim);
    }
    Folded lse = fold_model(x.expected, dims, [](const std::vector<long double>& v) {
      if (v.empty()) {
        return -std::numeric_limits<long double>::infinity();
      }
      long double m = *std::max_element(v.begin(), v.end());
      long double acc = 0;
      for (long double e : v) {
        acc += std::exp(e - m);
      }
      return m + std::log(acc);
    });
    NdArray soft = x.expected;
    NdArray log_soft = x.expected;
    NdArray soft_tol = x.expected;
    NdArray log_tol = x.expected;
    double n = rank == 0 ? 1 : static_cast<double>(shape[static_cast<std::size_t>(dim)]);
    double depth = std::log2(std::max(n, 1.0)) + 16;
    for_each_index(x.expected.shape, [&](const Sizes& idx) {
      Sizes out = idx;
      if (rank > 0) {
        out[static_cast<std::size_t>(dim)] = 0;
      }
      double l = x.expected.at(idx) - lse.value.at(out);
      log_soft.at(idx) = l;
      soft.at(idx) = std::exp(l);
      log_tol.at(idx) = depth * eps() * 64 * (std::fabs(l) + 1);
      soft_tol.at(idx) = depth * eps() * 64;
    });
    expect_within({results.first[0], results.second[0]}, soft, soft_tol);
    expect_within({results.first[1], results.second[1]}, log_soft, log_tol);
  }
}

TEST_P(Composite, SubAndDivInPlaceMatchTheOutOfPlaceOps) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 16);
  for (int i = 0; i < kCases; ++i) {
    Sizes shape = gen.shape(4, 5);
    Sizes b_shape = gen.chance(0.5) ? shape : gen.broadcastable_to(shape);
    Operand a = gen.contiguous(shape, GetParam());
    Operand b = gen.operand(b_shape, GetParam(), uniform_values(0.5, 3));
    double alpha = gen.chance(0.5) ? 1.0 : -0.3;
    SCOPED_TRACE(case_note(i, "sub_/div_",
                           sizes_string(shape) + " with " + sizes_string(b_shape) + " " + b.recipe,
                           seed + 16));
    auto results = on_both([&] {
      Tensor d = a.tensor.clone();
      Tensor q = a.tensor.clone();
      // A permuted destination: the in-place ops write through any non-overlapping view.
      Tensor p = a.tensor.clone();
      Dims order;
      for (int k = static_cast<int>(shape.size()) - 1; k >= 0; --k) {
        order.push_back(k);
      }
      Tensor pt = p.permute(order);
      Tensor bt = b.tensor.ndim() == 0 ? b.tensor : b.tensor.expand(Shape(shape)).permute(order);
      pt.sub_(bt, alpha);
      return std::vector<Tensor>{d.sub_(b.tensor, alpha), q.div_(b.tensor), p,
                                 a.tensor - b.tensor * alpha, a.tensor / b.tensor};
    });
    const auto& [got, want] = results;
    for (const auto& r : {got, want}) {
      EXPECT_TRUE(same_bits(r[0], r[3])) << "sub_ vs a - alpha * b";
      EXPECT_TRUE(same_bits(r[1], r[4])) << "div_ vs a / b";
      EXPECT_TRUE(same_bits(r[2], r[3])) << "sub_ through a permuted view";
    }
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_TRUE(same_bits(got[k], want[k])) << "cpu vs reference, result " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(DTypes, Composite, ::testing::Values(kFloat32, kFloat64),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param));
                         });

}  // namespace
}  // namespace minitorch::testing
