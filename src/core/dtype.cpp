// Names of dtypes.
#include "minitorch/dtype.h"

namespace minitorch {

std::string_view to_string(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
  }
  return "?";
}

}  // namespace minitorch
