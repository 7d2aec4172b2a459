// cat, stack, split and chunk. cat checks every operand once, then copies each input into its
// part of one output (autograd/composite_functions.cpp); stack is cat of unsqueezed views;
// split and chunk return narrow views, as in PyTorch (no copies; writes through them reach t).
#include <string>
#include <vector>

#include "autograd/composite_functions.h"
#include "minitorch/error.h"
#include "minitorch/tensor.h"

namespace minitorch {
namespace {

// "[3, 4], [3, 5]": every operand's shape, for messages.
std::string all_shapes(const std::vector<Tensor>& tensors) {
  std::string out;
  for (const Tensor& t : tensors) {
    out += (out.empty() ? "" : ", ") + minitorch::to_string(t.shape());
  }
  return out;
}

// Empty list, undefined entries, rank, dtype and device: what cat and stack both require.
void check_same_kind(const std::vector<Tensor>& tensors, const char* op) {
  if (tensors.empty()) {
    throw ValueError(std::string(op) + ": expected a non-empty list of tensors");
  }
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].defined()) {
      throw ValueError(std::string(op) + ": tensor " + std::to_string(i) + " is undefined");
    }
  }
  const Tensor& first = tensors.front();
  for (std::size_t i = 1; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (t.ndim() != first.ndim()) {
      throw ShapeError(std::string(op) + ": tensor " + std::to_string(i) + " has " +
                       std::to_string(t.ndim()) + " dims where tensor 0 has " +
                       std::to_string(first.ndim()) + " (shapes " + all_shapes(tensors) + ")");
    }
    if (t.dtype() != first.dtype()) {
      throw DTypeError(std::string(op) + ": tensor " + std::to_string(i) + " is " +
                       std::string(minitorch::to_string(t.dtype())) + " where tensor 0 is " +
                       std::string(minitorch::to_string(first.dtype())) + " (shapes " +
                       all_shapes(tensors) + "); convert with to(dtype)");
    }
    if (t.device() != first.device()) {
      throw DeviceError(std::string(op) + ": tensor " + std::to_string(i) + " is on " +
                        t.device().to_string() + " where tensor 0 is on " +
                        first.device().to_string() + " (shapes " + all_shapes(tensors) + ")");
    }
  }
}

}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim) {
  check_same_kind(tensors, "cat");
  const Tensor& first = tensors.front();
  if (first.ndim() == 0) {
    throw ShapeError("cat: zero-dim tensors cannot be concatenated (shapes " + all_shapes(tensors) +
                     "); use stack");
  }
  int d = wrap_dim(dim, first.ndim(), "cat", first.shape());
  Shape out_shape = first.shape();
  out_shape[d] = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Shape& shape = tensors[i].shape();
    for (int j = 0; j < shape.size(); ++j) {
      if (j != d && shape[j] != first.shape()[j]) {
        throw ShapeError("cat: sizes differ at dim " + std::to_string(j) + " (tensor " +
                         std::to_string(i) + " has " + std::to_string(shape[j]) +
                         ", tensor 0 has " + std::to_string(first.shape()[j]) +
                         "); all sizes but the cat dim " + std::to_string(d) +
                         " must match (shapes " + all_shapes(tensors) + ")");
      }
    }
    if (__builtin_add_overflow(out_shape[d], shape[d], &out_shape[d])) {
      throw ShapeError("cat: the sizes along dim " + std::to_string(d) +
                       " add up to more than int64 can hold (shapes " + all_shapes(tensors) + ")");
    }
  }
  return autograd::cat(tensors, d, out_shape);
}

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim) {
  check_same_kind(tensors, "stack");
  const Tensor& first = tensors.front();
  for (std::size_t i = 1; i < tensors.size(); ++i) {
    if (!(tensors[i].shape() == first.shape())) {
      throw ShapeError("stack: tensor " + std::to_string(i) + " has shape " +
                       minitorch::to_string(tensors[i].shape()) + " where tensor 0 has " +
                       minitorch::to_string(first.shape()) + "; stack needs equal shapes (shapes " +
                       all_shapes(tensors) + ")");
    }
  }
  // The new dim may also go after the last one: -rank - 1 <= dim <= rank.
  std::int64_t rank = first.ndim();
  if (dim < -rank - 1 || dim > rank) {
    throw IndexError("stack: dim " + std::to_string(dim) +
                     " is out of range for tensors of shape " +
                     minitorch::to_string(first.shape()) + " (expected " +
                     std::to_string(-rank - 1) + " to " + std::to_string(rank) + ")");
  }
  auto d = static_cast<int>(dim < 0 ? dim + rank + 1 : dim);
  std::vector<Tensor> parts;
  parts.reserve(tensors.size());
  for (const Tensor& t : tensors) {
    parts.push_back(t.unsqueeze(d));
  }
  return cat(parts, d);
}

std::vector<Tensor> split_with_sizes(const Tensor& t, const std::vector<std::int64_t>& sizes,
                                     std::int64_t dim) {
  if (t.ndim() == 0) {
    throw ShapeError("split_with_sizes: a zero-dim tensor (shape []) cannot be split");
  }
  int d = wrap_dim(dim, t.ndim(), "split_with_sizes", t.shape());
  std::int64_t total = 0;
  std::string listed;
  for (std::int64_t size : sizes) {
    listed += (listed.empty() ? "" : ", ") + std::to_string(size);
  }
  for (std::int64_t size : sizes) {
    if (size < 0 || __builtin_add_overflow(total, size, &total)) {
      throw ShapeError("split_with_sizes: sizes [" + listed + "] along dim " + std::to_string(d) +
                       " of shape " + minitorch::to_string(t.shape()) +
                       " must be non-negative and add up to " + std::to_string(t.shape()[d]));
    }
  }
  if (total != t.shape()[d]) {
    throw ShapeError("split_with_sizes: sizes [" + listed + "] add up to " + std::to_string(total) +
                     ", not to the size " + std::to_string(t.shape()[d]) + " of dim " +
                     std::to_string(d) + " (shape " + minitorch::to_string(t.shape()) + ")");
  }
  std::vector<Tensor> parts;
  parts.reserve(sizes.size());
  std::int64_t offset = 0;
  for (std::int64_t size : sizes) {
    parts.push_back(t.narrow(d, offset, size));
    offset += size;
  }
  return parts;
}

std::vector<Tensor> split(const Tensor& t, const std::vector<std::int64_t>& sizes,
                          std::int64_t dim) {
  return split_with_sizes(t, sizes, dim);
}

namespace detail {

std::vector<Tensor> split_by_size(const Tensor& t, std::int64_t split_size, std::int64_t dim) {
  if (t.ndim() == 0) {
    throw ShapeError("split: a zero-dim tensor (shape []) cannot be split");
  }
  int d = wrap_dim(dim, t.ndim(), "split", t.shape());
  std::int64_t n = t.shape()[d];
  if (split_size < 0 || (split_size == 0 && n > 0)) {
    throw ValueError("split: split_size must be positive (0 only for a dim of size 0), got " +
                     std::to_string(split_size) + " for dim " + std::to_string(d) + " of shape " +
                     minitorch::to_string(t.shape()));
  }
  // PyTorch: at least one part, also when split_size >= n or n == 0.
  std::int64_t parts = n == 0 ? 1 : (n - 1) / split_size + 1;
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(parts), split_size);
  sizes.back() = n - (parts - 1) * split_size;
  return split_with_sizes(t, sizes, d);
}

}  // namespace detail

std::vector<Tensor> chunk(const Tensor& t, std::int64_t chunks, std::int64_t dim) {
  if (t.ndim() == 0) {
    throw ShapeError("chunk: a zero-dim tensor (shape []) cannot be split");
  }
  int d = wrap_dim(dim, t.ndim(), "chunk", t.shape());
  if (chunks <= 0) {
    throw ValueError("chunk: chunks must be positive, got " + std::to_string(chunks) + " (shape " +
                     minitorch::to_string(t.shape()) + ", dim " + std::to_string(d) + ")");
  }
  std::int64_t n = t.shape()[d];
  if (n == 0) {
    // PyTorch keeps the number of chunks here: `chunks` empty views.
    return split_with_sizes(t, std::vector<std::int64_t>(static_cast<std::size_t>(chunks), 0), d);
  }
  return detail::split_by_size(t, (n - 1) / chunks + 1, d);
}

}  // namespace minitorch
