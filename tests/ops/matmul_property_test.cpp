// Property tests for matmul: batch dims that broadcast, sizes 0 and 1, operands that are
// transposed, sliced or expanded views, 1-D operands, both dtypes, against triple loops.
#include <cmath>

#include "minitorch/minitorch.h"
#include "ops/property_support.h"

namespace minitorch::testing {
namespace {

class MatmulProperty : public BackendTest {};

TEST_P(MatmulProperty, MatchesTripleLoopWithBroadcastBatches) {
  std::uint64_t seed = test_seed();
  for (DType dtype : {kFloat32, kFloat64}) {
    CaseGen gen(seed);
    for (int i = 0; i < kCasesPerOp; ++i) {
      MatmulOperands c = gen.matmul_operands(dtype, 7);
      const Operand& a = c.a;
      const Operand& b = c.b;
      const Sizes& a_shape = c.a_shape;
      const Sizes& b_shape = c.b_shape;
      const std::int64_t m = c.m;
      const std::int64_t k = c.k;
      const std::int64_t n = c.n;
      SCOPED_TRACE(case_note(i, "matmul", c.details, seed));
      Sizes a_batch(a_shape.begin(), a_shape.end() - 2);
      Sizes b_batch(b_shape.begin(), b_shape.end() - 2);
      Sizes out_shape = broadcast_shape(a_batch, b_batch);
      Sizes a_full = out_shape;
      a_full.insert(a_full.end(), {m, k});
      Sizes b_full = out_shape;
      b_full.insert(b_full.end(), {k, n});
      NdArray wa = broadcast_to(a.expected, a_full);
      NdArray wb = broadcast_to(b.expected, b_full);
      out_shape.insert(out_shape.end(), {m, n});
      NdArray want = NdArray::filled(out_shape, 0);
      NdArray mag = NdArray::filled(out_shape, 0);
      for_each_index(out_shape, [&](const Sizes& idx) {
        Sizes ia = idx;
        Sizes ib = idx;
        long double acc = 0;
        long double abs_acc = 0;
        for (std::int64_t kk = 0; kk < k; ++kk) {
          ia[ia.size() - 1] = kk;
          ib[ib.size() - 2] = kk;
          long double p = static_cast<long double>(wa.at(ia)) * wb.at(ib);
          acc += p;
          abs_acc += std::fabs(p);
        }
        want.at(idx) = static_cast<double>(acc);
        mag.at(idx) = static_cast<double>(abs_acc);
      });
      NdArray got = read(a.tensor.matmul(b.tensor));
      ASSERT_EQ(sizes_string(got.shape), sizes_string(want.shape));
      double eps = dtype == kFloat32 ? 0x1p-24 : 0x1p-53;
      for (std::size_t e = 0; e < want.values.size(); ++e) {
        double tol = static_cast<double>(k + 1) * eps * mag.values[e];
        ASSERT_NEAR(got.values[e], want.values[e], tol) << "element " << e;
      }
      ASSERT_EQ(compare(read(a.tensor), a.expected, 0, 0), "") << "input a changed";
    }
  }
}

TEST_P(MatmulProperty, VectorOperandsFollowNumpy) {
  Tensor v = tensor({1.0, 2.0, 3.0});
  Tensor m = tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}});
  EXPECT_EQ(v.matmul(m).to_vector(), (std::vector<double>{4.0, 5.0}));
  EXPECT_EQ(m.transpose(0, 1).matmul(v).to_vector(), (std::vector<double>{4.0, 5.0}));
  EXPECT_EQ(v.matmul(v).ndim(), 0);
  EXPECT_EQ(v.matmul(v).item(), 14.0);
}

MT_INSTANTIATE_BACKENDS(MatmulProperty);

}  // namespace
}  // namespace minitorch::testing
