#include "support/case_gen.h"

#include <algorithm>
#include <numeric>

#include "minitorch/factories.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

double round_to(DType dtype, double v) {
  switch (dtype) {
    case DType::Float32:
      return static_cast<double>(static_cast<float>(v));
    case DType::Float16:
      return cast_value<double>(cast_value<Half>(v));
    case DType::BFloat16:
      return cast_value<double>(cast_value<BFloat16>(v));
    default:
      return v;
  }
}

}  // namespace

std::int64_t CaseGen::uniform_int(std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
}

double CaseGen::uniform(double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng_);
}

bool CaseGen::chance(double p) { return uniform(0.0, 1.0) < p; }

Sizes CaseGen::shape(int max_rank, std::int64_t max_size) {
  auto rank = static_cast<std::size_t>(uniform_int(0, max_rank));
  Sizes out(rank);
  for (auto& size : out) {
    double r = uniform(0.0, 1.0);
    size = r < 0.06 ? 0 : (r < 0.3 ? 1 : uniform_int(2, max_size));
  }
  return out;
}

Sizes CaseGen::broadcastable_to(const Sizes& out) {
  auto drop = static_cast<std::size_t>(
      chance(0.3) ? uniform_int(0, static_cast<std::int64_t>(out.size())) : 0);
  Sizes shape(out.begin() + static_cast<std::ptrdiff_t>(drop), out.end());
  for (auto& size : shape) {
    if (chance(0.3)) {
      size = 1;
    }
  }
  return shape;
}

ValueFn uniform_values(double lo, double hi) {
  return [lo, hi](std::mt19937_64& rng) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
}

Operand CaseGen::contiguous(const Sizes& shape, DType dtype, const ValueFn& values) {
  ValueFn draw = values ? values : uniform_values(-2.0, 2.0);
  NdArray base = NdArray::filled(shape, 0.0);
  for (double& v : base.values) {
    v = round_to(dtype, draw(rng_));
  }
  Tensor t = from_vector(base.values, Shape(shape), {.dtype = dtype});
  return {t, base, "contiguous"};
}

// Builds target <- expand <- permute <- slice <- base, choosing each step at random and
// replaying each on NdArray to get the expected elements.
Operand CaseGen::operand(const Sizes& target, DType dtype, const ValueFn& values) {
  std::string recipe;
  // 1. Expand: some target dims come from size 1, some leading dims are new.
  Sizes pre_expand = target;
  bool expanded = chance(0.3);
  if (expanded) {
    pre_expand = broadcastable_to(target);
    recipe += "expanded ";
  }
  // 2. Permute: pre_expand = permuted_shape.permute(order).
  std::size_t rank = pre_expand.size();
  Sizes order(rank);
  std::iota(order.begin(), order.end(), 0);
  bool permuted = rank > 1 && chance(0.4);
  if (permuted) {
    std::shuffle(order.begin(), order.end(), rng_);
    recipe += "permuted ";
  }
  Sizes permuted_shape(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    permuted_shape[static_cast<std::size_t>(order[i])] = pre_expand[i];
  }
  // 3. Slice: base dims are larger; each dim sliced with a random start and step.
  bool sliced = rank > 0 && chance(0.4);
  Sizes base_shape = permuted_shape;
  Sizes starts(rank, 0);
  Sizes steps(rank, 1);
  if (sliced) {
    recipe += "sliced ";
    for (std::size_t i = 0; i < rank; ++i) {
      steps[i] = uniform_int(1, 3);
      starts[i] = uniform_int(0, 2);
      std::int64_t needed = permuted_shape[i] == 0 ? 0 : (permuted_shape[i] - 1) * steps[i] + 1;
      base_shape[i] = starts[i] + needed + uniform_int(0, 2);
    }
  }
  Operand base = contiguous(base_shape, dtype, values);
  Tensor t = base.tensor;
  NdArray expected = base.expected;
  if (sliced) {
    for (std::size_t i = 0; i < rank; ++i) {
      auto d = static_cast<int>(i);
      std::int64_t length = permuted_shape[i];
      std::int64_t stop = starts[i] + length * steps[i];
      t = t.slice(d, starts[i], stop, steps[i]);
      expected = slice(expected, d, starts[i], length, steps[i]);
    }
  }
  if (permuted) {
    Sizes inverse(rank);
    for (std::size_t i = 0; i < rank; ++i) {
      inverse[i] = order[i];
    }
    t = t.permute(Dims(inverse));
    expected = permute(expected, inverse);
  }
  if (expanded) {
    t = t.expand(Shape(target));
    expected = broadcast_to(expected, target);
  }
  if (recipe.empty()) {
    recipe = "contiguous";
  } else {
    recipe.pop_back();
  }
  return {t, expected, recipe};
}

MatmulOperands CaseGen::matmul_operands(DType dtype, std::int64_t max_dim) {
  MatmulOperands c;
  Sizes batch = shape(3, 3);
  c.m = uniform_int(0, max_dim);
  c.k = uniform_int(0, max_dim);
  c.n = uniform_int(0, max_dim);
  c.a_shape = broadcastable_to(batch);
  c.b_shape = broadcastable_to(batch);
  c.a_shape.insert(c.a_shape.end(), {c.m, c.k});
  c.b_shape.insert(c.b_shape.end(), {c.k, c.n});
  c.a = operand(c.a_shape, dtype);
  c.b = operand(c.b_shape, dtype);
  c.details = std::string(to_string(dtype)) + " " + sizes_string(c.a_shape) + " (" + c.a.recipe +
      ") @ " + sizes_string(c.b_shape) + " (" + c.b.recipe + ")";
  return c;
}

std::string case_note(int index, const std::string& op, const std::string& details,
                      std::uint64_t seed) {
  return "case " + std::to_string(index) + " of " + op + ": " + details + "; " + seed_note(seed);
}

}  // namespace minitorch::testing
