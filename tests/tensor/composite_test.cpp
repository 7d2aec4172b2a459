// The composites' semantics (PyTorch's, by example), their errors (typed, naming the op, every
// shape and the failing dim; the inputs untouched after a throw) and the in-place sub_/div_
// rules shared with add_/mul_ (grad mode, expanded destinations, the version counter).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

using testing::expect_error;

constexpr TensorOptions kF64 = {.dtype = kFloat64};

Tensor iota(const Shape& shape, DType dtype = kFloat64) {
  return arange(static_cast<double>(shape_numel(shape)), {.dtype = dtype}).view(shape);
}

TEST(Joins, CatStackSplitChunkFollowPyTorch) {
  Tensor a = iota({2, 3});
  Tensor b = iota({2, 1}) + 10.0;
  Tensor c = cat({a, b, zeros({2, 0}, kF64)}, -1);
  EXPECT_EQ(c.shape(), Shape({2, 4}));
  EXPECT_EQ(c.to_vector(), (std::vector<double>{0, 1, 2, 10, 3, 4, 5, 11}));
  Tensor s = stack({a, a * 2.0}, 2);
  EXPECT_EQ(s.shape(), Shape({2, 3, 2}));
  EXPECT_EQ(s.at({1, 2, 1}), 10.0);
  EXPECT_EQ(stack({scalar_tensor(1.0), scalar_tensor(2.0)}).shape(), Shape({2}));

  Tensor x = iota({7});
  std::vector<Tensor> parts = split(x, 3);
  ASSERT_EQ(parts.size(), 3U);
  EXPECT_EQ(parts[2].to_vector(), (std::vector<double>{6}));
  EXPECT_EQ(split(x, 10).size(), 1U);
  EXPECT_EQ(split(x, {2, 0, 5})[2].numel(), 5);
  EXPECT_EQ(split(zeros({0}), 0).size(), 1U);
  // chunk(7, 4): ceil(7 / 4) = 2 per chunk, so 4 chunks; chunk(6, 4): 2 each, so only 3.
  EXPECT_EQ(chunk(x, 4).size(), 4U);
  EXPECT_EQ(chunk(iota({6}), 4).size(), 3U);
  EXPECT_EQ(chunk(zeros({0, 2}), 3).size(), 3U);
  // Views: a write through a part reaches the input.
  {
    NoGradGuard no_grad;
    chunk(x, 2)[1].fill_(-1.0);
  }
  EXPECT_EQ(x.at({6}), -1.0);
}

TEST(Joins, GradientOfEachInputIsItsPartOfTheOutputs) {
  Tensor a = ones({2, 2}, {.dtype = kFloat64, .requires_grad = true});
  Tensor b = ones({2, 3}, {.dtype = kFloat64, .requires_grad = true});
  Tensor frozen = ones({2, 1}, kF64);
  Tensor w = iota({2, 6});
  (cat({a, frozen, b}, 1) * w).sum().backward();
  EXPECT_EQ(a.grad().to_vector(), (std::vector<double>{0, 1, 6, 7}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<double>{3, 4, 5, 9, 10, 11}));
  EXPECT_EQ(cat({a, frozen}, 1).grad_fn_name(), "cat");
}

TEST(Joins, ErrorsNameTheOpTheShapesAndTheDim) {
  Tensor a = iota({2, 3});
  Tensor b = iota({3, 3});
  expect_error<ValueError>([] { cat({}); }, {"cat", "non-empty"});
  expect_error<ValueError>([&] { cat({a, Tensor()}); }, {"cat", "tensor 1", "undefined"});
  expect_error<ShapeError>(
      [&] {
        cat({a, b}, 1);
      },
      {"cat", "dim 0", "tensor 1 has 3", "[2, 3], [3, 3]"});
  expect_error<ShapeError>([&] { cat({a, iota({6})}); }, {"cat", "[2, 3], [6]", "dims"});
  expect_error<ShapeError>([] { cat({scalar_tensor(1.0)}); }, {"cat", "zero-dim", "[]"});
  expect_error<IndexError>([&] { cat({a, a}, 2); }, {"cat", "dim 2", "[2, 3]"});
  expect_error<DTypeError>([&] { cat({a, a.to(kFloat32)}); }, {"cat", "float32", "float64"});
  expect_error<ShapeError>([&] { stack({a, b}); }, {"stack", "[3, 3]", "[2, 3]"});
  expect_error<IndexError>([&] { stack({a, a}, 3); }, {"stack", "dim 3"});
  expect_error<ShapeError>([&] { split(a, {1, 1}, 1); }, {"split_with_sizes", "[1, 1]", "size 3"});
  expect_error<ShapeError>([&] { split(a, {4, -1}, 1); }, {"split_with_sizes", "[4, -1]"});
  expect_error<ValueError>([&] { split(a, 0, 1); }, {"split", "split_size", "[2, 3]"});
  expect_error<ValueError>([&] { chunk(a, 0); }, {"chunk", "chunks", "[2, 3]"});
  expect_error<IndexError>([&] { chunk(a, 2, -3); }, {"chunk", "dim -3", "[2, 3]"});
  expect_error<ShapeError>([] { split(scalar_tensor(1.0), 1); }, {"split", "zero-dim"});
  EXPECT_EQ(a.to_vector(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
}

TEST(Reductions, SeveralDimsAtOnce) {
  Tensor x = iota({2, 3, 4});
  Tensor s = x.sum({0, 2});
  EXPECT_EQ(s.shape(), Shape({3}));
  EXPECT_EQ(s.to_vector(), (std::vector<double>{60, 92, 124}));
  EXPECT_EQ(x.sum({-1, 0}, true).shape(), Shape({1, 3, 1}));
  EXPECT_EQ(x.sum(Dims{}).item(), 276.0);
  EXPECT_EQ(x.mean({0, 1}).to_vector(), (std::vector<double>{10, 11, 12, 13}));
  EXPECT_EQ(x.amax({0, 2}).to_vector(), (std::vector<double>{15, 19, 23}));
  EXPECT_EQ(x.amin({1, 2}, true).to_vector(), (std::vector<double>{0, 12}));
  EXPECT_EQ(x.amax().item(), 23.0);
  EXPECT_EQ(x.amin(1).shape(), Shape({2, 4}));
  EXPECT_EQ(x.min().item(), 0.0);
  EXPECT_EQ(x.min(-1, true).shape(), Shape({2, 3, 1}));
  // Existing one-dim forms keep working.
  EXPECT_EQ(x.sum(1).shape(), Shape({2, 4}));
  EXPECT_EQ(x.mean(0, true).shape(), Shape({1, 3, 4}));
  Tensor scalar = scalar_tensor(3.0, kF64);
  EXPECT_EQ(scalar.sum({0}).item(), 3.0);
  EXPECT_EQ(scalar.amax({-1}).item(), 3.0);
}

TEST(Reductions, VarStdAndLogSumExpFollowPyTorch) {
  Tensor x = from_vector(std::vector<double>{1, 2, 3, 4}, {2, 2}, kF64);
  EXPECT_DOUBLE_EQ(x.var().item(), 5.0 / 3.0);  // torch.tensor([1., 2, 3, 4]).var()
  EXPECT_DOUBLE_EQ(x.var(Dims{}, 0.0).item(), 1.25);
  EXPECT_EQ(x.var(1).to_vector(), (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(x.var({0}, 1.0, true).shape(), Shape({1, 2}));
  EXPECT_DOUBLE_EQ(x.std(0, 0.0).to_vector()[0], 1.0);
  EXPECT_TRUE(std::isinf(x.var(Dims{0, 1}, 4.0).item()));  // N - correction = 0
  EXPECT_TRUE(std::isnan(ones({1}, kF64).var().item()));  // 0 / 0
  Tensor big = from_vector(std::vector<double>{1000, 1000, -1000}, {3}, kF64);
  EXPECT_DOUBLE_EQ(big.logsumexp(0).item(), 1000 + std::log(2.0));
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(full({2}, -inf, kF64).logsumexp(0).item(), -inf);
  EXPECT_EQ(from_vector(std::vector<double>{inf, 1}, {2}, kF64).logsumexp(0).item(), inf);
  EXPECT_EQ(zeros({2, 0}, kF64).logsumexp(1).to_vector(), (std::vector<double>{-inf, -inf}));
}

TEST(Reductions, AmaxTiesShareTheGradientOverAllReducedDims) {
  // PyTorch: every maximum of the reduced elements gets 1/3, wherever it sits.
  Tensor x = from_vector(std::vector<double>{1, 1, 1, 0}, {2, 2}, kF64).requires_grad_();
  x.amax({0, 1}).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{1.0 / 3, 1.0 / 3, 1.0 / 3, 0}));
  Tensor y = from_vector(std::vector<double>{2, 0, 0, 2}, {2, 2}, kF64).requires_grad_();
  y.amin({1, 0}).backward();
  EXPECT_EQ(y.grad().to_vector(), (std::vector<double>{0, 0.5, 0.5, 0}));
}

TEST(Reductions, ErrorsNameTheOpTheShapeAndTheDim) {
  Tensor x = iota({2, 0, 3});
  expect_error<IndexError>([&] { x.sum({0, -3}); }, {"sum", "dim 0", "more than once", "[0, -3]"});
  expect_error<IndexError>([&] { x.var({1, 1}); }, {"var", "dim 1", "[2, 0, 3]"});
  expect_error<IndexError>([&] { x.amax({3}); }, {"amax", "dim 3", "[2, 0, 3]"});
  expect_error<ShapeError>([&] { x.amax({0, 1}); }, {"amax", "dim 1", "size 0", "[2, 0, 3]"});
  expect_error<ShapeError>([&] { x.amin(1); }, {"amin", "dim 1", "[2, 0, 3]"});
  expect_error<ShapeError>([&] { x.min(); }, {"min", "0 elements", "[2, 0, 3]"});
  expect_error<ShapeError>([&] { x.min(1); }, {"min", "dim 1", "[2, 0, 3]"});
  expect_error<IndexError>([&] { x.logsumexp({0, 0}); }, {"logsumexp", "more than once"});
  expect_error<IndexError>([&] { x.cumsum(3); }, {"cumsum", "dim 3", "[2, 0, 3]"});
  expect_error<IndexError>([&] { x.softmax(-4); }, {"softmax", "dim -4", "[2, 0, 3]"});
  EXPECT_EQ(x.sum({0, 2}).shape(), Shape({0}));
  EXPECT_EQ(x.softmax(1).shape(), x.shape());
}

TEST(Cumsum, RunningSumAndReversedScanGradient) {
  Tensor x = iota({2, 5}).requires_grad_();
  Tensor y = x.cumsum(1);
  EXPECT_EQ(y.to_vector(), (std::vector<double>{0, 1, 3, 6, 10, 5, 11, 18, 26, 35}));
  EXPECT_EQ(cumsum(x, 0).to_vector(), (std::vector<double>{0, 1, 2, 3, 4, 5, 7, 9, 11, 13}));
  EXPECT_EQ(y.grad_fn_name(), "cumsum");
  (y * iota({2, 5})).sum().backward();
  // dL/dx[j] = sum over i >= j of w[i].
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{10, 10, 9, 7, 4, 35, 30, 24, 17, 9}));
  EXPECT_EQ(scalar_tensor(2.0).cumsum(0).item(), 2.0);
  EXPECT_EQ(zeros({3, 0}).cumsum(1).shape(), Shape({3, 0}));
}

TEST(Softmax, MethodsMatchNnFunctional) {
  Tensor x = randn({3, 4}, kF64);
  EXPECT_TRUE(x.softmax(1).all_close(nn::functional::softmax(x, 1), 0, 0));
  EXPECT_TRUE(x.log_softmax(0).all_close(nn::functional::log_softmax(x, 0), 0, 0));
  EXPECT_TRUE(x.softmax(-1).sum(1).all_close(ones({3}, kF64)));
  EXPECT_TRUE(x.log_softmax(1).exp().all_close(x.softmax(1)));
}

TEST(InPlace, SubAndDivFollowAddAndMul) {
  Tensor a = from_vector(std::vector<double>{4, 6}, {2}, kF64);
  a.sub_(from_vector(std::vector<double>{1, 2}, {2}, kF64), 2.0);
  EXPECT_EQ(a.to_vector(), (std::vector<double>{2, 2}));
  a.div_(from_vector(std::vector<double>{4, 0.5}, {2}, kF64));
  EXPECT_EQ(a.to_vector(), (std::vector<double>{0.5, 4}));
  a.sub_(scalar_tensor(0.5, kF64));
  EXPECT_EQ(a.to_vector(), (std::vector<double>{0, 3.5}));

  Tensor leaf = ones({2}, {.dtype = kFloat64, .requires_grad = true});
  expect_error<AutogradError>([&] { leaf.sub_(leaf); }, {"sub_", "requires grad", "[2]"});
  expect_error<AutogradError>([&] { leaf.div_(leaf); }, {"div_", "requires grad"});
  {
    NoGradGuard no_grad;
    leaf.div_(full({2}, 2.0, kF64));
  }
  EXPECT_EQ(leaf.to_vector(), (std::vector<double>{0.5, 0.5}));

  Tensor expanded = ones({1}, kF64).expand({3});
  expect_error<ShapeError>([&] { expanded.sub_(ones({3}, kF64)); }, {"sub_", "expanded"});
  expect_error<ShapeError>([&] { expanded.div_(ones({3}, kF64)); }, {"div_", "expanded"});
  Tensor small = ones({2}, kF64);
  expect_error<ShapeError>([&] { small.sub_(ones({3}, kF64), 0.5); }, {"sub_", "[2]", "[3]"});
  expect_error<DTypeError>([&] { small.div_(ones({2})); }, {"div_", "float32", "float64"});
  EXPECT_EQ(small.to_vector(), (std::vector<double>{1, 1}));

  // A write after a tensor was saved for backward is caught, as for add_.
  Tensor w = ones({2}, kF64);
  Tensor p = ones({2}, {.dtype = kFloat64, .requires_grad = true});
  Tensor loss = (p * w).sum();
  w.div_(full({2}, 2.0, kF64));
  expect_error<AutogradError>([&] { loss.backward(); }, {"modified by an in-place operation"});
  Tensor loss2 = (p * w).sum();
  w.sub_(w);
  expect_error<AutogradError>([&] { loss2.backward(); }, {"modified by an in-place operation"});
}

}  // namespace
}  // namespace minitorch
