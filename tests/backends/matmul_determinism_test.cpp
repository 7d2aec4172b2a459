// cpu::matmul gives identical bits on the calling thread and on the pool, whatever its size
// (CTest runs this with MINITORCH_NUM_THREADS = 1, 2, 3, 4); gradcheck of batched broadcast
// matmul through cpu::matmul, whose backward reaches the kernel as transposed views, no copies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "backends/backend.h"
#include "backends/cpu/matmul.h"
#include "backends/cpu/parallel.h"
#include "backends/reference/reference_backend.h"
#include "minitorch/autograd.h"
#include "minitorch/backend_registry.h"
#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

TensorData random_data(const Shape& shape, DType dtype, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  TensorData t = TensorData::empty(shape, dtype, Device::cpu());
  dispatch_dtype(dtype, [&](auto v) {
    using T = decltype(v);
    for (std::int64_t i = 0; i < t.numel(); ++i) {
      t.storage_data<T>()[i] = cast_value<T>(dist(rng));
    }
  });
  return t;
}

// Small products run on the caller while the helpers sleep (Note [Waking helpers]); these
// tests want every product on the pool, as before that policy.
class MatmulDeterminism : public ::testing::Test {
 protected:
  void SetUp() override { cpu::set_wake_policy_for_testing(false); }
  void TearDown() override { cpu::set_wake_policy_for_testing(true); }
};

TEST_F(MatmulDeterminism, PoolMatchesCallingThreadBitForBit) {
  struct Shapes {
    Shape a;
    Shape b;
    bool b_transposed;
  };
  const Shapes cases[] = {
      {{301, 257}, {257, 129}, false},  // matmul_packed, edges in every dim
      {{200, 700}, {129, 700}, true},  // packed, F-ordered b
      {{20, 3001}, {3001, 40}, false},  // matmul_direct, long k
      {{200, 10}, {10, 400}, false},  // the notebook's lowL
      {{6, 33, 65}, {1, 65, 31}, false},  // batched, broadcast b
      {{700, 600}, {600, 520}, false},  // several packed blocks along k
      {{200, 1000}, {400, 1000}, true},  // packed split into row or column parts, edge tiles
      {{10, 256}, {256, 256}, true},  // matmul_dot: Linear's x @ W^T
      {{33, 257}, {129, 257}, true},  // matmul_dot, edges in every dim, masked k tail
      {{7, 1001}, {517, 1001}, true},  // matmul_dot, few rows, many column tasks
      {{26, 66000}, {34, 66000}, true},  // packed, cut into k segments (Note [K segments])
      {{27, 65600}, {65600, 3}, false},  // k segments, C-ordered b, one narrow tile
  };
  for (DType dtype : {kFloat32, kFloat64}) {
    std::uint64_t seed = 1;
    for (const Shapes& s : cases) {
      TensorData a = random_data(s.a, dtype, seed++);
      TensorData b = random_data(s.b, dtype, seed++);
      if (s.b_transposed) {
        b = b.transpose(-1, -2);
      }
      Shape batch = a.shape();
      batch.resize(a.ndim() - 2);
      Shape a_full = batch;
      a_full.push_back(a.shape()[a.ndim() - 2]);
      a_full.push_back(a.shape()[a.ndim() - 1]);
      Shape b_full = batch;
      b_full.push_back(b.shape()[b.ndim() - 2]);
      b_full.push_back(b.shape()[b.ndim() - 1]);
      Shape out_shape = batch;
      out_shape.push_back(a.shape()[a.ndim() - 2]);
      out_shape.push_back(b.shape()[b.ndim() - 1]);
      TensorData one = TensorData::empty(out_shape, dtype, Device::cpu());
      TensorData pool = TensorData::empty(out_shape, dtype, Device::cpu());
      cpu::matmul(a.expand(a_full), b.expand(b_full), one, cpu::MatmulOptions{{}, false});
      cpu::matmul(a.expand(a_full), b.expand(b_full), pool, cpu::MatmulOptions{{}, true});
      const auto bytes = static_cast<std::size_t>(one.numel() * element_size(dtype));
      EXPECT_EQ(std::memcmp(one.data_ptr(), pool.data_ptr(), bytes), 0)
          << to_string(dtype) << " " << to_string(s.a) << " @ " << to_string(s.b);
    }
  }
}

// The lecture's fused loop, threaded over output rows (its prange), gives the bits it gives
// on the calling thread: every output keeps its k order.
TEST_F(MatmulDeterminism, StridedLoopOnThePoolMatchesCallingThread) {
  for (DType dtype : {kFloat32, kFloat64}) {
    TensorData a = random_data({97, 130}, dtype, 21).transpose(0, 1);  // [130, 97], F-ordered
    TensorData b = random_data({97, 61}, dtype, 22);
    TensorData one = TensorData::empty({130, 61}, dtype, Device::cpu());
    TensorData pool = TensorData::empty({130, 61}, dtype, Device::cpu());
    const cpu::MatmulPath strided = cpu::MatmulPath::Strided;
    cpu::matmul(a, b, one, cpu::MatmulOptions{strided, false});
    cpu::matmul(a, b, pool, cpu::MatmulOptions{strided, true});
    const auto bytes = static_cast<std::size_t>(one.numel() * element_size(dtype));
    EXPECT_EQ(std::memcmp(one.data_ptr(), pool.data_ptr(), bytes), 0) << to_string(dtype);
  }
}

// Edge tiles run shorter kernel instances (docs/matmul.md, Micro-kernel): a row computed
// alone (m = 1) must have the bits it has inside a full tile, for direct and dot, every ISA.
TEST_F(MatmulDeterminism, TileHeightDoesNotChangeBits) {
  struct Variant {
    const char* isa;
    cpu::MatmulPath path;
    bool b_transposed;
  };
  const Variant variants[] = {
      {"avx512", cpu::MatmulPath::Direct, false}, {"avx512", cpu::MatmulPath::Dot, true},
      {"avx512", cpu::MatmulPath::Packed, false}, {"avx512", cpu::MatmulPath::Packed, true},
      {"avx2", cpu::MatmulPath::Direct, false},   {"avx2", cpu::MatmulPath::Dot, true},
      {"avx2", cpu::MatmulPath::Packed, false}};
  for (DType dtype : {kFloat32, kFloat64}) {
    TensorData a = random_data({13, 301}, dtype, 11);
    for (const Variant& v : variants) {
      if (!cpu::set_matmul_isa(v.isa)) {
        continue;
      }
      TensorData b = v.b_transposed ? random_data({37, 301}, dtype, 12).transpose(0, 1)
                                    : random_data({301, 37}, dtype, 12);
      TensorData all = TensorData::empty({13, 37}, dtype, Device::cpu());
      cpu::matmul(a, b, all, cpu::MatmulOptions{v.path, true});
      const auto row_bytes = static_cast<std::size_t>(37 * element_size(dtype));
      for (std::int64_t i = 0; i < 13; ++i) {
        TensorData row = TensorData::empty({1, 37}, dtype, Device::cpu());
        cpu::matmul(a.slice(0, i, i + 1, 1), b, row, cpu::MatmulOptions{v.path, true});
        const auto* whole = static_cast<const char*>(all.data_ptr()) + i * std::int64_t(row_bytes);
        EXPECT_EQ(std::memcmp(whole, row.data_ptr(), row_bytes), 0)
            << to_string(dtype) << " " << v.isa << " row " << i << " path "
            << static_cast<int>(v.path) << (v.b_transposed ? " F-ordered b" : "");
      }
      // Narrow tiles (one column, one vector) give the same bits as the full-width ones.
      for (std::int64_t j = 0; j < 37; ++j) {
        TensorData col = TensorData::empty({13, 1}, dtype, Device::cpu());
        cpu::matmul(a, b.slice(1, j, j + 1, 1), col, cpu::MatmulOptions{v.path, true});
        for (std::int64_t i = 0; i < 13; ++i) {
          const auto size = static_cast<std::size_t>(element_size(dtype));
          const auto* whole = static_cast<const char*>(all.data_ptr()) +
              (i * 37 + j) * static_cast<std::int64_t>(size);
          const auto* single =
              static_cast<const char*>(col.data_ptr()) + i * static_cast<std::int64_t>(size);
          EXPECT_EQ(std::memcmp(whole, single, size), 0)
              << to_string(dtype) << " " << v.isa << " column " << j << " row " << i << " path "
              << static_cast<int>(v.path);
        }
      }
    }
    cpu::set_matmul_isa("");
  }
}

// The reference backend with matmul replaced by cpu::matmul, counting what reaches it.
class MatmulProbe final : public Backend {
 public:
  int matmuls = 0;
  int strided_operands = 0;
  std::vector<const void*> operand_storages;
  std::string_view name() const override { return "matmul-probe"; }
  void elementwise(const Program& program, DType compute, std::span<const TensorData> inputs,
                   TensorData& out) override {
    reference_backend().elementwise(program, compute, inputs, out);
  }
  void reduce(ReduceOp op, const TensorData& in, int dim, TensorData& out) override {
    reference_backend().reduce(op, in, dim, out);
  }
  void matmul(const TensorData& a, const TensorData& b, TensorData& out) override {
    ++matmuls;
    strided_operands += (a.is_contiguous() ? 0 : 1) + (b.is_contiguous() ? 0 : 1);
    operand_storages.push_back(a.storage().get());
    operand_storages.push_back(b.storage().get());
    cpu::matmul(a, b, out);
  }
  void fill(double value, TensorData& out) override { reference_backend().fill(value, out); }
  void copy(const TensorData& in, TensorData& out) override { reference_backend().copy(in, out); }
  void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out) override {
    reference_backend().gather(in, dim, index, out);
  }
  void scatter_add(const TensorData& src, int dim, const TensorData& index,
                   TensorData& out) override {
    reference_backend().scatter_add(src, dim, index, out);
  }
};

MatmulProbe& probe() {
  static MatmulProbe* instance = [] {
    auto* p = new MatmulProbe();
    register_backend("matmul-probe", DeviceType::CPU, p);
    return p;
  }();
  return *instance;
}

TEST(MatmulGradcheck, BatchedBroadcastMatmulThroughCpuKernel) {
  MatmulProbe& p = probe();
  const std::string previous = backend_name(Device::cpu());
  set_backend("matmul-probe");
  Generator gen(7);
  TensorOptions f64{.dtype = kFloat64};
  Tensor a = (rand({2, 1, 4, 3}, f64, &gen) * 2.0 - 1.0).detach().requires_grad_(true);
  Tensor b =
      (rand({3, 5, 3}, f64, &gen) * 2.0 - 1.0).transpose(-1, -2).detach().requires_grad_(true);
  GradcheckResult result =
      gradcheck([](const std::vector<Tensor>& in) { return in[0].matmul(in[1]); }, {a, b});
  EXPECT_TRUE(result.ok) << result.message;

  // Backward runs g @ b^T and a^T @ g on views of a's and b's own storage (no copies).
  Tensor out = a.matmul(b);
  p.matmuls = 0;
  p.strided_operands = 0;
  p.operand_storages.clear();
  out.sum().backward();
  set_backend(previous);
  EXPECT_EQ(p.matmuls, 2);
  EXPECT_GE(p.strided_operands, 2);
  auto used = [&](const Tensor& t) {
    const void* s = t.data().storage().get();
    return std::find(p.operand_storages.begin(), p.operand_storages.end(), s) !=
        p.operand_storages.end();
  };
  EXPECT_TRUE(used(a)) << "a^T @ g did not reach the kernel as a view of a";
  EXPECT_TRUE(used(b)) << "g @ b^T did not reach the kernel as a view of b";
}

}  // namespace
}  // namespace minitorch
