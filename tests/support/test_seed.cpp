#include "support/test_seed.h"

#include <cstdlib>

namespace minitorch::testing {

std::uint64_t test_seed() {
  const char* env = std::getenv("MINITORCH_TEST_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 20261121u;
}

std::string seed_note(std::uint64_t seed) {
  return "seed " + std::to_string(seed) +
      " (rerun with MINITORCH_TEST_SEED=" + std::to_string(seed) + ")";
}

}  // namespace minitorch::testing
