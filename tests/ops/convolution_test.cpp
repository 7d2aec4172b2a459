// Convolution, pooling, pad, unfold and embedding: each against a direct loop implementation
// (float64, odd sizes, stride/padding/dilation/groups combinations), on the reference and the
// CPU backends, which must also agree with each other; the unfold view's layout; and the
// typed errors for bad arguments, which leave every input untouched.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch {
namespace {

using testing::expect_error;

constexpr TensorOptions kF64 = {.dtype = kFloat64};

Tensor random(const Shape& shape, Generator& gen) { return rand(shape, kF64, &gen) * 2.0 - 1.0; }

struct ConvCase {
  std::int64_t n, c_in, c_out, h, w, kh, kw;
  std::int64_t sh, sw, ph, pw, dh, dw, groups;
  bool bias;
};

// out[n][o][y][x] = bias[o] + sum over c, i, j of in[n][g*Cg + c][y*sh - ph + i*dh][..] *
// w[o][c][i][j].
Tensor conv2d_loops(const Tensor& input, const Tensor& weight, const Tensor& bias,
                    const ConvCase& c) {
  std::int64_t oh = (c.h + 2 * c.ph - c.dh * (c.kh - 1) - 1) / c.sh + 1;
  std::int64_t ow = (c.w + 2 * c.pw - c.dw * (c.kw - 1) - 1) / c.sw + 1;
  std::vector<double> in = input.contiguous().to_vector();
  std::vector<double> wt = weight.contiguous().to_vector();
  std::vector<double> b = bias.defined() ? bias.to_vector() : std::vector<double>();
  std::int64_t cg = c.c_in / c.groups;
  std::int64_t og = c.c_out / c.groups;
  std::vector<double> out;
  for (std::int64_t n = 0; n < c.n; ++n) {
    for (std::int64_t o = 0; o < c.c_out; ++o) {
      std::int64_t g = o / og;
      for (std::int64_t y = 0; y < oh; ++y) {
        for (std::int64_t x = 0; x < ow; ++x) {
          double sum = b.empty() ? 0.0 : b[static_cast<std::size_t>(o)];
          for (std::int64_t ch = 0; ch < cg; ++ch) {
            for (std::int64_t i = 0; i < c.kh; ++i) {
              for (std::int64_t j = 0; j < c.kw; ++j) {
                std::int64_t yy = y * c.sh - c.ph + i * c.dh;
                std::int64_t xx = x * c.sw - c.pw + j * c.dw;
                if (yy < 0 || yy >= c.h || xx < 0 || xx >= c.w) {
                  continue;
                }
                std::int64_t at = ((n * c.c_in + g * cg + ch) * c.h + yy) * c.w + xx;
                std::int64_t wat = ((o * cg + ch) * c.kh + i) * c.kw + j;
                sum += in[static_cast<std::size_t>(at)] * wt[static_cast<std::size_t>(wat)];
              }
            }
          }
          out.push_back(sum);
        }
      }
    }
  }
  return from_vector(out, {c.n, c.c_out, oh, ow}, kF64);
}

std::string describe(const ConvCase& c) {
  return "n " + std::to_string(c.n) + " c_in " + std::to_string(c.c_in) + " c_out " +
      std::to_string(c.c_out) + " hw " + std::to_string(c.h) + "x" + std::to_string(c.w) + " k " +
      std::to_string(c.kh) + "x" + std::to_string(c.kw) + " stride " + std::to_string(c.sh) + "," +
      std::to_string(c.sw) + " pad " + std::to_string(c.ph) + "," + std::to_string(c.pw) + " dil " +
      std::to_string(c.dh) + "," + std::to_string(c.dw) + " groups " + std::to_string(c.groups);
}

const std::vector<ConvCase>& conv_cases() {
  static const std::vector<ConvCase> cases = {
      {1, 1, 1, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1, 1, false},
      {2, 3, 4, 7, 9, 3, 2, 1, 1, 1, 0, 1, 1, 1, true},
      {3, 4, 6, 8, 7, 3, 3, 2, 3, 1, 2, 1, 1, 2, true},
      {2, 6, 6, 9, 11, 2, 3, 1, 2, 0, 1, 2, 3, 3, true},
      {1, 4, 8, 13, 6, 5, 1, 3, 1, 2, 0, 2, 1, 4, false},
      {2, 2, 3, 1, 31, 1, 4, 1, 5, 0, 3, 1, 2, 1, true},
      {1, 3, 3, 4, 4, 4, 4, 1, 1, 0, 0, 1, 1, 3, true},  // depthwise, kernel = input
  };
  return cases;
}

class ConvolutionBackendTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { set_backend(GetParam()); }
  void TearDown() override { set_backend("cpu"); }
};

TEST_P(ConvolutionBackendTest, Conv2dMatchesLoops) {
  Generator gen(7);
  for (const ConvCase& c : conv_cases()) {
    SCOPED_TRACE(describe(c));
    Tensor x = random({c.n, c.c_in, c.h, c.w}, gen);
    Tensor w = random({c.c_out, c.c_in / c.groups, c.kh, c.kw}, gen);
    Tensor b = c.bias ? random({c.c_out}, gen) : Tensor();
    Tensor got = conv2d(x, w, b, {c.sh, c.sw}, {c.ph, c.pw}, {c.dh, c.dw}, c.groups);
    Tensor want = conv2d_loops(x, w, b, c);
    ASSERT_EQ(got.shape(), want.shape());
    EXPECT_TRUE(got.all_close(want, 1e-12, 1e-12));
    // float32 through the same path.
    Tensor got32 = conv2d(x.to(kFloat32), w.to(kFloat32), c.bias ? b.to(kFloat32) : Tensor(),
                          {c.sh, c.sw}, {c.ph, c.pw}, {c.dh, c.dw}, c.groups);
    EXPECT_TRUE(got32.to(kFloat64).all_close(want, 1e-4, 1e-5));
  }
}

TEST_P(ConvolutionBackendTest, Conv1dIsConv2dOfHeightOne) {
  Generator gen(8);
  Tensor x = random({3, 4, 17}, gen);
  Tensor w = random({6, 2, 3}, gen);
  Tensor b = random({6}, gen);
  Tensor got = conv1d(x, w, b, 2, 1, 3, 2);
  ConvCase c = {3, 4, 6, 1, 17, 1, 3, 1, 2, 0, 1, 1, 3, 2, true};
  Tensor want = conv2d_loops(x.unsqueeze(2), w.unsqueeze(2), b, c).squeeze(2);
  ASSERT_EQ(got.shape(), want.shape());
  EXPECT_TRUE(got.all_close(want, 1e-12, 1e-12));
  // Unbatched input.
  Tensor one = conv1d(x[1], w, b, 2, 1, 3, 2);
  EXPECT_TRUE(one.all_close(want[1], 1e-12, 1e-12));
}

TEST_P(ConvolutionBackendTest, SamePaddingKeepsTheSize) {
  Generator gen(9);
  for (std::int64_t k : {1, 2, 3, 4, 5}) {
    Tensor x = random({2, 3, 10}, gen);
    Tensor w = random({5, 3, k}, gen);
    Tensor got = conv1d(x, w, {}, 1, "same", 2);
    ASSERT_EQ(got.shape(), (Shape{2, 5, 10}));
    // PyTorch puts the odd element of dilation * (k - 1) after: pad (total / 2, rest).
    std::int64_t total = 2 * (k - 1);
    Tensor padded = pad(x, {total / 2, total - total / 2});
    EXPECT_TRUE(got.all_close(conv1d(padded, w, {}, 1, 0, 2), 1e-12, 1e-12));
  }
  Tensor x = random({1, 2, 6, 7}, gen);
  Tensor w = random({3, 2, 3, 2}, gen);
  EXPECT_EQ(conv2d(x, w, {}, 1, ConvPadding::same()).shape(), (Shape{1, 3, 6, 7}));
  EXPECT_EQ(conv2d(x, w, {}, 1, "valid").shape(), (Shape{1, 3, 4, 6}));
}

TEST_P(ConvolutionBackendTest, PoolsMatchLoops) {
  Generator gen(10);
  struct PoolCase {
    std::int64_t h, w, kh, kw, sh, sw, ph, pw, dh, dw;
  };
  for (PoolCase p :
       {PoolCase{7, 9, 2, 2, 2, 2, 0, 0, 1, 1}, PoolCase{8, 5, 3, 2, 1, 2, 1, 1, 1, 1},
        PoolCase{11, 10, 3, 3, 2, 3, 1, 0, 2, 1}, PoolCase{4, 4, 4, 4, 4, 4, 2, 2, 1, 1}}) {
    SCOPED_TRACE("pool " + std::to_string(p.h) + "x" + std::to_string(p.w) + " k " +
                 std::to_string(p.kh) + "x" + std::to_string(p.kw));
    Tensor x = random({2, 3, p.h, p.w}, gen);
    Tensor mx = max_pool2d(x, {p.kh, p.kw}, Size2{p.sh, p.sw}, {p.ph, p.pw}, {p.dh, p.dw});
    std::int64_t oh = (p.h + 2 * p.ph - p.dh * (p.kh - 1) - 1) / p.sh + 1;
    std::int64_t ow = (p.w + 2 * p.pw - p.dw * (p.kw - 1) - 1) / p.sw + 1;
    ASSERT_EQ(mx.shape(), (Shape{2, 3, oh, ow}));
    for (std::int64_t n = 0; n < 2; ++n) {
      for (std::int64_t ch = 0; ch < 3; ++ch) {
        for (std::int64_t y = 0; y < oh; ++y) {
          for (std::int64_t xo = 0; xo < ow; ++xo) {
            double best = -std::numeric_limits<double>::infinity();
            double sum = 0.0;
            for (std::int64_t i = 0; i < p.kh; ++i) {
              for (std::int64_t j = 0; j < p.kw; ++j) {
                std::int64_t yy = y * p.sh - p.ph + i * p.dh;
                std::int64_t xx = xo * p.sw - p.pw + j * p.dw;
                if (yy >= 0 && yy < p.h && xx >= 0 && xx < p.w) {
                  best = std::max(best, x.at({n, ch, yy, xx}));
                  sum += x.at({n, ch, yy, xx});
                }
              }
            }
            EXPECT_EQ(mx.at({n, ch, y, xo}), best);
            if (p.dh == 1 && p.dw == 1) {
              Tensor av = avg_pool2d(x, {p.kh, p.kw}, Size2{p.sh, p.sw}, {p.ph, p.pw});
              EXPECT_NEAR(av.at({n, ch, y, xo}), sum / static_cast<double>(p.kh * p.kw), 1e-12);
            }
          }
        }
      }
    }
  }
}

TEST_P(ConvolutionBackendTest, MaxPoolGradientGoesToTheFirstMaximum) {
  Tensor x = from_vector(std::vector<double>{1, 3, 3, 2, 0, 3, 1, 1, 1}, {1, 1, 3, 3}, kF64);
  x.requires_grad_(true);
  max_pool2d(x, 2, 1).sum().backward();
  // x = [1 3 3 / 2 0 3 / 1 1 1]; windows (row-major): [1 3 / 2 0] -> (0,1); [3 3 / 0 3] -> the
  // first 3, (0,1); [2 0 / 1 1] -> (1,0); [0 3 / 1 1] -> (1,2).
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{0, 2, 0, 1, 0, 1, 0, 0, 0}));
}

TEST_P(ConvolutionBackendTest, EmbeddingSelectsRowsAndAddsGradients) {
  Tensor weight = arange(0, 12, 1, kF64).reshape({4, 3}).detach().requires_grad_(true);
  Tensor ids = from_vector(std::vector<std::int64_t>{3, 1, 3, 0, 3, 2}, {2, 3});
  Tensor out = embedding(ids, weight);
  ASSERT_EQ(out.shape(), (Shape{2, 3, 3}));
  EXPECT_EQ(out[0][0].to_vector(), (std::vector<double>{9, 10, 11}));
  EXPECT_EQ(out[1][2].to_vector(), (std::vector<double>{6, 7, 8}));
  out.sum().backward();
  EXPECT_EQ(weight.grad().sum(1).to_vector(), (std::vector<double>{3, 3, 3, 9}));
}

INSTANTIATE_TEST_SUITE_P(Backends, ConvolutionBackendTest, ::testing::Values("reference", "cpu"));

// The CPU backend against the reference over every conv case, forward and gradients.
TEST(ConvolutionDifferential, CpuMatchesReference) {
  for (const ConvCase& c : conv_cases()) {
    SCOPED_TRACE(describe(c));
    std::vector<std::vector<double>> results[2];
    int slot = 0;
    for (const char* backend : {"reference", "cpu"}) {
      set_backend(backend);
      Generator gen(11);
      Tensor x = random({c.n, c.c_in, c.h, c.w}, gen).requires_grad_(true);
      Tensor w = random({c.c_out, c.c_in / c.groups, c.kh, c.kw}, gen).requires_grad_(true);
      Tensor b = random({c.c_out}, gen).requires_grad_(true);
      Tensor y =
          conv2d(x, w, c.bias ? b : Tensor(), {c.sh, c.sw}, {c.ph, c.pw}, {c.dh, c.dw}, c.groups);
      Tensor pooled = max_pool2d(y, 1) + avg_pool2d(y, 1);
      (pooled * pooled).sum().backward();
      results[slot++] = {y.to_vector(), x.grad().to_vector(), w.grad().to_vector()};
    }
    set_backend("cpu");
    for (std::size_t i = 0; i < results[0].size(); ++i) {
      ASSERT_EQ(results[0][i].size(), results[1][i].size());
      for (std::size_t j = 0; j < results[0][i].size(); ++j) {
        EXPECT_NEAR(results[0][i][j], results[1][i][j], 1e-10) << "result " << i << " at " << j;
      }
    }
  }
}

// Forward and gradients of a float32 conv net are the same bits with 1 and 2 threads.
TEST(ConvolutionDeterminism, SameBitsForAnyThreadCount) {
  std::vector<std::vector<float>> runs[2];
  int slot = 0;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Generator gen(12);
    Tensor x = rand({8, 3, 13, 11}, {}, &gen).requires_grad_(true);
    Tensor w = rand({6, 3, 3, 3}, {}, &gen).requires_grad_(true);
    Tensor y = max_pool2d(conv2d(x, w, {}, 1, 1).relu(), 2);
    (y * y).sum().backward();
    runs[slot++] = {y.to_vector<float>(), x.grad().to_vector<float>(), w.grad().to_vector<float>()};
  }
  set_num_threads(0);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(runs[0][i], runs[1][i]) << "result " << i;
  }
}

TEST(Unfold, IsAStridedViewOfOverlappingWindows) {
  Tensor x = arange(0, 10, 1, kF64);
  Tensor w = x.unfold(0, 3, 2);
  ASSERT_EQ(w.shape(), (Shape{4, 3}));
  EXPECT_EQ(w.strides(), (Strides{2, 1}));
  EXPECT_EQ(w.to_vector(), (std::vector<double>{0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8}));
  EXPECT_EQ(w.data().storage(), x.data().storage());
  // Along an inner dim of a transposed tensor.
  Tensor m = arange(0, 12, 1, kF64).reshape({3, 4}).transpose(0, 1);  // [4, 3]
  Tensor mw = m.unfold(1, 2, 1);
  ASSERT_EQ(mw.shape(), (Shape{4, 2, 2}));
  EXPECT_EQ(mw.at({1, 1, 0}), m.at({1, 1}));
  EXPECT_EQ(mw.at({3, 1, 1}), m.at({3, 2}));
  // Overlapping windows add their gradients.
  Tensor leaf = ones({5}, {.dtype = kFloat64, .requires_grad = true});
  leaf.unfold(0, 3, 1).sum().backward();
  EXPECT_EQ(leaf.grad().to_vector(), (std::vector<double>{1, 2, 3, 2, 1}));
}

TEST(Pad, PadsFromTheLastDimBackwards) {
  Tensor x = ones({2, 3}, kF64);
  Tensor p = pad(x, {1, 2, 0, 1}, -1.0);
  ASSERT_EQ(p.shape(), (Shape{3, 6}));
  EXPECT_EQ(p.sum().item(), 6.0 - 12.0);
  EXPECT_EQ(p.at({0, 0}), -1.0);
  EXPECT_EQ(p.at({1, 3}), 1.0);
  EXPECT_EQ(p.at({2, 3}), -1.0);
  Tensor leaf = x.detach().requires_grad_(true);
  (pad(leaf, {1, 1}) * 3.0).sum().backward();
  EXPECT_EQ(leaf.grad().to_vector(), (std::vector<double>(6, 3.0)));
}

// ---- Errors: typed, naming the op and the shapes; inputs untouched ----------------------

TEST(ConvolutionErrors, BadArgumentsThrowTypedErrors) {
  Generator gen(3);
  Tensor x = random({2, 3, 8, 8}, gen);
  Tensor w = random({4, 3, 3, 3}, gen);
  std::vector<double> x_before = x.to_vector();
  expect_error<ShapeError>(
      [&] {
        conv2d(x, random({4, 2, 3, 3}, gen));
      },
      {"conv2d", "channels", "[2, 3, 8, 8]", "[4, 2, 3, 3]"});
  expect_error<ShapeError>(
      [&] {
        conv2d(x, random({4, 1, 3, 3}, gen), {}, 1, 0, 1, 2);
      },
      {"conv2d", "groups", "[4, 1, 3, 3]"});
  expect_error<ShapeError>(
      [&] {
        conv2d(x, random({4, 3, 9, 3}, gen));
      },
      {"conv2d", "kernel", "padded input 8", "dim 2", "[4, 3, 9, 3]"});
  expect_error<ShapeError>([&] { conv2d(x, w, random({5}, gen)); }, {"conv2d", "bias", "[5]"});
  expect_error<ValueError>([&] { conv2d(x, w, {}, -1); }, {"conv2d", "stride", "[2, 3, 8, 8]"});
  expect_error<ValueError>([&] { conv2d(x, w, {}, 1, -1); }, {"conv2d", "padding", "[-1]"});
  expect_error<ValueError>([&] { conv2d(x, w, {}, 2, "same"); }, {"conv2d", "same", "stride"});
  expect_error<ValueError>([&] { conv2d(x, w, {}, 1, "full"); }, {"padding", "full"});
  expect_error<ShapeError>([&] { conv1d(x, w); }, {"conv1d", "4 dims"});
  expect_error<DTypeError>([&] { conv2d(x, w.to(kFloat32)); }, {"conv2d", "float32"});
  expect_error<ShapeError>([&] { max_pool2d(x, 9); }, {"max_pool2d", "kernel", "[2, 3, 8, 8]"});
  expect_error<ValueError>([&] { max_pool2d(x, 2, Size2{-1}); }, {"max_pool2d", "stride"});
  expect_error<ValueError>([&] { avg_pool2d(x, 2, {}, 2); }, {"avg_pool2d", "padding"});
  expect_error<ValueError>([&] { pad(x, {1}); }, {"pad", "pairs"});
  expect_error<ValueError>([&] { pad(x, {0, -1}); }, {"pad", ">= 0", "dim 3"});
  expect_error<ShapeError>([&] { x.unfold(2, 9, 1); }, {"unfold", "9", "dim 2", "[2, 3, 8, 8]"});
  expect_error<ValueError>([&] { x.unfold(2, 2, 0); }, {"unfold", "step"});
  EXPECT_EQ(x.to_vector(), x_before);

  Tensor table = random({5, 2}, gen);
  Tensor ids = from_vector(std::vector<std::int64_t>{0, 4, 5, 1}, {4});
  expect_error<IndexError>([&] { embedding(ids, table); },
                           {"embedding", "index 5", "[0, 5)", "[4]", "[5, 2]"});
  expect_error<IndexError>(
      [&] { embedding(from_vector(std::vector<std::int64_t>{-1}, {1}), table); },
      {"embedding", "index -1"});
  expect_error<DTypeError>([&] { embedding(ids.to(kFloat64), table); }, {"embedding", "int64"});
}

}  // namespace
}  // namespace minitorch
