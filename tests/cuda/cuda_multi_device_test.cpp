// cuda:N (issue 17 item 5): an index at or past the machine's GPU count throws DeviceError
// naming the index and the count; operands on two CUDA devices throw naming both (checked
// before any backend runs, so that test needs no GPU); on a machine with two or more GPUs,
// tensors move cuda:0 -> cuda:1 -> cpu with their values, ops on cuda:1 match the CPU, and
// each device's allocator cache hands its blocks only to that device. The per-device stream
// itself is exercised by the rest of cuda_test, which all runs through it.
#include <cmath>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "cuda/cuda_test_support.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

using testing::cuda_available;

// The machine's GPU count, found the way a user would: the first index that throws.
int cuda_device_count() {
  static const int count = [] {
    int found = 0;
    while (found < 64) {
      try {
        (void)zeros({1}, {.device = Device::cuda(found)});
      } catch (const DeviceError&) {
        break;
      }
      ++found;
    }
    return found;
  }();
  return count;
}

#define MT_REQUIRE_TWO_GPUS() \
  do { \
    MT_REQUIRE_CUDA(); \
    if (cuda_device_count() < 2) { \
      GTEST_SKIP() << "needs 2 CUDA devices, this machine has " << cuda_device_count(); \
    } \
  } while (0)

std::vector<double> values_of(const Tensor& t) {
  return t.to(Device::cpu()).to(kFloat64).contiguous().to_vector();
}

void expect_near_all(const Tensor& actual, const Tensor& expected, double tolerance) {
  std::vector<double> a = values_of(actual);
  std::vector<double> e = values_of(expected);
  ASSERT_EQ(a.size(), e.size());
  bool nonzero = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i], e[i], tolerance * (1.0 + std::abs(e[i]))) << "element " << i;
    nonzero = nonzero || e[i] != 0.0;
  }
  EXPECT_TRUE(nonzero || e.empty()) << "the expected values are all zero";
}

TEST(CudaDevices, IndexPastTheDeviceCountNamesIndexAndCount) {
  MT_REQUIRE_CUDA();
  const int count = cuda_device_count();
  ASSERT_GE(count, 1);
  for (int index : {count, count + 3}) {
    const std::string name = "cuda:" + std::to_string(index);
    try {
      (void)zeros({2}, {.device = Device::cuda(index)});
      FAIL() << "expected DeviceError for " << name;
    } catch (const DeviceError& e) {
      std::string what = e.what();
      EXPECT_NE(what.find(name), std::string::npos) << what;
      EXPECT_NE(what.find("it has " + std::to_string(count) + " CUDA device"), std::string::npos)
          << what;
    }
    Tensor host = ones({2});
    EXPECT_THROW((void)host.to(Device::cuda(index)), DeviceError);
    EXPECT_EQ(host.to_vector(), (std::vector<double>{1, 1})) << "the input is untouched";
  }
  EXPECT_THROW((void)zeros({2}, {.device = Device::cuda(-1)}), DeviceError);
}

// The storages are host buffers labelled cuda:0 and cuda:1: the ops layer must reject the pair
// before any backend reads them, so this runs in every build, with or without a GPU.
TEST(CudaDevices, OperandsOnTwoCudaDevicesThrowNamingBoth) {
  std::vector<float> first(12, 1.0F);
  std::vector<float> second(12, 2.0F);
  auto on = [](std::vector<float>& bytes, int index) {
    auto storage = Storage::wrap(bytes.data(), static_cast<std::int64_t>(bytes.size() * 4),
                                 Device::cuda(index), [] {});
    return Tensor(TensorData(storage, 0, Shape{3, 4}, Strides{4, 1}, kFloat32));
  };
  Tensor a = on(first, 0);
  Tensor b = on(second, 1);
  try {
    (void)(a + b);
    FAIL() << "expected DeviceError";
  } catch (const DeviceError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("cuda:0"), std::string::npos) << what;
    EXPECT_NE(what.find("cuda:1"), std::string::npos) << what;
    EXPECT_NE(what.find("[3, 4]"), std::string::npos) << what;
  }
  EXPECT_THROW((void)a.matmul(b.transpose(0, 1)), DeviceError);
  EXPECT_THROW((void)a.copy_(b), DeviceError);
  EXPECT_EQ(first, std::vector<float>(12, 1.0F)) << "inputs untouched after the throw";
  EXPECT_EQ(second, std::vector<float>(12, 2.0F)) << "inputs untouched after the throw";
}

TEST(CudaDevices, TensorsMoveBetweenDevicesWithTheirValues) {
  MT_REQUIRE_TWO_GPUS();
  Generator gen(testing::test_seed());
  for (DType dtype : {kFloat32, kFloat64, kInt64, kBool}) {
    Tensor host = (randn({37, 53}, {.dtype = kFloat64}, &gen) * 4.0).to(dtype);
    Tensor on_0 = host.to(Device::cuda(0));
    Tensor on_1 = on_0.to(Device::cuda(1));
    EXPECT_EQ(on_1.device(), Device::cuda(1));
    EXPECT_EQ(on_1.to(Device::cpu()).to_vector(), host.to_vector()) << to_string(dtype);
    // A transposed view is packed on cuda:0 before it crosses.
    Tensor transposed = on_0.transpose(0, 1).to(Device::cuda(1));
    EXPECT_EQ(transposed.to(Device::cpu()).to_vector(),
              host.transpose(0, 1).contiguous().to_vector())
        << to_string(dtype);
    // And back, cuda:1 -> cuda:0.
    EXPECT_EQ(on_1.to(Device::cuda(0)).to(Device::cpu()).to_vector(), host.to_vector());
  }
  // The backend's copy also takes a strided destination on the other device, with a dtype
  // conversion: it lands densely there and is laid out by a copy kernel.
  Tensor host = randn({8, 12}, {.dtype = kFloat64}, &gen);
  Tensor source = host.to(Device::cuda(0));
  Tensor wide = zeros({12, 8}, {.dtype = kFloat32, .device = Device::cuda(1)});
  TensorData target = wide.data().transpose(0, 1);
  backend_for(Device::cuda(1)).copy(source.data(), target);
  EXPECT_EQ(wide.transpose(0, 1).to(Device::cpu()).to_vector(), host.to(kFloat32).to_vector());
}

TEST(CudaDevices, OpsOnTheSecondDeviceMatchTheCpu) {
  MT_REQUIRE_TWO_GPUS();
  Generator gen(testing::test_seed());
  const Device gpu = Device::cuda(1);
  for (DType dtype : {kFloat32, kFloat64}) {
    const double tolerance = dtype == kFloat32 ? 1e-4 : 1e-10;
    Tensor a = randn({65, 70}, {.dtype = dtype}, &gen);
    Tensor b = randn({70, 66}, {.dtype = dtype}, &gen);
    Tensor row = randn({70}, {.dtype = dtype}, &gen);
    Tensor a1 = a.to(gpu);
    Tensor b1 = b.to(gpu);
    Tensor row1 = row.to(gpu);
    EXPECT_EQ((a1 + row1).device(), gpu);
    expect_near_all(a1 + row1, a + row, tolerance);
    expect_near_all(a1.exp(), a.exp(), tolerance);
    expect_near_all((a1 * a1 + a1).tanh(), (a * a + a).tanh(), tolerance);
    expect_near_all(a1.transpose(0, 1).contiguous(), a.transpose(0, 1).contiguous(), 0.0);
    expect_near_all(a1.sum(1), a.sum(1), tolerance * 70);
    expect_near_all(a1.sum(0), a.sum(0), tolerance * 70);
    expect_near_all(a1.sum(), a.sum(), tolerance * 4550);
    expect_near_all(a1.matmul(b1), a.matmul(b), tolerance * 70);
    expect_near_all(a1.narrow(0, 0, 5).matmul(b1.narrow(1, 0, 7)),
                    a.narrow(0, 0, 5).matmul(b.narrow(1, 0, 7)), tolerance * 70);
    Tensor index = tensor({{3, 0, 69}, {1, 1, 2}}, {.dtype = kInt64});
    expect_near_all(gather(a1.narrow(0, 0, 2), 1, index.to(gpu)),
                    gather(a.narrow(0, 0, 2), 1, index), 0.0);
    expect_near_all(full({3, 5}, 2.5, {.dtype = dtype, .device = gpu}),
                    full({3, 5}, 2.5, {.dtype = dtype}), 0.0);
  }
  // A training step's backward pass stays on the device.
  Tensor w = randn({4, 3}, {.device = gpu}, &gen).detach().requires_grad_(true);
  Tensor loss = randn({5, 4}, {.device = gpu}, &gen).matmul(w).relu().sum();
  loss.backward();
  EXPECT_EQ(w.grad().device(), gpu);
}

TEST(CudaDevices, EachDeviceCachesItsOwnBlocks) {
  MT_REQUIRE_TWO_GPUS();
  // 777 floats: a size class no other test here uses.
  const void* freed_on_1 = nullptr;
  {
    Tensor t = empty({777}, {.device = Device::cuda(1)});
    freed_on_1 = t.data().data_ptr();
  }
  Tensor on_0 = empty({777}, {.device = Device::cuda(0)});
  EXPECT_NE(on_0.data().data_ptr(), freed_on_1) << "cuda:1's free block went to cuda:0";
  Tensor again_on_1 = empty({777}, {.device = Device::cuda(1)});
  EXPECT_EQ(again_on_1.data().data_ptr(), freed_on_1) << "cuda:1 reuses its own block";
}

}  // namespace
}  // namespace minitorch
