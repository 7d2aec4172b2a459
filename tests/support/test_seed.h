// The seed of the random test cases: MINITORCH_TEST_SEED when set, else a fixed default.
#pragma once

#include <cstdint>
#include <string>

namespace minitorch::testing {

std::uint64_t test_seed();

/// "seed 123 (rerun with MINITORCH_TEST_SEED=123)": printed with every failing case.
std::string seed_note(std::uint64_t seed);

}  // namespace minitorch::testing
