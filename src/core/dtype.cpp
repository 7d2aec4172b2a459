// Names of dtypes.
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
  }
  return "?";
}

void throw_unsupported_dtype(DType dtype, const char* where) {
  throw DTypeError(std::string(where) + ": dtype " + std::string(to_string(dtype)) +
                   " is not supported (float32 and float64 only)");
}

}  // namespace minitorch
