// Data parallel in one process: the gradient hooks, DataParallel's buckets (sums over a
// world of one are the gradients themselves, bit for bit) and the deterministic step's tree.
// tests/dist/data_parallel_mpi_test.cpp runs the same machinery over several processes.
#include "minitorch/dist/data_parallel.h"

#include <gtest/gtest.h>

#include <cstring>

#include "dist/groups.h"
#include "minitorch/minitorch.h"
#include "minitorch/nn/nn.h"

namespace minitorch::dist {
namespace {

std::vector<Tensor> params_of(const nn::Module& model) {
  std::vector<nn::Parameter> ps = model.parameters();
  return {ps.begin(), ps.end()};
}

std::shared_ptr<nn::Sequential> mlp(std::uint64_t seed) {
  Generator gen(seed);
  nn::LinearOptions options{.dtype = kFloat64, .generator = &gen};
  return std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(3, 16, options), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(16, 16, options), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(16, 1, options)});
}

bool same_bits(const Tensor& a, const Tensor& b) {
  std::vector<double> x = a.to_vector();
  std::vector<double> y = b.to_vector();
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

TEST(GradHooks, FireOnceAfterTheLeafIsComplete) {
  Tensor w = tensor({1.0, 2.0}, {.dtype = kFloat64, .requires_grad = true});
  std::vector<std::vector<double>> seen;
  w.register_post_accumulate_grad_hook([&](Tensor& p) { seen.push_back(p.grad().to_vector()); });
  Tensor y = (w * w).sum() + (w * 3.0).sum();  // w reached by two paths
  y.backward();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], (std::vector<double>{5.0, 7.0}));
  Tensor nonleaf = w * 2.0;
  EXPECT_THROW(nonleaf.register_post_accumulate_grad_hook([](Tensor&) {}), AutogradError);
}

TEST(DataParallel, WorldOfOneGivesThePlainGradientsBitForBit) {
  auto reference = mlp(7);
  auto model = mlp(7);
  std::unique_ptr<ProcessGroup> group = detail::make_single_group();
  // Tiny buckets: every parameter in its own, several launched during backward.
  DataParallel dp(params_of(*model), *group, {.bucket_bytes = 64});
  Tensor x = randn({32, 3}, {.dtype = kFloat64});
  Tensor y = randn({32, 1}, {.dtype = kFloat64});
  for (int step = 0; step < 2; ++step) {
    Tensor loss_ref = ((reference->forward(x) - y).pow(2.0)).sum() / 32.0;
    for (const Tensor& p : params_of(*reference)) {
      Tensor(p).zero_grad();
    }
    loss_ref.backward();
    Tensor loss = ((model->forward(x) - y).pow(2.0)).sum() / 32.0;
    dp.backward(loss);
    std::vector<Tensor> got = params_of(*model);
    std::vector<Tensor> want = params_of(*reference);
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(same_bits(got[i].grad(), want[i].grad())) << "parameter " << i;
    }
  }
  const StepTiming& timing = dp.last_step();
  EXPECT_EQ(timing.buckets.size(), 6u);
  EXPECT_LE(timing.backward_ns, timing.finished_ns);
  EXPECT_LT(timing.buckets.front().launched_ns, timing.backward_ns)
      << "the last layer's bucket starts before backward ends";
}

TEST(DataParallel, ParametersBackwardDidNotReachGetZeros) {
  Tensor used = tensor({1.0, 2.0}, {.requires_grad = true});
  Tensor unused = tensor({3.0}, {.requires_grad = true});
  std::unique_ptr<ProcessGroup> group = detail::make_single_group();
  DataParallel dp({used, unused}, *group);
  dp.backward((used * used).sum());
  EXPECT_EQ(used.grad().to_vector(), (std::vector<double>{2.0, 4.0}));
  EXPECT_EQ(unused.grad().to_vector(), (std::vector<double>{0.0}));
}

TEST(DeterministicStep, IsTheFixedTreeOfThePartsGradients) {
  auto model = mlp(3);
  std::vector<Tensor> params = params_of(*model);
  std::unique_ptr<ProcessGroup> group = detail::make_single_group();
  Tensor x = randn({10, 3}, {.dtype = kFloat64});
  Tensor y = randn({10, 1}, {.dtype = kFloat64});
  const std::int64_t parts = 3;
  auto part_loss = [&](std::int64_t m) {
    std::int64_t begin = m * 10 / parts;
    std::int64_t count = (m + 1) * 10 / parts - begin;
    Tensor out = model->forward(x.narrow(0, begin, count));
    return (out - y.narrow(0, begin, count)).pow(2.0).sum() / 10.0;
  };
  // By hand: each part's gradient, then (g0 + g1) + g2.
  std::vector<std::vector<Tensor>> grads;
  for (std::int64_t m = 0; m < parts; ++m) {
    for (Tensor& p : params) {
      p.zero_grad();
    }
    part_loss(m).backward();
    grads.emplace_back();
    for (Tensor& p : params) {
      grads.back().push_back(p.grad());
    }
  }
  deterministic_step(params, *group, parts, part_loss);
  for (std::size_t i = 0; i < params.size(); ++i) {
    Tensor want = (grads[0][i] + grads[1][i]) + grads[2][i];
    EXPECT_TRUE(same_bits(params[i].grad(), want)) << "parameter " << i;
  }
  // And it is the full batch's gradient, up to rounding.
  for (Tensor& p : params) {
    p.zero_grad();
  }
  ((model->forward(x) - y).pow(2.0).sum() / 10.0).backward();
  std::vector<Tensor> full;
  for (Tensor& p : params) {
    full.push_back(p.grad());
  }
  deterministic_step(params, *group, parts, part_loss);
  for (std::size_t i = 0; i < params.size(); ++i) {
    EXPECT_TRUE(params[i].grad().all_close(full[i], 1e-12, 1e-12)) << "parameter " << i;
  }
  EXPECT_THROW(deterministic_step(params, *group, 0, part_loss), ValueError);
}

}  // namespace
}  // namespace minitorch::dist
