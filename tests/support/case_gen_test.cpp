// The generator itself: operands match their recorded expectations and cover every layout.
#include "support/case_gen.h"

#include <gtest/gtest.h>

#include <set>

#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

TEST(CaseGen, OperandsMatchTheirExpectationsAndCoverAllLayouts) {
  std::uint64_t seed = test_seed();
  CaseGen gen(seed);
  std::set<std::string> recipes;
  bool saw_zero = false;
  bool saw_scalar = false;
  for (int i = 0; i < 500; ++i) {
    Sizes shape = gen.shape();
    DType dtype = gen.dtype();
    Operand op = gen.operand(shape, dtype);
    SCOPED_TRACE(case_note(i, "operand", op.recipe + " " + sizes_string(shape), seed));
    ASSERT_EQ(sizes_string(op.expected.shape), sizes_string(shape));
    ASSERT_EQ(compare(read(op.tensor), op.expected, 0, 0), "");
    recipes.insert(op.recipe);
    saw_zero = saw_zero || numel_of(shape) == 0;
    saw_scalar = saw_scalar || shape.empty();
  }
  EXPECT_TRUE(saw_zero);
  EXPECT_TRUE(saw_scalar);
  for (const char* recipe :
       {"contiguous", "sliced", "permuted", "expanded", "expanded permuted sliced"}) {
    EXPECT_TRUE(recipes.count(recipe)) << recipe;
  }
}

}  // namespace
}  // namespace minitorch::testing
