// Differential tests of cpu::matmul against the reference backend: seeded cases with sizes
// 0, 1, primes and sizes off the tile boundaries, broadcast batches, C/F-ordered, sliced and
// transposed operands and outputs, both dtypes. Bound (docs/matmul.md): per element
// |cpu - reference| <= 2 (k + 2) u sum_p |a_ip b_pj|, u the dtype's unit roundoff.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/cpu/matmul.h"
#include "backends/reference/reference_backend.h"
#include "minitorch/layout.h"
#include "minitorch/tensor_data.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

using Rng = std::mt19937_64;

std::int64_t pick(Rng& rng, const std::vector<std::int64_t>& sizes) {
  std::uniform_int_distribution<std::size_t> dist(0, sizes.size() - 1);
  return sizes[dist(rng)];
}

// Fills every storage element (padding included) with values in [-1, 1).
TensorData random_storage(const Shape& shape, DType dtype, Rng& rng) {
  TensorData t = TensorData::empty(shape, dtype, Device::cpu());
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  dispatch_dtype(dtype, [&](auto v) {
    using T = decltype(v);
    T* p = t.storage_data<T>();
    for (std::int64_t i = 0; i < t.numel(); ++i) {
      p[i] = cast_value<T>(dist(rng));
    }
  });
  return t;
}

// A [batch..., rows, cols] operand laid out as layout says: "C", "F" (transpose of a
// contiguous [cols, rows]), "sliced" (offset and step 2 in both matrix dims), "batch-last"
// (batch dims innermost in memory). Batch dims in `broadcast` are expanded from size 1.
TensorData make_operand(const Shape& batch, std::int64_t rows, std::int64_t cols,
                        const std::string& layout, const std::vector<bool>& broadcast, DType dtype,
                        Rng& rng) {
  Shape base_batch = batch;
  for (int d = 0; d < batch.size(); ++d) {
    if (broadcast[static_cast<std::size_t>(d)]) {
      base_batch[d] = 1;
    }
  }
  const int nb = batch.size();
  TensorData t;
  if (layout == "C") {
    Shape s = base_batch;
    s.push_back(rows);
    s.push_back(cols);
    t = random_storage(s, dtype, rng);
  } else if (layout == "F") {
    Shape s = base_batch;
    s.push_back(cols);
    s.push_back(rows);
    t = random_storage(s, dtype, rng).transpose(nb, nb + 1);
  } else if (layout == "sliced") {
    Shape s = base_batch;
    s.push_back(2 * rows + 1);
    s.push_back(2 * cols + 3);
    t = random_storage(s, dtype, rng)
            .slice(nb, 1, 2 * rows + 1, 2)
            .slice(nb + 1, 3, 2 * cols + 3, 2);
  } else {  // batch-last: memory order [rows, cols, batch...]
    Shape s;
    s.push_back(rows);
    s.push_back(cols);
    for (int d = 0; d < nb; ++d) {
      s.push_back(base_batch[d]);
    }
    Dims order;
    for (int d = 0; d < nb; ++d) {
      order.push_back(d + 2);
    }
    order.push_back(0);
    order.push_back(1);
    t = random_storage(s, dtype, rng).permute(order);
  }
  Shape full = batch;
  full.push_back(rows);
  full.push_back(cols);
  return t.expand(full);
}

double element(const TensorData& t, const Index& idx) {
  return dispatch_dtype(t.dtype(), [&](auto v) {
    using T = decltype(v);
    return static_cast<double>(
        t.storage_data<T>()[t.offset() + index_to_position(idx, t.strides())]);
  });
}

struct Case {
  std::string note;
  TensorData a;
  TensorData b;
  TensorData out;
};

Case make_case(Rng& rng, DType dtype, int index) {
  static const std::vector<std::int64_t> kSizes = {0,  1,  2,  3,  4,   5,   7,  8,  13,
                                                   16, 17, 24, 31, 32,  33,  47, 48, 63,
                                                   64, 65, 96, 97, 127, 128, 129};
  static const std::vector<std::string> kLayouts = {"C", "F", "sliced", "batch-last"};
  std::int64_t m = pick(rng, kSizes);
  std::int64_t k = pick(rng, kSizes);
  std::int64_t n = pick(rng, kSizes);
  if (index % 23 == 5) {  // one long dim beyond the cache blocks, the others small
    std::int64_t big = pick(rng, {257, 513});
    std::int64_t which = pick(rng, {0, 1, 2});
    m = which == 0 ? big : std::min<std::int64_t>(m, 9);
    k = which == 1 ? big : std::min<std::int64_t>(k, 9);
    n = which == 2 ? big : std::min<std::int64_t>(n, 9);
  }
  while (m * k * n > 400000) {  // keeps the reference loop quick
    m = (m + 1) / 2;
  }
  Shape batch;
  const std::int64_t rank = pick(rng, {0, 0, 1, 1, 2, 3});
  for (std::int64_t d = 0; d < rank; ++d) {
    batch.push_back(pick(rng, {1, 2, 3}));
  }
  std::vector<bool> a_bcast;
  std::vector<bool> b_bcast;
  for (std::int64_t d = 0; d < rank; ++d) {
    a_bcast.push_back(pick(rng, {0, 0, 1}) == 1);
    b_bcast.push_back(pick(rng, {0, 0, 1}) == 1);
  }
  std::string la = kLayouts[static_cast<std::size_t>(pick(rng, {0, 1, 2, 3}))];
  std::string lb = kLayouts[static_cast<std::size_t>(pick(rng, {0, 1, 2, 3}))];
  std::string lo = pick(rng, {0, 0, 0, 1}) == 1 ? "F" : "C";
  Case c;
  c.a = make_operand(batch, m, k, la, a_bcast, dtype, rng);
  c.b = make_operand(batch, k, n, lb, b_bcast, dtype, rng);
  c.out =
      make_operand(batch, m, n, lo,
                   std::vector<bool>(static_cast<std::size_t>(batch.size()), false), dtype, rng);
  c.note = "case " + std::to_string(index) + " " + std::string(to_string(dtype)) + " batch " +
      to_string(batch) + " m=" + std::to_string(m) + " k=" + std::to_string(k) +
      " n=" + std::to_string(n) + " a " + la + " b " + lb + " out " + lo;
  return c;
}

// Compares got with want element by element within the documented bound; returns the
// number of mismatches and prints the first.
int count_mismatches(const Case& c, const TensorData& got, const TensorData& want) {
  const int nd = got.ndim();
  const std::int64_t k = c.a.shape()[nd - 1];
  const double u = got.dtype() == kFloat32 ? 0x1p-24 : 0x1p-53;
  int bad = 0;
  Index idx;
  for (std::int64_t i = 0; i < got.numel(); ++i) {
    to_index(i, got.shape(), idx);
    Index ia = idx;
    Index ib = idx;
    double mag = 0;
    for (std::int64_t p = 0; p < k; ++p) {
      ia[nd - 1] = p;
      ib[nd - 2] = p;
      mag += std::fabs(element(c.a, ia) * element(c.b, ib));
    }
    const double tol = 2.0 * static_cast<double>(k + 2) * u * mag;
    const double g = element(got, idx);
    const double w = element(want, idx);
    if (!(std::fabs(g - w) <= tol)) {
      if (bad == 0) {
        ADD_FAILURE() << c.note << ": element " << to_string(idx) << " got " << g << " want " << w
                      << " (tolerance " << tol << ")";
      }
      ++bad;
    }
  }
  return bad;
}

struct Variant {
  const char* isa;
  cpu::MatmulPath path;
  const char* name;
};

// Every algorithm on every instruction set this CPU has; the strided loop needs no ISA.
std::vector<Variant> variants() {
  std::vector<Variant> out;
  for (const char* isa : {"avx512", "avx2"}) {
    if (!cpu::set_matmul_isa(isa)) {
      continue;
    }
    out.push_back({isa, cpu::MatmulPath::Auto, "auto"});
    out.push_back({isa, cpu::MatmulPath::Packed, "packed"});
    out.push_back({isa, cpu::MatmulPath::Direct, "direct"});
    out.push_back({isa, cpu::MatmulPath::Dot, "dot"});
  }
  out.push_back({"scalar", cpu::MatmulPath::Strided, "strided"});
  cpu::set_matmul_isa("");
  return out;
}

TEST(MatmulDifferential, MatchesReferenceOnSeededCases) {
  const std::uint64_t seed = testing::test_seed();
  SCOPED_TRACE(testing::seed_note(seed));
  const std::vector<Variant> all = variants();
  int cases = 0;
  int mismatches = 0;
  int nonzero_outputs = 0;
  for (DType dtype : {kFloat32, kFloat64}) {
    Rng rng(seed + (dtype == kFloat32 ? 0 : 1));
    for (int i = 0; i < 170; ++i) {
      Case c = make_case(rng, dtype, i);
      TensorData want = TensorData::empty(c.out.shape(), dtype, Device::cpu());
      reference_backend().matmul(c.a, c.b, want);
      for (const Variant& v : all) {
        ASSERT_TRUE(cpu::set_matmul_isa(v.isa));
        Case run = c;
        run.note = c.note + " [" + v.isa + " " + v.name + "]";
        cpu::matmul(c.a, c.b, c.out, cpu::MatmulOptions{v.path, true});
        mismatches += count_mismatches(run, c.out, want);
      }
      cpu::set_matmul_isa("");
      bool any_nonzero = false;
      Index idx;
      for (std::int64_t e = 0; e < c.out.numel() && !any_nonzero; ++e) {
        to_index(e, c.out.shape(), idx);
        any_nonzero = element(c.out, idx) != 0.0;
      }
      nonzero_outputs += any_nonzero ? 1 : 0;
      ++cases;
    }
  }
  EXPECT_GE(cases, 300);
  EXPECT_GE(all.size(), 4u);
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(nonzero_outputs, cases / 2) << "results are suspiciously all zero";
}

// matmul_dot (Note [Dot path]): C-ordered a @ F-ordered b with sizes off the dot tiles
// (4 x 4 avx512, 3 x 3 avx2) and k off the vector width (16/8 avx512, 8/4 avx2), on every
// ISA; auto must pick it for small m once k fills a vector.
TEST(MatmulDifferential, DotPathOnFOrderedB) {
  const std::uint64_t seed = testing::test_seed();
  SCOPED_TRACE(testing::seed_note(seed));
  const std::vector<Variant> all = variants();
  Rng rng(seed + 2);
  int mismatches = 0;
  int dot_runs = 0;
  for (DType dtype : {kFloat32, kFloat64}) {
    for (std::int64_t m : {1, 3, 7, 17, 31, 33}) {
      for (std::int64_t k : {1, 3, 7, 8, 15, 16, 17, 31, 33, 100, 257}) {
        for (std::int64_t n : {1, 3, 7, 17, 33}) {
          Case c;
          c.a = make_operand({}, m, k, "C", {}, dtype, rng);
          c.b = make_operand({}, k, n, "F", {}, dtype, rng);
          c.out = make_operand({}, m, n, "C", {}, dtype, rng);
          TensorData want = TensorData::empty(c.out.shape(), dtype, Device::cpu());
          reference_backend().matmul(c.a, c.b, want);
          for (const Variant& v : all) {
            if (v.path != cpu::MatmulPath::Dot && v.path != cpu::MatmulPath::Auto &&
                v.path != cpu::MatmulPath::Strided) {
              continue;
            }
            ASSERT_TRUE(cpu::set_matmul_isa(v.isa));
            Case run = c;
            run.note = std::string(to_string(dtype)) + " m=" + std::to_string(m) +
                " k=" + std::to_string(k) + " n=" + std::to_string(n) + " [" + v.isa + " " +
                v.name + "]";
            cpu::matmul(c.a, c.b, c.out, cpu::MatmulOptions{v.path, true});
            const std::string_view path = primitive_report().path;
            if (v.path == cpu::MatmulPath::Dot && n > 1 && k > 1) {
              EXPECT_EQ(path, "matmul_dot") << run.note;
            }
            if (v.path == cpu::MatmulPath::Auto && n > 1 && m <= 7 && k >= 16) {
              EXPECT_EQ(path, "matmul_dot") << run.note;
            }
            dot_runs += path == "matmul_dot" ? 1 : 0;
            mismatches += count_mismatches(run, c.out, want);
          }
          cpu::set_matmul_isa("");
        }
      }
    }
  }
  // A batch of small matrices goes one matrix per task; the report names their path.
  for (DType dtype : {kFloat32, kFloat64}) {
    TensorData a = make_operand({4}, 10, 256, "C", {false}, dtype, rng);
    TensorData b = make_operand({4}, 256, 32, "F", {false}, dtype, rng);
    TensorData out = TensorData::empty({4, 10, 32}, dtype, Device::cpu());
    cpu::matmul(a, b, out);
    EXPECT_EQ(primitive_report().path, "matmul_dot") << to_string(dtype) << " batched";
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(dot_runs, 600);
}

// Note [K segments]: with k >= 65536 and k >= 64 max(m, n) the packed path cuts k into
// segments whose partial products are added at the end; still within the bound, every ISA.
TEST(MatmulDifferential, LongKSegmentsStayWithinTheBound) {
  const std::uint64_t seed = testing::test_seed();
  SCOPED_TRACE(testing::seed_note(seed));
  const std::vector<Variant> all = variants();
  Rng rng(seed + 3);
  int mismatches = 0;
  int packed_runs = 0;
  for (DType dtype : {kFloat32, kFloat64}) {
    for (const char* b_layout : {"C", "F"}) {
      Case c;
      c.a = make_operand({}, 26, 66000, "C", {}, dtype, rng);
      c.b = make_operand({}, 66000, 3, b_layout, {}, dtype, rng);
      c.out = make_operand({}, 26, 3, "C", {}, dtype, rng);
      TensorData want = TensorData::empty(c.out.shape(), dtype, Device::cpu());
      reference_backend().matmul(c.a, c.b, want);
      for (const Variant& v : all) {
        if (v.path != cpu::MatmulPath::Packed && v.path != cpu::MatmulPath::Auto) {
          continue;
        }
        ASSERT_TRUE(cpu::set_matmul_isa(v.isa));
        Case run = c;
        run.note = std::string(to_string(dtype)) + " 26 x 66000 @ 66000 x 3, b " + b_layout + " [" +
            v.isa + " " + v.name + "]";
        cpu::matmul(c.a, c.b, c.out, cpu::MatmulOptions{v.path, true});
        packed_runs += primitive_report().path == "matmul_packed" ? 1 : 0;
        mismatches += count_mismatches(run, c.out, want);
      }
      cpu::set_matmul_isa("");
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GE(packed_runs, 4);
}

TEST(MatmulDifferential, ZeroInnerSizeGivesZeros) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Rng rng(7);
    TensorData a = random_storage({2, 3, 0}, dtype, rng);
    TensorData b = random_storage({2, 0, 4}, dtype, rng);
    TensorData out = random_storage({2, 3, 4}, dtype, rng);
    cpu::matmul(a, b, out);
    Index idx;
    for (std::int64_t e = 0; e < out.numel(); ++e) {
      to_index(e, out.shape(), idx);
      EXPECT_EQ(element(out, idx), 0.0);
    }
  }
}

}  // namespace
}  // namespace minitorch
