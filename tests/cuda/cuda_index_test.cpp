// The CUDA index primitives against the reference backend, bit for bit: the same random
// cases as the CPU's differential suite (size-0/1 dims, sliced, permuted and expanded values
// and indices, repeated indices), moved to the GPU with their layouts intact; scattered sums
// equal the reference's bits (each output element adds in index order, no atomics) and are
// the same on every run; out-of-range device indices throw before anything is written.
// Skipped without a CUDA device.
#include <string>
#include <vector>

#include "cuda/cuda_test_support.h"
#include "support/case_gen.h"
#include "support/expect_error.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

ValueFn int_values(std::int64_t lo, std::int64_t hi) {
  return [lo, hi](std::mt19937_64& rng) {
    return static_cast<double>(std::uniform_int_distribution<std::int64_t>(lo, hi)(rng));
  };
}

std::vector<double> elements(const Tensor& t) {
  return t.to(Device::cpu()).to(kFloat64).contiguous().to_vector();
}

// values: dims, dim, an index of index_shape in range, laid out by CaseGen::operand.
struct Case {
  Operand values;
  int dim = 0;
  Operand index;
  Operand src;
  std::string details;
};

Case random_case(CaseGen& gen, DType dtype, bool one_d_index) {
  Sizes shape = gen.shape(4, 6);
  if (shape.empty()) {
    shape.push_back(gen.uniform_int(1, 4));
  }
  Case c;
  c.dim = static_cast<int>(gen.uniform_int(0, static_cast<std::int64_t>(shape.size()) - 1));
  auto d = static_cast<std::size_t>(c.dim);
  Sizes index_shape = shape;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    index_shape[k] = k == d ? gen.uniform_int(0, 7) : gen.uniform_int(0, shape[k]);
  }
  if (shape[d] == 0) {
    index_shape[d] = 0;
  }
  if (one_d_index) {
    index_shape = {index_shape[d]};
  }
  ValueFn values = dtype == kFloat32 || dtype == kFloat64 ? uniform_values(-3, 3)
                                                          : int_values(0, dtype == kBool ? 1 : 50);
  c.values = gen.operand(shape, dtype, values);
  c.index =
      gen.operand(index_shape, kInt64, int_values(0, std::max<std::int64_t>(shape[d] - 1, 0)));
  Sizes src_shape = index_shape;
  if (one_d_index) {
    src_shape = shape;
    src_shape[d] = index_shape[0];
  }
  c.src = gen.operand(src_shape, dtype, values);
  c.details = std::string(to_string(dtype)) + " " + sizes_string(shape) + " (" + c.values.recipe +
      ") dim " + std::to_string(c.dim) + " index " + sizes_string(index_shape) + " (" +
      c.index.recipe + ")";
  return c;
}

// Runs op on the reference backend and on the GPU (operands moved with their layouts).
template <class Op>
void expect_same_bits(const Case& c, Op op) {
  Tensor want = on_reference([&] { return op(c.values.tensor, c.index.tensor, c.src.tensor); });
  Tensor got = op(on_cuda(c.values.tensor), on_cuda(c.index.tensor), on_cuda(c.src.tensor));
  ASSERT_TRUE(got.device().is_cuda());
  ASSERT_EQ(got.shape(), want.shape());
  EXPECT_EQ(elements(got), elements(want));
}

TEST(CudaIndex, GatherAndIndexSelectMatchReferenceOnEveryDtype) {
  MT_REQUIRE_CUDA();
  std::uint64_t seed = test_seed();
  CaseGen gen(seed);
  for (DType dtype : {kFloat32, kFloat64, kInt64, kBool}) {
    for (int i = 0; i < cuda_cases() / 4; ++i) {
      Case c = random_case(gen, dtype, false);
      SCOPED_TRACE(case_note(i, "gather", c.details, seed));
      expect_same_bits(
          c, [&](const Tensor& v, const Tensor& x, const Tensor&) { return gather(v, c.dim, x); });
      Case s = random_case(gen, dtype, true);
      SCOPED_TRACE(case_note(i, "index_select", s.details, seed));
      expect_same_bits(s, [&](const Tensor& v, const Tensor& x, const Tensor&) {
        return index_select(v, s.dim, x);
      });
    }
  }
}

TEST(CudaIndex, ScatterAddAndIndexAddMatchReferenceBitwise) {
  MT_REQUIRE_CUDA();
  std::uint64_t seed = test_seed();
  CaseGen gen(seed + 1);
  for (DType dtype : {kFloat32, kFloat64}) {
    for (int i = 0; i < cuda_cases() / 4; ++i) {
      Case c = random_case(gen, dtype, false);
      SCOPED_TRACE(case_note(i, "scatter_add", c.details, seed));
      expect_same_bits(c, [&](const Tensor& v, const Tensor& x, const Tensor& src) {
        return scatter_add(v, c.dim, x, src);
      });
      Case s = random_case(gen, dtype, true);
      SCOPED_TRACE(case_note(i, "index_add", s.details, seed));
      expect_same_bits(s, [&](const Tensor& v, const Tensor& x, const Tensor& src) {
        return index_add(v, s.dim, x, src);
      });
    }
  }
}

TEST(CudaIndex, FlipMatchesReference) {
  MT_REQUIRE_CUDA();
  CaseGen gen(test_seed() + 2);
  for (int i = 0; i < 50; ++i) {
    Sizes shape = gen.shape(4, 6);
    Operand a = gen.operand(shape, kFloat32);
    Dims dims;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      if (gen.chance(0.5)) {
        dims.push_back(static_cast<std::int64_t>(d));
      }
    }
    Tensor want = on_reference([&] { return flip(a.tensor, dims); });
    EXPECT_EQ(elements(flip(on_cuda(a.tensor), dims)), elements(want)) << sizes_string(shape);
  }
}

// An embedding-sized backward: 20000 float32 rows with mixed magnitudes onto 50 rows of 300.
TEST(CudaIndex, ScatteredSumsAreTheReferenceBitsOnEveryRun) {
  MT_REQUIRE_CUDA();
  Generator g(test_seed());
  const std::int64_t n = 20000;
  Tensor values = (rand({n, 300}, {}, &g) - 0.5) * (rand({n, 300}, {}, &g) * 8.0).exp();
  Tensor rows = (rand({n}, {.dtype = kFloat64}, &g) * 50.0).to(kInt64);
  Tensor want = on_reference([&] { return index_add(zeros({50, 300}), 0, rows, values); });
  Tensor gpu_values = values.to(Device::cuda());
  Tensor gpu_rows = rows.to(Device::cuda());
  Tensor gpu_zeros = zeros({50, 300}, {.device = Device::cuda()});
  std::vector<double> first = elements(index_add(gpu_zeros, 0, gpu_rows, gpu_values));
  EXPECT_EQ(first, elements(want));
  for (int run = 0; run < 3; ++run) {
    EXPECT_EQ(elements(index_add(gpu_zeros, 0, gpu_rows, gpu_values)), first) << "run " << run;
  }
}

TEST(CudaIndex, OutOfRangeDeviceIndicesThrowBeforeAnythingIsWritten) {
  MT_REQUIRE_CUDA();
  Tensor t = ones({2, 3}, {.device = Device::cuda()});
  Tensor bad = from_vector(std::vector<double>{0, 1, 3, 0}, {4}, {.dtype = kInt64});
  expect_error<IndexError>([&] { index_select(t, 1, bad.to(Device::cuda())); },
                           {"index_select", "index 3", "dim 1", "size 3"});
  Tensor strided_bad = bad.to(Device::cuda()).slice(0, 0, 4, 2);  // [0, 3], non-contiguous
  expect_error<IndexError>(
      [&] {
        index_add(t, 1, strided_bad, ones({2, 2}, {.device = Device::cuda()}));
      },
      {"index_add", "index 3", "size 3"});
  expect_error<DeviceError>([&] { index_select(t, 1, bad); }, {"index_select", "cpu"});
  EXPECT_EQ(elements(t), std::vector<double>(6, 1.0));
}

}  // namespace
}  // namespace minitorch::testing
