// pad: PyTorch's constant pad, checked here and run by autograd::pad (a fill and one copy).
#include <string>
#include <vector>

#include "autograd/window_functions.h"
#include "minitorch/convolution.h"
#include "minitorch/error.h"

namespace minitorch {

Tensor pad(const Tensor& x, const std::vector<std::int64_t>& padding, double value) {
  std::string listed;
  for (std::int64_t size : padding) {
    listed += (listed.empty() ? "" : ", ") + std::to_string(size);
  }
  auto pairs = static_cast<int>(padding.size() / 2);
  if (padding.size() % 2 != 0 || pairs > x.ndim()) {
    throw ValueError("pad: padding [" + listed + "] must hold (before, after) pairs for at most " +
                     std::to_string(x.ndim()) + " dims (shape " + to_string(x.shape()) + ")");
  }
  auto rank = static_cast<std::size_t>(x.ndim());
  std::vector<std::int64_t> before(rank, 0);
  std::vector<std::int64_t> after(rank, 0);
  for (int k = 0; k < pairs; ++k) {
    // Pair k pads dim ndim - 1 - k.
    auto d = rank - 1 - static_cast<std::size_t>(k);
    before[d] = padding[static_cast<std::size_t>(2 * k)];
    after[d] = padding[static_cast<std::size_t>(2 * k + 1)];
    if (before[d] < 0 || after[d] < 0) {
      throw ValueError("pad: padding [" + listed + "] must be >= 0 (dim " + std::to_string(d) +
                       " of shape " + to_string(x.shape()) + "); use narrow to crop");
    }
  }
  return autograd::pad(x, before, after, value);
}

}  // namespace minitorch
