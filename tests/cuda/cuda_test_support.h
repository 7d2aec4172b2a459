// Shared pieces of the CUDA tests: skipping without a device, moving CaseGen operands to the
// GPU with their layout intact, and running an op on the reference backend for comparison.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "minitorch/config.h"
#include "minitorch/minitorch.h"

namespace minitorch::testing {

/// True when a CUDA tensor can be made (a CUDA build with a usable device).
inline bool cuda_available() {
  static const bool available = [] {
    try {
      return zeros({1}, {.device = Device::cuda()}).device().is_cuda();
    } catch (const DeviceError&) {
      return false;
    }
  }();
  return available;
}

#define MT_REQUIRE_CUDA() \
  do { \
    if (!::minitorch::testing::cuda_available()) { \
      GTEST_SKIP() << "no CUDA device"; \
    } \
  } while (0)

/// Random cases per primitive and dtype: MINITORCH_CUDA_CASES, default 1000 (the acceptance
/// floor). The compute-sanitizer runs lower it: every launch is instrumented there.
inline int cuda_cases() { return config::cuda_cases(); }

/// t on the GPU with the same storage layout (offset, strides, expanded dims): the whole
/// storage crosses, then the same view is taken of the device copy.
inline Tensor on_cuda(const Tensor& t) {
  const TensorData& d = t.data();
  std::int64_t elements = d.storage()->nbytes() / element_size(d.dtype());
  Tensor flat(TensorData(d.storage(), 0, Shape{elements}, Strides{1}, d.dtype()));
  Tensor device = flat.to(Device::cuda());
  return Tensor(TensorData(device.data().storage(), d.offset(), d.shape(), d.strides(), d.dtype()));
}

/// Runs fn with the reference backend serving CPU tensors, then restores the previous one.
template <class Fn>
auto on_reference(Fn fn) {
  struct Restore {
    std::string previous = backend_name(Device::cpu());
    ~Restore() { set_backend(previous); }
  } restore;
  set_backend("reference");
  return fn();
}

}  // namespace minitorch::testing
