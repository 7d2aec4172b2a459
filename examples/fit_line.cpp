// Fits y = 2x + 1 by gradient descent with autograd: the README's example.
#include <cstdio>

#include "minitorch/minitorch.h"

int main() {
  using namespace minitorch;
  Tensor x = arange(0.0, 1.0, 0.05).unsqueeze(1);  // [20, 1]
  Tensor y = 2.0 * x + 1.0;
  Tensor w = zeros({1, 1}, {.requires_grad = true});
  Tensor b = zeros({1}, {.requires_grad = true});
  for (int step = 0; step < 500; ++step) {
    Tensor loss = (x.matmul(w) + b - y).pow(2.0).mean();
    w.zero_grad();
    b.zero_grad();
    loss.backward();
    NoGradGuard no_grad;
    w.add_(w.grad(), -0.5);
    b.add_(b.grad(), -0.5);
    if (step % 100 == 0 || step == 499) {
      std::printf("step %3d  loss %.6f\n", step, loss.item());
    }
  }
  std::printf("w = %.4f (want 2), b = %.4f (want 1)\n", w.item(), b.item());
  return 0;
}
