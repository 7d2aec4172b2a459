// gradcheck for every differentiable op (float64, eps 1e-6, atol 1e-5, rtol 1e-3), with
// broadcast and non-contiguous inputs, from the shared table in tests/support. The table must
// cover differentiable_ops().
#include <gtest/gtest.h>

#include <set>

#include "minitorch/minitorch.h"
#include "support/gradcheck_rows.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

using testing::GradRow;
using testing::Inputs;

TEST(Gradcheck, EveryDifferentiableOpPasses) {
  std::uint64_t seed = testing::test_seed();
  Generator gen(seed);
  for (const GradRow& row : testing::gradcheck_rows()) {
    SCOPED_TRACE(row.op + " (" + row.layout + "); " + testing::seed_note(seed));
    Inputs inputs = row.inputs(gen);
    GradcheckResult result = gradcheck(row.fn, inputs, row.options);
    EXPECT_TRUE(result.ok) << result.message;
  }
}

TEST(Gradcheck, EveryDifferentiableOpHasACase) {
  std::set<std::string> covered;
  for (const GradRow& row : testing::gradcheck_rows()) {
    covered.insert(row.op);
  }
  for (const std::string& op : differentiable_ops()) {
    EXPECT_TRUE(covered.count(op)) << "differentiable op '" << op << "' has no gradcheck case";
  }
}

TEST(Gradcheck, CatchesAWrongGradient) {
  Generator gen(1);
  // d/dx (x * stop_grad(x)) is x for autograd but 2x numerically.
  Inputs inputs = {testing::gradcheck_values({3}, gen)};
  GradcheckResult result =
      gradcheck([](const Inputs& in) { return in[0] * in[0].detach(); }, inputs);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.message.find("analytic"), std::string::npos) << result.message;
}

TEST(Gradcheck, RejectsFloat32Inputs) {
  Inputs inputs = {ones({2}, {.requires_grad = true})};
  EXPECT_THROW(gradcheck([](const Inputs& in) { return in[0] * 2.0; }, inputs), DTypeError);
}

}  // namespace
}  // namespace minitorch
