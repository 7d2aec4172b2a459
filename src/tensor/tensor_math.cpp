// Tensor math: elementwise ops, comparisons, reductions and matmul. Each is one call into
// autograd (which records the node) or, for comparisons, straight into the ops layer.
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>

#include "autograd/elementwise_function.h"
#include "autograd/functions.h"
#include "minitorch/autocast.h"
#include "minitorch/error.h"
#include "minitorch/tensor.h"
#include "minitorch/user_function.h"
#include "ops/checks.h"
#include "ops/ops.h"

namespace minitorch {
namespace {

// A number's dtype beside a tensor of dtype t, as in PyTorch: t when t is floating; int64
// for a whole number beside an int64 or bool tensor; the default float dtype for a fraction
// (so int64 * 0.5 computes in float32, not in int64 with 0.5 truncated).
DType scalar_dtype(double value, DType t) {
  if (is_floating_point(t)) {
    return t;
  }
  bool whole = std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 0x1p63;
  return whole ? DType::Int64 : default_float_dtype();
}

// Note [Scalar operands]: `t * 2.0` runs as zip(mul) with a 0-dim tensor holding 2.0 in its
// dtype (scalar_dtype). Each thread keeps the last few such CPU tensors in a small
// direct-mapped cache, so the constants of a training loop cost no allocation. The cached
// tensors are only ever read: they are operands, never outputs, and never reach the user.
Tensor scalar_like(double value, const Tensor& t) {
  const DType dtype = scalar_dtype(value, t.dtype());
  if (!t.device().is_cpu()) {
    return Tensor(ops::scalar(value, dtype, t.device()));
  }
  struct Entry {
    std::uint64_t bits = 0;
    DType dtype = kFloat32;
    Tensor tensor;
  };
  constexpr std::size_t kSlots = 16;
  thread_local std::array<Entry, kSlots> cache;
  auto bits = std::bit_cast<std::uint64_t>(value);
  std::size_t slot = static_cast<std::size_t>((bits ^ (bits >> 32) ^ (bits >> 47)) +
                                              static_cast<std::uint64_t>(dtype)) %
      kSlots;
  Entry& entry = cache[slot];
  if (!entry.tensor.defined() || entry.bits != bits || entry.dtype != dtype) {
    entry = {bits, dtype, Tensor(ops::scalar(value, dtype, t.device()))};
  }
  return entry.tensor;
}

Tensor apply_op(OpCode op, const Tensor& x) {
  return autograd::apply_program(autograd::compiled_op(op), std::span<const Tensor>(&x, 1));
}

Tensor apply_op(OpCode op, const Tensor& a, const Tensor& b) {
  const std::array<Tensor, 2> inputs = {a, b};
  return autograd::apply_program(autograd::compiled_op(op), inputs);
}

}  // namespace

Tensor apply_elementwise(OpCode op, std::span<const Tensor> inputs) {
  return autograd::apply_program(autograd::compiled_op(op), inputs);
}

Tensor Tensor::neg() const { return apply_op(OpCode::Neg, *this); }
Tensor Tensor::exp() const { return apply_op(OpCode::Exp, *this); }
Tensor Tensor::log() const { return apply_op(OpCode::Log, *this); }
Tensor Tensor::sigmoid() const { return apply_op(OpCode::Sigmoid, *this); }
Tensor Tensor::relu() const { return apply_op(OpCode::Relu, *this); }
Tensor Tensor::tanh() const { return apply_op(OpCode::Tanh, *this); }
Tensor Tensor::inv() const { return apply_op(OpCode::Inv, *this); }
Tensor Tensor::abs() const { return apply_op(OpCode::Abs, *this); }
Tensor Tensor::sqrt() const { return apply_op(OpCode::Sqrt, *this); }
Tensor Tensor::sin() const { return apply_op(OpCode::Sin, *this); }
Tensor Tensor::cos() const { return apply_op(OpCode::Cos, *this); }
Tensor Tensor::log1p() const { return apply_op(OpCode::Log1p, *this); }
Tensor Tensor::expm1() const { return apply_op(OpCode::Expm1, *this); }
Tensor Tensor::sign() const { return apply_op(OpCode::Sign, *this); }
Tensor Tensor::floor() const { return apply_op(OpCode::Floor, *this); }

Tensor Tensor::pow(double exponent) const {
  return apply_op(OpCode::Pow, *this, scalar_like(exponent, *this));
}
Tensor Tensor::pow(const Tensor& exponent) const { return apply_op(OpCode::Pow, *this, exponent); }

Tensor Tensor::add(const Tensor& other) const { return apply_op(OpCode::Add, *this, other); }
Tensor Tensor::sub(const Tensor& other) const { return apply_op(OpCode::Sub, *this, other); }
Tensor Tensor::mul(const Tensor& other) const { return apply_op(OpCode::Mul, *this, other); }
Tensor Tensor::div(const Tensor& other) const { return apply_op(OpCode::Div, *this, other); }

Tensor Tensor::lt(const Tensor& other) const { return apply_op(OpCode::Lt, *this, other); }
Tensor Tensor::gt(const Tensor& other) const { return apply_op(OpCode::Gt, *this, other); }
Tensor Tensor::le(const Tensor& other) const { return apply_op(OpCode::Le, *this, other); }
Tensor Tensor::ge(const Tensor& other) const { return apply_op(OpCode::Ge, *this, other); }
Tensor Tensor::eq(const Tensor& other) const { return apply_op(OpCode::Eq, *this, other); }
Tensor Tensor::lt(double other) const { return lt(scalar_like(other, *this)); }
Tensor Tensor::gt(double other) const { return gt(scalar_like(other, *this)); }
Tensor Tensor::le(double other) const { return le(scalar_like(other, *this)); }
Tensor Tensor::ge(double other) const { return ge(scalar_like(other, *this)); }
Tensor Tensor::eq(double other) const { return eq(scalar_like(other, *this)); }

Tensor Tensor::is_close(const Tensor& other, double rtol, double atol) const {
  Tensor a = detach();
  Tensor b = other.detach();
  Tensor within = (a - b).abs().le(b.abs() * rtol + atol);
  // eq catches equal infinities, whose difference is NaN.
  return (within + a.eq(b)).gt(0.0);
}

bool Tensor::all_close(const Tensor& other, double rtol, double atol) const {
  Tensor close = is_close(other, rtol, atol);
  return close.numel() == 0 || close.sum().item() == static_cast<double>(close.numel());
}

// ---- Reductions ---------------------------------------------------------------------

Tensor Tensor::sum() const { return flatten().sum(0); }

Tensor Tensor::sum(std::int64_t dim, bool keepdim) const {
  Tensor out = autograd::reduce(ReduceOp::Sum, *this, dim);
  return keepdim || ndim() == 0 ? out : out.squeeze(dim);
}

namespace {

// As in PyTorch: the mean of integers has no dtype to return without a choice of rounding.
void check_mean_dtype(const Tensor& t) {
  if (!is_floating_point(t.dtype())) {
    throw DTypeError("mean: dtype " + std::string(minitorch::to_string(t.dtype())) +
                     " is not supported (shape " + minitorch::to_string(t.shape()) +
                     "); mean needs float32 or float64, convert with to(kFloat32)");
  }
}

}  // namespace

Tensor Tensor::mean() const {
  check_mean_dtype(*this);
  return sum() / static_cast<double>(numel());
}

Tensor Tensor::mean(std::int64_t dim, bool keepdim) const {
  check_mean_dtype(*this);
  std::int64_t n = ndim() == 0 ? 1 : shape()[wrap_dim(dim, ndim(), "mean", shape())];
  return sum(dim, keepdim) / static_cast<double>(n);
}

Tensor Tensor::max() const {
  if (numel() == 0) {
    throw ShapeError("max: cannot reduce a tensor with 0 elements (shape " +
                     minitorch::to_string(shape()) + "); max has no identity");
  }
  return flatten().max(0);
}

Tensor Tensor::max(std::int64_t dim, bool keepdim) const {
  Tensor out = autograd::reduce(ReduceOp::Max, *this, dim);
  return keepdim || ndim() == 0 ? out : out.squeeze(dim);
}

Tensor Tensor::prod() const { return flatten().prod(0); }

Tensor Tensor::prod(std::int64_t dim, bool keepdim) const {
  Tensor out = autograd::reduce(ReduceOp::Prod, *this, dim);
  return keepdim || ndim() == 0 ? out : out.squeeze(dim);
}

Tensor Tensor::matmul(const Tensor& other) const {
  if (is_autocast_enabled()) {
    // Note [Autocast]: float32 operands run as the scope's 16-bit dtype.
    const Tensor a = autocast::lower(*this);
    const Tensor b = autocast::lower(other);
    if (a.dtype() != dtype() || b.dtype() != other.dtype()) {
      return a.matmul(b);
    }
  }
  if (ndim() == 0 || other.ndim() == 0) {
    throw ShapeError("matmul: both operands need at least 1 dim (shapes " +
                     minitorch::to_string(shape()) + " and " + minitorch::to_string(other.shape()) +
                     ")");
  }
  ops::check_same_device_and_dtype(data(), other.data(), "matmul");
  std::int64_t k = shape()[ndim() - 1];
  std::int64_t other_k = other.shape()[other.ndim() == 1 ? 0 : other.ndim() - 2];
  if (k != other_k) {
    throw ShapeError("matmul: inner sizes differ for shapes " + minitorch::to_string(shape()) +
                     " and " + minitorch::to_string(other.shape()) +
                     " (a dim -1: " + std::to_string(k) + " vs b dim " +
                     (other.ndim() == 1 ? "0" : "-2") + ": " + std::to_string(other_k) + ")");
  }
  // numpy's rule for vectors: promote to a matrix, multiply, drop the added dim.
  if (ndim() == 1) {
    return unsqueeze(0).matmul(other).squeeze(other.ndim() == 1 ? -1 : -2);
  }
  if (other.ndim() == 1) {
    return matmul(other.unsqueeze(1)).squeeze(-1);
  }
  return autograd::matmul(*this, other);
}

// ---- Operators ------------------------------------------------------------------------

Tensor operator-(const Tensor& a) { return a.neg(); }
Tensor operator+(const Tensor& a, const Tensor& b) { return a.add(b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return a.sub(b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return a.mul(b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return a.div(b); }
Tensor operator+(const Tensor& a, double b) { return a.add(scalar_like(b, a)); }
Tensor operator-(const Tensor& a, double b) { return a.sub(scalar_like(b, a)); }
Tensor operator*(const Tensor& a, double b) { return a.mul(scalar_like(b, a)); }
Tensor operator/(const Tensor& a, double b) { return a.div(scalar_like(b, a)); }
Tensor operator+(double a, const Tensor& b) { return scalar_like(a, b).add(b); }
Tensor operator-(double a, const Tensor& b) { return scalar_like(a, b).sub(b); }
Tensor operator*(double a, const Tensor& b) { return scalar_like(a, b).mul(b); }
Tensor operator/(double a, const Tensor& b) { return scalar_like(a, b).div(b); }

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << t.to_string(); }

Tensor exp(const Tensor& t) { return t.exp(); }
Tensor log(const Tensor& t) { return t.log(); }
Tensor sigmoid(const Tensor& t) { return t.sigmoid(); }
Tensor relu(const Tensor& t) { return t.relu(); }
Tensor tanh(const Tensor& t) { return t.tanh(); }
Tensor abs(const Tensor& t) { return t.abs(); }
Tensor sqrt(const Tensor& t) { return t.sqrt(); }
Tensor sin(const Tensor& t) { return t.sin(); }
Tensor cos(const Tensor& t) { return t.cos(); }
Tensor log1p(const Tensor& t) { return t.log1p(); }
Tensor expm1(const Tensor& t) { return t.expm1(); }
Tensor sign(const Tensor& t) { return t.sign(); }
Tensor floor(const Tensor& t) { return t.floor(); }
Tensor pow(const Tensor& t, double exponent) { return t.pow(exponent); }
Tensor minimum(const Tensor& a, const Tensor& b) { return apply_op(OpCode::Minimum, a, b); }
Tensor minimum(const Tensor& a, double b) {
  return apply_op(OpCode::Minimum, a, scalar_like(b, a));
}
Tensor maximum(const Tensor& a, const Tensor& b) { return apply_op(OpCode::Maximum, a, b); }
Tensor maximum(const Tensor& a, double b) {
  return apply_op(OpCode::Maximum, a, scalar_like(b, a));
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  // The program promotes all three inputs: a cond that could change the result's dtype (an
  // int64 beside bools, a float64 beside float32s) becomes bool, with bool()'s meaning.
  const bool keep =
      cond.dtype() == kBool || (cond.dtype() == a.dtype() && cond.dtype() == b.dtype());
  const std::array<Tensor, 3> inputs = {keep ? cond : cond.to(kBool), a, b};
  Tensor out = apply_elementwise(OpCode::Where, inputs);
  // Bool operands compute in int64 (Note [Type promotion]); a choice between masks is a mask.
  return a.dtype() == kBool && b.dtype() == kBool ? out.to(kBool) : out;
}
Tensor where(const Tensor& cond, const Tensor& a, double b) {
  return where(cond, a, scalar_like(b, a));
}
Tensor where(const Tensor& cond, double a, const Tensor& b) {
  return where(cond, scalar_like(a, b), b);
}

// Composite programs traced once from the descriptors (Note [User functions]); runtime
// parameters are 0-dim inputs. clamp selects with where rather than minimum/maximum so that a
// tie with a bound keeps the whole gradient, as PyTorch's mask min <= x <= max does.
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max) {
  static const auto below =
      elementwise([](auto v, auto lo) { return where(v < lo, lo, v); }, "clamp");
  static const auto above =
      elementwise([](auto v, auto hi) { return where(v > hi, hi, v); }, "clamp");
  static const auto both = elementwise(
      [](auto v, auto lo, auto hi) {
        auto y = where(v < lo, lo, v);
        return where(y > hi, hi, y);
      },
      "clamp");
  if (min && max) {
    return both(x, scalar_like(*min, x), scalar_like(*max, x));
  }
  if (min) {
    return below(x, scalar_like(*min, x));
  }
  if (max) {
    return above(x, scalar_like(*max, x));
  }
  throw ValueError("clamp: at least one of min and max must be given (shape " +
                   minitorch::to_string(x.shape()) + ")");
}

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  static const auto f =
      elementwise([](auto v, auto slope) { return where(v > 0, v, v * slope); }, "leaky_relu");
  return f(x, scalar_like(negative_slope, x));
}

// PyTorch's GeluType::Tanh, term by term (kBeta = sqrt(2) * (2 / sqrt(pi)) / 2).
Tensor gelu(const Tensor& x) {
  static const auto f = elementwise(
      [](auto v) {
        constexpr double kBeta = 0.7978845608028654;
        constexpr double kKappa = 0.044715;
        auto cube = v * v * v;
        auto inner = kBeta * (v + kKappa * cube);
        return 0.5 * v * (1.0 + tanh(inner));
      },
      "gelu");
  return f(x);
}

Tensor silu(const Tensor& x) {
  static const auto f = elementwise([](auto v) { return v * sigmoid(v); }, "silu");
  return f(x);
}

Tensor matmul(const Tensor& a, const Tensor& b) { return a.matmul(b); }

}  // namespace minitorch
