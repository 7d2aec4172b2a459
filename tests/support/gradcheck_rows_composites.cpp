// Gradcheck rows for the composites of issue 11 (joins, reductions over several dims, var,
// std, logsumexp, cumsum, softmax), appended to the table by gradcheck_rows().
#include "support/gradcheck_rows.h"

namespace minitorch::testing {
namespace {

Tensor leaf(Tensor t) { return t.detach().requires_grad_(true); }

Tensor values(const Shape& shape, Generator& gen) { return gradcheck_values(shape, gen); }

// The transpose of a [cols, rows] leaf: a non-contiguous input.
Tensor transposed(std::int64_t rows, std::int64_t cols, Generator& gen) {
  return leaf(values({cols, rows}, gen).transpose(0, 1));
}

}  // namespace

std::vector<GradRow> composite_gradcheck_rows() {
  return {
      {"cat", "three parts along dim 1, one transposed, one not requiring grad",
       [](Generator& g) {
         return Inputs{values({3, 2}, g), transposed(3, 4, g), values({3, 1}, g).detach()};
       },
       [](const Inputs& in) {
         return cat({in[0], in[1], in[2]}, 1).exp();
       }},
      {"cat", "the same input twice along dim -2",
       [](Generator& g) {
         return Inputs{values({2, 3}, g)};
       },
       [](const Inputs& in) {
         return cat({in[0], in[0] * 2.0}, -2).tanh();
       }},
      {"stack", "new last dim of transposed inputs",
       [](Generator& g) {
         return Inputs{transposed(2, 3, g), values({2, 3}, g)};
       },
       [](const Inputs& in) {
         return stack({in[0], in[1]}, -1).sigmoid();
       }},
      {"split", "by size and by sizes, each part weighted",
       [](Generator& g) { return Inputs{transposed(5, 3, g)}; },
       [](const Inputs& in) {
         std::vector<Tensor> p = split(in[0], 2);
         std::vector<Tensor> q = split(in[0], {1, 2}, 1);
         return p[0].sum() + p[2].exp().sum() * 2.0 + q[1].tanh().sum() * 3.0;
       }},
      {"chunk", "uneven chunks",
       [](Generator& g) {
         return Inputs{values({2, 7}, g)};
       },
       [](const Inputs& in) {
         std::vector<Tensor> p = chunk(in[0], 3, 1);
         return p[0].exp().sum() + p[2].sum() * 3.0;
       }},
      {"sum", "over dims {0, 2} of a permuted input",
       [](Generator& g) {
         return Inputs{leaf(values({4, 2, 3}, g).permute({1, 2, 0}))};
       },
       [](const Inputs& in) {
         return in[0].sum({0, -1}).exp();
       }},
      {"mean", "over dims {1, 0}, keepdim",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) {
         return in[0].mean({1, 0}, true).exp();
       }},
      {"amax", "over dims {0, 2} and over everything",
       [](Generator& g) {
         return Inputs{values({3, 2, 4}, g)};
       },
       [](const Inputs& in) {
         return in[0].amax({0, 2}) * 2.0 + in[0].amax();
       }},
      {"amin", "over dim 1 of a transposed input, keepdim",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) {
         return in[0].amin(1, true) * 2.0 + in[0].amin({0, 1});
       }},
      {"min", "over dim 0 and over everything",
       [](Generator& g) {
         return Inputs{values({3, 4}, g)};
       },
       [](const Inputs& in) { return in[0].min(0) * 2.0 + in[0].min(); }},
      {"var", "unbiased over dims {0, 2}, population over dim 1",
       [](Generator& g) {
         return Inputs{values({3, 2, 4}, g)};
       },
       [](const Inputs& in) {
         return in[0].var({0, 2}) + in[0].var(1, 0.0).sum();
       }},
      {"var", "over everything of a transposed input, keepdim",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return in[0].var(Dims{}, 1.0, true); }},
      {"std", "over dim 1 and over everything",
       [](Generator& g) { return Inputs{transposed(3, 5, g)}; },
       [](const Inputs& in) { return in[0].std(1) + in[0].std(); }},
      {"logsumexp", "over dims {1, 2} and dim 0, keepdim",
       [](Generator& g) {
         return Inputs{values({2, 3, 4}, g)};
       },
       [](const Inputs& in) {
         return in[0].logsumexp({1, 2}) + in[0].logsumexp(0, true).sum();
       }},
      {"cumsum", "along dim 1 of a transposed input and along dim 0",
       [](Generator& g) { return Inputs{transposed(3, 6, g)}; },
       [](const Inputs& in) { return in[0].cumsum(1) * in[0].cumsum(0); }},
      {"softmax", "along dim 0 of a transposed input",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return in[0].softmax(0) * 3.0; }},
      {"log_softmax", "along dim -1",
       [](Generator& g) {
         return Inputs{values({3, 4}, g)};
       },
       [](const Inputs& in) { return in[0].log_softmax(-1); }},
  };
}

}  // namespace minitorch::testing
