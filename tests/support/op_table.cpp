// The op table: rows from the descriptors and the cases drawn from them. See Note [Op table].
#include "support/op_table.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "minitorch/config.h"

namespace minitorch::testing {
namespace {

// The same rule as the autograd layer's (program_grad.cpp): a descriptor may name one operand
// (a condition) that has no gradient.
template <class D>
constexpr bool arg_differentiable(int i) {
  if constexpr (requires { D::nondifferentiable_arg; }) {
    return D::differentiable && i != D::nondifferentiable_arg;
  } else {
    return D::differentiable;
  }
}

OpRow row_of(OpCode op) {
  return dispatch_op(op, [op](auto d) {
    using D = decltype(d);
    OpRow row;
    row.op = op;
    row.name = std::string(D::name);
    row.arity = D::arity;
    row.kind = D::kind;
    row.differentiable = D::differentiable;
    for (int i = 0; i < D::arity; ++i) {
      row.grad_args[static_cast<std::size_t>(i)] = arg_differentiable<D>(i);
    }
    row.domain = D::domain;
    row.ulps32 = D::ulps32;
    row.ulps64 = D::ulps64;
    row.dtypes = {kFloat32, kFloat64, kFloat16, kBFloat16};
    if (D::kind != OpKind::Floating) {
      row.dtypes.push_back(kInt64);
    }
    return row;
  });
}

bool near_kink(const Domain& domain, double v, double gap) {
  for (double kink : domain.kinks) {
    if (!std::isnan(kink) && std::fabs(v - kink) < gap) {
      return true;
    }
  }
  return false;
}

// Domain values, with the exact points where ops change branch (kinks, ±0) now and then.
ValueFn domain_values(const Domain& domain) {
  return [domain](std::mt19937_64& rng) {
    double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    if (r < 0.04 && !std::isnan(domain.kinks[0])) {
      return domain.kinks[0];
    }
    if (r < 0.08 && domain.low <= 0 && domain.high >= 0) {
      return r < 0.06 ? 0.0 : -0.0;
    }
    return std::uniform_real_distribution<double>(domain.low, domain.high)(rng);
  };
}

// Special values for dtype: non-finite, signed zeros, denormals, float32 and float64
// exp overflow/underflow thresholds, huge values, and values outside the domain.
ValueFn special_values(const Domain& domain, DType dtype) {
  const bool f32 = dtype == kFloat32;
  return [domain, f32](std::mt19937_64& rng) {
    const double denorm_min = f32 ? static_cast<double>(std::numeric_limits<float>::denorm_min())
                                  : std::numeric_limits<double>::denorm_min();
    const double denorm = f32 ? 1e-40 : 1e-310;
    const double max = f32 ? static_cast<double>(std::numeric_limits<float>::max())
                           : std::numeric_limits<double>::max();
    const double specials[] = {NAN,        -NAN,    INFINITY, -INFINITY,  0.0,        -0.0,
                               denorm_min, -denorm, denorm,   max,        -max,       1.0,
                               -1.0,       88.72,   -103.9,   709.8,      -745.2,     1e30,
                               -1e30,      0.5,     -0.5,     domain.low, domain.high};
    double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    if (r < 0.35) {
      return specials[rng() % std::size(specials)];
    }
    if (r < 0.55) {
      return std::uniform_real_distribution<double>(-100.0, 100.0)(rng);
    }
    return std::uniform_real_distribution<double>(domain.low, domain.high)(rng);
  };
}

// Integers of the domain (at least -2..2), or extreme ones whose products and sums stay far
// inside int64 (and exact in the double the tests read them as).
ValueFn integer_values(const Domain& domain, bool special) {
  auto lo = static_cast<std::int64_t>(std::floor(std::min(domain.low, -2.0)));
  auto hi = static_cast<std::int64_t>(std::ceil(std::max(domain.high, 2.0)));
  return [lo, hi, special](std::mt19937_64& rng) {
    if (special && (rng() & 1) != 0) {
      const double extremes[] = {0.0, 1.0, -1.0, 67108864.0, -67108864.0, 67108863.0, -67108863.0};
      return extremes[rng() % std::size(extremes)];
    }
    return static_cast<double>(std::uniform_int_distribution<std::int64_t>(lo, hi)(rng));
  };
}

// Integers inside the domain, for an int64 operand of a float op; none when it has none.
bool has_integer(const Domain& domain) { return std::floor(domain.high) >= std::ceil(domain.low); }

ValueFn domain_integers(const Domain& domain) {
  auto lo = static_cast<std::int64_t>(std::ceil(domain.low));
  auto hi = static_cast<std::int64_t>(std::floor(domain.high));
  return [lo, hi](std::mt19937_64& rng) {
    return static_cast<double>(std::uniform_int_distribution<std::int64_t>(lo, hi)(rng));
  };
}

Sizes case_shape(CaseGen& gen) { return gen.chance(0.6) ? gen.shape(5, 4) : gen.shape(2, 24); }

// The result dtype of docs/dtypes.md for these operands (floating dtypes never mix here),
// before a comparison makes it bool.
DType value_dtype(const OpRow& row, const OpCase& c) {
  DType result = kInt64;
  for (const Operand& o : c.operands) {
    if (is_floating_point(o.tensor.dtype())) {
      result = o.tensor.dtype();
    }
  }
  return result == kInt64 && row.kind == OpKind::Floating ? kFloat32 : result;
}

// v rounded to a 16-bit float dtype (Note [Reduced floats]); v itself for the others.
double round_result(DType dtype, double v) {
  if (dtype == kFloat16) {
    return cast_value<double>(cast_value<Half>(v));
  }
  return dtype == kBFloat16 ? cast_value<double>(cast_value<BFloat16>(v)) : v;
}

template <class T, class D>
double apply_descriptor(D d, const double* x) {
  auto arg = [x](int i) { return static_cast<T>(x[i]); };
  if constexpr (D::arity == 1) {
    return static_cast<double>(d(arg(0)));
  } else if constexpr (D::arity == 2) {
    return static_cast<double>(d(arg(0), arg(1)));
  } else {
    return static_cast<double>(d(arg(0), arg(1), arg(2)));
  }
}

bool same_bits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) {
    return true;
  }
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Distance in ulps of a and b's floating dtype, for two values of one sign.
std::int64_t ulp_distance(double a, double b, DType dtype) {
  if (dtype == kFloat16 || dtype == kBFloat16) {
    // Both are values of the dtype: their bit patterns count its ulps.
    auto bits = [dtype](double v) {
      const float f = std::fabs(static_cast<float>(v));
      return static_cast<std::int64_t>(dtype == kFloat16 ? Half(f).bits : BFloat16(f).bits);
    };
    return std::llabs(bits(a) - bits(b));
  }
  if (dtype == kFloat32) {
    std::int32_t i;
    std::int32_t j;
    const float fa = std::fabs(static_cast<float>(a));
    const float fb = std::fabs(static_cast<float>(b));
    std::memcpy(&i, &fa, sizeof i);
    std::memcpy(&j, &fb, sizeof j);
    return std::llabs(static_cast<std::int64_t>(i) - j);
  }
  std::int64_t i;
  std::int64_t j;
  const double da = std::fabs(a);
  const double db = std::fabs(b);
  std::memcpy(&i, &da, sizeof i);
  std::memcpy(&j, &db, sizeof j);
  return std::llabs(i - j);
}

}  // namespace

const std::vector<OpRow>& op_rows() {
  static const std::vector<OpRow> rows = [] {
    std::vector<OpRow> out;
    for (int k = 0; k < kOpCount; ++k) {
      out.push_back(row_of(static_cast<OpCode>(k)));
    }
    return out;
  }();
  return rows;
}

const OpRow& op_row(OpCode op) { return op_rows()[static_cast<std::size_t>(op)]; }

int op_table_cases() {
  if (std::optional<int> cases = config::test_cases()) {
    return *cases;
  }
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 50;
#else
  return 1000;
#endif
}

OpCase op_case(const OpRow& row, DType dtype, CaseGen& gen, int index) {
  OpCase c;
  c.values = index % 4 == 3 ? CaseValues::Special : CaseValues::Domain;
  const bool special = c.values == CaseValues::Special;
  c.out_shape = case_shape(gen);
  // One int64 operand among floats now and then: the op promotes it.
  int int_operand = -1;
  if (dtype != kInt64 && row.arity >= 2 && has_integer(row.domain) && gen.chance(0.1)) {
    int_operand = static_cast<int>(gen.uniform_int(0, row.arity - 1));
  }
  for (int k = 0; k < row.arity; ++k) {
    Sizes shape = gen.chance(0.5) ? c.out_shape : gen.broadcastable_to(c.out_shape);
    DType operand_dtype = k == int_operand ? kInt64 : dtype;
    ValueFn values = operand_dtype == kInt64
        ? (dtype == kInt64 ? integer_values(row.domain, special) : domain_integers(row.domain))
        : (special ? special_values(row.domain, dtype) : domain_values(row.domain));
    c.operands.push_back(gen.operand(shape, operand_dtype, values));
    c.details += (k == 0 ? "" : " with ") + std::string(to_string(operand_dtype)) + " " +
        sizes_string(shape) + " (" + c.operands.back().recipe + ")";
  }
  // Equal operands now and then, so that comparisons and subtractions see ties.
  if (row.arity >= 2 && int_operand < 0 && gen.chance(0.08)) {
    c.operands[1] = c.operands[0];
    c.details += ", operand 1 = operand 0";
  }
  // out_shape is what the operands broadcast to (a dropped leading dim may shorten it).
  Sizes out;
  for (const Operand& o : c.operands) {
    out = broadcast_shape(out, o.expected.shape);
  }
  c.out_shape = out;
  c.details += special ? ", special values" : "";
  return c;
}

std::vector<Tensor> case_tensors(const OpCase& c) {
  std::vector<Tensor> out;
  for (const Operand& o : c.operands) {
    out.push_back(o.tensor);
  }
  return out;
}

NdArray descriptor_result(const OpRow& row, const OpCase& c) {
  std::vector<NdArray> inputs;
  for (const Operand& o : c.operands) {
    inputs.push_back(broadcast_to(o.expected, c.out_shape));
  }
  NdArray out = NdArray::filled(c.out_shape, 0.0);
  const DType value = value_dtype(row, c);
  const DType compute = compute_dtype(value);
  const DType result = row.kind == OpKind::Comparison ? kBool : value;
  double x[3] = {};
  for (std::size_t i = 0; i < out.values.size(); ++i) {
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      x[k] = inputs[k].values[i];
    }
    out.values[i] = dispatch_op(row.op, [&](auto d) {
      using D = decltype(d);
      if (compute == kFloat32) {
        return apply_descriptor<float>(d, x);
      }
      if constexpr (D::kind != OpKind::Floating) {
        if (compute == kInt64) {
          return apply_descriptor<std::int64_t>(d, x);
        }
      }
      return apply_descriptor<double>(d, x);
    });
    out.values[i] = round_result(result, out.values[i]);
  }
  return out;
}

std::string compare_ulps(const NdArray& got, const NdArray& want, DType dtype, int ulps) {
  if (got.shape != want.shape) {
    return "shape " + sizes_string(got.shape) + " but expected " + sizes_string(want.shape);
  }
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    double g = got.values[i];
    double w = want.values[i];
    bool ok = same_bits(g, w);
    if (!ok && ulps > 0 && is_floating_point(dtype) && std::isfinite(g) && std::isfinite(w) &&
        std::signbit(g) == std::signbit(w)) {
      ok = ulp_distance(g, w, dtype) <= ulps;
    }
    if (!ok) {
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "element %zu (row-major) of %s: got %.9g (%a), expected %.9g (%a), %d ulps "
                    "allowed",
                    i, sizes_string(want.shape).c_str(), g, g, w, w, ulps);
      return buf;
    }
  }
  return "";
}

std::vector<Tensor> gradcheck_leaves(const OpRow& row, CaseGen& gen, std::string& details) {
  const Domain& domain = row.domain;
  ValueFn values = [&domain](std::mt19937_64& rng) {
    std::uniform_real_distribution<double> uniform(domain.low, domain.high);
    double v = uniform(rng);
    while (near_kink(domain, v, domain.kink_gap)) {
      v = uniform(rng);
    }
    return v;
  };
  Sizes out = gen.shape(3, 3);
  std::vector<Tensor> leaves;
  details.clear();
  for (int k = 0; k < row.arity; ++k) {
    Sizes shape = gen.chance(0.5) ? out : gen.broadcastable_to(out);
    const auto choice = gen.uniform_int(0, 2);
    Tensor leaf;
    std::string layout;
    if (choice == 1 && shape.size() >= 2) {
      // Transposed memory order: the transpose of a contiguous [last, ..., first] base.
      Sizes reversed = shape;
      std::swap(reversed.front(), reversed.back());
      leaf = gen.contiguous(reversed, kFloat64, values).tensor.transpose(0, -1);
      layout = "transposed";
    } else if (choice == 2 && !shape.empty()) {
      // Every other row of a base twice as long, from row 1.
      Sizes base = shape;
      base[0] = 2 * shape[0] + 1;
      leaf = gen.contiguous(base, kFloat64, values).tensor.slice(0, 1, base[0], 2);
      layout = "sliced";
    } else {
      leaf = gen.contiguous(shape, kFloat64, values).tensor;
      layout = "contiguous";
    }
    leaf = leaf.detach();
    if (row.grad_args[static_cast<std::size_t>(k)]) {
      leaf.requires_grad_(true);
    }
    leaves.push_back(leaf);
    details += (k == 0 ? "" : " with ") + sizes_string(shape) + " " + layout;
  }
  return leaves;
}

}  // namespace minitorch::testing
