#include "support/apply_op.h"

namespace minitorch::testing {

Tensor apply_op(OpCode op, const Tensor& x) {
  switch (op) {
    case OpCode::Neg:
      return x.neg();
    case OpCode::Exp:
      return x.exp();
    case OpCode::Log:
      return x.log();
    case OpCode::Sigmoid:
      return x.sigmoid();
    case OpCode::Relu:
      return x.relu();
    case OpCode::Tanh:
      return x.tanh();
    case OpCode::Inv:
      return x.inv();
    case OpCode::Abs:
      return x.abs();
    default:
      return apply_elementwise(op, std::span<const Tensor>(&x, 1));
  }
}

Tensor apply_op(OpCode op, const Tensor& a, const Tensor& b) {
  switch (op) {
    case OpCode::Add:
      return a + b;
    case OpCode::Sub:
      return a - b;
    case OpCode::Mul:
      return a * b;
    case OpCode::Div:
      return a / b;
    case OpCode::Pow:
      return a.pow(b);
    case OpCode::Lt:
      return a.lt(b).to(a.dtype());  // 0/1 in the operands' dtype, for comparing values
    case OpCode::Gt:
      return a.gt(b).to(a.dtype());  // 0/1 in the operands' dtype, for comparing values
    case OpCode::Le:
      return a.le(b).to(a.dtype());  // 0/1 in the operands' dtype, for comparing values
    case OpCode::Ge:
      return a.ge(b).to(a.dtype());  // 0/1 in the operands' dtype, for comparing values
    case OpCode::Eq:
      return a.eq(b).to(a.dtype());  // 0/1 in the operands' dtype, for comparing values
    default: {
      const Tensor inputs[] = {a, b};
      return apply_elementwise(op, inputs);
    }
  }
}

std::vector<OpCode> ops_of_arity(int arity) {
  std::vector<OpCode> ops;
  for (int k = 0; k < kOpCount; ++k) {
    if (arity_of(static_cast<OpCode>(k)) == arity) {
      ops.push_back(static_cast<OpCode>(k));
    }
  }
  return ops;
}

}  // namespace minitorch::testing
