// Dropping a long recorded graph takes constant stack (Note [Iterative release] in
// src/autograd/node.cpp): a chain of ~130k ops used to overflow the stack when released.
#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include "minitorch/config.h"
#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

// Runs fn on a new thread whose stack is stack_bytes, and waits for it: a recursion that
// needs more stack crashes the test instead of passing by luck on a large main stack.
void run_with_stack(std::size_t stack_bytes, const std::function<void()>& fn) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, stack_bytes), 0);
  pthread_t thread;
  auto call = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, call, const_cast<std::function<void()>*>(&fn)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

// Ops to record: MINITORCH_TEST_GRAPH_NODES overrides (the 10-million-node run in the
// closing note used it); sanitizer builds default to fewer, as they are slower and bigger.
std::int64_t chain_length() {
  if (std::optional<std::int64_t> nodes = config::test_graph_nodes()) {
    return *nodes;
  }
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 300'000;
#else
  return 1'000'000;
#endif
}

TEST(GraphRelease, LongChainIsReleasedWithBoundedStack) {
  const std::int64_t n = chain_length();
  Tensor x = scalar_tensor(1.0, {.requires_grad = true});
  Tensor y = x;
  for (std::int64_t i = 0; i < n; ++i) {
    y = -y;
  }
  EXPECT_EQ(y.grad_fn_name(), "neg");
  // Released on a thread with 256 KiB of stack: a recursive release needs ~100 bytes of
  // stack per op, so it would overflow past ~2,600 ops.
  auto start = std::chrono::steady_clock::now();
  run_with_stack(256 * 1024, [&] { y = Tensor(); });
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("released a chain of %lld ops in %.3f s\n", static_cast<long long>(n), took.count());
  EXPECT_FALSE(y.defined());
  EXPECT_EQ(x.item(), 1.0);
}

TEST(GraphRelease, LongChainBackwardThenRelease) {
  const std::int64_t n = chain_length() / 4;
  Tensor x = scalar_tensor(2.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor y = x;
  for (std::int64_t i = 0; i < n; ++i) {
    y = y * 1.0;
  }
  y.backward();
  EXPECT_EQ(x.grad().item(), 1.0);
  run_with_stack(256 * 1024, [&] { y = Tensor(); });
}

TEST(GraphRelease, SharedSubgraphsSurviveWhileReferenced) {
  Tensor x = scalar_tensor(3.0, {.dtype = kFloat64, .requires_grad = true});
  Tensor shared = x * x;
  Tensor a = shared + 1.0;
  Tensor b = shared * 2.0;
  a = Tensor();  // releases a's node; shared's node must stay for b
  b.backward();
  EXPECT_EQ(x.grad().item(), 12.0);
  Tensor c = shared.exp();
  shared = Tensor();  // c still holds shared through its node
  x.zero_grad();
  c.backward();
  EXPECT_NEAR(x.grad().item(), 6.0 * std::exp(9.0), 1e-6 * std::exp(9.0));
}

}  // namespace
}  // namespace minitorch
