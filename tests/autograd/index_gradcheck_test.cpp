// float64 gradcheck of the index ops (gather, scatter_add, index_select, index_add, flip and
// Tensor::index) with repeated indices and non-contiguous inputs, on the reference and cpu
// backends; plus the gradients' values on a small case and the index never getting one.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "minitorch/minitorch.h"
#include "support/gradcheck_rows.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

Tensor ints(const std::vector<double>& values, const Shape& shape) {
  return from_vector(values, shape, {.dtype = kInt64});
}

struct IndexGradRow {
  std::string op;
  std::function<Inputs(Generator&)> inputs;
  std::function<Tensor(const Inputs&)> fn;
};

// Each index repeats some positions and skips others, so both sums and zeros are exercised.
std::vector<IndexGradRow> rows() {
  Tensor index_2d = ints({2, 0, 2, 1, 1, 1}, {2, 3});  // dim 1 of a [2, 3] or [2, 4]
  Tensor index_1d = ints({3, 0, 3, 1, 3}, {5});
  return {
      {"gather",
       [](Generator& g) {
         return Inputs{gradcheck_values({4, 2}, g).transpose(0, 1)};
       },
       [index_2d](const Inputs& in) { return gather(in[0], 1, index_2d); }},
      {"gather",
       [](Generator& g) {
         return Inputs{gradcheck_values({3, 4}, g)};
       },
       [index_2d](const Inputs& in) { return gather(in[0], 1, index_2d); }},
      {"scatter_add",
       [](Generator& g) {
         return Inputs{gradcheck_values({2, 3}, g), gradcheck_values({3, 2}, g).transpose(0, 1)};
       },
       [index_2d](const Inputs& in) { return scatter_add(in[0], 1, index_2d, in[1]); }},
      {"scatter_add",
       [](Generator& g) {
         return Inputs{gradcheck_values({3, 3}, g), gradcheck_values({2, 4}, g)};
       },
       [index_2d](const Inputs& in) { return scatter_add(in[0], 1, index_2d, in[1]); }},
      {"index_select",
       [](Generator& g) {
         return Inputs{gradcheck_values({3, 4}, g).transpose(0, 1)};
       },
       [index_1d](const Inputs& in) { return index_select(in[0], 0, index_1d); }},
      {"index_select",
       [](Generator& g) {
         return Inputs{gradcheck_values({2, 4}, g)};
       },
       [index_1d](const Inputs& in) { return index_select(in[0], 1, index_1d); }},
      {"index_add",
       [](Generator& g) {
         return Inputs{gradcheck_values({4, 2}, g), gradcheck_values({5, 2}, g)};
       },
       [index_1d](const Inputs& in) { return index_add(in[0], 0, index_1d, in[1]); }},
      {"index_add",
       [](Generator& g) {
         return Inputs{gradcheck_values({2, 4}, g), gradcheck_values({5, 2}, g).transpose(0, 1)};
       },
       [index_1d](const Inputs& in) { return index_add(in[0], 1, index_1d, in[1]); }},
      {"flip",
       [](Generator& g) {
         return Inputs{gradcheck_values({3, 4}, g).transpose(0, 1)};
       },
       [](const Inputs& in) {
         return flip(in[0], {0, 1}) * in[0];
       }},
      {"index",
       [](Generator& g) {
         return Inputs{gradcheck_values({4, 3}, g)};
       },
       [](const Inputs& in) {
         return in[0].index(ints({3, 3, 0, 1}, {2, 2}));
       }},
  };
}

class IndexGradcheck : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { set_backend(GetParam()); }
  void TearDown() override { set_backend("cpu"); }
};

TEST_P(IndexGradcheck, EveryIndexOpPasses) {
  std::uint64_t seed = test_seed();
  Generator gen(seed);
  for (const IndexGradRow& row : rows()) {
    SCOPED_TRACE(row.op + "; " + seed_note(seed));
    Inputs inputs = row.inputs(gen);
    for (Tensor& input : inputs) {
      if (!input.is_leaf()) {
        input = input.detach().requires_grad_(true);
      }
    }
    GradcheckResult result = gradcheck(row.fn, inputs);
    EXPECT_TRUE(result.ok) << result.message;
  }
}

TEST_P(IndexGradcheck, GradientsSumOverRepeatedIndices) {
  Tensor table = tensor({{1, 2}, {3, 4}, {5, 6}}, {.requires_grad = true});
  Tensor rows_used = ints({2, 0, 2}, {3});
  index_select(table, 0, rows_used).sum().backward();
  EXPECT_EQ(table.grad().to_vector(), (std::vector<double>{1, 1, 0, 0, 2, 2}));
  EXPECT_FALSE(rows_used.requires_grad());
  EXPECT_FALSE(rows_used.grad().defined());
}

TEST_P(IndexGradcheck, OnlyInputsThatRequireGradGetOne) {
  Tensor a = zeros({3});
  Tensor src = ones({2}, {.requires_grad = true});
  Tensor out = index_add(a, 0, ints({1, 1}, {2}), src);
  EXPECT_EQ(out.grad_fn_name(), "index_add");
  (out * tensor({1, 2, 3})).sum().backward();
  EXPECT_EQ(src.grad().to_vector(), (std::vector<double>{2, 2}));
  EXPECT_FALSE(a.grad().defined());
  Tensor no_grad = gather(zeros({3}), 0, ints({0}, {1}));
  EXPECT_FALSE(no_grad.requires_grad());
}

INSTANTIATE_TEST_SUITE_P(Backends, IndexGradcheck, ::testing::Values("reference", "cpu"));

}  // namespace
}  // namespace minitorch::testing
