// The single-process group: every collective is the identity, with the same checks as the
// MPI and NCCL groups.
#include <gtest/gtest.h>

#include <chrono>

#include "dist/groups.h"
#include "minitorch/config.h"
#include "minitorch/dist/process_group.h"
#include "minitorch/minitorch.h"

namespace minitorch::dist {
namespace {

TEST(SingleGroup, CollectivesAreTheIdentity) {
  ProcessGroup& group = default_group();
  EXPECT_EQ(group.rank(), 0);
  EXPECT_EQ(group.world_size(), 1);
  EXPECT_EQ(group.device(), Device::cpu());
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

// Every group's collectives wait options.timeout, or MINITORCH_DIST_TIMEOUT (config.h).
TEST(SingleGroup, CollectiveTimeoutIsTheOptionOrTheVariable) {
  using std::chrono::milliseconds;
  const GroupOptions options{.timeout = milliseconds(1234)};
  {
    config::ScopedOverride unset("MINITORCH_DIST_TIMEOUT", "");
    EXPECT_EQ(detail::collective_timeout(options), milliseconds(1234));
  }
  {
    config::ScopedOverride set("MINITORCH_DIST_TIMEOUT", "0.5");
    EXPECT_EQ(detail::collective_timeout(options), milliseconds(500));
  }
  {
    config::ScopedOverride set("MINITORCH_DIST_TIMEOUT", "soon");
    try {
      detail::collective_timeout(options);
      FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
      EXPECT_STREQ(e.what(),
                   "MINITORCH_DIST_TIMEOUT: expected seconds in (0, 1e7], got 'soon' (from the "
                   "test override)");
    }
  }
}

}  // namespace
}  // namespace minitorch::dist
