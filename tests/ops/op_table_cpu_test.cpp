// The op table's suites (op_table_suite.h) on the CPU backend, at every SIMD level the machine
// has with 1 and 2 threads, plus the table's own coverage checks.
#include <cmath>

#include "ops/op_table_suite.h"
#include "support/op_table.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

MT_INSTANTIATE_OP_TABLE(Cpu, TestedBackend::Cpu);

// Every OpCode has a row, derived from its descriptor, with what the generators need.
TEST(OpTable, EveryOpCodeHasAUsableRow) {
  ASSERT_EQ(op_rows().size(), static_cast<std::size_t>(kOpCount));
  for (int k = 0; k < kOpCount; ++k) {
    const OpRow& row = op_rows()[static_cast<std::size_t>(k)];
    SCOPED_TRACE(row.name);
    EXPECT_EQ(row.op, static_cast<OpCode>(k));
    EXPECT_EQ(row.name, to_string(row.op));
    EXPECT_EQ(row.arity, arity_of(row.op));
    EXPECT_TRUE(row.arity >= 1 && row.arity <= 3);
    EXPECT_LT(row.domain.low, row.domain.high) << "an empty test domain";
    EXPECT_GE(row.ulps32, 0);
    EXPECT_GE(row.ulps64, 0);
    bool any_grad = false;
    for (int i = 0; i < row.arity; ++i) {
      any_grad = any_grad || row.grad_args[static_cast<std::size_t>(i)];
    }
    EXPECT_EQ(any_grad, row.differentiable) << "differentiable without a differentiable operand";
    for (double kink : row.domain.kinks) {
      if (!std::isnan(kink)) {
        EXPECT_GT(row.domain.kink_gap, 0) << "a kink without a gap for gradcheck";
      }
    }
    EXPECT_EQ(row.dtypes.size(), row.kind == OpKind::Floating ? 4u : 5u);
  }
}

// A case draws what Note [Op table] promises: its shapes broadcast, special values in every
// fourth case, and among the cases rank 0 and 5, size-0 dims and every view kind.
TEST(OpTable, CasesCoverShapesViewsAndSpecialValues) {
  CaseGen gen(test_seed());
  const OpRow& row = op_row(OpCode::Add);
  bool rank0 = false;
  bool rank5 = false;
  bool empty = false;
  bool nan = false;
  bool broadcast = false;
  std::string recipes;
  for (int i = 0; i < 400; ++i) {
    OpCase c = op_case(row, kFloat32, gen, i);
    EXPECT_EQ(c.values == CaseValues::Special, i % 4 == 3);
    rank0 = rank0 || c.out_shape.empty();
    rank5 = rank5 || c.out_shape.size() == 5;
    empty = empty || numel_of(c.out_shape) == 0;
    for (const Operand& o : c.operands) {
      recipes += o.recipe + " ";
      broadcast = broadcast || o.expected.shape != c.out_shape;
      for (double v : o.expected.values) {
        nan = nan || std::isnan(v);
      }
    }
  }
  EXPECT_TRUE(rank0 && rank5 && empty && nan && broadcast);
  for (const char* view : {"sliced", "permuted", "expanded", "contiguous"}) {
    EXPECT_NE(recipes.find(view), std::string::npos) << view;
  }
}

}  // namespace
}  // namespace minitorch::testing
