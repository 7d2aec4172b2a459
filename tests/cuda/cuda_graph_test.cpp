// CudaGraph (minitorch/cuda_graph.h): capture and replay of GPU work. A replay recomputes from
// the static inputs' current values; a captured SGD training step gives the same bits as the
// same steps run eagerly; a step that syncs with the host fails capture with DeviceError and
// leaves the library usable; memory allocated outside the graph is never written by a replay.
#include "cuda/cuda_test_support.h"

namespace minitorch {
namespace {

using testing::cuda_available;

const Device kGpu = Device::cuda();

TEST(CudaGraph, WithoutACudaDeviceCaptureThrowsDeviceError) {
  CudaGraph on_cpu(Device::cpu());
  EXPECT_THROW(on_cpu.capture([] {}), DeviceError);
  EXPECT_FALSE(on_cpu.captured());
  if (!cuda_available()) {
    CudaGraph graph;
    try {
      graph.capture([] {});
      FAIL() << "expected DeviceError";
    } catch (const DeviceError& e) {
      EXPECT_NE(std::string(e.what()).find("CudaGraph::capture"), std::string::npos) << e.what();
    }
  }
  CudaGraph empty;
  EXPECT_THROW(empty.replay(), DeviceError);
}

TEST(CudaGraph, ReplayRecomputesFromTheStaticInputs) {
  MT_REQUIRE_CUDA();
  Tensor x = tensor({1.0, 2.0, 3.0, 4.0}).to(kGpu);
  Tensor y = x * 2.0 + 1.0;  // warm-up: compiles the program, fills the cache
  CudaGraph graph;
  graph.capture([&] { y = x * 2.0 + 1.0; });
  ASSERT_TRUE(graph.captured());
  EXPECT_GE(graph.node_count(), 1U);
  graph.replay();
  EXPECT_EQ(y.to_vector(), (std::vector<double>{3, 5, 7, 9}));
  for (double v : {10.0, -1.0}) {
    x.copy_(full({4}, v, {.device = kGpu}));
    graph.replay();
    EXPECT_EQ(y.to_vector(), std::vector<double>(4, 2 * v + 1)) << v;
  }
  EXPECT_THROW(graph.capture([] {}), DeviceError);  // one capture per graph
}

// The course's MLP on the GPU, trained eagerly and with a captured step on two identical
// copies: the parameters agree bit for bit after every step.
struct Mlp {
  std::vector<Tensor> params;
  Tensor forward(const Tensor& x) const {
    Tensor h = (x.matmul(params[0]) + params[1]).relu();
    h = (h.matmul(params[2]) + params[3]).relu();
    return (h.matmul(params[4]) + params[5]).sigmoid();
  }
};

Mlp make_mlp(std::uint64_t seed) {
  Generator gen(seed);
  Mlp mlp;
  for (auto [rows, cols] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {2, 16}, {1, 16}, {16, 16}, {1, 16}, {16, 1}, {1, 1}}) {
    mlp.params.push_back((rand({rows, cols}, {}, &gen) - 0.5).to(kGpu).requires_grad_(true));
  }
  return mlp;
}

TEST(CudaGraph, CapturedTrainingStepGivesTheEagerBits) {
  MT_REQUIRE_CUDA();
  Mlp eager = make_mlp(5);
  Mlp graphed = make_mlp(5);
  optim::SGD eager_sgd(eager.params, {.lr = 0.1, .momentum = 0.9});
  optim::SGD graphed_sgd(graphed.params, {.lr = 0.1, .momentum = 0.9});
  auto step = [](Mlp& mlp, optim::SGD& sgd, const Tensor& x, const Tensor& y) {
    sgd.zero_grad();
    Tensor loss = nn::binary_cross_entropy(mlp.forward(x), y);
    loss.backward();
    sgd.step();
    return loss;
  };
  Generator gen(11);
  std::vector<Tensor> xs;
  std::vector<Tensor> ys;
  for (std::size_t i = 0; i < 6; ++i) {
    xs.push_back(rand({8, 2}, {}, &gen).to(kGpu));
    ys.push_back(rand({8, 1}, {}, &gen).gt(0.5).to(kFloat32).to(kGpu));
  }
  Tensor static_x = xs[0].clone();
  Tensor static_y = ys[0].clone();
  Tensor static_loss;
  CudaGraph graph;
  for (std::size_t i = 0; i < 6; ++i) {
    Tensor loss = step(eager, eager_sgd, xs[i], ys[i]);
    if (i == 0) {
      step(graphed, graphed_sgd, xs[i], ys[i]);  // warm-up: momentum buffers, cache
    } else {
      static_x.copy_(xs[i]);
      static_y.copy_(ys[i]);
      if (!graph.captured()) {
        graph.capture([&] { static_loss = step(graphed, graphed_sgd, static_x, static_y); });
      }
      graph.replay();
      EXPECT_EQ(static_loss.item(), loss.item()) << "step " << i;
    }
    for (std::size_t p = 0; p < eager.params.size(); ++p) {
      EXPECT_EQ(graphed.params[p].to_vector(), eager.params[p].to_vector())
          << "step " << i << ", parameter " << p;
    }
  }
}

TEST(CudaGraph, AStepThatSyncsFailsCaptureAndTheLibraryStaysUsable) {
  MT_REQUIRE_CUDA();
  Tensor x = tensor({1.0, 2.0}).to(kGpu);
  CudaGraph graph;
  try {
    graph.capture([&] { (void)(x + 1.0).sum().item(); });
    FAIL() << "expected DeviceError";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("CudaGraph::capture"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(graph.captured());
  EXPECT_THROW(graph.replay(), DeviceError);
  EXPECT_EQ((x * 3.0).to_vector(), (std::vector<double>{3, 6}));
  EXPECT_EQ(tensor({5.0}).to(kGpu).item(), 5.0);
  // A copy from the CPU inside a capture fails too.
  CudaGraph second;
  EXPECT_THROW(second.capture([] { (void)tensor({1.0, 2.0}).to(kGpu); }), DeviceError);
  // A step that throws its own error keeps it.
  CudaGraph third;
  EXPECT_THROW(third.capture([] { throw ValueError("mine"); }), ValueError);
  EXPECT_EQ((x + x).to_vector(), (std::vector<double>{2, 4}));
}

TEST(CudaGraph, ReplaysNeverWriteMemoryAllocatedOutsideTheGraph) {
  MT_REQUIRE_CUDA();
  Tensor x = rand({1000}).to(kGpu);
  Tensor out;
  // Temporaries of the same size as the outside tensors below: freed inside the capture,
  // they would be the first blocks the cache hands out again.
  auto step = [&] {
    Tensor a = x * 2.0;
    Tensor b = a + 1.0;
    Tensor c = b.exp();
    out = c.sum();
  };
  step();  // warm-up
  CudaGraph graph;
  graph.capture(step);
  std::vector<Tensor> outside;
  for (int i = 0; i < 8; ++i) {
    outside.push_back(full({1000}, static_cast<double>(i), {.device = kGpu}));
  }
  for (int r = 0; r < 5; ++r) {
    graph.replay();
  }
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(outside[static_cast<std::size_t>(i)].to_vector(),
              std::vector<double>(1000, static_cast<double>(i)));
  }
  const double expected = (x * 2.0 + 1.0).exp().sum().item();
  EXPECT_EQ(out.item(), expected);
}

TEST(CudaGraph, DestroyingAGraphKeepsItsOutputsAlive) {
  MT_REQUIRE_CUDA();
  Tensor x = tensor({1.0, 2.0, 3.0}).to(kGpu);
  Tensor y = x * x;  // warm-up
  {
    CudaGraph graph;
    graph.capture([&] { y = x * x; });
    graph.replay();
  }
  Tensor z = full({3}, 7.0, {.device = kGpu});
  EXPECT_EQ(y.to_vector(), (std::vector<double>{1, 4, 9}));
  EXPECT_EQ(z.to_vector(), std::vector<double>(3, 7.0));
}

}  // namespace
}  // namespace minitorch
