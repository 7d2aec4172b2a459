// Sizes past what int64 can count are ShapeErrors wherever a shape is made (factories, views,
// layouts); sizes past what the machine has are OutOfMemoryErrors; neither ever gives a
// tensor without storage behind it (Note [Checked sizes] in src/core/shape.cpp).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

constexpr std::int64_t k2to40 = std::int64_t{1} << 40;
constexpr std::int64_t k2to62 = std::int64_t{1} << 62;

using testing::expect_error;

TEST(Sizes, ShapeNumelDetectsOverflow) {
  EXPECT_EQ(shape_numel({k2to40, 1 << 20}), std::int64_t{1} << 60);
  EXPECT_THROW(shape_numel({k2to40, k2to40}), ShapeError);
  EXPECT_EQ(shape_numel({k2to40, k2to40, 0}), 0) << "an empty shape is empty, whatever else";
  EXPECT_THROW(checked_numel({k2to62, 2}, 4, "op"), ShapeError) << "2^63 elements";
  EXPECT_THROW(checked_numel({k2to62}, 4, "op"), ShapeError) << "2^64 bytes";
  EXPECT_EQ(checked_numel({k2to62}, 1, "op"), k2to62);
  EXPECT_EQ(checked_numel({0, k2to40, 1 << 19}, 8, "op"), 0);
  EXPECT_THROW(checked_numel({0, k2to62, k2to62}, 8, "op"), ShapeError)
      << "the non-zero sizes must be countable too, so that strides are";
  expect_error<ShapeError>(
      [] {
        checked_numel({3, -2}, 4, "myop");
      },
      {"myop", "negative size -2", "dim 1", "[3, -2]"});
}

TEST(Sizes, FactoriesRejectOverflowingShapesNamingThemselves) {
  expect_error<ShapeError>(
      [] {
        zeros({k2to40, k2to40});
      },
      {"zeros", "[1099511627776, 1099511627776]"});
  expect_error<ShapeError>([] { ones({k2to40, k2to40}); }, {"ones"});
  expect_error<ShapeError>([] { empty({k2to62, 4}); }, {"empty"});
  expect_error<ShapeError>([] { full({k2to62}, 1.0, {.dtype = kFloat64}); }, {"full", "bytes"});
  expect_error<ShapeError>([] { rand({k2to40, k2to40}); }, {"rand"});
  expect_error<ShapeError>([] { randn({k2to40, k2to40}); }, {"randn"});
  expect_error<ShapeError>([] { zeros({2, -3}); }, {"zeros", "negative size -3"});
  expect_error<ShapeError>(
      [] {
        from_vector(std::vector<double>{1.0}, {k2to40, k2to40});
      },
      {"from_vector"});
  expect_error<ShapeError>([] { arange(0.0, 1e300, 1.0); }, {"arange", "more than a tensor"});
  EXPECT_EQ(zeros({k2to40, 0}).numel(), 0);
  EXPECT_THROW(zeros({0, k2to40, k2to40}), ShapeError);
}

TEST(Sizes, ViewsRejectOverflowingShapes) {
  Tensor one = ones({1, 1});
  expect_error<ShapeError>([&] { one.expand({k2to40, k2to40}); }, {"expand"});
  expect_error<ShapeError>([&] { one.expand({k2to62, 1}); }, {"expand", "bytes"});
  expect_error<ShapeError>([&] { ones({1}).expand({2, k2to40, k2to40}); }, {"expand"});
  expect_error<ShapeError>([&] { one.expand({-5, 1}); }, {"expand", "-5"});
  expect_error<ShapeError>([&] { one.view({k2to40, k2to40}); }, {"view"});
  expect_error<ShapeError>([&] { one.reshape({-1, k2to40, k2to40}); }, {"reshape"});
  // A large but countable broadcast view is fine as a view; copying it is a memory error.
  Tensor wide = one.expand({std::int64_t{1} << 30, std::int64_t{1} << 30});
  EXPECT_EQ(wide.numel(), std::int64_t{1} << 60);
  EXPECT_THROW(wide.contiguous(), OutOfMemoryError);
  EXPECT_EQ(one.item(), 1.0) << "the source is untouched";
}

TEST(Sizes, HandMadeLayoutsOutsideTheirStorageAreRejected) {
  Tensor t = zeros({4});
  auto storage = t.data().storage();
  EXPECT_THROW(TensorData(storage, 0, {k2to40, k2to40}, {0, 0}, kFloat32), ShapeError);
  EXPECT_THROW(TensorData(storage, 0, {2, 2}, {k2to62, 1}, kFloat32), ShapeError);
  EXPECT_THROW(TensorData(storage, k2to62, {1}, {1}, kFloat32), ShapeError);
  EXPECT_THROW(TensorData(storage, 3, {2}, {-4}, kFloat32), ShapeError);
  EXPECT_NO_THROW(TensorData(storage, 3, {4}, {-1}, kFloat32));
}

TEST(Sizes, AllocationsPastTheMachineAreOutOfMemoryAndLaterOpsWork) {
  // 2^50 bytes: more than this machine has, and an exbibyte: more than any has.
  expect_error<OutOfMemoryError>([] { empty({std::int64_t{1} << 48}); },
                                 {"out of memory", "requested 1125899906842624 bytes"});
  expect_error<OutOfMemoryError>([] { empty({std::int64_t{1} << 59}, {.dtype = kFloat64}); },
                                 {"out of memory"});
  Tensor a = arange(6.0).reshape({2, 3});
  EXPECT_EQ(a.matmul(a.transpose(0, 1)).sum().item(), 5.0 + 14.0 + 14.0 + 50.0);
}

}  // namespace
}  // namespace minitorch
