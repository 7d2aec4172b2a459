// int64 and bool tensors outside the elementwise path: factories, element access, printing,
// conversions, reductions, matmul and autograd (docs/dtypes.md). Reductions and copies run on
// the reference and the CPU backend.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

using testing::expect_error;
using I64 = std::vector<std::int64_t>;

constexpr std::int64_t kBig = (std::int64_t{1} << 60) + 1;  // not a float64 value

// Runs fn once with each CPU backend, restoring the one in use.
template <class Fn>
void on_each_cpu_backend(Fn fn) {
  const std::string previous = backend_name(Device::cpu());
  for (const char* name : {"reference", "cpu"}) {
    SCOPED_TRACE(name);
    set_backend(name);
    fn();
  }
  set_backend(previous);
}

TEST(DTypeFactories, FilledAndRanges) {
  for (DType dtype : {kInt64, kBool}) {
    EXPECT_EQ(zeros({2, 3}, {.dtype = dtype}).dtype(), dtype);
    EXPECT_EQ(empty({4}, {.dtype = dtype}).dtype(), dtype);
  }
  EXPECT_EQ(ones({3}, {.dtype = kInt64}).to_vector<std::int64_t>(), (I64{1, 1, 1}));
  EXPECT_EQ(full({2}, -2.7, {.dtype = kInt64}).to_vector<std::int64_t>(), (I64{-2, -2}));
  EXPECT_EQ(full({2}, 0.5, {.dtype = kBool}).to_vector<bool>(), (std::vector<bool>{true, true}));
  EXPECT_EQ(zeros({2}, {.dtype = kBool}).to_vector<bool>(), (std::vector<bool>{false, false}));
  EXPECT_EQ(arange(5, {.dtype = kInt64}).to_vector<std::int64_t>(), (I64{0, 1, 2, 3, 4}));
  EXPECT_EQ(arange(0, 2, 0.5, {.dtype = kInt64}).to_vector<std::int64_t>(), (I64{0, 0, 1, 1}));
}

TEST(DTypeFactories, FromVectorInt64) {
  Tensor t = from_vector(I64{kBig, -kBig, 3}, {3});
  EXPECT_EQ(t.dtype(), kInt64);
  EXPECT_EQ(t.to_vector<std::int64_t>(), (I64{kBig, -kBig, 3}));
  EXPECT_EQ(from_vector(I64{0, 2}, {2}, {.dtype = kBool}).to_vector<bool>(),
            (std::vector<bool>{false, true}));
  EXPECT_EQ(from_vector(I64{1, 2}, {2}, {.dtype = kFloat64}).to_vector(),
            (std::vector<double>{1, 2}));
  EXPECT_EQ(
      from_vector(std::vector<double>{1.9, -0.5}, {2}, {.dtype = kInt64}).to_vector<std::int64_t>(),
      (I64{1, 0}));
  expect_error<ShapeError>([] { (void)from_vector(I64{1, 2}, {3}); }, {"from_vector", "[3]"});
}

TEST(DTypeFactories, Eye) {
  EXPECT_EQ(eye(2).to_vector(), (std::vector<double>{1, 0, 0, 1}));
  Tensor e = eye(2, 3, {.dtype = kInt64});
  EXPECT_EQ(e.shape(), (Shape{2, 3}));
  EXPECT_EQ(e.to_vector<std::int64_t>(), (I64{1, 0, 0, 0, 1, 0}));
  EXPECT_EQ(eye(3, 1, {.dtype = kBool}).to_vector<bool>(), (std::vector<bool>{true, false, false}));
  EXPECT_EQ(eye(0).numel(), 0);
  EXPECT_EQ(eye(2, 0).shape(), (Shape{2, 0}));
  expect_error<ShapeError>([] { (void)eye(-1); }, {"eye", "-1"});
}

TEST(DTypeFactories, Linspace) {
  EXPECT_EQ(linspace(0, 1, 5).to_vector(), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  Tensor t = linspace(-1, 0.3, 7, {.dtype = kFloat64});
  EXPECT_EQ(t.to_vector().front(), -1.0);
  EXPECT_EQ(t.to_vector().back(), 0.3);  // both ends exact
  EXPECT_EQ(linspace(3, 7, 1).to_vector(), (std::vector<double>{3}));
  EXPECT_EQ(linspace(3, 7, 0).numel(), 0);
  EXPECT_EQ(linspace(0, 10, 3, {.dtype = kInt64}).to_vector<std::int64_t>(), (I64{0, 5, 10}));
  expect_error<ShapeError>([] { (void)linspace(0, 1, -2); }, {"linspace", "-2"});
  expect_error<ShapeError>([] { (void)linspace(0, INFINITY, 2); }, {"linspace", "inf"});
}

TEST(DTypeFactories, RandintIsSeededAndInRange) {
  Generator a(7);
  Generator b(7);
  Tensor x = randint(-3, 4, {2000}, {.dtype = kInt64}, &a);
  EXPECT_EQ(x.dtype(), kInt64);
  EXPECT_EQ(x.to_vector<std::int64_t>(),
            randint(-3, 4, {2000}, {.dtype = kInt64}, &b).to_vector<std::int64_t>());
  std::vector<int> counts(7, 0);
  for (std::int64_t v : x.to_vector<std::int64_t>()) {
    ASSERT_GE(v, -3);
    ASSERT_LT(v, 4);
    ++counts[static_cast<std::size_t>(v + 3)];
  }
  for (int c : counts) {
    EXPECT_GT(c, 200);  // 2000 / 7 ~ 286 each
  }
  EXPECT_EQ(randint(5, {3}).dtype(), kInt64);
  EXPECT_EQ(randint(2, {3}, {.dtype = kFloat32}).dtype(), kFloat32);
  // The widest span there is: [INT64_MIN, INT64_MAX).
  Tensor wide = randint(std::numeric_limits<std::int64_t>::min(),
                        std::numeric_limits<std::int64_t>::max(), {16});
  EXPECT_EQ(wide.numel(), 16);
  expect_error<ValueError>([] { (void)randint(3, 3, {2}); }, {"randint", "low 3", "high 3"});
}

TEST(DTypeFactories, NonFloatingTensorsCannotRequireGrad) {
  expect_error<DTypeError>([] { (void)zeros({2}, {.dtype = kInt64, .requires_grad = true}); },
                           {"requires_grad_", "floating point", "int64", "[2]"});
  Tensor mask = ones({3}, {.dtype = kBool});
  expect_error<DTypeError>([&] { mask.requires_grad_(); }, {"requires_grad_", "bool", "[3]"});
  EXPECT_FALSE(mask.requires_grad());
  mask.requires_grad_(false);  // turning it off is always fine
  expect_error<DTypeError>([] { (void)rand({2}, {.dtype = kInt64}); }, {"rand", "int64"});
}

TEST(DTypeElements, ItemAtAndToVector) {
  Tensor t = from_vector(I64{kBig, -5}, {2});
  EXPECT_EQ(t[0].item<std::int64_t>(), kBig);  // exact beyond 2^53
  EXPECT_EQ(t[1].item(), -5.0);
  EXPECT_EQ(t[1].item<bool>(), true);
  EXPECT_EQ(t.at({1}), -5.0);
  Tensor b = from_vector(std::vector<double>{0, 1}, {2}, {.dtype = kBool});
  EXPECT_EQ(b[1].item<bool>(), true);
  EXPECT_EQ(b[0].item<std::int64_t>(), 0);
  EXPECT_EQ(b.to_vector(), (std::vector<double>{0, 1}));
  EXPECT_EQ(scalar_tensor(2.75).item<std::int64_t>(), 2);
  t.set({1}, 7.9);
  EXPECT_EQ(t.to_vector<std::int64_t>(), (I64{kBig, 7}));
  expect_error<ShapeError>([&] { (void)t.item<std::int64_t>(); }, {"item", "[2]"});
}

TEST(DTypeConversions, ToCloneContiguous) {
  on_each_cpu_backend([] {
    Tensor x = from_vector(std::vector<double>{-1.5, 0, 2.5, NAN}, {2, 2}, {.dtype = kFloat64});
    EXPECT_EQ(x.to(kInt64).to_vector<std::int64_t>(), (I64{-1, 0, 2, 0}));
    EXPECT_EQ(x.to(kBool).to_vector<bool>(), (std::vector<bool>{true, false, true, true}));
    Tensor i = from_vector(I64{kBig, 0, -2, 1}, {2, 2});
    EXPECT_EQ(i.to(kBool).to_vector<bool>(), (std::vector<bool>{true, false, true, true}));
    EXPECT_EQ(i.to(kBool).to(kFloat32).to_vector(), (std::vector<double>{1, 0, 1, 1}));
    EXPECT_EQ(i.transpose(0, 1).contiguous().to_vector<std::int64_t>(), (I64{kBig, -2, 0, 1}));
    Tensor c = i.clone();
    EXPECT_EQ(c.dtype(), kInt64);
    c.fill_(3);
    EXPECT_EQ(i.to_vector<std::int64_t>(), (I64{kBig, 0, -2, 1}));  // clone copied
    Tensor mask = i.to(kBool);
    EXPECT_EQ(mask.transpose(0, 1).contiguous().to_vector<bool>(),
              (std::vector<bool>{true, true, false, true}));
    Tensor dst = zeros({2, 2}, {.dtype = kInt64});
    dst.copy_(from_vector(std::vector<double>{9.5, -9.5}, {2}));  // broadcast, float32 source
    EXPECT_EQ(dst.to_vector<std::int64_t>(), (I64{9, -9, 9, -9}));
  });
}

TEST(DTypeAutograd, ConversionToIntegersEndsTheGraph) {
  Tensor x = from_vector(std::vector<double>{1.5, -2.0}, {2}, {.requires_grad = true});
  Tensor i = x.to(kInt64);
  EXPECT_FALSE(i.requires_grad());
  EXPECT_TRUE(i.is_leaf());
  EXPECT_FALSE(x.to(kBool).requires_grad());
  // The float path still differentiates; backward never reaches the int64 branch.
  Tensor y = (x * 3.0 + i.to(kFloat32)).sum();
  y.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{3, 3}));
}

TEST(DTypePrint, IntegersAndBools) {
  EXPECT_EQ(from_vector(I64{1, -20, 3}, {3}).to_string(), "tensor([  1, -20,   3])");
  EXPECT_EQ(from_vector(I64{kBig}, {}).to_string(), "tensor(1152921504606846977)");
  EXPECT_EQ(from_vector(I64{0, 1, 1, 0}, {2, 2}, {.dtype = kBool}).to_string(),
            "tensor([[False,  True],\n        [ True, False]])");
  EXPECT_EQ(zeros({0}, {.dtype = kInt64}).to_string(), "tensor([], dtype=int64)");
  EXPECT_EQ(zeros({0, 2}, {.dtype = kBool}).to_string(), "tensor([], size=[0, 2], dtype=bool)");
  std::string big = arange(2000, {.dtype = kInt64}).to_string();
  EXPECT_NE(big.find("[   0,    1,    2,  ..., 1997, 1998, 1999]"), std::string::npos) << big;
}

TEST(DTypeReductions, SumAndMaxOfIntegers) {
  on_each_cpu_backend([] {
    Tensor i = from_vector(I64{1, -7, 3, 4, 5, -6}, {2, 3});
    Tensor s = i.sum();
    EXPECT_EQ(s.dtype(), kInt64);
    EXPECT_EQ(s.item<std::int64_t>(), 0);
    EXPECT_EQ(i.sum(1).to_vector<std::int64_t>(), (I64{-3, 3}));
    EXPECT_EQ(i.sum(0, true).shape(), (Shape{1, 3}));
    EXPECT_EQ(i.max(1).to_vector<std::int64_t>(), (I64{3, 5}));
    EXPECT_EQ(i.max().dtype(), kInt64);
    Tensor mask = i.to(kBool).slice(1, 0, 3, 2);  // a strided view
    EXPECT_EQ(mask.sum().dtype(), kInt64);
    EXPECT_EQ(mask.sum().item<std::int64_t>(), 4);
    Tensor flags = from_vector(I64{0, 0, 1, 0}, {2, 2}, {.dtype = kBool});
    EXPECT_EQ(flags.max(1).dtype(), kBool);
    EXPECT_EQ(flags.max(1).to_vector<bool>(), (std::vector<bool>{false, true}));  // any
    EXPECT_EQ(zeros({0, 2}, {.dtype = kInt64}).sum(0).to_vector<std::int64_t>(), (I64{0, 0}));
    // Exact up to 2^53 in total: 2^52 + 2^52 - 1 + 1.
    Tensor edge = from_vector(I64{std::int64_t{1} << 52, (std::int64_t{1} << 52) - 1}, {2});
    EXPECT_EQ(edge.sum().item<std::int64_t>(), (std::int64_t{1} << 53) - 1);
  });
}

TEST(DTypeReductions, RefusedWhereNotExactOrDefined) {
  Tensor big = from_vector(I64{kBig, 1}, {2});
  expect_error<DTypeError>([&] { (void)big.sum(); }, {"reduce(sum)", "2^53", "[2]"});
  expect_error<DTypeError>([&] { (void)big.max(); }, {"reduce(max)", "2^53"});
  Tensor i = from_vector(I64{1, 2}, {2});
  expect_error<DTypeError>([&] { (void)i.prod(); }, {"reduce(prod)", "int64", "[2]"});
  expect_error<DTypeError>([&] { (void)i.mean(); }, {"mean", "int64", "[2]"});
  expect_error<DTypeError>([&] { (void)i.to(kBool).mean(0); }, {"mean", "bool"});
  EXPECT_EQ(i.to_vector<std::int64_t>(), (I64{1, 2}));  // untouched
}

TEST(DTypeMatmul, IntegersAreRefused) {
  Tensor a = ones({2, 3}, {.dtype = kInt64});
  Tensor b = ones({3, 4}, {.dtype = kInt64});
  expect_error<DTypeError>([&] { (void)a.matmul(b); }, {"matmul", "int64", "[2, 3]", "[3, 4]"});
  expect_error<DTypeError>([&] { (void)a.to(kBool).matmul(b.to(kBool)); }, {"matmul", "bool"});
  expect_error<DTypeError>([&] { (void)matmul(a[0], b); }, {"matmul", "int64"});
  EXPECT_EQ(matmul(a.to(kFloat32), b.to(kFloat32)).to_vector().front(), 3.0);
}

}  // namespace
}  // namespace minitorch
