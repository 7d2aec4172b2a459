// The nccl process group in one process (a world of 1): every collective on CUDA tensors of
// both dtypes and sizes 0, 1, odd and 8M leaves the values as they were and on the GPU; bad
// tensors are typed errors before any communication; a peer that never comes is a DistError
// within the timeout, not a hang. Skipped with "no CUDA device" where there is no GPU.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cuda/cuda_test_support.h"
#include "dist/groups.h"
#include "minitorch/dist/process_group.h"

namespace minitorch::dist {
namespace {

using minitorch::testing::cuda_available;

ProcessGroup& nccl_group() { return init_process_group("nccl"); }

// 0.5, 1.0, 1.5, ...: made by GPU kernels just before the collective, so the collective also
// checks that NCCL sees the kernels' writes (Note [NCCL stream order]); never all zero.
Tensor gpu_values(const Shape& shape, DType dtype) {
  std::int64_t n = shape_numel(shape);
  return (arange(static_cast<double>(n), {.dtype = dtype, .device = Device::cuda()}) + 1.0)
      .mul(full({n}, 0.5, {.dtype = dtype, .device = Device::cuda()}))
      .reshape(shape);
}

// Bitwise equal values (read on the GPU; no 8M-element copies to the CPU).
void expect_same_values(const Tensor& actual, const Tensor& expected) {
  ASSERT_EQ(actual.shape(), expected.shape());
  ASSERT_EQ(actual.dtype(), expected.dtype());
  EXPECT_TRUE(actual.device().is_cuda());
  if (actual.numel() == 0) {
    return;
  }
  EXPECT_EQ((actual - expected).abs().max().item(), 0.0);
  EXPECT_GT(actual.abs().max().item(), 0.0) << "all-zero result";
}

struct Case {
  DType dtype;
  Shape shape;
};

// Test names and ctest's listing show the case, not its bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << to_string(c.dtype) << " " << to_string(c.shape);
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = std::string(to_string(info.param.dtype)) + "_n" +
      std::to_string(shape_numel(info.param.shape));
  return name;
}

class NcclCollective : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override { MT_REQUIRE_CUDA(); }
};

TEST_P(NcclCollective, AllReduceOfOneRankIsTheInput) {
  Tensor t = gpu_values(GetParam().shape, GetParam().dtype);
  Tensor before = t.clone();
  nccl_group().all_reduce(t);
  expect_same_values(t, before);
}

TEST_P(NcclCollective, AllReduceAsyncOfOneRankIsTheInput) {
  Tensor t = gpu_values(GetParam().shape, GetParam().dtype);
  Tensor before = t.clone();
  std::unique_ptr<Work> work = nccl_group().all_reduce_async(t);
  work->wait();
  expect_same_values(t, before);
  EXPECT_THROW(work->wait(), DistError);
}

TEST_P(NcclCollective, BroadcastFromRootZeroIsTheInput) {
  Tensor t = gpu_values(GetParam().shape, GetParam().dtype);
  Tensor before = t.clone();
  nccl_group().broadcast(t, 0);
  expect_same_values(t, before);
}

TEST_P(NcclCollective, AllGatherAddsALeadingDimOfOne) {
  Tensor t = gpu_values(GetParam().shape, GetParam().dtype);
  Tensor before = t.clone();
  Tensor all = nccl_group().all_gather(t);
  expect_same_values(all, before.unsqueeze(0));
  expect_same_values(t, before);
}

INSTANTIATE_TEST_SUITE_P(Sizes, NcclCollective,
                         ::testing::Values(Case{kFloat32, Shape{0}}, Case{kFloat64, Shape{0}},
                                           Case{kFloat32, Shape{1}}, Case{kFloat64, Shape{1}},
                                           Case{kFloat32, Shape{3, 171}},
                                           Case{kFloat64, Shape{3, 171}},
                                           Case{kFloat32, Shape{8 << 20}},
                                           Case{kFloat64, Shape{8 << 20}}),
                         case_name);

TEST(NcclGroup, IsRankZeroOfAWorldOfOne) {
  MT_REQUIRE_CUDA();
  ProcessGroup& group = nccl_group();
  EXPECT_EQ(group.backend(), "nccl");
  EXPECT_EQ(group.rank(), 0);
  EXPECT_EQ(group.world_size(), 1);
  EXPECT_TRUE(is_available("nccl"));
  // Local rank 0 of a world of one: the first GPU, where all_gather's result lands too.
  EXPECT_EQ(group.device(), Device::cuda(0));
  EXPECT_EQ(group.all_gather(gpu_values(Shape{3}, kFloat32)).device(), Device::cuda(0));
}

TEST(NcclGroup, BarrierReturns) {
  MT_REQUIRE_CUDA();
  nccl_group().barrier();
  nccl_group().barrier();
}

TEST(NcclGroup, SeveralAsyncAllReducesInFlight) {
  MT_REQUIRE_CUDA();
  std::vector<Tensor> tensors;
  std::vector<Tensor> before;
  std::vector<std::unique_ptr<Work>> works;
  for (int i = 0; i < 4; ++i) {
    tensors.push_back(gpu_values({1000 + i}, i % 2 == 0 ? kFloat32 : kFloat64));
    before.push_back(tensors.back().clone());
    works.push_back(nccl_group().all_reduce_async(tensors.back()));
  }
  // A Work dropped without wait() still orders later kernels after its reduction.
  works[1].reset();
  for (int i = 3; i >= 0; --i) {
    if (works[static_cast<std::size_t>(i)]) {
      works[static_cast<std::size_t>(i)]->wait();
    }
  }
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    expect_same_values(tensors[i], before[i]);
  }
}

TEST(NcclGroup, CpuTensorIsDeviceError) {
  MT_REQUIRE_CUDA();
  ProcessGroup& group = nccl_group();
  Tensor t = ones({3});
  EXPECT_THROW(group.all_reduce(t), DeviceError);
  EXPECT_THROW(group.all_reduce_async(t), DeviceError);
  EXPECT_THROW(group.broadcast(t, 0), DeviceError);
  EXPECT_THROW(group.all_gather(t), DeviceError);
  // The group is still usable after a rejected tensor.
  group.barrier();
}

TEST(NcclGroup, NonContiguousIsShapeError) {
  MT_REQUIRE_CUDA();
  ProcessGroup& group = nccl_group();
  Tensor t = gpu_values({3, 4}, kFloat32).transpose(0, 1);
  EXPECT_THROW(group.all_reduce(t), ShapeError);
  EXPECT_THROW(group.all_reduce_async(t), ShapeError);
  EXPECT_THROW(group.broadcast(t, 0), ShapeError);
  EXPECT_THROW(group.all_gather(t), ShapeError);
  Tensor u;
  EXPECT_THROW(group.all_reduce(u), ValueError);
}

TEST(NcclGroup, RootOutsideTheWorldIsIndexError) {
  MT_REQUIRE_CUDA();
  Tensor t = gpu_values({5}, kFloat32);
  EXPECT_THROW(nccl_group().broadcast(t, 1), IndexError);
  EXPECT_THROW(nccl_group().broadcast(t, -1), IndexError);
}

TEST(NcclGroup, AGroupCanBeDestroyedAndMadeAgain) {
  MT_REQUIRE_CUDA();
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<ProcessGroup> group = detail::make_nccl_group({});
    Tensor t = gpu_values({33}, kFloat64);
    Tensor before = t.clone();
    group->all_reduce(t);
    expect_same_values(t, before);
  }
}

TEST(NcclGroup, NoDeviceIsDistError) {
  if (cuda_available()) {
    GTEST_SKIP() << "a CUDA device is present";
  }
  try {
    detail::make_nccl_group({});
    FAIL() << "expected DistError";
  } catch (const DistError& e) {
    EXPECT_NE(std::string(e.what()).find("no CUDA device"), std::string::npos) << e.what();
  }
}

std::string temp_id_path(const char* tag) {
  return ::testing::TempDir() + "minitorch_nccl_id_" + tag + "_" + std::to_string(::getpid());
}

// Rank 1 of 2 whose rank 0 never writes the id file.
TEST(NcclGroupTimeout, MissingIdFileIsDistErrorWithinTheTimeout) {
  MT_REQUIRE_CUDA();
  config::ScopedOverride world("MINITORCH_WORLD_SIZE", "2");
  config::ScopedOverride rank("MINITORCH_RANK", "1");
  config::ScopedOverride file("MINITORCH_NCCL_ID_FILE", temp_id_path("missing"));
  auto start = std::chrono::steady_clock::now();
  try {
    detail::make_nccl_group({.timeout = std::chrono::milliseconds(300)});
    FAIL() << "expected DistError";
  } catch (const DistError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("timed out after 300 ms"), std::string::npos) << message;
    EXPECT_NE(message.find("rank 1 of 2"), std::string::npos) << message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// Rank 0 of 2 whose rank 1 never comes: the non-blocking init is aborted at the timeout.
TEST(NcclGroupTimeout, PeerThatNeverComesIsDistErrorWithinTheTimeout) {
  MT_REQUIRE_CUDA();
  config::ScopedOverride world("MINITORCH_WORLD_SIZE", "2");
  config::ScopedOverride rank("MINITORCH_RANK", "0");
  config::ScopedOverride file("MINITORCH_NCCL_ID_FILE", temp_id_path("peer"));
  auto start = std::chrono::steady_clock::now();
  try {
    detail::make_nccl_group({.timeout = std::chrono::milliseconds(2000)});
    FAIL() << "expected DistError";
  } catch (const DistError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("timed out after 2000 ms"), std::string::npos) << message;
    EXPECT_NE(message.find("rank 0 of 2"), std::string::npos) << message;
    EXPECT_NE(message.find("aborted"), std::string::npos) << message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  // Rank 0 removes the id file it wrote, also when the group fails to start.
  EXPECT_FALSE(std::ifstream(temp_id_path("peer")).good());
  std::remove(temp_id_path("peer").c_str());
}

}  // namespace
}  // namespace minitorch::dist
