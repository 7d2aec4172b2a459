// gradcheck of every differentiable op on the GPU: the CPU's table (tests/support/
// gradcheck_rows.h), float64, the same tolerances. The leaves stay on the CPU, where gradcheck
// perturbs them element by element; each case moves them to the GPU inside fn with their memory
// order kept (a transposed leaf is transposed on the GPU too), runs the op there and brings the
// result back, so both the forward op and its backward rule run on CUDA, and the device copies' own
// gradients are checked on the way.
#include <functional>
#include <set>

#include "cuda/cuda_test_support.h"
#include "support/gradcheck_rows.h"
#include "support/op_table.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

using testing::GradRow;
using testing::Inputs;

// fn on the GPU: leaves move there inside (recorded, so gradients come back to the CPU).
std::function<Tensor(const Inputs&)> on_gpu(const std::function<Tensor(const Inputs&)>& fn) {
  return [fn](const Inputs& cpu_inputs) {
    Inputs gpu;
    for (const Tensor& x : cpu_inputs) {
      gpu.push_back(testing::to_cuda_in_order(x));
    }
    Tensor out = fn(gpu);
    EXPECT_TRUE(out.device().is_cuda());
    return out.to(Device::cpu());
  };
}

TEST(CudaGradcheck, EveryDifferentiableOpPassesOnTheGpu) {
  MT_REQUIRE_CUDA();
  std::uint64_t seed = testing::test_seed();
  Generator gen(seed);
  for (const GradRow& row : testing::gradcheck_rows()) {
    SCOPED_TRACE(row.op + "; " + testing::seed_note(seed));
    Inputs inputs = row.inputs(gen);
    GradcheckResult result = gradcheck(on_gpu(row.fn), inputs, row.options);
    EXPECT_TRUE(result.ok) << result.message;
  }
}

TEST(CudaGradcheck, EveryDifferentiableOpHasACase) {
  std::set<std::string> covered;
  for (const GradRow& row : testing::gradcheck_rows()) {
    covered.insert(row.op);
  }
  // The op table generates a gradcheck of every differentiable descriptor (Note [Op table]).
  for (const testing::OpRow& row : testing::op_rows()) {
    if (row.differentiable) {
      covered.insert(row.name);
    }
  }
  for (const std::string& op : differentiable_ops()) {
    EXPECT_TRUE(covered.count(op)) << "differentiable op '" << op << "' has no CUDA gradcheck case";
  }
}

TEST(CudaGradcheck, BackwardOfGpuLeavesStaysOnTheGpu) {
  MT_REQUIRE_CUDA();
  Generator gen(testing::test_seed());
  Tensor w =
      rand({4, 3}, {.dtype = kFloat64, .device = Device::cuda(), .requires_grad = true}, &gen);
  Tensor x = rand({5, 4}, {.dtype = kFloat64, .device = Device::cuda()}, &gen);
  Tensor loss = x.matmul(w).sigmoid().sum();
  loss.backward();
  ASSERT_TRUE(w.grad().defined());
  EXPECT_TRUE(w.grad().device().is_cuda());
  // The same on the CPU gives the same gradient up to rounding.
  Tensor wc = w.detach().to(Device::cpu()).requires_grad_(true);
  x.to(Device::cpu()).matmul(wc).sigmoid().sum().backward();
  EXPECT_TRUE(w.grad().to(Device::cpu()).all_close(wc.grad(), 1e-12, 1e-12));
}

}  // namespace
}  // namespace minitorch
