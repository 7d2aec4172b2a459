// Tensor: the user-facing handle. Copying a Tensor copies a pointer; views share storage.
// Every op checks its operands, runs one backend primitive through the ops layer, and,
// when grad mode is on and an input requires grad, records its autograd node.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "minitorch/device.h"
#include "minitorch/dtype.h"
#include "minitorch/elementwise_ops.h"
#include "minitorch/shape.h"
#include "minitorch/tensor_data.h"

namespace minitorch {

struct TensorImpl;
struct ValuesAndIndices;

/// An integer dim argument (bool excluded): `x.amax(1)` picks a one-dim overload, while a
/// braced list, `{}` included, picks the Dims one.
template <class I>
concept DimInteger = std::integral<I> && !std::same_as<I, bool>;

/// How a factory makes a tensor: `zeros({2, 3}, {.dtype = kFloat64, .requires_grad = true})`.
struct TensorOptions {
  DType dtype = kFloat32;
  Device device = Device::cpu();
  bool requires_grad = false;
};

class Tensor {
 public:
  /// An undefined tensor (like a null pointer); most methods throw Error on it.
  Tensor() = default;
  /// Wraps a layout; the tensor does not require grad.
  explicit Tensor(TensorData data);

  bool defined() const { return impl_ != nullptr; }

  // ---- Metadata -------------------------------------------------------------------
  const TensorData& data() const;
  const Shape& shape() const { return data().shape(); }
  /// Size of dim (negative counts from the end); IndexError when out of range.
  std::int64_t size(std::int64_t dim) const;
  const Strides& strides() const { return data().strides(); }
  std::int64_t storage_offset() const { return data().offset(); }
  int ndim() const { return data().ndim(); }
  std::int64_t numel() const { return data().numel(); }
  DType dtype() const { return data().dtype(); }
  Device device() const { return data().device(); }
  bool is_contiguous() const { return data().is_contiguous(); }
  /// First element's address; DTypeError unless T matches dtype, DeviceError off the CPU.
  template <class T>
  T* data_ptr() const {
    check_data_ptr(dtype_of<T>());
    return static_cast<T*>(data().data_ptr());
  }

  // ---- Elements --------------------------------------------------------------------
  // The double forms are exact for every float32, float64 and bool value and for int64
  // values up to 2^53 in magnitude; item<std::int64_t>() and to_vector<std::int64_t>() read
  // any int64 exactly. The typed forms convert by cast_value (Note [Value conversion]).

  /// The value of a one-element tensor; ShapeError otherwise.
  double item() const;
  /// item() as T (float, double, std::int64_t or bool).
  template <class T>
  T item() const;
  /// Element at index (negative entries count from the end); IndexError when outside.
  double at(const Index& index) const;
  /// Writes one element (converted by cast_value). Error if this requires grad while grad
  /// mode is on.
  void set(const Index& index, double value);
  /// All elements in row-major order.
  std::vector<double> to_vector() const;
  /// to_vector() as T (float, double, std::int64_t or bool).
  template <class T>
  std::vector<T> to_vector() const;

  // ---- Views (never copy; differentiable) --------------------------------------------
  /// Result dim i is input dim order[i]. ShapeError unless order is a permutation.
  Tensor permute(const Dims& order) const;
  Tensor transpose(std::int64_t dim0, std::int64_t dim1) const;
  /// Same elements in a new shape (one size may be -1); ShapeError when the layout cannot
  /// be viewed (use reshape).
  Tensor view(const Shape& shape) const;
  /// A view when possible, else a contiguous copy.
  Tensor reshape(const Shape& shape) const;
  /// Size-1 dims broadcast to shape (stride 0), new leading dims prepended; -1 keeps a size.
  Tensor expand(const Shape& shape) const;
  /// Python-style start:stop:step along dim (step > 0, bounds clamped).
  Tensor slice(std::int64_t dim, std::int64_t start, std::int64_t stop,
               std::int64_t step = 1) const;
  Tensor narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const;
  /// Removes dim by taking element index of it.
  Tensor select(std::int64_t dim, std::int64_t index) const;
  Tensor operator[](std::int64_t index) const { return select(0, index); }
  /// x [.., n, ..] -> [.., (n - size) / step + 1, .., size]: the windows of size elements
  /// every step along dim, as a view (PyTorch's unfold; windows overlap when step < size, a
  /// write through one shows in the others). The gradient of overlapping windows adds up.
  /// ValueError unless size >= 0 and step > 0; ShapeError when size exceeds the dim or the
  /// tensor is 0-dim.
  Tensor unfold(std::int64_t dim, std::int64_t size, std::int64_t step) const;
  Tensor squeeze() const;
  Tensor squeeze(std::int64_t dim) const;
  Tensor unsqueeze(std::int64_t dim) const;
  Tensor flatten() const { return reshape({-1}); }
  /// This tensor when contiguous, else a contiguous copy.
  Tensor contiguous() const;

  // ---- Math (differentiable unless noted) ---------------------------------------------
  Tensor neg() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor sigmoid() const;
  Tensor relu() const;
  Tensor tanh() const;
  /// 1 / x.
  Tensor inv() const;
  Tensor abs() const;
  /// sqrt(x); NaN for x < 0, -0 for -0.
  Tensor sqrt() const;
  /// sin(x) in radians; NaN for ±inf.
  Tensor sin() const;
  /// cos(x) in radians; NaN for ±inf.
  Tensor cos() const;
  /// log(1 + x), accurate for tiny x; -inf at -1, NaN below.
  Tensor log1p() const;
  /// exp(x) - 1, accurate for tiny x; -1 at -inf.
  Tensor expm1() const;
  /// -1, 0 or 1 (int64 stays int64); sign(NaN) is NaN, sign(-0) is 0; gradient 0.
  Tensor sign() const;
  /// The largest integer <= x (int64 unchanged); floor(-0) is -0; gradient 0.
  Tensor floor() const;
  Tensor pow(double exponent) const;
  Tensor pow(const Tensor& exponent) const;
  /// Broadcasting binary ops; ShapeError/DTypeError/DeviceError on mismatched operands.
  Tensor add(const Tensor& other) const;
  Tensor sub(const Tensor& other) const;
  Tensor mul(const Tensor& other) const;
  Tensor div(const Tensor& other) const;
  /// Comparisons give 1 or 0 in this dtype; not differentiable.
  Tensor lt(const Tensor& other) const;
  Tensor gt(const Tensor& other) const;
  Tensor le(const Tensor& other) const;
  Tensor ge(const Tensor& other) const;
  Tensor eq(const Tensor& other) const;
  Tensor lt(double other) const;
  Tensor gt(double other) const;
  Tensor le(double other) const;
  Tensor ge(double other) const;
  Tensor eq(double other) const;
  /// 1 where |this - other| <= atol + rtol * |other| or this == other (PyTorch's isclose).
  Tensor is_close(const Tensor& other, double rtol = 1e-5, double atol = 1e-8) const;
  /// True when every element is close (PyTorch's allclose).
  bool all_close(const Tensor& other, double rtol = 1e-5, double atol = 1e-8) const;

  // ---- Reductions --------------------------------------------------------------------
  /// Over everything: a 0-dim tensor.
  Tensor sum() const;
  /// Over dim; keepdim keeps it as size 1 (PyTorch's convention).
  Tensor sum(std::int64_t dim, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(std::int64_t dim, bool keepdim = false) const;
  /// Max values (PyTorch's amax: ties share the gradient). ShapeError on an empty dim.
  Tensor max() const;
  Tensor max(std::int64_t dim, bool keepdim = false) const;
  /// Product over everything (1 for an empty tensor): a 0-dim tensor.
  Tensor prod() const;
  /// Product over dim (1 for an empty dim); the gradient is exact at zeros.
  Tensor prod(std::int64_t dim, bool keepdim = false) const;

  /// a [..., m, k] @ b [..., k, n] -> [..., m, n], batch dims broadcast; a 1-D operand is
  /// a row (a) or column (b) vector whose dim is removed from the result, as in numpy.
  Tensor matmul(const Tensor& other) const;

  // ---- Indexing by an int64 tensor (see the free functions below) ----------------------
  /// PyTorch's t[index]: rows index of dim 0, index any shape -> index.shape + shape[1:]
  /// (index_select over dim 0). Differentiable; IndexError for an index outside [0, size(0)).
  Tensor index(const Tensor& index) const;

  // ---- Autograd ----------------------------------------------------------------------
  bool requires_grad() const;
  /// Marks a leaf to accumulate gradients; AutogradError on a non-leaf, DTypeError on an
  /// int64 or bool tensor (only floating tensors can require gradients).
  Tensor& requires_grad_(bool requires_grad = true);
  /// Accumulated gradient (undefined until backward reaches this leaf).
  Tensor grad() const;
  /// Drops the accumulated gradient (PyTorch's set_to_none).
  void zero_grad();
  /// Replaces a leaf's gradient (PyTorch's `p.grad = g`): g must have this tensor's shape,
  /// dtype and device; ShapeError / DTypeError / DeviceError otherwise.
  void set_grad(const Tensor& g);
  /// True for tensors made by the user rather than by a recorded op.
  bool is_leaf() const;
  /// Name of the op that made this tensor ("" for a leaf).
  std::string grad_fn_name() const;
  /// Calls hook(*this) each time backward has finished accumulating this leaf's gradient
  /// (PyTorch's register_post_accumulate_grad_hook); data-parallel training starts a
  /// gradient's all-reduce from it while backward goes on. Throws AutogradError on a
  /// non-leaf or a tensor that does not require grad. Hooks run in registration order.
  void register_post_accumulate_grad_hook(std::function<void(Tensor&)> hook);
  /// d(this)/d(leaves), accumulated into each leaf's grad(); this must have one element.
  void backward() const;
  /// Backward with an explicit gradient of this tensor's shape.
  void backward(const Tensor& gradient) const;
  /// Same storage, no history, does not require grad.
  Tensor detach() const;

  // ---- Copies and conversions ----------------------------------------------------------
  Tensor clone() const;
  /// Converts by cast_value (Note [Value conversion]). Differentiable between floating
  /// dtypes; a conversion to int64 or bool is not (the result never requires grad).
  Tensor to(DType dtype) const;
  Tensor to(Device device) const;

  // ---- In place (Error if this requires grad while grad mode is on) ---------------------
  Tensor& fill_(double value);
  Tensor& zero_() { return fill_(0.0); }
  /// Copies src (broadcast to this shape, any dtype) into this tensor.
  Tensor& copy_(const Tensor& src);
  /// this += alpha * other, in one pass (alpha * other is rounded to the dtype before the
  /// sum, never fused into an FMA, so every backend gives the same bits).
  Tensor& add_(const Tensor& other, double alpha = 1.0);
  Tensor& mul_(double factor);

  // ---- Composites: reductions over several dims, scans, softmax -------------------------
  // Compositions of the primitives and views above (src/tensor/tensor_reductions.cpp), so they
  // run and differentiate on every backend. `dims` lists the dims to reduce, negative ones
  // counting from the end; an empty list means every dim, as in PyTorch; a dim listed twice is
  // an IndexError. A braced `{}` picks the Dims overload everywhere except sum and mean, whose
  // older one-dim overloads take it as dim 0: write `sum(Dims{})` there.

  /// x [2, 3, 4].sum({0, 2}) -> [3] (keepdim: [1, 3, 1]); dims reduced one after another.
  Tensor sum(const Dims& dims, bool keepdim = false) const;
  /// sum(dims) / the number of reduced elements (NaN when that is 0).
  Tensor mean(const Dims& dims, bool keepdim = false) const;
  /// Max over dims (PyTorch's amax): the gradient is shared equally by every tied maximum of
  /// the reduced elements. ShapeError when a reduced dim has size 0.
  Tensor amax(const Dims& dims = Dims{}, bool keepdim = false) const;
  template <DimInteger I>
  Tensor amax(I dim, bool keepdim = false) const {
    return amax(Dims{static_cast<std::int64_t>(dim)}, keepdim);
  }
  /// -amax(-x): exact, with amax's tie rule.
  Tensor amin(const Dims& dims = Dims{}, bool keepdim = false) const;
  template <DimInteger I>
  Tensor amin(I dim, bool keepdim = false) const {
    return amin(Dims{static_cast<std::int64_t>(dim)}, keepdim);
  }
  /// Min values, the mirror of max(): over everything, or over dim (values only).
  Tensor min() const;
  Tensor min(std::int64_t dim, bool keepdim = false) const;
  /// sum((x - mean)^2) / max(0, N - correction) over dims, N the number of reduced elements:
  /// correction 1 (the default) is the unbiased estimate, 0 the population variance. N <=
  /// correction gives inf or NaN, as in PyTorch.
  Tensor var(const Dims& dims = Dims{}, double correction = 1.0, bool keepdim = false) const;
  template <DimInteger I>
  Tensor var(I dim, double correction = 1.0, bool keepdim = false) const {
    return var(Dims{static_cast<std::int64_t>(dim)}, correction, keepdim);
  }
  /// var(dims, correction, keepdim) ^ 0.5.
  Tensor std(const Dims& dims = Dims{}, double correction = 1.0, bool keepdim = false) const;
  template <DimInteger I>
  Tensor std(I dim, double correction = 1.0, bool keepdim = false) const {
    return std(Dims{static_cast<std::int64_t>(dim)}, correction, keepdim);
  }
  /// log(sum(exp(x))) over dims, shifted by the max so that large inputs stay finite;
  /// -inf over no elements. The gradient is softmax(x).
  Tensor logsumexp(const Dims& dims, bool keepdim = false) const;
  template <DimInteger I>
  Tensor logsumexp(I dim, bool keepdim = false) const {
    return logsumexp(Dims{static_cast<std::int64_t>(dim)}, keepdim);
  }
  /// x [..., n, ...] -> same shape, out[i] = x[0] + ... + x[i] along dim, summed in the
  /// order of Note [Cumsum order]; bitwise the same on every backend and thread count.
  Tensor cumsum(std::int64_t dim) const;
  /// Same shape; along dim the values are positive and sum to 1 (shifted by the max).
  Tensor softmax(std::int64_t dim) const;
  /// x - max - log(sum(exp(x - max))) along dim.
  Tensor log_softmax(std::int64_t dim) const;

  /// True where any element over dims is nonzero (NaN included): a bool tensor; false over no
  /// elements. dims as for sum (empty: every dim). Any dtype; not differentiable.
  Tensor any(const Dims& dims = Dims{}, bool keepdim = false) const;
  template <DimInteger I>
  Tensor any(I dim, bool keepdim = false) const {
    return any(Dims{static_cast<std::int64_t>(dim)}, keepdim);
  }
  /// True where every element over dims is nonzero (NaN included); true over no elements.
  Tensor all(const Dims& dims = Dims{}, bool keepdim = false) const;
  template <DimInteger I>
  Tensor all(I dim, bool keepdim = false) const {
    return all(Dims{static_cast<std::int64_t>(dim)}, keepdim);
  }

  // ---- Arg reductions and masks (src/tensor/tensor_argops.cpp) --------------------------
  // Compositions of amax/amin, where and gather (Note [Arg reductions]), so every backend
  // gives the same indices.

  /// x [.., n, ..] -> int64 [.., ..] (keepdim: [.., 1, ..]): the index of the largest
  /// element along dim, the first one on ties; NaN counts as the largest (the first NaN's
  /// index), as in PyTorch. Not differentiable. IndexError for a bad dim, ShapeError when
  /// dim has size 0; int64 values need |x| <= 2^53 (Note [Integer reductions]).
  Tensor argmax(std::int64_t dim, bool keepdim = false) const;
  /// The index into the flattened tensor: a 0-dim int64 tensor; ShapeError with 0 elements.
  Tensor argmax() const;
  /// argmax's mirror: the first index of the smallest element (or of the first NaN).
  Tensor argmin(std::int64_t dim, bool keepdim = false) const;
  Tensor argmin() const;
  /// PyTorch's max(dim): {values, indices} with indices = argmax(dim, keepdim) and values the
  /// elements there (a gather), so the gradient reaches the one element each index names.
  /// max(dim) instead returns values only and shares the gradient among tied maxima (amax).
  ValuesAndIndices max_with_indices(std::int64_t dim, bool keepdim = false) const;
  /// min_with_indices: the mirror, through argmin.
  ValuesAndIndices min_with_indices(std::int64_t dim, bool keepdim = false) const;
  /// this and a bool mask, broadcast together -> value where mask is true, else this, in this
  /// dtype (value converted by cast_value, as PyTorch does). One pass (where); differentiable
  /// in this, whose gradient is 0 where filled. DTypeError unless mask is bool, DeviceError,
  /// ShapeError when the shapes do not broadcast.
  Tensor masked_fill(const Tensor& mask, double value) const;

  // ---- More in place (src/tensor/tensor.cpp, with add_ and mul_) ------------------------
  /// this -= alpha * other, in one pass (the product rounded first, as in add_).
  Tensor& sub_(const Tensor& other, double alpha = 1.0);
  /// this /= other (broadcast to this shape).
  Tensor& div_(const Tensor& other);
  /// masked_fill in place (src/tensor/tensor_argops.cpp): mask must broadcast to this shape.
  Tensor& masked_fill_(const Tensor& mask, double value);

  /// numpy/PyTorch-style text; large tensors show their first and last 3 per dim.
  std::string to_string() const;

  /// The shared implementation (library use: autograd and backends).
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  /// A handle to an existing implementation (library use: autograd hooks).
  static Tensor from_impl(std::shared_ptr<TensorImpl> impl);

 private:
  void check_data_ptr(DType requested) const;
  void check_in_place(const char* op) const;

  std::shared_ptr<TensorImpl> impl_;
};

/// What max_with_indices / min_with_indices return (PyTorch's torch.return_types.max):
/// `auto [values, indices] = x.max_with_indices(1);` indices are int64.
struct ValuesAndIndices {
  Tensor values;
  Tensor indices;
};

// Operators: Tensor with Tensor or with a scalar on either side (the scalar takes the
// tensor's dtype and device).
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);
std::ostream& operator<<(std::ostream& os, const Tensor& t);

// Free-function spellings, as in PyTorch.
Tensor exp(const Tensor& t);
Tensor log(const Tensor& t);
Tensor sigmoid(const Tensor& t);
Tensor relu(const Tensor& t);
Tensor tanh(const Tensor& t);
Tensor abs(const Tensor& t);
Tensor sqrt(const Tensor& t);
Tensor sin(const Tensor& t);
Tensor cos(const Tensor& t);
Tensor log1p(const Tensor& t);
Tensor expm1(const Tensor& t);
Tensor sign(const Tensor& t);
Tensor floor(const Tensor& t);
Tensor pow(const Tensor& t, double exponent);
/// Elementwise min of a and b (broadcast): NaN if either is NaN, as in PyTorch; a tie (±0
/// included) gives a. Tied elements share the gradient equally.
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, double b);
/// Elementwise max of a and b: minimum's mirror.
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, double b);
/// cond, a, b broadcast together -> a where cond is nonzero (NaN included), else b, in a's
/// and b's promoted dtype (bool for two bool operands). cond may have any dtype: unless it
/// is bool or a's and b's dtype, it is converted to bool first (one pass). cond gets no
/// gradient; a number takes the other operand's dtype.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
Tensor where(const Tensor& cond, const Tensor& a, double b);
Tensor where(const Tensor& cond, double a, const Tensor& b);
/// x clamped to [min, max] (either bound may be left out, not both: ValueError), as PyTorch's
/// min(max(x, min), max): min > max gives max everywhere; NaN in x stays NaN, a NaN bound is
/// ignored. x equal to a bound keeps its gradient. A composite program (one pass).
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max);
/// x where x > 0, else negative_slope * x (NaN stays NaN, -0 stays -0); the gradient at 0 is
/// negative_slope, as in PyTorch. A composite program (one pass).
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
/// GELU, tanh approximation (PyTorch's approximate="tanh"):
/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). A composite program (one pass); int64
/// computes in float32.
Tensor gelu(const Tensor& x);
/// SiLU (swish): x * sigmoid(x). A composite program (one pass); int64 computes in float32.
Tensor silu(const Tensor& x);
Tensor matmul(const Tensor& a, const Tensor& b);

/// The elementwise op `op` (a descriptor of elementwise_ops.h) over inputs, broadcast
/// together, with autograd: the path of every elementwise function above. Throws ValueError
/// when the count of inputs is not the op's arity.
Tensor apply_elementwise(OpCode op, std::span<const Tensor> inputs);

// ---- Joining and splitting (src/tensor/tensor_joins.cpp) ----------------------------------

/// [a0, ..., n_i, ...] for each i -> [a0, ..., sum n_i, ...]: the tensors joined along dim.
/// Every other size, the rank, dtype and device must match; ValueError for an empty list,
/// ShapeError (naming every shape and the dim), DTypeError, DeviceError otherwise. One copy
/// per input into its part of the output; the gradient of each is its part of the output's.
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim = 0);
/// k tensors of shape s -> shape s with k inserted at dim (-rank-1 <= dim <= rank).
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim = 0);
/// Views of t along dim of the given sizes, which must add up to t's size there.
std::vector<Tensor> split_with_sizes(const Tensor& t, const std::vector<std::int64_t>& sizes,
                                     std::int64_t dim = 0);
/// split_with_sizes, spelled as PyTorch's split(t, [sizes...]).
std::vector<Tensor> split(const Tensor& t, const std::vector<std::int64_t>& sizes,
                          std::int64_t dim = 0);
namespace detail {
std::vector<Tensor> split_by_size(const Tensor& t, std::int64_t split_size, std::int64_t dim);
}
/// Views of t along dim of split_size elements each, the last one shorter when split_size
/// does not divide the size (PyTorch's split; one view when split_size >= the size).
template <DimInteger I>
std::vector<Tensor> split(const Tensor& t, I split_size, std::int64_t dim = 0) {
  return detail::split_by_size(t, static_cast<std::int64_t>(split_size), dim);
}
/// split(t, ceil(size / chunks), dim): at most `chunks` views (PyTorch's chunk); a dim of
/// size 0 gives `chunks` empty views. ValueError unless chunks > 0.
std::vector<Tensor> chunk(const Tensor& t, std::int64_t chunks, std::int64_t dim = 0);
Tensor cumsum(const Tensor& t, std::int64_t dim);

// Indexing by int64 tensors (docs/ops.md, Note [Index checks] in src/ops/ops.h). Every index
// must lie in [0, size) of the dim it indexes (a negative index is an IndexError naming the
// op, the index, the dim and its size, thrown before anything is written). Differentiable in
// t and src, never in index; sums over repeated indices are deterministic (docs/ops.md).

/// t [n0, .., nd, ..] gathered along dim by index [m0, .., md, ..] -> index's shape:
/// out[i][j][k] = t[i][index[i][j][k]][k] (dim 1 shown). index has t's rank and m <= n off
/// dim. Throws DTypeError (index not int64), DeviceError, ShapeError, IndexError.
Tensor gather(const Tensor& t, std::int64_t dim, const Tensor& index);
/// t with src added at index along dim (out-of-place torch.scatter_add):
/// out[i][index[i][j][k]][k] += src[i][j][k] (dim 1 shown). index has t's rank and is no
/// larger than src in any dim nor than t off dim; src has t's dtype (floating or int64).
Tensor scatter_add(const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src);
/// t [.., n, ..] at positions index [m] (1-D) along dim -> [.., m, ..].
Tensor index_select(const Tensor& t, std::int64_t dim, const Tensor& index);
/// t [.., n, ..] with src [.., m, ..] added at positions index [m] (1-D) along dim
/// (out-of-place torch.index_add); repeated positions add in order of index.
Tensor index_add(const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src);
/// t with its elements in reverse order along each of dims (no repeats); a copy.
Tensor flip(const Tensor& t, const Dims& dims);

/// int64 indices [s] -> int64 [s, num_classes]: 1 at each index's class, else 0 (PyTorch's
/// one_hot). num_classes -1 means max(indices) + 1 (ValueError for an empty tensor). Indices
/// are read on the host; IndexError naming the first index outside [0, num_classes).
Tensor one_hot(const Tensor& indices, std::int64_t num_classes = -1);

}  // namespace minitorch
