// Names of the reduction ops (elementwise ops are named by their descriptors, program.cpp), as they
// appear in error messages and profiles.
#include "minitorch/scalar_ops.h"

namespace minitorch {

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
