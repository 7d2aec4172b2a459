// Half and BFloat16 (half.h): every 16-bit pattern converts to float32 and back unchanged, and
// float32 values round to the nearest 16-bit value, ties to even, checked against the
// neighbours of the result (and against the compiler's _Float16 where it has one).
#include "minitorch/half.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "minitorch/dtype.h"

namespace minitorch {
namespace {

float half_value(std::uint16_t bits) { return static_cast<float>(Half::from_bits(bits)); }
float bfloat16_value(std::uint16_t bits) { return static_cast<float>(BFloat16::from_bits(bits)); }

TEST(Half, EveryPatternRoundTrips) {
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const auto bits = static_cast<std::uint16_t>(b);
    const float f = half_value(bits);
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(static_cast<float>(Half(f)))) << b;
      EXPECT_EQ(Half(f).bits & 0x8000u, bits & 0x8000u) << "NaN keeps its sign";
      continue;
    }
    EXPECT_EQ(Half(f).bits, bits) << b;
  }
}

TEST(BFloat16, EveryPatternRoundTrips) {
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const auto bits = static_cast<std::uint16_t>(b);
    const float f = bfloat16_value(bits);
    EXPECT_EQ(std::bit_cast<std::uint32_t>(f), b << 16) << "exact widening";
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(static_cast<float>(BFloat16(f)))) << b;
      continue;
    }
    EXPECT_EQ(BFloat16(f).bits, bits) << b;
  }
}

// r is the 16-bit value nearest f (ties to an even pattern), judged by its two neighbours.
template <class Value>
void expect_nearest(float f, std::uint16_t r, Value value) {
  const double x = static_cast<double>(f);
  const double got = static_cast<double>(value(r));
  if (std::isinf(got)) {
    return;  // overflow is checked by the Extremes tests
  }
  const double err = std::fabs(got - x);
  for (int step : {-1, 1}) {
    const auto neighbour = static_cast<std::uint16_t>(r + step);
    const double n = static_cast<double>(value(neighbour));
    if (std::isnan(n) || std::signbit(n) != std::signbit(got) || (r & 0x7FFF) == 0) {
      continue;  // past the sign or the end of the range: zero is checked by its sign
    }
    const double other = std::fabs(n - x);
    ASSERT_LE(err, other) << f << " rounded to " << got << ", " << n << " is nearer";
    if (err == other) {
      ASSERT_EQ(r % 2, 0) << f << " is a tie and should round to the even pattern";
    }
  }
}

TEST(Half, RoundsToNearestEven) {
  std::mt19937 rng(12);
  for (int i = 0; i < 400000; ++i) {
    // Magnitudes across binary16's range, subnormals included, and exact midpoints.
    float f = std::ldexp(std::uniform_real_distribution<float>(1.0f, 2.0f)(rng),
                         std::uniform_int_distribution<int>(-26, 16)(rng));
    if (i % 4 == 0) {
      const auto b = static_cast<std::uint16_t>(rng() % 0x7BFF);
      f = (half_value(b) + half_value(static_cast<std::uint16_t>(b + 1))) / 2;
    }
    f = rng() % 2 ? -f : f;
    const Half h(f);
    expect_nearest(f, h.bits, half_value);
#if defined(__FLT16_MAX__)
    ASSERT_EQ(std::bit_cast<std::uint16_t>(static_cast<_Float16>(f)), h.bits) << f;
#endif
  }
}

TEST(BFloat16, RoundsToNearestEven) {
  std::mt19937 rng(13);
  for (int i = 0; i < 400000; ++i) {
    auto f = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    if (i % 4 == 0) {  // an exact midpoint between two bfloat16 values
      f = std::bit_cast<float>((static_cast<std::uint32_t>(rng()) & 0xFFFF0000u) | 0x8000u);
    }
    if (std::isnan(f)) {
      continue;
    }
    expect_nearest(f, BFloat16(f).bits, bfloat16_value);
  }
}

TEST(Half, Extremes) {
  EXPECT_EQ(static_cast<float>(Half(65504.0f)), 65504.0f);
  EXPECT_EQ(static_cast<float>(Half(65519.0f)), 65504.0f);
  EXPECT_TRUE(std::isinf(static_cast<float>(Half(65520.0f))));  // the tie rounds up: inf
  EXPECT_EQ(Half(-1e10f).bits, 0xFC00u);
  EXPECT_EQ(Half(std::numeric_limits<float>::infinity()).bits, 0x7C00u);
  EXPECT_EQ(static_cast<float>(Half(std::ldexp(1.0f, -24))), std::ldexp(1.0f, -24));
  EXPECT_EQ(Half(std::ldexp(1.0f, -25)).bits, 0u);  // a tie with zero: even
  EXPECT_EQ(Half(std::ldexp(1.5f, -25)).bits, 1u);  // nearer the smallest subnormal
  EXPECT_EQ(Half(-0.0f).bits, 0x8000u);
  EXPECT_TRUE(std::isnan(static_cast<float>(Half(std::nanf("")))));
  EXPECT_EQ(half_value(0x3C00), 1.0f);
  EXPECT_EQ(half_value(0x3C01) - 1.0f, std::ldexp(1.0f, -10)) << "epsilon";
}

TEST(BFloat16, Extremes) {
  const float max = std::numeric_limits<float>::max();
  EXPECT_TRUE(std::isinf(static_cast<float>(BFloat16(max))));  // rounds past bfloat16's max
  EXPECT_EQ(bfloat16_value(0x7F7F), std::bit_cast<float>(0x7F7F0000u));
  EXPECT_EQ(BFloat16(1.0f + std::ldexp(1.0f, -8)).bits, 0x3F80u);  // tie: even
  EXPECT_EQ(BFloat16(1.0f + std::ldexp(3.0f, -8)).bits, 0x3F82u);  // tie: even, upward
  EXPECT_EQ(BFloat16(-0.0f).bits, 0x8000u);
  EXPECT_TRUE(std::isnan(static_cast<float>(BFloat16(std::nanf("")))));
  EXPECT_EQ(bfloat16_value(0x3F81) - 1.0f, std::ldexp(1.0f, -7)) << "epsilon";
}

TEST(Half, ValueConversion) {
  EXPECT_EQ(cast_value<std::int64_t>(Half(-2.75f)), -2);
  EXPECT_EQ(cast_value<std::int64_t>(Half(std::nanf(""))), 0);
  EXPECT_EQ(cast_value<std::int64_t>(BFloat16(1e30f)), INT64_MAX);
  EXPECT_EQ(cast_value<bool>(Half(std::nanf(""))), true);
  EXPECT_EQ(cast_value<bool>(BFloat16(-0.0f)), false);
  EXPECT_EQ(cast_value<Half>(true).bits, 0x3C00u);
  EXPECT_EQ(cast_value<double>(cast_value<Half>(std::int64_t{2049})), 2048.0) << "ties to even";
  EXPECT_EQ(cast_value<double>(cast_value<BFloat16>(3.14159)), 3.140625);
  EXPECT_EQ(cast_value<float>(cast_value<BFloat16>(Half(0.1f))),
            BFloat16(Half(0.1f)).operator float());
}

}  // namespace
}  // namespace minitorch
