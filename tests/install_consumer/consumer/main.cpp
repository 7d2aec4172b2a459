// Consumer of an installed minitorch: c = a + b, loss = sum(c * c), loss.backward().
// Exits nonzero when a value differs from the hand-computed one.
#include <cmath>
#include <cstdio>
#include <vector>

#include "minitorch/minitorch.h"

namespace {

bool check(const char* what, const std::vector<double>& got, const std::vector<double>& want) {
  bool ok = got.size() == want.size();
  for (std::size_t i = 0; ok && i < got.size(); ++i) {
    ok = std::abs(got[i] - want[i]) <= 1e-12;
  }
  std::printf("%-8s", what);
  for (double v : got) {
    std::printf(" %g", v);
  }
  std::printf("  %s\n", ok ? "ok" : "MISMATCH");
  return ok;
}

}  // namespace

int main() {
  using namespace minitorch;
  std::printf("minitorch %s\n", kVersion);
  Tensor a = tensor({1.0, 2.0, 3.0}, {.dtype = kFloat64, .requires_grad = true});
  Tensor b = tensor({10.0, 20.0, 30.0}, {.dtype = kFloat64});
  Tensor c = a + b;
  Tensor loss = (c * c).sum();
  loss.backward();

  bool ok = true;
  ok = check("c", c.to_vector(), {11.0, 22.0, 33.0}) && ok;
  ok = check("loss", {loss.item()}, {121.0 + 484.0 + 1089.0}) && ok;
  // d(sum((a + b)^2))/da = 2 (a + b).
  ok = check("a.grad", a.grad().to_vector(), {22.0, 44.0, 66.0}) && ok;
  ok = check("b.grad", {b.grad().defined() ? 1.0 : 0.0}, {0.0}) && ok;
  if (!ok) {
    std::fprintf(stderr, "consumer: results differ from the expected values\n");
    return 1;
  }
  std::printf("consumer: ok\n");
  return 0;
}
