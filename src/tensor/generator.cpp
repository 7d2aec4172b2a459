// Generator: mt19937_64 with our own transforms (std distributions differ by library).
#include "minitorch/generator.h"

#include <cmath>
#include <numbers>

namespace minitorch {

void Generator::manual_seed(std::uint64_t seed) {
  engine_.seed(seed);
  has_spare_ = false;
}

double Generator::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

float Generator::uniform_float() { return static_cast<float>(engine_() >> 40) * 0x1.0p-24f; }

double Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = 1.0 - uniform();  // in (0, 1], so log is finite
  double u2 = uniform();
  double radius = std::sqrt(-2.0 * std::log(u1));
  spare_ = radius * std::sin(2.0 * std::numbers::pi * u2);
  has_spare_ = true;
  return radius * std::cos(2.0 * std::numbers::pi * u2);
}

std::uint64_t Generator::below(std::uint64_t n) {
  // x % n over 64 random bits favours the first 2^64 mod n results; draws below that count
  // are redrawn, so each result has exactly floor(2^64 / n) draws mapping to it.
  const std::uint64_t threshold = (std::uint64_t{0} - n) % n;
  std::uint64_t x = engine_();
  while (x < threshold) {
    x = engine_();
  }
  return x % n;
}

Generator& default_generator() {
  static Generator instance(0);
  return instance;
}

void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace minitorch
