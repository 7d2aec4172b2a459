// The index ops on small hand-computed cases (PyTorch's documented examples), on every CPU
// backend, and their errors: wrong dtypes, devices, ranks and shapes, and out-of-range
// indices, each thrown before anything is written (the inputs are unchanged after).
#include <gtest/gtest.h>

#include <vector>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch::testing {
namespace {

Tensor ints(const std::vector<double>& values, const Shape& shape) {
  return from_vector(values, shape, {.dtype = kInt64});
}

std::vector<double> values_of(const Tensor& t) { return t.to(kFloat64).to_vector(); }

class IndexOps : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { set_backend(GetParam()); }
  void TearDown() override { set_backend("cpu"); }
};

TEST_P(IndexOps, GatherPicksAlongDim) {
  Tensor t = tensor({{1, 2}, {3, 4}});
  Tensor index = ints({0, 0, 1, 0}, {2, 2});
  Tensor out = gather(t, 1, index);
  EXPECT_EQ(out.shape(), Shape({2, 2}));
  EXPECT_EQ(values_of(out), (std::vector<double>{1, 1, 4, 3}));
  EXPECT_EQ(values_of(gather(t, 0, ints({1, 0}, {1, 2}))), (std::vector<double>{3, 2}));
}

TEST_P(IndexOps, GatherTakesAnIndexSmallerThanTheInputOffDim) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
  Tensor out = gather(t, 1, ints({2, 0}, {2, 1}));
  EXPECT_EQ(out.shape(), Shape({2, 1}));
  EXPECT_EQ(values_of(out), (std::vector<double>{3, 4}));
}

TEST_P(IndexOps, GatherCopiesEveryDtype) {
  Tensor index = ints({2, 2, 0}, {3});
  for (DType dtype : {kFloat32, kFloat64, kInt64, kBool}) {
    Tensor t = from_vector(std::vector<double>{1, 0, 5}, {3}, {.dtype = dtype});
    Tensor out = gather(t, 0, index);
    EXPECT_EQ(out.dtype(), dtype);
    double five = dtype == kBool ? 1 : 5;
    EXPECT_EQ(values_of(out), (std::vector<double>{five, five, 1}));
  }
}

TEST_P(IndexOps, ScatterAddAccumulatesRepeatedIndices) {
  Tensor t = zeros({2, 3});
  Tensor src = tensor({{1, 2, 3}, {4, 5, 6}});
  Tensor index = ints({0, 1, 0, 1, 1, 1}, {2, 3});
  Tensor out = scatter_add(t, 0, index, src);
  EXPECT_EQ(values_of(out), (std::vector<double>{1, 0, 3, 4, 7, 6}));
  EXPECT_EQ(values_of(t), (std::vector<double>(6, 0.0))) << "scatter_add is out of place";
  Tensor along_1 = scatter_add(ones({2, 2}), 1, ints({1, 1, 0, 0}, {2, 2}), src.slice(1, 0, 2));
  EXPECT_EQ(values_of(along_1), (std::vector<double>{1, 4, 10, 1}));
}

TEST_P(IndexOps, ScatterAddOnInt64) {
  Tensor t = ints({10, 20}, {2});
  Tensor out = scatter_add(t, 0, ints({1, 1, 0}, {3}), ints({1, 2, 3}, {3}));
  EXPECT_EQ(out.dtype(), kInt64);
  EXPECT_EQ(values_of(out), (std::vector<double>{13, 23}));
}

TEST_P(IndexOps, IndexSelectAndIndexAdd) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
  Tensor index = ints({2, 0, 2}, {3});
  EXPECT_EQ(values_of(index_select(t, 0, index)), (std::vector<double>{7, 8, 9, 1, 2, 3, 7, 8, 9}));
  EXPECT_EQ(values_of(index_select(t, 1, ints({1}, {1}))), (std::vector<double>{2, 5, 8}));
  Tensor out = index_add(zeros({3, 3}), 0, index, t);
  EXPECT_EQ(values_of(out), (std::vector<double>{4, 5, 6, 0, 0, 0, 8, 10, 12}));
  Tensor cols = index_add(ones({2, 2}), 1, ints({1, 1, 1}, {3}), tensor({{1, 2, 3}, {4, 5, 6}}));
  EXPECT_EQ(values_of(cols), (std::vector<double>{1, 7, 1, 16}));
}

TEST_P(IndexOps, IndexByATensorIsPyTorchsSubscript) {
  Tensor table = tensor({{0, 1}, {10, 11}, {20, 21}});
  Tensor out = table.index(ints({2, 0, 1, 2}, {2, 2}));
  EXPECT_EQ(out.shape(), Shape({2, 2, 2}));
  EXPECT_EQ(values_of(out), (std::vector<double>{20, 21, 0, 1, 10, 11, 20, 21}));
  EXPECT_EQ(table.index(ints({1}, {1})).shape(), Shape({1, 2}));
}

TEST_P(IndexOps, FlipReversesEachDim) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(values_of(flip(t, {0})), (std::vector<double>{4, 5, 6, 1, 2, 3}));
  EXPECT_EQ(values_of(flip(t, {-1})), (std::vector<double>{3, 2, 1, 6, 5, 4}));
  EXPECT_EQ(values_of(flip(t, {0, 1})), (std::vector<double>{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(values_of(flip(t.transpose(0, 1), {0})), (std::vector<double>{3, 6, 2, 5, 1, 4}));
  Tensor same = flip(t, {});
  EXPECT_EQ(values_of(same), values_of(t));
  EXPECT_NE(same.data().storage(), t.data().storage()) << "flip copies";
  EXPECT_EQ(flip(zeros({0, 2}), {0}).shape(), Shape({0, 2}));
}

TEST_P(IndexOps, ScalarsAndEmptyIndices) {
  Tensor s = scalar_tensor(7);
  EXPECT_EQ(gather(s, 0, ints({0}, {1}).reshape({})).item(), 7);
  EXPECT_EQ(scatter_add(s, 0, ints({0}, {1}).reshape({}), scalar_tensor(2)).item(), 9);
  Tensor t = tensor({{1, 2}, {3, 4}});
  EXPECT_EQ(index_select(t, 0, ints({}, {0})).shape(), Shape({0, 2}));
  EXPECT_EQ(gather(t, 1, ints({}, {2, 0})).shape(), Shape({2, 0}));
  EXPECT_EQ(values_of(index_add(t, 1, ints({}, {0}), zeros({2, 0}))), values_of(t));
}

// ---- Errors ---------------------------------------------------------------------------

TEST_P(IndexOps, IndexMustBeInt64) {
  Tensor t = tensor({{1, 2}, {3, 4}});
  Tensor float_index = zeros({2, 2});
  expect_error<DTypeError>([&] { gather(t, 0, float_index); }, {"gather", "int64", "float32"});
  expect_error<DTypeError>([&] { scatter_add(t, 0, float_index, t); }, {"scatter_add", "int64"});
  expect_error<DTypeError>([&] { index_select(t, 0, zeros({2})); }, {"index_select", "int64"});
  expect_error<DTypeError>([&] { index_add(t, 0, zeros({2}), t); }, {"index_add", "int64"});
  expect_error<DTypeError>([&] { t.index(zeros({2}, {.dtype = kBool})); }, {"int64", "bool"});
}

TEST_P(IndexOps, AddedValuesMustMatchAndBeAddable) {
  Tensor index = ints({0, 1}, {2});
  expect_error<DTypeError>(
      [&] { scatter_add(zeros({2}), 0, index, zeros({2}, {.dtype = kFloat64})); },
      {"scatter_add", "float32", "float64"});
  Tensor flags = zeros({2}, {.dtype = kBool});
  expect_error<DTypeError>([&] { index_add(flags, 0, index, flags); }, {"index_add", "bool"});
}

TEST_P(IndexOps, ShapesAreChecked) {
  Tensor t = zeros({2, 3});
  expect_error<ShapeError>(
      [&] {
        gather(t, 0, ints({0, 0}, {2}));
      },
      {"gather", "1 dims", "2", "[2, 3]", "[2]"});
  expect_error<ShapeError>(
      [&] {
        gather(t, 0, ints({0, 0, 0, 0}, {1, 4}));
      },
      {"gather", "[1, 4]", "[2, 3]", "dim 1"});
  expect_error<ShapeError>(
      [&] {
        scatter_add(t, 0, ints({0, 0, 0}, {1, 3}), zeros({1, 2}));
      },
      {"scatter_add", "src", "[1, 2]", "dim 1"});
  expect_error<ShapeError>(
      [&] {
        index_select(t, 0, ints({0, 0}, {1, 2}));
      },
      {"index_select", "1-D", "[1, 2]"});
  expect_error<ShapeError>(
      [&] {
        index_add(t, 1, ints({0, 0}, {2}), zeros({2, 3}));
      },
      {"index_add", "[2, 3]", "[2, 2]", "dim 1"});
  expect_error<IndexError>([&] { gather(t, 2, ints({0}, {1, 1})); }, {"gather", "dim 2"});
  expect_error<ShapeError>([&] { flip(t, {1, -1}); }, {"flip", "dim 1", "twice"});
}

TEST_P(IndexOps, OutOfRangeIndicesThrowBeforeAnythingIsWritten) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  Tensor src = ones({2, 3});
  Tensor bad = ints({0, 3, 1, -1, 0, 0}, {2, 3});
  expect_error<IndexError>([&] { gather(t, 1, bad); },
                           {"gather", "index 3", "dim 1", "size 3", "[2, 3]"});
  expect_error<IndexError>(
      [&] {
        gather(t, 0, ints({0, 2, 0}, {1, 3}));
      },
      {"gather", "index 2", "dim 0", "size 2"});
  expect_error<IndexError>([&] { scatter_add(t, 1, bad, src); },
                           {"scatter_add", "index 3", "dim 1", "size 3"});
  expect_error<IndexError>(
      [&] {
        index_select(t, 0, ints({1, -1}, {2}));
      },
      {"index_select", "index -1", "dim 0", "size 2"});
  expect_error<IndexError>(
      [&] {
        index_add(t, 1, ints({5, 0, 0}, {3}), src);
      },
      {"index_add", "index 5", "dim 1", "size 3"});
  expect_error<IndexError>([&] { t.index(ints({2}, {1})); }, {"index_select", "index 2"});
  expect_error<IndexError>(
      [&] {
        index_select(zeros({0, 2}), 0, ints({0}, {1}));
      },
      {"index 0", "size 0"});
  EXPECT_EQ(values_of(t), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(values_of(src), (std::vector<double>(6, 1.0)));
}

TEST_P(IndexOps, NonContiguousIndexIsCheckedToo) {
  Tensor t = zeros({3});
  Tensor index = ints({0, 9, 1, 7}, {2, 2}).transpose(0, 1).select(0, 1);  // [9, 7]
  expect_error<IndexError>([&] { index_select(t, 0, index); }, {"index 9", "size 3"});
}

INSTANTIATE_TEST_SUITE_P(Backends, IndexOps, ::testing::Values("reference", "cpu"));

}  // namespace
}  // namespace minitorch::testing
