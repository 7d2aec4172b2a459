// Tensor handle basics: sharing, element access, in-place rules, conversions.
#include <gtest/gtest.h>

#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

TEST(Tensor, CopiesShareStorageAndViewsSeeWrites) {
  Tensor a = zeros({2, 3});
  Tensor b = a;
  Tensor row = a[1];
  b.set({1, 2}, 5.0);
  EXPECT_EQ(a.at({1, 2}), 5.0);
  EXPECT_EQ(row.at({2}), 5.0);
  EXPECT_EQ(a.at({-1, -1}), 5.0);
  row.fill_(2.0);
  EXPECT_EQ(a.to_vector(), (std::vector<double>{0, 0, 0, 2, 2, 2}));
}

TEST(Tensor, ItemNeedsOneElement) {
  EXPECT_EQ(tensor({{4.0}}).item(), 4.0);
  EXPECT_THROW(zeros({2}).item(), ShapeError);
  EXPECT_THROW(zeros({0}).item(), ShapeError);
}

TEST(Tensor, UndefinedTensorThrowsInsteadOfCrashing) {
  Tensor t;
  EXPECT_FALSE(t.defined());
  EXPECT_THROW(t.shape(), Error);
  EXPECT_THROW(t + t, Error);
  EXPECT_EQ(t.to_string(), "tensor(undefined)");
}

TEST(Tensor, DataPtrChecksTheType) {
  Tensor t = zeros({3}, {.dtype = kFloat64});
  EXPECT_NE(t.data_ptr<double>(), nullptr);
  EXPECT_THROW(t.data_ptr<float>(), DTypeError);
}

TEST(Tensor, InPlaceOnATensorThatRequiresGradNeedsNoGrad) {
  Tensor w = ones({2}, {.requires_grad = true});
  EXPECT_THROW(w.add_(ones({2})), Error);
  EXPECT_THROW(w.set({0}, 3.0), Error);
  EXPECT_EQ(w.to_vector(), (std::vector<double>{1, 1}));
  NoGradGuard guard;
  w.add_(ones({2}), -0.5);
  EXPECT_EQ(w.to_vector(), (std::vector<double>{0.5, 0.5}));
}

TEST(Tensor, InPlaceIntoAnExpandedTensorIsRefused) {
  Tensor e = zeros({1, 3}).expand({2, 3});
  EXPECT_THROW(e.fill_(1.0), ShapeError);
  EXPECT_THROW(e.add_(ones({2, 3})), ShapeError);
}

TEST(Tensor, ConversionsAndClone) {
  Tensor a = tensor({1.5, 2.5});
  Tensor d = a.to(kFloat64);
  EXPECT_EQ(d.dtype(), kFloat64);
  EXPECT_EQ(d.to_vector(), a.to_vector());
  EXPECT_EQ(a.to(kFloat32).data().storage(), a.data().storage());
  Tensor c = a.clone();
  c.fill_(0.0);
  EXPECT_EQ(a.at({0}), 1.5);
  EXPECT_THROW(a.to(Device::cuda()), DeviceError);
}

TEST(Tensor, ReshapeCopiesOnlyWhenItMust) {
  Tensor a = arange(6).view({2, 3});
  EXPECT_EQ(a.reshape({3, 2}).data().storage(), a.data().storage());
  Tensor t = a.transpose(0, 1);
  Tensor r = t.reshape({6});
  EXPECT_NE(r.data().storage(), a.data().storage());
  EXPECT_EQ(r.to_vector(), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  EXPECT_THROW(t.view({6}), ShapeError);
}

TEST(Tensor, ReductionsOnEmptyAndNaN) {
  EXPECT_EQ(zeros({0, 3}).sum().item(), 0.0);
  EXPECT_EQ(zeros({0, 3}).sum(0).to_vector(), (std::vector<double>{0, 0, 0}));
  EXPECT_TRUE(std::isnan(zeros({0}).mean().item()));
  EXPECT_THROW(zeros({0, 3}).max(), ShapeError);
  EXPECT_THROW(zeros({0, 3}).max(0), ShapeError);
  EXPECT_EQ(zeros({0, 3}).max(1).shape(), (Shape{0}));
  EXPECT_TRUE(std::isnan(tensor({1.0, NAN, 3.0}).max().item()));
  EXPECT_TRUE(std::isnan(tensor({1.0, NAN}).sum().item()));
  EXPECT_EQ(tensor(2.0).sum(0).item(), 2.0);
  EXPECT_EQ(tensor({{1, 5}, {7, 2}}).max(1).to_vector(), (std::vector<double>{5, 7}));
  EXPECT_EQ(tensor({{1, 5}, {7, 2}}).max(0, true).shape(), (Shape{1, 2}));
}

TEST(Tensor, IsCloseFollowsPyTorch) {
  Tensor a = tensor({1.0, INFINITY, NAN, 1.0});
  Tensor b = tensor({1.0 + 1e-7, INFINITY, NAN, 2.0});
  EXPECT_EQ(a.is_close(b).to_vector(), (std::vector<double>{1, 1, 0, 0}));
  EXPECT_TRUE(tensor({1.0, 2.0}).all_close(tensor({1.0, 2.0 + 1e-9})));
}

TEST(Backends, UnknownBackendNameListsTheAvailableOnes) {
  try {
    set_backend("nope");
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("reference"), std::string::npos);
  }
  EXPECT_EQ(backend_name(Device::cpu()), available_backends().front());
}

}  // namespace
}  // namespace minitorch
