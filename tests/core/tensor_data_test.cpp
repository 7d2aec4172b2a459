// TensorData views on hand-worked layouts: offsets and strides, viewability, bounds.
#include "minitorch/tensor_data.h"

#include <gtest/gtest.h>

#include "minitorch/error.h"

namespace minitorch {
namespace {

TensorData make(const Shape& shape) { return TensorData::empty(shape, kFloat32, Device::cpu()); }

TEST(TensorData, ContiguousLayout) {
  TensorData t = make({2, 3});
  EXPECT_EQ(t.strides(), (Strides{3, 1}));
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.storage()->nbytes(), 24);
}

TEST(TensorData, PermuteAndTransposeSwapStrides) {
  TensorData t = make({2, 3, 4});
  TensorData p = t.permute({2, 0, 1});
  EXPECT_EQ(p.shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(p.strides(), (Strides{1, 12, 4}));
  EXPECT_FALSE(p.is_contiguous());
  EXPECT_EQ(t.transpose(0, -1).strides(), (Strides{1, 4, 12}));
  EXPECT_THROW(t.permute({0, 0, 1}), ShapeError);
  EXPECT_THROW(t.permute({0, 1}), ShapeError);
  EXPECT_THROW(t.permute({0, 1, 3}), IndexError);
}

TEST(TensorData, SliceSetsOffsetAndStep) {
  TensorData t = make({10, 3});
  TensorData s = t.slice(0, 1, 8, 3);  // rows 1, 4, 7
  EXPECT_EQ(s.shape(), (Shape{3, 3}));
  EXPECT_EQ(s.strides(), (Strides{9, 1}));
  EXPECT_EQ(s.offset(), 3);
  EXPECT_EQ(t.slice(0, -2, 100).shape(), (Shape{2, 3}));
  EXPECT_EQ(t.slice(0, 5, 2).shape(), (Shape{0, 3}));
  EXPECT_THROW(t.slice(0, 0, 5, 0), IndexError);
  EXPECT_THROW(t.narrow(0, 8, 3), IndexError);
  EXPECT_EQ(t.narrow(1, 1, 2).offset(), 1);
  TensorData row = t.select(0, -1);
  EXPECT_EQ(row.shape(), (Shape{3}));
  EXPECT_EQ(row.offset(), 27);
  EXPECT_THROW(t.select(0, 10), IndexError);
}

TEST(TensorData, ExpandUsesZeroStrides) {
  TensorData t = make({3, 1});
  TensorData e = t.expand({2, 3, 4});
  EXPECT_EQ(e.shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(e.strides(), (Strides{0, 1, 0}));
  EXPECT_EQ(t.expand({-1, 5}).shape(), (Shape{3, 5}));
  EXPECT_THROW(t.expand({4, 4}), ShapeError);
  EXPECT_THROW(t.expand({4}), ShapeError);
}

TEST(TensorData, ViewMergesOnlyContiguousChunks) {
  TensorData t = make({2, 3, 4});
  EXPECT_EQ(t.view({6, 4}).strides(), (Strides{4, 1}));
  EXPECT_EQ(t.view({-1}).shape(), (Shape{24}));
  EXPECT_EQ(t.view({2, 1, 12, 1}).shape(), (Shape{2, 1, 12, 1}));
  TensorData p = t.permute({1, 0, 2});  // [3, 2, 4]: dims 0 and 1 no longer merge
  EXPECT_THROW(p.view({6, 4}), ShapeError);
  EXPECT_EQ(p.view({3, 2, 2, 2}).strides(), (Strides{4, 12, 2, 1}));
  EXPECT_THROW(t.view({5, 5}), ShapeError);
  EXPECT_THROW(t.view({-1, -1}), ShapeError);
  TensorData e = make({0, 3});
  EXPECT_EQ(e.view({3, 0}).shape(), (Shape{3, 0}));
  TensorData scalar = make({});
  EXPECT_EQ(scalar.view({1, 1}).shape(), (Shape{1, 1}));
  EXPECT_EQ(scalar.view({1}).view({}).shape(), (Shape{}));
}

TEST(TensorData, SqueezeAndUnsqueeze) {
  TensorData t = make({1, 3, 1});
  EXPECT_EQ(t.squeeze().shape(), (Shape{3}));
  EXPECT_EQ(t.squeeze(2).shape(), (Shape{1, 3}));
  EXPECT_EQ(t.squeeze(1).shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(t.unsqueeze(-1).shape(), (Shape{1, 3, 1, 1}));
  EXPECT_EQ(make({}).unsqueeze(0).shape(), (Shape{1}));
  EXPECT_THROW(t.unsqueeze(5), IndexError);
}

TEST(TensorData, LayoutsOutsideTheStorageAreRejected) {
  TensorData t = make({4});
  EXPECT_THROW(TensorData(t.storage(), 1, {4}, {1}, kFloat32), ShapeError);
  EXPECT_THROW(TensorData(t.storage(), 0, {4}, {1}, kFloat64), ShapeError);
  EXPECT_NO_THROW(TensorData(t.storage(), 4, {0}, {1}, kFloat32));
}

TEST(TensorData, PositionOfChecksEveryEntry) {
  TensorData t = make({2, 3}).transpose(0, 1);
  EXPECT_EQ(t.position_of({2, 1}, "at"), 5);
  EXPECT_EQ(t.position_of({-1, -1}, "at"), 5);
  EXPECT_THROW(t.position_of({3, 0}, "at"), IndexError);
  EXPECT_THROW(t.position_of({0}, "at"), IndexError);
}

}  // namespace
}  // namespace minitorch
