// Dims: inline storage, rank limit, printing, wrap_dim.
#include "minitorch/shape.h"

#include <gtest/gtest.h>

#include "minitorch/error.h"

namespace minitorch {
namespace {

TEST(Dims, BuildsComparesAndPrints) {
  Shape s = {3, 4};
  EXPECT_EQ(s.size(), 2);
  EXPECT_EQ(s[1], 4);
  EXPECT_EQ(to_string(s), "[3, 4]");
  EXPECT_EQ(to_string(Shape{}), "[]");
  s.insert(0, 2);
  EXPECT_EQ(s, (Shape{2, 3, 4}));
  s.erase(1);
  EXPECT_EQ(s, (Shape{2, 4}));
  EXPECT_EQ(shape_numel(Shape{}), 1);
  EXPECT_EQ(shape_numel(Shape{2, 0, 3}), 0);
}

TEST(Dims, RankBeyondTheLimitIsAShapeError) {
  std::vector<std::int64_t> too_many(kMaxDims + 1, 1);
  EXPECT_THROW(Shape{too_many}, ShapeError);
  Shape full = Shape::filled(kMaxDims, 1);
  EXPECT_THROW(full.push_back(1), ShapeError);
  EXPECT_EQ(full.size(), kMaxDims);
}

TEST(WrapDim, AcceptsNegativeDimsAndNamesTheOpOnError) {
  EXPECT_EQ(wrap_dim(-1, 3, "op", Shape{1, 2, 3}), 2);
  EXPECT_EQ(wrap_dim(0, 0, "op", Shape{}), 0);
  try {
    wrap_dim(3, 3, "sum", Shape{1, 2, 3});
    FAIL() << "no throw";
  } catch (const IndexError& e) {
    EXPECT_STREQ(e.what(), "sum: dim 3 is out of range for shape [1, 2, 3] (expected -3 to 2)");
  }
}

}  // namespace
}  // namespace minitorch
