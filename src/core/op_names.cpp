// Names of the primitive ops, as they appear in error messages and profiles.
#include "minitorch/scalar_ops.h"

namespace minitorch {

std::string_view to_string(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg:
      return "neg";
    case UnaryOp::Exp:
      return "exp";
    case UnaryOp::Log:
      return "log";
    case UnaryOp::Sigmoid:
      return "sigmoid";
    case UnaryOp::Relu:
      return "relu";
    case UnaryOp::Tanh:
      return "tanh";
    case UnaryOp::Inv:
      return "inv";
    case UnaryOp::Abs:
      return "abs";
  }
  return "?";
}

std::string_view to_string(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
      return "add";
    case BinaryOp::Sub:
      return "sub";
    case BinaryOp::Mul:
      return "mul";
    case BinaryOp::Div:
      return "div";
    case BinaryOp::Pow:
      return "pow";
    case BinaryOp::Lt:
      return "lt";
    case BinaryOp::Gt:
      return "gt";
    case BinaryOp::Le:
      return "le";
    case BinaryOp::Ge:
      return "ge";
    case BinaryOp::Eq:
      return "eq";
  }
  return "?";
}

std::string_view to_string(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum:
      return "sum";
    case ReduceOp::Max:
      return "max";
    case ReduceOp::Prod:
      return "prod";
  }
  return "?";
}

}  // namespace minitorch
