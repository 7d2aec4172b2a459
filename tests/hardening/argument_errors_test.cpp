// Careless arguments get typed errors that name the op the user called: class labels,
// dims, module indices, hyper-parameters, dataset sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "minitorch/data/data.h"
#include "minitorch/minitorch.h"
#include "minitorch/nn/nn.h"
#include "minitorch/optim/optim.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using testing::expect_error;

TEST(ArgumentErrors, ClassLabelsOutOfRangeOrNotWholeNumbers) {
  Tensor logits = randn({3, 4}, {.requires_grad = true});
  Tensor log_probs = nn::functional::log_softmax(logits, 1);
  expect_error<IndexError>(
      [&] {
        nn::cross_entropy(logits, tensor({0.0, 4.0, 1.0}));
      },
      {"nll_loss", "target 4", "row 1", "4 classes"});
  expect_error<IndexError>(
      [&] {
        nn::nll_loss(log_probs, tensor({-1.0, 0.0, 1.0}));
      },
      {"nll_loss", "target -1", "row 0"});
  expect_error<ValueError>(
      [&] {
        nn::nll_loss(log_probs, tensor({0.0, 1.0, 2.5}));
      },
      {"nll_loss", "2.5", "row 2", "not a class index"});
  expect_error<ValueError>(
      [&] {
        nn::cross_entropy(logits, tensor({0.0, kNaN, 1.0}));
      },
      {"nll_loss", "nan", "row 1"});
  Tensor loss = nn::cross_entropy(logits, tensor({0.0, 3.0, 1.0}));
  EXPECT_TRUE(std::isfinite(loss.item()));
}

TEST(ArgumentErrors, SoftmaxNamesItselfForABadDim) {
  Tensor x = randn({2, 3});
  expect_error<IndexError>([&] { nn::functional::softmax(x, 2); }, {"softmax", "dim 2", "[2, 3]"});
  expect_error<IndexError>([&] { nn::functional::log_softmax(x, -3); }, {"log_softmax", "dim -3"});
}

TEST(ArgumentErrors, SequentialIndexOutOfRange) {
  nn::Sequential seq({std::make_shared<nn::ReLU>(), std::make_shared<nn::Sigmoid>()});
  EXPECT_EQ(seq[1].name(), "Sigmoid");
  EXPECT_EQ(seq[-2].name(), "ReLU");
  expect_error<IndexError>([&] { seq[2]; }, {"Sequential", "index 2", "2 modules"});
  expect_error<IndexError>([&] { seq[-3]; }, {"Sequential", "index -3"});
}

TEST(ArgumentErrors, OptimisersRejectBadHyperParameters) {
  Tensor p = zeros({2}, {.requires_grad = true});
  expect_error<ValueError>([&] { optim::SGD({p}, {.lr = kNaN}); }, {"SGD", "lr", "nan"});
  expect_error<ValueError>([&] { optim::SGD({p}, {.lr = -0.1}); }, {"SGD", "lr"});
  expect_error<ValueError>([&] { optim::SGD({p}, {.lr = 0.1, .momentum = -1}); }, {"momentum"});
  expect_error<ValueError>([&] { optim::SGD({p}, {.lr = 0.1, .weight_decay = kNaN}); },
                           {"weight_decay"});
  expect_error<ValueError>(
      [&] { optim::Adam({p}, {.lr = std::numeric_limits<double>::infinity()}); }, {"Adam", "lr"});
  expect_error<ValueError>([&] { optim::Adam({p}, {.lr = 0.1, .beta1 = 1.0}); }, {"beta1"});
  expect_error<ValueError>([&] { optim::Adam({p}, {.lr = 0.1, .beta2 = kNaN}); }, {"beta2"});
  expect_error<ValueError>([&] { optim::Adam({p}, {.lr = 0.1, .eps = -1e-8}); }, {"eps"});
  optim::SGD sgd({p}, {.lr = 0.1});
  expect_error<ValueError>([&] { sgd.set_lr(kNaN); }, {"lr"});
  EXPECT_EQ(sgd.lr(), 0.1) << "a rejected value changes nothing";
}

TEST(ArgumentErrors, DatasetSizes) {
  expect_error<ValueError>([] { data::make_dataset("xor", 0, 0); }, {"xor", "points"});
  expect_error<ValueError>([] { data::make_dataset("xor", std::int64_t{1} << 50, 0); },
                           {"xor", "points"});
  expect_error<ValueError>([] { data::make_dataset("spiral", 1, 0); }, {"spiral"});
  expect_error<ValueError>([] { data::make_dataset("nope", 10, 0); }, {"unknown dataset"});
}

TEST(ArgumentErrors, UserErrorsAreNeverInternalErrors) {
  Tensor t = zeros({4});
  EXPECT_THROW(TensorData(t.data().storage(), 2, {4}, {1}, kFloat32), ShapeError);
  EXPECT_THROW(Storage::allocate(-1, Device::cpu()), ValueError);
  EXPECT_THROW(nn::mse_loss(t, t, static_cast<nn::Reduction>(7)), ValueError);
  EXPECT_THROW(Tensor().shape(), ValueError);
  Tensor x = ones({2}, {.requires_grad = true});
  EXPECT_THROW((x * 2.0).requires_grad_(false), AutogradError);
  EXPECT_THROW(x.fill_(0.0), AutogradError);
  EXPECT_THROW(zeros({2}).backward(), ShapeError);
  EXPECT_THROW(zeros({}).backward(), AutogradError);
}

}  // namespace
}  // namespace minitorch
