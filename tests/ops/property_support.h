// Shared pieces of the property tests: the backend parameter, case counts, tolerances.
// Each test runs on every registered CPU backend, so a new backend is covered for free.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "minitorch/backend_registry.h"
#include "minitorch/dtype.h"
#include "support/case_gen.h"
#include "support/test_seed.h"

namespace minitorch::testing {

/// Random cases per op and dtype (the acceptance floor is 200).
inline constexpr int kCasesPerOp = 200;

/// Runs the test body with the backend named by the parameter, then restores the default.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    previous_ = backend_name(Device::cpu());
    set_backend(GetParam());
  }
  void TearDown() override { set_backend(previous_); }

 private:
  std::string previous_;
};

/// Elementwise tolerance: a few ulp of the dtype.
inline double elementwise_rtol(DType dtype) { return dtype == kFloat32 ? 2e-6 : 1e-14; }

/// Rounds v to dtype, as a result stored in that dtype would be.
inline double round_to(DType dtype, double v) {
  return dtype == kFloat32 ? static_cast<double>(static_cast<float>(v)) : v;
}

inline std::string dtype_name(DType dtype) { return std::string(to_string(dtype)); }

}  // namespace minitorch::testing

// CPU-device backends only: the property tests make CPU tensors (tests/cuda covers CUDA).
#define MT_INSTANTIATE_BACKENDS(Suite) \
  INSTANTIATE_TEST_SUITE_P( \
      Backends, Suite, \
      ::testing::ValuesIn(::minitorch::available_backends(::minitorch::DeviceType::CPU)))
