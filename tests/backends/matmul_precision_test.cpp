// The TF32 permission (minitorch/matmul_precision.h) on any machine: MINITORCH_ALLOW_TF32's
// parsing and default, set_allow_tf32 overriding it, reset_allow_tf32 handing back to it, and
// CPU matmuls that never change with it. The TF32 kernel itself: tests/cuda.
#include "minitorch/matmul_precision.h"

#include <gtest/gtest.h>

#include <cstring>

#include "minitorch/config.h"
#include "minitorch/error.h"
#include "minitorch/minitorch.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

// Each test starts and ends with no program choice, so MINITORCH_ALLOW_TF32 decides.
class MatmulPrecision : public ::testing::Test {
 protected:
  void SetUp() override { reset_allow_tf32(); }
  void TearDown() override { reset_allow_tf32(); }
};

TEST_F(MatmulPrecision, OffByDefaultAsInPyTorch) {
  config::ScopedOverride unset("MINITORCH_ALLOW_TF32", "");
  reset_allow_tf32();
  EXPECT_FALSE(config::allow_tf32());
  EXPECT_FALSE(allow_tf32());
}

TEST_F(MatmulPrecision, EnvironmentFlagIsParsed) {
  for (const char* on : {"1", "true", "on", "yes"}) {
    config::ScopedOverride set("MINITORCH_ALLOW_TF32", on);
    reset_allow_tf32();
    EXPECT_TRUE(allow_tf32()) << on;
  }
  for (const char* off : {"0", "false", "off", "no"}) {
    config::ScopedOverride set("MINITORCH_ALLOW_TF32", off);
    reset_allow_tf32();
    EXPECT_FALSE(allow_tf32()) << off;
  }
}

TEST_F(MatmulPrecision, MalformedFlagIsAConfigErrorNamingIt) {
  config::ScopedOverride set("MINITORCH_ALLOW_TF32", "2");
  reset_allow_tf32();
  try {
    (void)allow_tf32();
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::strstr(e.what(), "MINITORCH_ALLOW_TF32"), nullptr) << e.what();
    EXPECT_NE(std::strstr(e.what(), "'2'"), nullptr) << e.what();
  }
  // The program's choice needs no environment.
  set_allow_tf32(true);
  EXPECT_TRUE(allow_tf32());
}

TEST_F(MatmulPrecision, SetterOverridesTheEnvironmentUntilReset) {
  config::ScopedOverride set("MINITORCH_ALLOW_TF32", "1");
  reset_allow_tf32();
  EXPECT_TRUE(allow_tf32());
  set_allow_tf32(false);
  EXPECT_FALSE(allow_tf32());
  set_allow_tf32(true);
  EXPECT_TRUE(allow_tf32());
  set_allow_tf32(false);
  reset_allow_tf32();
  EXPECT_TRUE(allow_tf32());
}

TEST_F(MatmulPrecision, ResetReadsTheEnvironmentAnew) {
  {
    config::ScopedOverride set("MINITORCH_ALLOW_TF32", "0");
    reset_allow_tf32();
    EXPECT_FALSE(allow_tf32());
  }
  config::ScopedOverride set("MINITORCH_ALLOW_TF32", "1");
  EXPECT_FALSE(allow_tf32()) << "cached until reset";
  reset_allow_tf32();
  EXPECT_TRUE(allow_tf32());
}

TEST_F(MatmulPrecision, CpuMatmulIgnoresTheFlag) {
  Generator gen(testing::test_seed());
  Tensor a = randn({70, 130}, {}, &gen);
  Tensor b = randn({130, 66}, {}, &gen);
  set_allow_tf32(false);
  Tensor off = a.matmul(b);
  set_allow_tf32(true);
  Tensor on = a.matmul(b);
  ASSERT_EQ(off.numel(), on.numel());
  EXPECT_EQ(std::memcmp(off.data().data_ptr(), on.data().data_ptr(),
                        static_cast<std::size_t>(off.numel()) * sizeof(float)),
            0);
}

}  // namespace
}  // namespace minitorch
