// Note [Op table]: the test table of the elementwise ops, one row per OpCode, each row derived
// from its descriptor (elementwise_ops.h): nothing here names an op, so a new descriptor gets
// its differential, special-value, broadcasting, non-contiguous and gradient tests with no edit.
// The generated suites live in tests/ops/op_table_suite.* (one source for every backend). A case
// is op's operands: random shapes of rank 0-5 with size-0/1 dims, sliced/permuted/expanded views,
// operands of different broadcastable shapes, values from the domain or special values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "minitorch/minitorch.h"
#include "support/case_gen.h"

namespace minitorch::testing {

/// What the tests need of one descriptor.
struct OpRow {
  OpCode op = OpCode::Const;
  std::string name;
  int arity = 0;
  OpKind kind = OpKind::Arithmetic;
  bool differentiable = false;
  std::array<bool, 3> grad_args = {};  ///< which operands gradcheck perturbs
  Domain domain;
  int ulps32 = 0;  ///< float32 ulps a CPU SIMD form may differ from the reference (0: bitwise)
  int ulps64 = 0;  ///< the same in float64
  std::vector<DType> dtypes;  ///< float32, float64, float16, bfloat16; int64 unless Floating
};

/// The row of every OpCode, in OpCode order (kOpCount rows).
const std::vector<OpRow>& op_rows();
const OpRow& op_row(OpCode op);

/// Cases per op and dtype: MINITORCH_TEST_CASES, default 1000 (50 under sanitizers).
int op_table_cases();

/// Where a case's values come from.
enum class CaseValues : std::uint8_t {
  Domain,  ///< uniform in the domain, with its kinks and ±0 mixed in
  Special,  ///< NaN, ±Inf, ±0, denormals, overflow thresholds, out-of-domain values
};

struct OpCase {
  std::vector<Operand> operands;  ///< arity operands; their shapes broadcast to out_shape
  Sizes out_shape;
  CaseValues values = CaseValues::Domain;
  std::string details;  ///< dtypes, shapes and layouts, for case_note
};

/// Case index of op in dtype: every fourth case draws special values (int64: extreme
/// integers that cannot overflow), and with arity >= 2 a float case sometimes has an int64
/// operand (type promotion).
OpCase op_case(const OpRow& row, DType dtype, CaseGen& gen, int index);

/// The inputs' tensors of c, in order.
std::vector<Tensor> case_tensors(const OpCase& c);

/// The descriptor's scalar functor applied to the operands' expected elements, broadcast, in
/// the compute dtype of docs/dtypes.md: the plain-loop answer the reference must equal bitwise.
NdArray descriptor_result(const OpRow& row, const OpCase& c);

/// Empty when got equals want bitwise (NaN equals any NaN) or, with ulps > 0 and a floating
/// dtype, within ulps ulps of that dtype with the same sign (infinities exact); else the first
/// mismatch.
std::string compare_ulps(const NdArray& got, const NdArray& want, DType dtype, int ulps);

/// float64 gradcheck leaves for op: shapes of rank 0-3 broadcasting to one another,
/// contiguous, transposed or sliced; values in the domain at least kink_gap from each kink.
/// Operands the descriptor does not differentiate do not require grad. details says how.
std::vector<Tensor> gradcheck_leaves(const OpRow& row, CaseGen& gen, std::string& details);

}  // namespace minitorch::testing
