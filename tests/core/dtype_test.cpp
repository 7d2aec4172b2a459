// dtype traits, Note [Value conversion] and Note [Type promotion]: pure functions, no tensors.
#include "minitorch/dtype.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "minitorch/error.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

constexpr DType kAll[] = {kBool, kInt64, kFloat32, kFloat64, kFloat16, kBFloat16};

TEST(DType, Traits) {
  EXPECT_EQ(element_size(kFloat32), 4);
  EXPECT_EQ(element_size(kFloat64), 8);
  EXPECT_EQ(element_size(kInt64), 8);
  EXPECT_EQ(element_size(kBool), 1);
  EXPECT_TRUE(is_floating_point(kFloat32));
  EXPECT_FALSE(is_floating_point(kInt64));
  EXPECT_TRUE(is_integral(kInt64));
  EXPECT_TRUE(is_integral(kBool));
  EXPECT_FALSE(is_integral(kFloat64));
  EXPECT_EQ(default_float_dtype(), kFloat32);
  EXPECT_EQ(to_string(kInt64), "int64");
  EXPECT_EQ(to_string(kBool), "bool");
  EXPECT_EQ(element_size(kFloat16), 2);
  EXPECT_EQ(element_size(kBFloat16), 2);
  EXPECT_TRUE(is_floating_point(kBFloat16));
  EXPECT_TRUE(is_reduced_float(kFloat16));
  EXPECT_FALSE(is_reduced_float(kFloat32));
  EXPECT_EQ(compute_dtype(kBFloat16), kFloat32);
  EXPECT_EQ(compute_dtype(kFloat64), kFloat64);
  EXPECT_EQ(to_string(kFloat16), "float16");
  EXPECT_EQ(to_string(kBFloat16), "bfloat16");
}

TEST(DType, PromotionTable) {
  // Rows and columns in kAll's order; kFloat32 with kFloat64 throws (checked below).
  struct Row {
    DType a;
    DType b;
    DType want;
  };
  const Row rows[] = {
      {kBool, kBool, kBool},
      {kBool, kInt64, kInt64},
      {kBool, kFloat32, kFloat32},
      {kBool, kFloat64, kFloat64},
      {kInt64, kInt64, kInt64},
      {kInt64, kFloat32, kFloat32},
      {kInt64, kFloat64, kFloat64},
      {kFloat32, kFloat32, kFloat32},
      {kFloat64, kFloat64, kFloat64},
      // The 16-bit floats: PyTorch's answers.
      {kBool, kFloat16, kFloat16},
      {kInt64, kBFloat16, kBFloat16},
      {kFloat16, kFloat16, kFloat16},
      {kFloat16, kFloat32, kFloat32},
      {kBFloat16, kFloat32, kFloat32},
      {kFloat16, kBFloat16, kFloat32},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(promote_types(row.a, row.b), row.want)
        << to_string(row.a) << ", " << to_string(row.b);
    EXPECT_EQ(promote_types(row.b, row.a), row.want) << "symmetric";
  }
}

TEST(DType, MixedFloatsDoNotPromote) {
  testing::expect_error<DTypeError>([] { (void)promote_types(kFloat32, kFloat64, "zip(add)"); },
                                    {"zip(add)", "float32", "float64"});
  testing::expect_error<DTypeError>([] { (void)promote_types(kFloat64, kFloat32); },
                                    {"promote_types", "float64", "float32"});
  testing::expect_error<DTypeError>([] { (void)promote_types(kBFloat16, kFloat64, "zip(mul)"); },
                                    {"zip(mul)", "bfloat16", "float64"});
}

TEST(DType, PromotionIsAssociativeWhereDefined) {
  for (DType a : kAll) {
    for (DType b : kAll) {
      for (DType c : kAll) {
        DType left;
        DType right;
        try {
          left = promote_types(promote_types(a, b), c);
          right = promote_types(a, promote_types(b, c));
        } catch (const DTypeError&) {
          continue;
        }
        EXPECT_EQ(left, right);
      }
    }
  }
}

TEST(DType, ValueConversion) {
  EXPECT_EQ(cast_value<bool>(0.0), false);
  EXPECT_EQ(cast_value<bool>(-0.0), false);
  EXPECT_EQ(cast_value<bool>(0.25), true);
  EXPECT_EQ(cast_value<bool>(std::nan("")), true);
  EXPECT_EQ(cast_value<bool>(std::int64_t{-3}), true);
  EXPECT_EQ(cast_value<std::int64_t>(2.9), 2);
  EXPECT_EQ(cast_value<std::int64_t>(-2.9), -2);
  EXPECT_EQ(cast_value<std::int64_t>(std::nan("")), 0);
  EXPECT_EQ(cast_value<std::int64_t>(1e30), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(cast_value<std::int64_t>(-1e30f), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(cast_value<std::int64_t>(true), 1);
  EXPECT_EQ(cast_value<double>(true), 1.0);
  EXPECT_EQ(cast_value<float>(std::int64_t{1} << 40), 0x1p40f);
}

}  // namespace
}  // namespace minitorch
