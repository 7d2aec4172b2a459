// Random test cases: shapes of rank 0-5 with size-0 and size-1 dims, and operands laid out
// as contiguous, sliced (offset, step > 1), permuted and expanded views of a random base.
// Each Operand carries the NdArray its elements should equal, built by replaying the same
// view steps on NdArray (plain loops), and a recipe that says how it was made.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "minitorch/tensor.h"
#include "support/nd_array.h"

namespace minitorch::testing {

struct Operand {
  Tensor tensor;
  NdArray expected;
  std::string recipe;
};

/// a [batch_a..., m, k] @ b [batch_b..., k, n] with batch dims that broadcast.
struct MatmulOperands {
  Operand a;
  Operand b;
  Sizes a_shape;
  Sizes b_shape;
  std::int64_t m = 0;
  std::int64_t k = 0;
  std::int64_t n = 0;
  std::string details;  ///< "float32 [2, 3, 4] (recipe) @ [4, 5] (recipe)" for case_note
};

/// Draws base element values.
using ValueFn = std::function<double(std::mt19937_64&)>;

class CaseGen {
 public:
  explicit CaseGen(std::uint64_t seed) : rng_(seed) {}

  std::mt19937_64& rng() { return rng_; }
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);  // inclusive
  double uniform(double lo, double hi);
  bool chance(double p);

  /// A shape of rank 0..max_rank; each size is 0 (rarely), 1 (often) or up to max_size.
  Sizes shape(int max_rank = 5, std::int64_t max_size = 5);
  /// A shape that broadcasts to out: some dims set to 1, some leading dims dropped.
  Sizes broadcastable_to(const Sizes& out);

  /// An operand of the given shape and dtype with a random layout and values from values
  /// (default: uniform in [-2, 2]). float32 values are rounded before they are recorded.
  Operand operand(const Sizes& shape, DType dtype, const ValueFn& values = {});
  /// A contiguous operand (for cases where the layout is not under test).
  Operand contiguous(const Sizes& shape, DType dtype, const ValueFn& values = {});

  /// A matmul case: batch rank <= 3 broadcast on both sides, m, k, n in [0, max_dim],
  /// operands laid out as operand() lays them out.
  MatmulOperands matmul_operands(DType dtype, std::int64_t max_dim);

  DType dtype() { return chance(0.5) ? kFloat32 : kFloat64; }

 private:
  std::mt19937_64 rng_;
};

/// Values uniform in [lo, hi).
ValueFn uniform_values(double lo, double hi);

/// "case 17 of exp: shape (3, 0, 2) float64, permuted+sliced, seed ..." for SCOPED_TRACE.
std::string case_note(int index, const std::string& op, const std::string& details,
                      std::uint64_t seed);

}  // namespace minitorch::testing
