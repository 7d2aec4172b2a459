// The lecture's broadcasting cases, through the public Tensor API.
#include <gtest/gtest.h>

#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

Shape add_shape(const Shape& a, const Shape& b) { return (zeros(a) + zeros(b)).shape(); }

TEST(Broadcast, LectureCasesHold) {
  EXPECT_EQ(add_shape({1}, {5, 5}), (Shape{5, 5}));
  EXPECT_EQ(add_shape({1, 5, 5}, {5, 5}), (Shape{1, 5, 5}));
  EXPECT_EQ(add_shape({5, 1, 5, 1}, {1, 5, 1, 5}), (Shape{5, 5, 5, 5}));
  EXPECT_EQ(add_shape({2, 5}, {5}), (Shape{2, 5}));
  EXPECT_THROW(add_shape({5, 7, 5, 1}, {1, 5, 1, 5}), ShapeError);
  EXPECT_THROW(add_shape({5, 2}, {5}), ShapeError);
}

TEST(Broadcast, ValuesRepeatAlongExpandedDims) {
  Tensor col = tensor({{1}, {2}});
  Tensor row = tensor({10, 20, 30});
  EXPECT_EQ((col + row).to_vector(), (std::vector<double>{11, 21, 31, 12, 22, 32}));
  EXPECT_EQ((tensor(1.0) + row).to_vector(), (std::vector<double>{11, 21, 31}));
  EXPECT_EQ((zeros({0, 3}) + row).shape(), (Shape{0, 3}));
}

}  // namespace
}  // namespace minitorch
