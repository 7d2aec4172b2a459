// Device tensors on CUDA: moving between devices, factories on the GPU, errors for operands on
// different devices, the caching allocator (reuse, out of memory), bitwise determinism of
// reductions and matmul, and the primitive report.

#include "backends/backend.h"
#include "cuda/cuda_test_support.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

using testing::bits;
using testing::cuda_available;

TEST(CudaDevice, NoDeviceOrNoBuildGivesDeviceError) {
  if (cuda_available()) {
    GTEST_SKIP() << "a CUDA device is present";
  }
  try {
    zeros({2}, {.device = Device::cuda()});
    FAIL() << "expected DeviceError";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos) << e.what();
  }
}

TEST(CudaDevice, RoundTripAndFactories) {
  MT_REQUIRE_CUDA();
  Tensor x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  Tensor g = x.to(Device::cuda());
  EXPECT_EQ(g.device(), Device::cuda());
  EXPECT_EQ(g.device().to_string(), "cuda:0");
  EXPECT_EQ(g.to(Device::cpu()).to_vector(), x.to_vector());
  EXPECT_EQ(g.at({1, 2}), 6.0);
  EXPECT_EQ(g.sum().item(), 21.0);
  Tensor z = zeros({3, 4}, {.dtype = kFloat64, .device = Device::cuda()});
  EXPECT_TRUE(z.device().is_cuda());
  EXPECT_EQ(z.dtype(), kFloat64);
  EXPECT_EQ(ones({3, 4}, {.device = Device::cuda()}).sum().item(), 12.0);
  EXPECT_EQ(full({5}, 2.5, {.device = Device::cuda()}).to_vector(), std::vector<double>(5, 2.5));
  EXPECT_EQ(arange(4.0, {.device = Device::cuda()}).to_vector(), (std::vector<double>{0, 1, 2, 3}));
  Tensor r = randn({100}, {.device = Device::cuda()});
  EXPECT_TRUE(r.device().is_cuda());
  EXPECT_EQ(zeros({0, 3}, {.device = Device::cuda()}).numel(), 0);
  EXPECT_EQ(scalar_tensor(3.0, {.device = Device::cuda()}).item(), 3.0);
  // Printing reads through the CPU.
  EXPECT_NE(g.to_string().find("6"), std::string::npos);
}

TEST(CudaDevice, MixedDevicesThrowDeviceErrorNamingShapes) {
  MT_REQUIRE_CUDA();
  Tensor cpu = ones({3, 4});
  Tensor gpu = ones({3, 4}, {.device = Device::cuda()});
  try {
    (void)(cpu + gpu);
    FAIL() << "expected DeviceError";
  } catch (const DeviceError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("[3, 4]"), std::string::npos) << what;
    EXPECT_NE(what.find("cuda:0"), std::string::npos) << what;
  }
  EXPECT_THROW((void)cpu.matmul(gpu), DeviceError);
  EXPECT_THROW(gpu.copy_(cpu), DeviceError);
  EXPECT_THROW((void)gpu.data_ptr<float>(), DeviceError);
}

TEST(CudaDevice, CachingAllocatorReusesBlocks) {
  MT_REQUIRE_CUDA();
  const void* first = nullptr;
  {
    Tensor t = empty({1000}, {.device = Device::cuda()});
    first = t.data().data_ptr();
  }
  Tensor again = empty({1000}, {.device = Device::cuda()});
  EXPECT_EQ(again.data().data_ptr(), first) << "a freed block of the same size is reused";
}

TEST(CudaDevice, OutOfMemoryNamesRequestedAndFreeBytes) {
  MT_REQUIRE_CUDA();
  try {
    // 2^50 bytes: more than any GPU has.
    empty({std::int64_t{1} << 48}, {.device = Device::cuda()});
    FAIL() << "expected OutOfMemoryError";
  } catch (const OutOfMemoryError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("out of memory"), std::string::npos) << what;
    EXPECT_NE(what.find("requested 1125899906842624 bytes"), std::string::npos) << what;
    EXPECT_NE(what.find("free"), std::string::npos) << what;
  }
  // The device is still usable afterwards.
  EXPECT_EQ(ones({4}, {.device = Device::cuda()}).sum().item(), 4.0);
}

TEST(CudaDevice, ReductionsAndMatmulAreBitwiseDeterministic) {
  MT_REQUIRE_CUDA();
  Generator gen(testing::test_seed());
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = randn({1537, 2049}, {.dtype = dtype, .device = Device::cuda()}, &gen);
    Tensor flat = randn({3000001}, {.dtype = dtype, .device = Device::cuda()}, &gen);
    Tensor a = randn({300, 257}, {.dtype = dtype, .device = Device::cuda()}, &gen);
    Tensor b = randn({257, 301}, {.dtype = dtype, .device = Device::cuda()}, &gen);
    auto run = [&] {
      std::vector<std::vector<unsigned char>> results;
      results.push_back(bits(x.sum(0)));
      results.push_back(bits(x.sum(1)));
      results.push_back(bits(x.transpose(0, 1).sum(1)));
      results.push_back(bits(x.sum()));
      results.push_back(bits(flat.sum()));
      results.push_back(bits(x.max(0)));
      results.push_back(bits(a.matmul(b)));
      results.push_back(bits(a.transpose(0, 1).contiguous().transpose(0, 1).matmul(b)));
      return results;
    };
    auto first = run();
    for (int repeat = 0; repeat < 2; ++repeat) {
      EXPECT_EQ(run(), first) << "run " << repeat + 2 << " differs";
    }
  }
}

TEST(CudaDevice, PrimitiveReportNamesTheCudaPath) {
  MT_REQUIRE_CUDA();
  Tensor x = ones({1024}, {.device = Device::cuda()});
  (void)x.exp();
  EXPECT_EQ(primitive_report().isa, "cuda");
  EXPECT_EQ(primitive_report().path, "cuda_vec");
  (void)x.view({32, 32}).transpose(0, 1).contiguous();
  EXPECT_EQ(primitive_report().path, "cuda_tiled");
}

TEST(CudaDevice, TiledPathBeyond32BitOffsets) {
  MT_REQUIRE_CUDA();
  // 33024 x 32768 bools, more than 2^30 elements: the tiled kernel with 64-bit offsets.
  constexpr std::int64_t kRows = 33024;
  constexpr std::int64_t kCols = 32768;
  Generator gen(testing::test_seed());
  Tensor x = rand({kRows, kCols}, {.device = Device::cuda()}, &gen).gt(0.5);
  Tensor y = x.transpose(0, 1).contiguous();
  EXPECT_EQ(primitive_report().path, "cuda_tiled64");
  // x's last 40 columns, rows past offset 2^30 included, transposed on the host.
  Tensor expected = x.narrow(1, kCols - 40, 40).to(Device::cpu()).transpose(0, 1).contiguous();
  EXPECT_EQ(bits(y.narrow(0, kCols - 40, 40)), bits(expected));
}

TEST(CudaDevice, TrainingStepRunsOnTheGpu) {
  MT_REQUIRE_CUDA();
  Generator gen(testing::test_seed());
  TensorOptions on_gpu = {.device = Device::cuda(), .requires_grad = true};
  Tensor w = (randn({2, 8}, {.device = Device::cuda()}, &gen) * 0.5).detach().requires_grad_(true);
  Tensor b = zeros({8}, on_gpu);
  Tensor v = (randn({8, 1}, {.device = Device::cuda()}, &gen) * 0.5).detach().requires_grad_(true);
  Tensor x = rand({64, 2}, {.device = Device::cuda()}, &gen);
  Tensor target = x.sum(1, true).gt(1.0);
  double first_loss = 0;
  double last_loss = 0;
  for (int step = 0; step < 200; ++step) {
    Tensor p = x.matmul(w).add(b).relu().matmul(v).sigmoid();
    Tensor loss = ((p - target) * (p - target)).mean();
    loss.backward();
    {
      NoGradGuard no_grad;
      for (Tensor* param : {&w, &b, &v}) {
        param->add_(param->grad(), -0.5);
        param->zero_grad();
      }
    }
    double value = loss.item();
    first_loss = step == 0 ? value : first_loss;
    last_loss = value;
  }
  EXPECT_LT(last_loss, first_loss * 0.7);
}

}  // namespace
}  // namespace minitorch
