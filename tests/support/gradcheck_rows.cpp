// The gradcheck table shared by tests/autograd and tests/cuda. See gradcheck_rows.h.
#include "support/gradcheck_rows.h"

namespace minitorch::testing {
namespace {

constexpr TensorOptions kF64 = {.dtype = kFloat64};

Tensor leaf(Tensor t) { return t.detach().requires_grad_(true); }

// Values in [lo, hi) with |x| >= 0.1 so kinks (relu, abs) stay out of the eps-ball.
Tensor values(const Shape& shape, Generator& gen, double lo = -2.0, double hi = 2.0) {
  Tensor t = rand(shape, kF64, &gen) * (hi - lo) + lo;
  Tensor near_zero = t.abs().lt(0.1);
  return leaf(t + near_zero.to(kFloat64) * 0.3);
}

// A non-contiguous leaf: the transpose of a [cols, rows] tensor.
Tensor transposed(std::int64_t rows, std::int64_t cols, Generator& gen, double lo = -2.0,
                  double hi = 2.0) {
  return leaf(values({cols, rows}, gen, lo, hi).transpose(0, 1));
}

// A sliced leaf with an offset and step 2.
Tensor strided(std::int64_t rows, std::int64_t cols, Generator& gen) {
  return leaf(values({rows * 2 + 1, cols}, gen).slice(0, 1, rows * 2 + 1, 2));
}

}  // namespace

std::vector<GradRow> gradcheck_rows() {
  // Each elementwise op's own cases are the op table's (tests/ops/op_table_suite.cpp); these
  // rows cover the scalar-operand overloads.
  std::vector<GradRow> rows = {
      {"clamp", "both bounds, one bound", [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) {
         return clamp(in[0], -1.05, 0.95) + clamp(in[0], 0.35, std::nullopt) * 2.0 +
             clamp(in[0], std::nullopt, -0.45);
       }},
      {"leaky_relu", "default and 0.3 slopes",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return leaky_relu(in[0]) + leaky_relu(in[0], 0.3); }},
      {"gelu", "transposed", [](Generator& g) { return Inputs{transposed(3, 4, g, -3, 3)}; },
       [](const Inputs& in) { return gelu(in[0]); }},
      {"silu", "transposed", [](Generator& g) { return Inputs{transposed(3, 4, g, -3, 3)}; },
       [](const Inputs& in) { return silu(in[0]); }},
      {"pow", "scalar exponent, strided",
       [](Generator& g) { return Inputs{leaf(strided(3, 2, g).abs() + 0.2)}; },
       [](const Inputs& in) { return in[0].pow(1.7); }},
      {"add", "scalar operands on both sides",
       [](Generator& g) { return Inputs{transposed(2, 3, g)}; },
       [](const Inputs& in) { return (2.0 - in[0]) * 3.0 + 1.0 / (in[0] * in[0] + 1.0); }},
      {"sum", "over dim 0 of a transposed input",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return in[0].sum(0); }},
      {"sum", "over everything, keepdim over -1",
       [](Generator& g) { return Inputs{strided(3, 4, g)}; },
       [](const Inputs& in) { return in[0].sum() + in[0].sum(-1, true).sum(); }},
      {"mean", "over dim 1 and everything",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return in[0].mean(1) * in[0].mean(); }},
      {"max", "over dim 1 and everything", [](Generator& g) { return Inputs{transposed(3, 5, g)}; },
       [](const Inputs& in) { return in[0].max(1, true) * 2.0 + in[0].max(); }},
      {"prod", "over dim 1 of a transposed input and everything",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return in[0].prod(1, true) * 2.0 + in[0].prod(); }},
      {"prod", "rows with no, one and two zeros (the product of the others)",
       [](Generator&) {
         return Inputs{leaf(from_vector(
             std::vector<double>{1.5, -0.7, 2.0, 0.0, 1.3, -0.4, 0.0, 0.9, 0.0}, {3, 3}, kF64))};
       },
       [](const Inputs& in) { return in[0].prod(1) + in[0].transpose(0, 1).prod(0) * 0.5; }},
      {"matmul", "batched with broadcast batch dims, transposed operand",
       [](Generator& g) {
         return Inputs{values({2, 1, 3, 4}, g), leaf(values({3, 2, 4}, g).transpose(1, 2))};
       },
       [](const Inputs& in) { return in[0].matmul(in[1]); }},
      {"matmul", "F-ordered left operand (a transposed view)",
       [](Generator& g) {
         return Inputs{transposed(3, 4, g), values({4, 2}, g)};
       },
       [](const Inputs& in) { return in[0].matmul(in[1]); }},
      {"matmul", "vector @ matrix and matrix @ vector",
       [](Generator& g) {
         return Inputs{values({3}, g), values({3, 4}, g), values({4}, g)};
       },
       [](const Inputs& in) { return in[0].matmul(in[1]) + in[1].matmul(in[2]).sum(); }},
      {"matmul", "sizes past one tile (5 x 70 @ transposed 70 x 66)",
       [](Generator& g) {
         return Inputs{values({5, 70}, g), transposed(70, 66, g)};
       },
       [](const Inputs& in) { return in[0].matmul(in[1]); }},
      {"permute", "rank 3",
       [](Generator& g) {
         return Inputs{values({2, 3, 4}, g)};
       },
       [](const Inputs& in) {
         return in[0].permute({2, 0, 1}) * 1.5;
       }},
      {"transpose", "",
       [](Generator& g) {
         return Inputs{values({2, 3}, g)};
       },
       [](const Inputs& in) { return in[0].transpose(0, 1).exp(); }},
      {"view", "",
       [](Generator& g) {
         return Inputs{values({2, 6}, g)};
       },
       [](const Inputs& in) {
         return in[0].view({3, -1}) * in[0].view({3, 4});
       }},
      {"reshape", "of a non-contiguous input (copies)",
       [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) {
         return in[0].reshape({2, 6}).exp();
       }},
      {"expand", "",
       [](Generator& g) {
         return Inputs{values({3, 1}, g)};
       },
       [](const Inputs& in) {
         return in[0].expand({2, 3, 4}) * 1.0;
       }},
      {"slice", "step 2 with offset",
       [](Generator& g) {
         return Inputs{values({7, 3}, g)};
       },
       [](const Inputs& in) { return in[0].slice(0, 1, 7, 2).exp(); }},
      {"narrow", "",
       [](Generator& g) {
         return Inputs{values({3, 5}, g)};
       },
       [](const Inputs& in) { return in[0].narrow(1, 1, 3) * 2.0; }},
      {"select", "negative index",
       [](Generator& g) {
         return Inputs{values({3, 4}, g)};
       },
       [](const Inputs& in) { return in[0].select(1, -1) + in[0][0].sum(); }},
      {"squeeze", "",
       [](Generator& g) {
         return Inputs{values({3, 1, 2}, g)};
       },
       [](const Inputs& in) { return in[0].squeeze() * in[0].squeeze(1); }},
      {"unsqueeze", "",
       [](Generator& g) {
         return Inputs{values({3, 2}, g)};
       },
       [](const Inputs& in) { return in[0].unsqueeze(1) * in[0].unsqueeze(-1); }},
      {"flatten", "", [](Generator& g) { return Inputs{transposed(2, 3, g)}; },
       [](const Inputs& in) { return in[0].flatten().tanh(); }},
      {"contiguous", "", [](Generator& g) { return Inputs{transposed(2, 3, g)}; },
       [](const Inputs& in) { return in[0].contiguous() * 2.0; }},
      {"clone", "",
       [](Generator& g) {
         return Inputs{values({2, 3}, g)};
       },
       [](const Inputs& in) { return in[0].clone().sigmoid(); }},
      // A float32 hop rounds x to 24 bits, far coarser than eps = 1e-6, so this one case
      // uses eps = 1e-2 (exact for this linear function up to float32 rounding).
      {"to_dtype",
       "float64 -> float32 -> float64 keeps the gradient",
       [](Generator& g) {
         return Inputs{values({2, 3}, g)};
       },
       [](const Inputs& in) { return in[0].to(kFloat32).to(kFloat64) * 3.0; },
       {.eps = 1e-2, .atol = 1e-5, .rtol = 1e-3}},
  };
  for (GradRow& row : composite_gradcheck_rows()) {
    rows.push_back(std::move(row));
  }
  for (GradRow& row : argops_gradcheck_rows()) {
    rows.push_back(std::move(row));
  }
  for (GradRow& row : conv_gradcheck_rows()) {
    rows.push_back(std::move(row));
  }
  return rows;
}

Tensor gradcheck_values(const Shape& shape, Generator& gen, double lo, double hi) {
  return values(shape, gen, lo, hi);
}

}  // namespace minitorch::testing
