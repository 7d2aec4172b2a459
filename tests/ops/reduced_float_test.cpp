// float16 and bfloat16 beyond the op table (Note [Reduced floats], docs/dtypes.md): sums,
// matmul and scatters accumulate in float32 and round once; promotion with the other dtypes;
// gradients through to(); files; printing.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "minitorch/minitorch.h"
#include "minitorch/nn/safetensors.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

constexpr DType kReduced[] = {kFloat16, kBFloat16};

// x rounded to dtype and read back as a double.
double rounded(DType dtype, double x) { return full({}, x, {.dtype = dtype}).item(); }

TEST(ReducedFloat, SumsAccumulateInFloat32) {
  for (DType dtype : kReduced) {
    // Summed in 16 bits, 1 + 1 + ... stalls at 256 (bfloat16) or 2048 (float16).
    Tensor ones = full({4096}, 1.0, {.dtype = dtype});
    EXPECT_EQ(ones.sum().item(), 4096.0) << to_string(dtype);
    EXPECT_EQ(ones.sum().dtype(), dtype);
    Tensor rows = full({3, 3000}, 0.5, {.dtype = dtype});
    EXPECT_EQ(rows.sum(1).to_vector(), std::vector<double>(3, rounded(dtype, 1500.0)));
    EXPECT_EQ(rows.amax(1).to_vector(), std::vector<double>(3, 0.5));
    EXPECT_EQ(rows.mean().item(), 0.5);
  }
}

TEST(ReducedFloat, MatmulIsTheRoundedFloat32Product) {
  for (DType dtype : kReduced) {
    Generator gen(1);
    Tensor a = randn({17, 33}, {}, &gen).to(dtype);
    Tensor b = randn({9, 33}, {}, &gen).to(dtype).transpose(0, 1);
    Tensor got = matmul(a, b);
    ASSERT_EQ(got.dtype(), dtype);
    Tensor want = matmul(a.to(kFloat32), b.to(kFloat32)).to(dtype);
    EXPECT_EQ(got.to_vector(), want.to_vector()) << to_string(dtype);
  }
}

TEST(ReducedFloat, ScattersAddInFloat32) {
  for (DType dtype : kReduced) {
    Tensor index = zeros({600}, {.dtype = kInt64});
    Tensor src = full({600}, 1.0, {.dtype = dtype});
    Tensor out = index_add(zeros({2}, {.dtype = dtype}), 0, index, src);
    EXPECT_EQ(out.to_vector(), (std::vector<double>{600.0, 0.0})) << to_string(dtype);
    Tensor scattered = scatter_add(zeros({2}, {.dtype = dtype}), 0, index, src);
    EXPECT_EQ(scattered.to_vector(), (std::vector<double>{600.0, 0.0}));
    EXPECT_EQ(scattered.dtype(), dtype);
  }
}

TEST(ReducedFloat, Promotion) {
  Tensor h = ones({2}, {.dtype = kFloat16});
  Tensor b = ones({2}, {.dtype = kBFloat16});
  Tensor f = ones({2});
  EXPECT_EQ((h + h).dtype(), kFloat16);
  EXPECT_EQ((h + f).dtype(), kFloat32);
  EXPECT_EQ((b * f).dtype(), kFloat32);
  EXPECT_EQ((h + b).dtype(), kFloat32);
  EXPECT_EQ((b + ones({2}, {.dtype = kInt64})).dtype(), kBFloat16);
  EXPECT_EQ(b.lt(f).dtype(), kBool);
  EXPECT_EQ((b * 3.0).dtype(), kBFloat16);
  testing::expect_error<DTypeError>([&] { (void)(b + ones({2}, {.dtype = kFloat64})); },
                                    {"add", "bfloat16", "float64"});
  EXPECT_EQ(b.to_vector(), (std::vector<double>{1.0, 1.0})) << "inputs untouched";
}

TEST(ReducedFloat, OpsComputeInFloat32AndRoundOnce) {
  for (DType dtype : kReduced) {
    Tensor x = full({1}, 0.3, {.dtype = dtype});
    const float x32 = static_cast<float>(x.item());
    EXPECT_EQ(x.exp().item(), rounded(dtype, static_cast<double>(std::exp(x32))));
    EXPECT_EQ(x.sigmoid().item(),
              rounded(dtype, static_cast<double>(1.0f / (1.0f + std::exp(-x32)))));
  }
}

TEST(ReducedFloat, GradientsFlowThroughConversions) {
  Tensor x = tensor({0.5, -1.25, 2.0}).requires_grad_(true);
  Tensor y = x.to(kBFloat16);
  Tensor loss = (y * y).sum();
  EXPECT_EQ(loss.dtype(), kBFloat16);
  loss.backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().dtype(), kFloat32);
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{1.0, -2.5, 4.0}));
  Tensor w = ones({2, 2}, {.dtype = kFloat16}).requires_grad_(true);
  matmul(w, w).sum().backward();
  EXPECT_EQ(w.grad().dtype(), kFloat16);
  EXPECT_EQ(w.grad().to_vector(), std::vector<double>(4, 4.0));
}

TEST(ReducedFloat, Float16OverflowsAndLogsumexpStaysFinite) {
  Tensor big = full({2}, 60000.0, {.dtype = kFloat16});
  EXPECT_TRUE(std::isinf((big + big).to_vector()[0]));
  Tensor neg_inf = full({3}, -INFINITY, {.dtype = kFloat16});
  EXPECT_EQ(neg_inf.logsumexp(0).item(), -INFINITY);
  Tensor bf = tensor({1e38, 3e38}).to(kBFloat16);
  EXPECT_TRUE(std::isfinite(bf.logsumexp(0).item()));
}

TEST(ReducedFloat, SafetensorsKeepsTheBits) {
  Tensor h = tensor({0.1, -65504.0, 1e-7, NAN}).to(kFloat16);
  Tensor b = tensor({0.1, 3e38, -1e-30, INFINITY}).to(kBFloat16);
  auto bytes = nn::serialize_safetensors({{"h", h}, {"b", b}});
  nn::SafetensorsFile file = nn::load_safetensors(bytes);
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].second.dtype(), kFloat16);
  EXPECT_EQ(file.tensors[1].second.dtype(), kBFloat16);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(file.tensors[0].second.data_ptr<Half>()[i].bits, h.data_ptr<Half>()[i].bits);
    EXPECT_EQ(file.tensors[1].second.data_ptr<BFloat16>()[i].bits, b.data_ptr<BFloat16>()[i].bits);
  }
  const std::string header(reinterpret_cast<const char*>(bytes.data()) + 8, 120);
  EXPECT_NE(header.find("\"F16\""), std::string::npos);
  EXPECT_NE(header.find("\"BF16\""), std::string::npos);
}

TEST(ReducedFloat, RandStaysBelowOne) {
  for (DType dtype : kReduced) {
    Generator gen(3);
    Tensor r = rand({20000}, {.dtype = dtype}, &gen);
    EXPECT_LT(r.amax(0).item(), 1.0) << to_string(dtype);
    EXPECT_GE(-(-r).amax(0).item(), 0.0);
  }
}

TEST(ReducedFloat, PrintsItsDtype) {
  std::string text = tensor({1.5, 2.0}).to(kBFloat16).to_string();
  EXPECT_NE(text.find("bfloat16"), std::string::npos) << text;
  EXPECT_NE(text.find("1.5"), std::string::npos) << text;
}

}  // namespace
}  // namespace minitorch
