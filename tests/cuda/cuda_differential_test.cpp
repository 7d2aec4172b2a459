// Differential tests of the CUDA backend against the reference backend: the same CaseGen
// operands (random shapes with size-0/1 dims, sliced, permuted and expanded views, both
// dtypes) go through each primitive on the GPU, with their layouts intact, and on the CPU with
// the reference backend. cuda_cases() cases per primitive and dtype; larger shapes (tiles,
// vectors, split reductions) have their own tests below. The elementwise ops and add_scaled
// are the op table's (op_table_cuda_test.cpp, Note [Op table]).
#include <cmath>
#include <cstdlib>
#include <functional>
#include <vector>

#include "cuda/cuda_test_support.h"
#include "ops/property_support.h"
#include "support/case_gen.h"
#include "support/nd_array.h"

namespace minitorch::testing {
namespace {

NdArray read_back(const Tensor& t) {
  EXPECT_TRUE(t.device().is_cuda());
  return read(t.to(Device::cpu()));
}

// Few ulp apart: CUDA's libdevice and glibc may round transcendental functions differently.
double elementwise_tol(DType dtype) { return dtype == kFloat32 ? 4e-6 : 1e-14; }

ValueFn special_values() {
  return [](std::mt19937_64& rng) -> double {
    double r = std::uniform_real_distribution<double>(0, 1)(rng);
    if (r < 0.05) {
      return std::nan("");
    }
    if (r < 0.1) {
      return r < 0.075 ? INFINITY : -INFINITY;
    }
    return std::uniform_real_distribution<double>(-30, 30)(rng);
  };
}

// Sum or max over a dim, or over everything: |got - want| <= (n + 1) eps sum|x|.
std::string compare_sum(const NdArray& got, const NdArray& want, const NdArray& magnitude,
                        std::int64_t n, DType dtype) {
  if (got.shape != want.shape) {
    return "shape " + sizes_string(got.shape) + " vs " + sizes_string(want.shape);
  }
  double eps = dtype == kFloat32 ? 0x1p-24 : 0x1p-53;
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    double atol = static_cast<double>(n + 1) * eps * magnitude.values[i] + 1e-300;
    if (!close(got.values[i], want.values[i], 2 * eps, atol)) {
      return "element " + std::to_string(i) + ": got " + std::to_string(got.values[i]) +
          ", expected " + std::to_string(want.values[i]);
    }
  }
  return "";
}

TEST(CudaDifferential, ReduceMatchesReference) {
  MT_REQUIRE_CUDA();
  std::uint64_t seed = test_seed();
  // Products of values with |x| in [0.9, 1.1] stay far from overflow and underflow, so the
  // sum's error bound (with the product of |x| as magnitude) applies in any order.
  ValueFn near_one = [](std::mt19937_64& rng) {
    double v = std::uniform_real_distribution<double>(0.9, 1.1)(rng);
    return std::uniform_int_distribution<int>(0, 1)(rng) == 0 ? v : -v;
  };
  static_assert(kReduceOpCount == 3, "add the new reduction below");
  for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Max, ReduceOp::Prod}) {
    for (DType dtype : {kFloat32, kFloat64}) {
      CaseGen gen(seed);
      for (int i = 0; i < cuda_cases(); ++i) {
        Sizes shape = gen.shape();
        bool everything = gen.chance(0.2);
        if (shape.empty()) {
          shape = {gen.uniform_int(1, 4)};
        }
        auto dim = gen.uniform_int(0, static_cast<std::int64_t>(shape.size()) - 1);
        if (op == ReduceOp::Max) {
          for (auto& s : shape) {
            s = s == 0 ? 2 : s;  // max over an empty dim throws (error tests cover it)
          }
        }
        Operand x = gen.operand(shape, dtype,
                                op == ReduceOp::Max        ? special_values()
                                    : op == ReduceOp::Prod ? near_one
                                                           : ValueFn{});
        SCOPED_TRACE(case_note(i, std::string(to_string(op)),
                               dtype_name(dtype) + " " + sizes_string(shape) +
                                   (everything ? " all" : " dim " + std::to_string(dim)) + " " +
                                   x.recipe,
                               seed));
        auto apply = [&](const Tensor& t) {
          if (op == ReduceOp::Sum) {
            return everything ? t.sum() : t.sum(dim, true);
          }
          if (op == ReduceOp::Prod) {
            return everything ? t.prod() : t.prod(dim, true);
          }
          return everything ? t.max() : t.max(dim, true);
        };
        auto magnitude = [&](const Tensor& t) {
          Tensor a = t.abs();
          if (op == ReduceOp::Prod) {
            return everything ? a.prod() : a.prod(dim, true);
          }
          return everything ? a.sum() : a.sum(dim, true);
        };
        NdArray want = read(on_reference([&] { return apply(x.tensor); }));
        NdArray mag = read(on_reference([&] { return magnitude(x.tensor); }));
        NdArray got = read_back(apply(on_cuda(x.tensor)));
        std::int64_t n = everything ? numel_of(shape) : shape[static_cast<std::size_t>(dim)];
        if (op == ReduceOp::Max) {
          ASSERT_EQ(compare(got, want, 0, 0), "");
        } else {
          ASSERT_EQ(compare_sum(got, want, mag, n, dtype), "");
        }
      }
    }
  }
}

TEST(CudaDifferential, MatmulMatchesReference) {
  MT_REQUIRE_CUDA();
  std::uint64_t seed = test_seed();
  for (DType dtype : {kFloat32, kFloat64}) {
    CaseGen gen(seed);
    for (int i = 0; i < cuda_cases(); ++i) {
      MatmulOperands c = gen.matmul_operands(dtype, 9);
      const Operand& a = c.a;
      const Operand& b = c.b;
      const std::int64_t k = c.k;
      SCOPED_TRACE(case_note(i, "matmul", c.details, seed));
      NdArray want = read(on_reference([&] { return a.tensor.matmul(b.tensor); }));
      NdArray mag = read(on_reference([&] { return a.tensor.abs().matmul(b.tensor.abs()); }));
      NdArray got = read_back(on_cuda(a.tensor).matmul(on_cuda(b.tensor)));
      ASSERT_EQ(compare_sum(got, want, mag, k, dtype), "");
    }
  }
}

// copy: contiguous() of every layout, dtype conversion on the device, to(cpu)/to(cuda) of
// strided views, fill_ and copy_ through views.
TEST(CudaDifferential, CopyAndFillMatchReference) {
  MT_REQUIRE_CUDA();
  std::uint64_t seed = test_seed();
  for (DType dtype : {kFloat32, kFloat64}) {
    CaseGen gen(seed);
    DType other = dtype == kFloat32 ? kFloat64 : kFloat32;
    for (int i = 0; i < cuda_cases(); ++i) {
      Sizes shape = gen.shape();
      Operand x = gen.operand(shape, dtype);
      SCOPED_TRACE(case_note(i, "copy",
                             dtype_name(dtype) + " " + sizes_string(shape) + " " + x.recipe, seed));
      Tensor gx = on_cuda(x.tensor);
      ASSERT_EQ(compare(read_back(gx.contiguous()), x.expected, 0, 0), "") << "contiguous";
      ASSERT_EQ(compare(read(gx.to(Device::cpu())), x.expected, 0, 0), "") << "to(cpu)";
      ASSERT_EQ(compare(read_back(x.tensor.to(Device::cuda())), x.expected, 0, 0), "")
          << "to(cuda) of a strided CPU view";
      NdArray converted = read(on_reference([&] { return x.tensor.to(other); }));
      ASSERT_EQ(compare(read_back(gx.to(other)), converted, 0, 0), "") << "to(dtype)";
      // copy_ into a fresh device tensor from a broadcastable strided source, then fill_ a
      // strided view of it.
      Tensor dst = zeros(Shape(shape), {.dtype = other, .device = Device::cuda()});
      dst.copy_(gx);
      ASSERT_EQ(compare(read_back(dst), converted, 0, 0), "") << "copy_";
      if (!shape.empty() && shape[0] > 0) {
        Tensor view = dst.slice(0, 0, shape[0], 2);
        view.fill_(7.0);
        NdArray want = converted;
        for_each_index(want.shape, [&](const Sizes& idx) {
          if (idx[0] % 2 == 0) {
            want.at(idx) = 7.0;
          }
        });
        ASSERT_EQ(compare(read_back(dst), want, 0, 0), "") << "fill_ of a strided view";
      }
    }
  }
}

// ---- Larger shapes: the vectorised, tiled and split paths, sizes off tile boundaries. -------

Tensor random_cuda(const Shape& shape, DType dtype, Generator& gen) {
  return (rand(shape, {.dtype = dtype}, &gen) * 4.0 - 2.0).to(Device::cuda());
}

TEST(CudaDifferential, LargeElementwiseLayouts) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  for (DType dtype : {kFloat32, kFloat64}) {
    for (std::int64_t rows : {1, 33, 513}) {
      for (std::int64_t cols : {7, 31, 1025}) {
        SCOPED_TRACE(dtype_name(dtype) + " [" + std::to_string(rows) + ", " + std::to_string(cols) +
                     "]");
        Tensor a = random_cuda({rows, cols}, dtype, gen);
        Tensor bt = random_cuda({cols, rows}, dtype, gen).transpose(0, 1);
        Tensor row = random_cuda({cols}, dtype, gen);
        Tensor col = random_cuda({rows, 1}, dtype, gen);
        Tensor ca = a.to(Device::cpu());
        Tensor cbt = bt.to(Device::cpu());
        Tensor crow = row.to(Device::cpu());
        Tensor ccol = col.to(Device::cpu());
        auto check = [&](const Tensor& got, const std::function<Tensor()>& want, const char* what) {
          EXPECT_EQ(compare(read_back(got), read(on_reference(want)), elementwise_tol(dtype), 0),
                    "")
              << what;
        };
        check(
            a.exp(), [&] { return ca.exp(); }, "map contiguous");
        check(
            a * bt, [&] { return ca * cbt; }, "zip transposed");
        check(
            bt * bt, [&] { return cbt * cbt; }, "zip both transposed");
        check(
            a + row, [&] { return ca + crow; }, "zip row broadcast");
        check(
            a - col, [&] { return ca - ccol; }, "zip column broadcast");
        check(
            bt.contiguous(), [&] { return cbt.contiguous(); }, "contiguous of a transpose");
        check(
            bt.sigmoid(), [&] { return cbt.sigmoid(); }, "map transposed");
      }
    }
  }
}

TEST(CudaDifferential, LargeReductions) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  for (DType dtype : {kFloat32, kFloat64}) {
    for (Shape shape : {Shape{3, 70001}, Shape{70001, 3}, Shape{257, 4099}, Shape{4099, 257},
                        Shape{2, 1000, 33}, Shape{100003}}) {
      Tensor x = random_cuda(shape, dtype, gen);
      Tensor cx = x.to(Device::cpu());
      for (int dim = -1; dim < shape.size(); ++dim) {
        SCOPED_TRACE(dtype_name(dtype) + " " + to_string(shape) + " dim " + std::to_string(dim));
        Tensor got = dim < 0 ? x.sum() : x.sum(dim, true);
        NdArray want = read(on_reference([&] { return dim < 0 ? cx.sum() : cx.sum(dim, true); }));
        NdArray mag =
            read(on_reference([&] { return dim < 0 ? cx.abs().sum() : cx.abs().sum(dim, true); }));
        std::int64_t n = dim < 0 ? x.numel() : shape[dim];
        EXPECT_EQ(compare_sum(read_back(got), want, mag, n, dtype), "") << "sum";
        Tensor got_max = dim < 0 ? x.max() : x.max(dim, true);
        NdArray want_max =
            read(on_reference([&] { return dim < 0 ? cx.max() : cx.max(dim, true); }));
        EXPECT_EQ(compare(read_back(got_max), want_max, 0, 0), "") << "max";
        if (shape.size() == 2 && dim >= 0) {
          // The same reduction of a transposed input (the kept dim is the unit-stride one).
          Tensor t = x.transpose(0, 1);
          Tensor ct = cx.transpose(0, 1);
          NdArray want_t = read(on_reference([&] { return ct.sum(1 - dim, true); }));
          EXPECT_EQ(compare_sum(read_back(t.sum(1 - dim, true)), want_t,
                                read(on_reference([&] { return ct.abs().sum(1 - dim, true); })), n,
                                dtype),
                    "")
              << "sum of a transpose";
        }
      }
    }
  }
}

TEST(CudaDifferential, LargeMatmulLayouts) {
  MT_REQUIRE_CUDA();
  Generator gen(test_seed());
  struct Dims3 {
    std::int64_t m, k, n;
  };
  // Both block orders of the tiled kernel.
  for (const char* order : {"grouped", "rows"}) {
    SCOPED_TRACE(std::string("MINITORCH_CUDA_MATMUL_ORDER=") + order);
    config::ScopedOverride order_override("MINITORCH_CUDA_MATMUL_ORDER", order);
    for (DType dtype : {kFloat32, kFloat64}) {
      for (Dims3 d : {Dims3{129, 131, 257}, Dims3{256, 64, 128}, Dims3{127, 33, 513},
                      Dims3{300, 1, 65}, Dims3{64, 100, 64}}) {
        for (int layout = 0; layout < 4; ++layout) {
          SCOPED_TRACE(dtype_name(dtype) + " m " + std::to_string(d.m) + " k " +
                       std::to_string(d.k) + " n " + std::to_string(d.n) + " layout " +
                       std::to_string(layout));
          Tensor a = layout & 1 ? random_cuda({d.k, d.m}, dtype, gen).transpose(0, 1)
                                : random_cuda({d.m, d.k}, dtype, gen);
          Tensor b = layout & 2 ? random_cuda({d.n, d.k}, dtype, gen).transpose(0, 1)
                                : random_cuda({d.k, d.n}, dtype, gen);
          Tensor ca = a.to(Device::cpu());
          Tensor cb = b.to(Device::cpu());
          NdArray want = read(on_reference([&] { return ca.matmul(cb); }));
          NdArray mag = read(on_reference([&] { return ca.abs().matmul(cb.abs()); }));
          EXPECT_EQ(compare_sum(read_back(a.matmul(b)), want, mag, d.k, dtype), "");
        }
      }
      // Batched with a broadcast batch dim.
      Tensor a = random_cuda({3, 1, 130, 70}, dtype, gen);
      Tensor b = random_cuda({2, 70, 66}, dtype, gen);
      Tensor ca = a.to(Device::cpu());
      Tensor cb = b.to(Device::cpu());
      NdArray want = read(on_reference([&] { return ca.matmul(cb); }));
      NdArray mag = read(on_reference([&] { return ca.abs().matmul(cb.abs()); }));
      EXPECT_EQ(compare_sum(read_back(a.matmul(b)), want, mag, 70, dtype), "") << "batched";
    }
  }
}

}  // namespace
}  // namespace minitorch::testing
