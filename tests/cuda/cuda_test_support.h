// Shared pieces of the CUDA tests: skipping without a device, moving CaseGen operands to the
// GPU with their layout intact, and running an op on the reference backend for comparison.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

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

/// t's elements as bytes (copied to the host, in row-major order): for bitwise comparisons.
inline std::vector<unsigned char> bits(const Tensor& t) {
  Tensor host = t.to(Device::cpu()).contiguous();
  std::vector<unsigned char> out(
      static_cast<std::size_t>(host.numel() * element_size(host.dtype())));
  if (!out.empty()) {
    std::memcpy(out.data(), host.data().data_ptr(), out.size());
  }
  return out;
}

/// x on the GPU in x's memory order, through autograd (gradients flow back to x): permuted to
/// descending strides, moved, permuted back, so a transposed leaf is transposed there too.
inline Tensor to_cuda_in_order(const Tensor& x) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(x.ndim()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t i, std::int64_t j) {
    return x.strides()[static_cast<int>(i)] > x.strides()[static_cast<int>(j)];
  });
  std::vector<std::int64_t> inverse(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    inverse[static_cast<std::size_t>(order[i])] = static_cast<std::int64_t>(i);
  }
  return x.permute(Dims(order)).to(Device::cuda()).permute(Dims(inverse));
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
