// Gradcheck rows for the arg reductions' values and masked_fill (src/tensor/tensor_argops.cpp),
// appended to the table by gradcheck_rows(). Random values have no ties, so each index is
// stable under the central difference's eps.
#include "support/gradcheck_rows.h"

namespace minitorch::testing {
namespace {

Tensor values(const Shape& shape, Generator& gen) { return gradcheck_values(shape, gen); }

// The transpose of a [cols, rows] leaf: a non-contiguous input.
Tensor transposed(std::int64_t rows, std::int64_t cols, Generator& gen) {
  return values({cols, rows}, gen).detach().transpose(0, 1).requires_grad_(true);
}

}  // namespace

std::vector<GradRow> argops_gradcheck_rows() {
  return {
      {"max_with_indices", "values over dim 1 (keepdim) and dim 0 of a transposed input",
       [](Generator& g) { return Inputs{transposed(3, 5, g)}; },
       [](const Inputs& in) {
         return in[0].max_with_indices(1, true).values * 2.0 +
             in[0].max_with_indices(0).values.sum();
       }},
      {"min_with_indices", "values over dim -1 of a [2, 3, 4] input",
       [](Generator& g) {
         return Inputs{values({2, 3, 4}, g)};
       },
       [](const Inputs& in) { return in[0].min_with_indices(-1).values.exp(); }},
      {"masked_fill", "a broadcast [3, 1] mask over a transposed input",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) {
         Tensor mask =
             from_vector(std::vector<double>{1, 0, 1}, {3, 1}).to(kBool).to(in[0].device());
         return in[0].masked_fill(mask, 0.5) * in[0];
       }},
  };
}

}  // namespace minitorch::testing
