// Gradcheck rows for convolution, pooling, pad, unfold and embedding (issue 13), appended to the
// table by gradcheck_rows(): stride, padding, dilation and groups combinations at odd sizes.
// Constants are made on the CPU and moved to the leaves' device, so tests/cuda runs them too.
#include "support/gradcheck_rows.h"

namespace minitorch::testing {
namespace {

Tensor values(const Shape& shape, Generator& gen) { return gradcheck_values(shape, gen); }

// A non-contiguous leaf: shape with its last two dims stored transposed.
Tensor transposed_last(Shape shape, Generator& gen) {
  int n = shape.size();
  std::int64_t last = shape[n - 1];
  shape[n - 1] = shape[n - 2];
  shape[n - 2] = last;
  return values(shape, gen).detach().transpose(-1, -2).requires_grad_(true);
}

}  // namespace

std::vector<GradRow> conv_gradcheck_rows() {
  return {
      {"unfold", "overlapping windows of dim 1 of a transposed input",
       [](Generator& g) {
         return Inputs{transposed_last({3, 7}, g)};
       },
       [](const Inputs& in) {
         Tensor w = in[0].unfold(1, 3, 2);
         return w * w;
       }},
      {"pad", "two dims, a nonzero value",
       [](Generator& g) {
         return Inputs{transposed_last({2, 3, 4}, g)};
       },
       [](const Inputs& in) {
         Tensor p = pad(in[0], {1, 2, 0, 1}, 0.5);
         return p * p;
       }},
      {"conv2d", "stride 1, padding 1, bias",
       [](Generator& g) {
         return Inputs{values({2, 3, 5, 4}, g), values({2, 3, 3, 3}, g), values({2}, g)};
       },
       [](const Inputs& in) { return conv2d(in[0], in[1], in[2], 1, 1); }},
      {"conv2d", "stride {2, 3}, padding {1, 2}, dilation {2, 1}, groups 2, odd sizes",
       [](Generator& g) {
         return Inputs{values({1, 4, 7, 9}, g), transposed_last({6, 2, 3, 2}, g), values({6}, g)};
       },
       [](const Inputs& in) {
         return conv2d(in[0], in[1], in[2], {2, 3}, {1, 2}, {2, 1}, 2);
       }},
      {"conv2d", "\"same\", dilation 2, depthwise (groups = channels), no bias",
       [](Generator& g) {
         return Inputs{values({1, 3, 5, 6}, g), values({3, 1, 2, 3}, g)};
       },
       [](const Inputs& in) { return conv2d(in[0], in[1], {}, 1, "same", 2, 3); }},
      {"conv1d", "stride 2, padding 1, dilation 2, groups 2, unbatched",
       [](Generator& g) {
         return Inputs{values({4, 11}, g), values({4, 2, 3}, g), values({4}, g)};
       },
       [](const Inputs& in) { return conv1d(in[0], in[1], in[2], 2, 1, 2, 2); }},
      {"conv1d", "\"same\" with an even kernel",
       [](Generator& g) {
         return Inputs{transposed_last({2, 3, 6}, g), values({2, 3, 4}, g)};
       },
       [](const Inputs& in) { return conv1d(in[0], in[1], {}, 1, "same"); }},
      {"avg_pool2d", "kernel {3, 2}, stride {2, 1}, padding 1",
       [](Generator& g) {
         return Inputs{values({2, 2, 7, 5}, g)};
       },
       [](const Inputs& in) {
         return avg_pool2d(in[0], {3, 2}, Size2{2, 1}, 1);
       }},
      {"max_pool2d", "kernel 2, default stride, odd size",
       [](Generator& g) {
         return Inputs{transposed_last({1, 2, 5, 7}, g)};
       },
       [](const Inputs& in) { return max_pool2d(in[0], 2); }},
      {"max_pool2d", "kernel 3, stride 2, padding 1, dilation {1, 2}, overlapping windows",
       [](Generator& g) {
         return Inputs{values({1, 2, 7, 8}, g)};
       },
       [](const Inputs& in) {
         return max_pool2d(in[0], 3, Size2{2}, 1, {1, 2});
       }},
      {"embedding", "repeated indices in a [2, 3] batch",
       [](Generator& g) {
         return Inputs{values({5, 3}, g)};
       },
       [](const Inputs& in) {
         Tensor ids =
             from_vector(std::vector<std::int64_t>{4, 1, 4, 0, 4, 2}, {2, 3}).to(in[0].device());
         Tensor e = embedding(ids, in[0]);
         return e * e;
       }},
  };
}

}  // namespace minitorch::testing
