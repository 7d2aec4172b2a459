#include "support/test_seed.h"

#include "minitorch/config.h"

namespace minitorch::testing {

std::uint64_t test_seed() { return config::test_seed(); }

std::string seed_note(std::uint64_t seed) {
  return "seed " + std::to_string(seed) +
      " (rerun with MINITORCH_TEST_SEED=" + std::to_string(seed) + ")";
}

}  // namespace minitorch::testing
