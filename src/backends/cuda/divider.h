// Division by a run-time constant as multiply-high and shift, for index math in CUDA kernels:
// the host computes the divisor's magic number once, the device divides with two instructions.
// Host-only code (the program compiler, which writes the device side into its generated
// source) may include it too.
#pragma once

#include <cstdint>

namespace minitorch::cuda {

/// n / divisor as (umulhi(n, magic) + n) >> shift, exact for n, divisor < 2^31.
struct Divider {
  std::uint32_t divisor = 1;
  std::uint32_t magic = 1;
  std::uint32_t shift = 0;

  static Divider of(std::uint32_t d) {
    Divider result;
    result.divisor = d;
    while (result.shift < 32 && (std::uint64_t{1} << result.shift) < d) {
      ++result.shift;
    }
    std::uint64_t one = 1;
    result.magic = static_cast<std::uint32_t>(((one << 32) * ((one << result.shift) - d)) / d + 1);
    return result;
  }
#ifdef __CUDACC__
  __device__ __forceinline__ std::uint32_t div(std::uint32_t n) const {
    std::uint32_t t = __umulhi(n, magic);
    return (t + n) >> shift;
  }
#endif
};

}  // namespace minitorch::cuda
