// The single-process group: every collective is the identity, with the same checks as the
// MPI and NCCL groups.
#include <gtest/gtest.h>

#include "minitorch/dist/process_group.h"
#include "minitorch/minitorch.h"

namespace minitorch::dist {
namespace {

TEST(SingleGroup, CollectivesAreTheIdentity) {
  ProcessGroup& group = default_group();
  EXPECT_EQ(group.rank(), 0);
  EXPECT_EQ(group.world_size(), 1);
  Tensor t = tensor({1.0, 2.0, 3.0});
  group.all_reduce(t);
  EXPECT_EQ(t.to_vector(), (std::vector<double>{1.0, 2.0, 3.0}));
  group.all_reduce_async(t)->wait();
  group.broadcast(t, 0);
  EXPECT_EQ(t.to_vector(), (std::vector<double>{1.0, 2.0, 3.0}));
  Tensor all = group.all_gather(t);
  EXPECT_EQ(all.shape(), (Shape{1, 3}));
  group.barrier();
}

TEST(SingleGroup, BadTensorsAreTypedErrors) {
  ProcessGroup& group = default_group();
  Tensor t = zeros({2, 3}).transpose(0, 1);
  EXPECT_THROW(group.all_reduce(t), ShapeError);
  Tensor u;
  EXPECT_THROW(group.all_reduce(u), ValueError);
  Tensor v = zeros({2});
  EXPECT_THROW(group.broadcast(v, 1), IndexError);
  EXPECT_THROW(init_process_group("nope"), ValueError);
  EXPECT_TRUE(is_available("single"));
}

}  // namespace
}  // namespace minitorch::dist
