// state_dict / load_state_dict: names in the module's order (parameters, buffers, children),
// round trips through memory and safetensors, strict and non-strict matching, and a failed
// load that leaves the module untouched.
#include <gtest/gtest.h>

#include <filesystem>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

using testing::expect_error;

class Net : public nn::Module {
 public:
  explicit Net(std::uint64_t seed) {
    Generator gen(seed);
    conv = register_module(
        "conv",
        std::make_shared<nn::Conv2d>(1, 2, 3, nn::Conv2dOptions{.padding = 1, .generator = &gen}));
    bn = register_module("bn", std::make_shared<nn::BatchNorm2d>(2));
    fc = register_module("fc",
                         std::make_shared<nn::Linear>(8, 2, nn::LinearOptions{.generator = &gen}));
  }
  Tensor forward(const Tensor& x) override {
    Tensor h = max_pool2d(bn->forward(conv->forward(x)).relu(), 2);
    return fc->forward(h.reshape({x.size(0), -1}));
  }
  std::shared_ptr<nn::Conv2d> conv;
  std::shared_ptr<nn::BatchNorm2d> bn;
  std::shared_ptr<nn::Linear> fc;
};

std::vector<std::string> names(const nn::StateDict& state) {
  std::vector<std::string> out;
  for (const auto& [name, t] : state) {
    out.push_back(name);
  }
  return out;
}

TEST(StateDict, NamesParametersAndBuffersInOrder) {
  Net net(1);
  EXPECT_EQ(names(net.state_dict()),
            (std::vector<std::string>{"conv.weight", "conv.bias", "bn.weight", "bn.bias",
                                      "bn.running_mean", "bn.running_var", "bn.num_batches_tracked",
                                      "fc.weight", "fc.bias"}));
  // Entries share storage with the module and carry no graph.
  nn::StateDict state = net.state_dict();
  EXPECT_FALSE(state[0].second.requires_grad());
  EXPECT_EQ(state[0].second.data().storage(), net.conv->weight().data().storage());
}

TEST(StateDict, RoundTripsInMemoryAndThroughSafetensors) {
  Net a(1);
  Net b(2);
  Tensor x = randn({3, 1, 4, 4});
  a(x);  // updates a's running statistics
  a.eval();
  b.eval();
  Tensor want = a(x);
  EXPECT_FALSE(b(x).all_close(want));
  b.load_state_dict(a.state_dict());
  EXPECT_TRUE(b(x).all_close(want, 0, 0));

  Net c(3);
  c.eval();
  auto path = (std::filesystem::temp_directory_path() / "mt_state_dict_test.safetensors").string();
  nn::save(a, path, {{"note", "conv"}});
  EXPECT_EQ(nn::load(c, path).at("note"), "conv");
  EXPECT_TRUE(c(x).all_close(want, 0, 0));
  EXPECT_EQ(c.bn->num_batches_tracked().item<std::int64_t>(), 1);
  std::filesystem::remove(path);
}

TEST(StateDict, MismatchesThrowAndLeaveTheModuleUntouched) {
  Net net(1);
  nn::StateDict before;
  for (const auto& [name, t] : net.state_dict()) {
    before.emplace_back(name, t.clone());
  }
  nn::StateDict partial = net.state_dict();
  partial.erase(partial.begin() + 4);  // bn.running_mean
  partial.emplace_back("extra", zeros({1}));
  for (auto& [name, t] : partial) {
    t = t.to(kFloat64) + 1.0;  // different values: nothing of them may land
  }
  expect_error<ValueError>([&] { net.load_state_dict(partial); },
                           {"load_state_dict", "missing: bn.running_mean", "unexpected: extra"});
  nn::StateDict wrong_shape = net.state_dict();
  wrong_shape[7].second = zeros({2, 9});
  expect_error<ShapeError>([&] { net.load_state_dict(wrong_shape); },
                           {"fc.weight", "[2, 9]", "[2, 8]"});
  nn::StateDict after = net.state_dict();
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_TRUE(after[i].second.to(kFloat64).all_close(before[i].second.to(kFloat64), 0, 0))
        << before[i].first;
  }
  // Not strict: the matching entries load (converted from float64), the rest is ignored.
  net.load_state_dict(partial, /*strict=*/false);
  EXPECT_TRUE(net.fc->bias().all_close(before[8].second + 1.0));
  EXPECT_TRUE(net.bn->running_mean().all_close(before[4].second, 0, 0));
}

}  // namespace
}  // namespace minitorch
