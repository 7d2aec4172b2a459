// The lecture's layout functions, on hand-worked examples and the lecture's broadcast cases.
#include "minitorch/layout.h"

#include <gtest/gtest.h>

#include "minitorch/error.h"

namespace minitorch {
namespace {

TEST(Layout, StridesFromShapeAreRowMajor) {
  EXPECT_EQ(strides_from_shape({2, 3, 4}), (Strides{12, 4, 1}));
  EXPECT_EQ(strides_from_shape({}), (Strides{}));
  EXPECT_EQ(strides_from_shape({5, 0, 2}), (Strides{0, 2, 1}));
}

TEST(Layout, IndexToPositionAndToIndexRoundTrip) {
  Shape shape = {2, 3, 4};
  Strides strides = strides_from_shape(shape);
  Index index;
  for (std::int64_t i = 0; i < 24; ++i) {
    to_index(i, shape, index);
    EXPECT_EQ(index_to_position(index, strides), i);
  }
  to_index(23, shape, index);
  EXPECT_EQ(index, (Index{1, 2, 3}));
  EXPECT_EQ(index_to_position({1, 2}, {5, 1}), 7);
}

TEST(Layout, BroadcastIndexDropsLeadingDimsAndZeroesSizeOneDims) {
  Index out;
  broadcast_index({2, 3, 4}, {5, 6, 7}, {6, 1}, out);
  EXPECT_EQ(out, (Index{3, 0}));
  broadcast_index({1, 1}, {2, 2}, {}, out);
  EXPECT_EQ(out, (Index{}));
}

TEST(Layout, ShapeBroadcastFollowsTheLecture) {
  EXPECT_EQ(shape_broadcast({1}, {5, 5}), (Shape{5, 5}));
  EXPECT_EQ(shape_broadcast({5, 5}, {1}), (Shape{5, 5}));
  EXPECT_EQ(shape_broadcast({1, 5, 5}, {5, 5}), (Shape{1, 5, 5}));
  EXPECT_EQ(shape_broadcast({5, 1, 5, 1}, {1, 5, 1, 5}), (Shape{5, 5, 5, 5}));
  EXPECT_EQ(shape_broadcast({2, 5}, {5}), (Shape{2, 5}));
  EXPECT_EQ(shape_broadcast({}, {3}), (Shape{3}));
  EXPECT_EQ(shape_broadcast({0}, {1}), (Shape{0}));
  EXPECT_THROW(shape_broadcast({5, 7, 5, 1}, {1, 5, 1, 5}), ShapeError);
  EXPECT_THROW(shape_broadcast({5, 2}, {5}), ShapeError);
}

TEST(Layout, ShapeBroadcastErrorNamesOpShapesAndDim) {
  try {
    shape_broadcast({3, 4}, {5}, "zip(add)");
    FAIL() << "no throw";
  } catch (const ShapeError& e) {
    EXPECT_STREQ(e.what(), "zip(add): shapes [3, 4] and [5] do not broadcast (dim -1: 4 vs 5)");
  }
}

}  // namespace
}  // namespace minitorch
