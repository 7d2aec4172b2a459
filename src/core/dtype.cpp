// Names of dtypes and the promotion rule (Note [Type promotion] in dtype.h).
#include "minitorch/dtype.h"

#include <string>

#include "minitorch/error.h"

namespace minitorch {

std::string_view to_string(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
    case DType::Int64:
      return "int64";
    case DType::Bool:
      return "bool";
    case DType::Float16:
      return "float16";
    case DType::BFloat16:
      return "bfloat16";
  }
  return "?";
}

namespace {

// bool < int64 < floating: the categories promotion compares.
int category(DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return 0;
    case DType::Int64:
      return 1;
    case DType::Float32:
    case DType::Float64:
    case DType::Float16:
    case DType::BFloat16:
      return 2;
  }
  return 2;
}

}  // namespace

DType promote_types(DType a, DType b, std::string_view op) {
  if (a == b) {
    return a;
  }
  int ca = category(a);
  int cb = category(b);
  if (ca == cb) {
    // Two floating dtypes; see Note [Type promotion].
    if (a != DType::Float64 && b != DType::Float64) {
      return DType::Float32;  // float16, bfloat16 and float32 meet in float32
    }
    throw DTypeError(std::string(op) + ": dtypes " + std::string(to_string(a)) + " and " +
                     std::string(to_string(b)) +
                     " differ and floating dtypes do not promote; convert one with to()");
  }
  return ca > cb ? a : b;
}

void throw_unsupported_dtype(DType dtype, const char* where) {
  throw DTypeError(std::string(where) + ": dtype " + std::string(to_string(dtype)) +
                   " is not supported here (float32 and float64 only)");
}

}  // namespace minitorch
