// Training end to end: a 3-step smoke test on every backend present, and a loss curve that is
// bitwise identical with 1 and 2 threads (enabled when include/minitorch/threading.h exists).
#include <gtest/gtest.h>

#include <cmath>

#include "minitorch/minitorch.h"

#if __has_include("minitorch/threading.h")
#include "minitorch/threading.h"
#define MT_TEST_HAS_THREADS 1
#else
#define MT_TEST_HAS_THREADS 0
#endif

namespace minitorch {
namespace {

// The course's MLP, trained for steps mini-batches of xor; returns each step's loss.
std::vector<double> train_steps(int steps, std::int64_t hidden, std::int64_t points) {
  Generator gen(1);
  nn::LinearOptions linear{.init = nn::Init::Course, .generator = &gen};
  nn::Sequential net({std::make_shared<nn::Linear>(2, hidden, linear), std::make_shared<nn::ReLU>(),
                      std::make_shared<nn::Linear>(hidden, hidden, linear),
                      std::make_shared<nn::ReLU>(), std::make_shared<nn::Linear>(hidden, 1, linear),
                      std::make_shared<nn::Sigmoid>()});
  data::PointDataset d = data::make_xor(points, 0);
  data::Batches batches(d, 10, 2);
  optim::SGD sgd(net.parameters(), {.lr = 0.05});
  std::vector<double> losses;
  while (static_cast<int>(losses.size()) < steps) {
    for (const data::Batch& b : batches.epoch()) {
      if (static_cast<int>(losses.size()) == steps) {
        break;
      }
      sgd.zero_grad();
      Tensor loss = nn::binary_cross_entropy(net(b.x).view({-1}), b.y);
      loss.backward();
      sgd.step();
      losses.push_back(loss.item());
    }
  }
  return losses;
}

// Restores the backend chosen before the test.
class BackendScope {
 public:
  BackendScope() : previous_(backend_name(Device::cpu())) {}
  ~BackendScope() { set_backend(previous_); }
  BackendScope(const BackendScope&) = delete;
  BackendScope& operator=(const BackendScope&) = delete;

 private:
  std::string previous_;
};

TEST(Training, ThreeStepSmokeOnEveryBackend) {
  BackendScope scope;
  for (const std::string& name : available_backends()) {
    if (name == "cuda") {
      continue;  // tensors would need the CUDA device; covered by the GPU suite.
    }
    SCOPED_TRACE("backend " + name);
    set_backend(name);
    std::vector<double> losses = train_steps(3, 16, 30);
    ASSERT_EQ(losses.size(), 3u);
    for (double l : losses) {
      EXPECT_TRUE(std::isfinite(l));
      EXPECT_GT(l, 0.0);
    }
  }
}

TEST(Training, BackendsAgreeOnTheFirstLoss) {
  BackendScope scope;
  std::vector<double> first;
  for (const std::string& name : available_backends()) {
    if (name == "cuda") {
      continue;
    }
    set_backend(name);
    first.push_back(train_steps(1, 16, 30)[0]);
  }
  for (double l : first) {
    EXPECT_NEAR(l, first[0], 1e-5);
  }
}

TEST(Training, LossCurveBitwiseIdenticalWithOneAndTwoThreads) {
#if MT_TEST_HAS_THREADS
  BackendScope scope;
  std::vector<std::string> names = available_backends();
  if (std::find(names.begin(), names.end(), "cpu") == names.end()) {
    GTEST_SKIP() << "no cpu backend in this build";
  }
  set_backend("cpu");
  set_num_threads(1);
  std::vector<double> one = train_steps(40, 100, 50);
  set_num_threads(2);
  std::vector<double> two = train_steps(40, 100, 50);
  set_num_threads(0);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i], two[i]) << "step " << i;  // bitwise, not approximately
  }
#else
  GTEST_SKIP() << "include/minitorch/threading.h is not in this build yet";
#endif
}

}  // namespace
}  // namespace minitorch
