// Run with the address space capped (`ulimit -v`, tests/CMakeLists.txt): allocations past
// the cap are OutOfMemoryErrors, the library stays usable, and results stay right.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "minitorch/minitorch.h"
#include "minitorch/nn/nn.h"
#include "minitorch/optim/optim.h"

namespace minitorch {
namespace {

TEST(ResourceLimit, AllocationPastTheCapIsOutOfMemory) {
  EXPECT_THROW(empty({std::int64_t{1} << 31}), OutOfMemoryError) << "8 GiB under a 4 GiB cap";
  EXPECT_THROW(zeros({1 << 16, 1 << 16}, {.dtype = kFloat64}), OutOfMemoryError);
  Tensor big = ones({std::int64_t{1} << 28}).expand({4, std::int64_t{1} << 28});
  EXPECT_THROW(big.contiguous(), OutOfMemoryError) << "4 GiB copy of a 1 GiB tensor";
  EXPECT_THROW(big + 1.0, OutOfMemoryError);
}

TEST(ResourceLimit, FillingMemoryThenRecovering) {
  std::vector<Tensor> hog;
  bool refused = false;
  try {
    for (int i = 0; i < 1000; ++i) {
      hog.push_back(empty({16 << 20}));  // 64 MiB each
    }
  } catch (const OutOfMemoryError&) {
    refused = true;
  }
  ASSERT_TRUE(refused) << "the cap was never reached";
  EXPECT_GT(hog.size(), 10u);
  // At the cap, an op that needs 256 MiB fails cleanly and leaves its input alone.
  Tensor x = full({2}, 3.0);
  EXPECT_THROW(x.expand({64 << 20, 2}).contiguous(), OutOfMemoryError);
  EXPECT_EQ(x.to_vector(), (std::vector<double>{3.0, 3.0}));
  hog.clear();

  // Everything works again: a few training steps of a small MLP lower the loss.
  manual_seed(0);
  nn::Sequential model({std::make_shared<nn::Linear>(2, 16), std::make_shared<nn::ReLU>(),
                        std::make_shared<nn::Linear>(16, 1)});
  optim::SGD sgd(model.parameters(), {.lr = 0.1});
  Tensor inputs = rand({64, 2});
  Tensor targets = inputs.sum(1, /*keepdim=*/true).gt(1.0);
  double first = 0.0;
  double last = 0.0;
  for (int step = 0; step < 50; ++step) {
    Tensor loss = nn::binary_cross_entropy_with_logits(model.forward(inputs), targets);
    sgd.zero_grad();
    loss.backward();
    sgd.step();
    (step == 0 ? first : last) = loss.item();
  }
  EXPECT_LT(last, first);
  EXPECT_EQ(empty({16 << 20}).numel(), 16 << 20) << "a 64 MiB block is there again";
}

}  // namespace
}  // namespace minitorch
