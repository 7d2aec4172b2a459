// Dropout: the module around functional::dropout, with its own generator.
#include "minitorch/nn/dropout.h"

#include <sstream>

#include "minitorch/error.h"
#include "minitorch/nn/functional.h"

namespace minitorch::nn {

Dropout::Dropout(double p, std::uint64_t seed) : p_(p), generator_(seed) {
  if (!(p >= 0.0 && p < 1.0)) {
    throw ValueError("Dropout: p must be in [0, 1) (got " + std::to_string(p) + ")");
  }
}

Tensor Dropout::forward(const Tensor& x) {
  return functional::dropout(x, p_, is_training(), &generator_);
}

std::string Dropout::name() const {
  std::ostringstream out;
  out << "Dropout(p=" << p_ << ")";
  return out.str();
}

}  // namespace minitorch::nn
