// A seedable random generator (mt19937_64) with its own uniform and normal transforms,
// so a seed gives the same tensors on every platform. Not thread-safe: share one per thread.
#pragma once

#include <cstdint>
#include <random>

namespace minitorch {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) { manual_seed(seed); }
  void manual_seed(std::uint64_t seed);

  /// Uniform in [0, 1) with 53 random bits.
  double uniform();
  /// Uniform in [0, 1) with 24 random bits (never rounds up to 1 in float32).
  float uniform_float();
  /// Standard normal (Box-Muller).
  double normal();
  /// Uniform integer in [0, n) for n >= 1, unbiased (modulo with rejection).
  std::uint64_t below(std::uint64_t n);

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

/// The generator factories use when none is given.
Generator& default_generator();
/// Seeds default_generator().
void manual_seed(std::uint64_t seed);

}  // namespace minitorch
