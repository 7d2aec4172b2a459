#include "support/apply_op.h"

namespace minitorch::testing {

Tensor apply_op(UnaryOp op, const Tensor& x) {
  switch (op) {
    case UnaryOp::Neg:
      return x.neg();
    case UnaryOp::Exp:
      return x.exp();
    case UnaryOp::Log:
      return x.log();
    case UnaryOp::Sigmoid:
      return x.sigmoid();
    case UnaryOp::Relu:
      return x.relu();
    case UnaryOp::Tanh:
      return x.tanh();
    case UnaryOp::Inv:
      return x.inv();
    case UnaryOp::Abs:
      return x.abs();
  }
  return x;
}

Tensor apply_op(BinaryOp op, const Tensor& a, const Tensor& b) {
  switch (op) {
    case BinaryOp::Add:
      return a + b;
    case BinaryOp::Sub:
      return a - b;
    case BinaryOp::Mul:
      return a * b;
    case BinaryOp::Div:
      return a / b;
    case BinaryOp::Pow:
      return a.pow(b);
    case BinaryOp::Lt:
      return a.lt(b);
    case BinaryOp::Gt:
      return a.gt(b);
    case BinaryOp::Le:
      return a.le(b);
    case BinaryOp::Ge:
      return a.ge(b);
    case BinaryOp::Eq:
      return a.eq(b);
  }
  return a;
}

}  // namespace minitorch::testing
