// Printing in PyTorch's style.
#include <gtest/gtest.h>

#include <sstream>

#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

TEST(TensorPrint, MatchesPyTorchStyle) {
  EXPECT_EQ(tensor({{1, 2}, {3, 4}}).to_string(), "tensor([[1., 2.],\n        [3., 4.]])");
  EXPECT_EQ(tensor({0.5, -1.25}).to_string(), "tensor([ 0.5000, -1.2500])");
  EXPECT_EQ(tensor(3.5, {.dtype = kFloat64}).to_string(), "tensor(3.5000, dtype=float64)");
  EXPECT_EQ(zeros({0}).to_string(), "tensor([])");
  EXPECT_EQ(zeros({0, 3}).to_string(), "tensor([], size=[0, 3])");
  EXPECT_EQ(tensor({1e10, 1}).to_string(), "tensor([1.0000e+10, 1.0000e+00])");
  EXPECT_EQ(tensor({NAN, 1.5}).to_string(), "tensor([   nan, 1.5000])");
  EXPECT_EQ(ones({2}, {.requires_grad = true}).to_string(), "tensor([1., 1.], requires_grad=True)");
  EXPECT_EQ((ones({2}, {.requires_grad = true}) * 2.0).to_string(),
            "tensor([2., 2.], grad_fn=<mul>)");
}

TEST(TensorPrint, ThreeDimsSeparateBlocksWithABlankLine) {
  EXPECT_EQ(arange(8).view({2, 2, 2}).to_string(),
            "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
}

TEST(TensorPrint, LargeTensorsAreSummarised) {
  std::string text = arange(2000).to_string();
  EXPECT_EQ(text, "tensor([   0.,    1.,    2.,  ..., 1997., 1998., 1999.])");
  EXPECT_EQ(arange(4000).view({2000, 2}).slice(1, 0, 1).to_string(),
            "tensor([[   0.],\n        [   2.],\n        [   4.],\n        ...,\n"
            "        [3994.],\n        [3996.],\n        [3998.]])");
  std::string big = arange(10000).view({100, 100}).to_string();
  EXPECT_NE(big.find("..."), std::string::npos);
  EXPECT_LT(big.size(), 600u);
  std::ostringstream os;
  os << tensor({1, 2});
  EXPECT_EQ(os.str(), "tensor([1., 2.])");
}

}  // namespace
}  // namespace minitorch
