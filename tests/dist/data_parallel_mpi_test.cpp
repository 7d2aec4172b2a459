// Data parallel over MPI (run by CTest under mpirun with 2 and 4 processes): parameters stay
// bitwise identical on every rank, the summed gradient is the global batch's, buckets start
// during backward, and the deterministic step gives the bits of a single process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "dist/groups.h"
#include "minitorch/dist/data_parallel.h"
#include "minitorch/minitorch.h"
#include "minitorch/nn/nn.h"
#include "minitorch/optim/optim.h"

namespace minitorch::dist {
namespace {

std::vector<Tensor> params_of(const nn::Module& model) {
  std::vector<nn::Parameter> ps = model.parameters();
  return {ps.begin(), ps.end()};
}

std::shared_ptr<nn::Sequential> mlp(std::uint64_t seed, std::int64_t width, DType dtype) {
  Generator gen(seed);
  nn::LinearOptions options{.dtype = dtype, .generator = &gen};
  return std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(3, width, options), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(width, width, options), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(width, 1, options)});
}

bool same_bits(const Tensor& a, const Tensor& b) {
  std::vector<double> x = a.to_vector();
  std::vector<double> y = b.to_vector();
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

// Every rank's copy of t, compared with rank 0's.
void expect_same_on_every_rank(ProcessGroup& group, const Tensor& t, const std::string& what) {
  Tensor all = group.all_gather(t.contiguous());
  for (int r = 1; r < group.world_size(); ++r) {
    EXPECT_TRUE(same_bits(all.select(0, r), all.select(0, 0))) << what << ", rank " << r;
  }
}

// The batch every rank draws (same seed everywhere), and this rank's rows of it.
struct Batch {
  Tensor x;
  Tensor y;
};
Batch global_batch(int step, std::int64_t n, DType dtype) {
  Generator gen(1000 + static_cast<std::uint64_t>(step));
  return {randn({n, 3}, {.dtype = dtype}, &gen), randn({n, 1}, {.dtype = dtype}, &gen)};
}
std::pair<std::int64_t, std::int64_t> rows(std::int64_t n, int rank, int world) {
  std::int64_t begin = n * rank / world;
  return {begin, n * (rank + 1) / world - begin};
}

TEST(DataParallelMpi, ParametersStayBitwiseIdenticalOnEveryRank) {
  ProcessGroup& group = default_group();
  // Different initial weights on purpose: the constructor broadcasts rank 0's.
  auto model = mlp(11 + static_cast<std::uint64_t>(group.rank()), 32, kFloat32);
  std::vector<Tensor> params = params_of(*model);
  DataParallel dp(params, group, {.bucket_bytes = 2048});
  optim::SGD sgd(model->parameters(), {.lr = 0.05, .momentum = 0.9});
  for (int step = 0; step < 5; ++step) {
    Batch batch = global_batch(step, 37, kFloat32);
    auto [begin, count] = rows(37, group.rank(), group.world_size());
    Tensor out = model->forward(batch.x.narrow(0, begin, count));
    Tensor loss = (out - batch.y.narrow(0, begin, count)).pow(2.0).sum() / 37.0;
    dp.backward(loss);
    sgd.step();
    for (std::size_t i = 0; i < params.size(); ++i) {
      expect_same_on_every_rank(
          group, params[i].detach(),
          "step " + std::to_string(step) + ", parameter " + std::to_string(i));
    }
  }
}

TEST(DataParallelMpi, SummedGradientIsTheGlobalBatchGradient) {
  ProcessGroup& group = default_group();
  auto model = mlp(5, 16, kFloat64);
  auto whole = mlp(5, 16, kFloat64);
  DataParallel dp(params_of(*model), group);
  Batch batch = global_batch(0, 23, kFloat64);
  auto [begin, count] = rows(23, group.rank(), group.world_size());
  Tensor out = model->forward(batch.x.narrow(0, begin, count));
  dp.backward((out - batch.y.narrow(0, begin, count)).pow(2.0).sum() / 23.0);
  ((whole->forward(batch.x) - batch.y).pow(2.0).sum() / 23.0).backward();
  std::vector<Tensor> got = params_of(*model);
  std::vector<Tensor> want = params_of(*whole);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(got[i].grad().all_close(want[i].grad(), 1e-12, 1e-12)) << "parameter " << i;
  }
}

TEST(DataParallelMpi, BucketsStartWhileBackwardRuns) {
  ProcessGroup& group = default_group();
  auto model = mlp(9, 512, kFloat32);  // 1 MiB per hidden layer
  DataParallel dp(params_of(*model), group, {.bucket_bytes = std::int64_t{1} << 20});
  Batch batch = global_batch(0, 256, kFloat32);
  auto [begin, count] = rows(256, group.rank(), group.world_size());
  Tensor out = model->forward(batch.x.narrow(0, begin, count));
  dp.backward((out - batch.y.narrow(0, begin, count)).pow(2.0).sum() / 256.0);
  const StepTiming& t = dp.last_step();
  ASSERT_GE(t.buckets.size(), 2u);
  EXPECT_LT(t.buckets.front().launched_ns, t.backward_ns);
  auto ms = [](std::int64_t ns) { return static_cast<double>(ns) * 1e-6; };
  if (group.rank() == 0) {
    std::printf("overlap (%d processes): backward %.3f ms, all gradients summed %.3f ms\n",
                group.world_size(), ms(t.backward_ns), ms(t.finished_ns));
    for (std::size_t b = 0; b < t.buckets.size(); ++b) {
      std::printf("  bucket %zu: %lld bytes, all-reduce started %.3f ms, seen done %.3f ms\n", b,
                  static_cast<long long>(t.buckets[b].bytes), ms(t.buckets[b].launched_ns),
                  ms(t.buckets[b].done_ns));
    }
  }
}

TEST(DataParallelMpi, DeterministicStepGivesTheBitsOfOneProcess) {
  ProcessGroup& group = default_group();
  std::unique_ptr<ProcessGroup> alone = detail::make_single_group();
  for (DType dtype : {kFloat32, kFloat64}) {
    auto model = mlp(21, 24, dtype);
    auto solo = mlp(21, 24, dtype);
    Batch batch = global_batch(3, 41, dtype);
    const std::int64_t parts = 4;
    auto loss_of = [&](nn::Module& m) {
      return [&batch, &m, parts](std::int64_t part) {
        auto [begin, count] = rows(41, static_cast<int>(part), static_cast<int>(parts));
        Tensor out = m.forward(batch.x.narrow(0, begin, count));
        return (out - batch.y.narrow(0, begin, count)).pow(2.0).sum() / 41.0;
      };
    };
    double loss = deterministic_step(params_of(*model), group, parts, loss_of(*model));
    double solo_loss = deterministic_step(params_of(*solo), *alone, parts, loss_of(*solo));
    EXPECT_EQ(std::memcmp(&loss, &solo_loss, sizeof(double)), 0);
    std::vector<Tensor> got = params_of(*model);
    std::vector<Tensor> want = params_of(*solo);
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(same_bits(got[i].grad(), want[i].grad())) << "parameter " << i;
    }
  }
}

}  // namespace
}  // namespace minitorch::dist

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  minitorch::dist::init_process_group("mpi");
  return RUN_ALL_TESTS();
}
