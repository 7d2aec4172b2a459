// Convolution, pooling, padding and embedding with PyTorch's signatures and semantics
// (torch.nn.functional). All are compositions of primitives: a pad, the unfold view and the
// matmul (Note [Convolution by unfold], src/tensor/tensor_convolution.cpp), so they run and
// differentiate on every backend with no kernel of their own. Floating dtypes only.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "minitorch/tensor.h"

namespace minitorch {

/// A size per spatial dim, PyTorch's `int or tuple`: `2` means 2 in every dim, `{2, 1}` gives
/// height and width.
struct Size2 {
  Size2(std::int64_t both) : values{both, both} {}  // NOLINT(google-explicit-constructor)
  Size2(int both) : values{both, both} {}  // NOLINT(google-explicit-constructor)
  Size2(std::int64_t h, std::int64_t w) : values{h, w} {}
  std::int64_t operator[](int i) const { return values[static_cast<std::size_t>(i)]; }
  std::array<std::int64_t, 2> values;
};

/// A convolution's padding: a size per spatial dim (`1`, `{1, 2}`), "valid" (none) or "same"
/// (the output keeps the input's spatial size; stride 1 only; when dilation * (k - 1) is odd
/// the extra element goes after, as in PyTorch).
class ConvPadding {
 public:
  ConvPadding(int both) : sizes_{both} {}  // NOLINT(google-explicit-constructor)
  ConvPadding(std::int64_t both) : sizes_{both} {}  // NOLINT(google-explicit-constructor)
  ConvPadding(std::initializer_list<std::int64_t> sizes)  // NOLINT(google-explicit-constructor)
      : sizes_(sizes) {}
  /// "same" or "valid"; ValueError otherwise.
  ConvPadding(const char* mode);  // NOLINT(google-explicit-constructor)
  static ConvPadding same();

  bool is_same() const { return same_; }
  /// One size for every dim or one per dim (length 1 or the number of spatial dims).
  const std::vector<std::int64_t>& sizes() const { return sizes_; }

 private:
  ConvPadding() = default;
  std::vector<std::int64_t> sizes_;
  bool same_ = false;
};

/// x padded with value: `padding` lists (before, after) pairs from the last dim backwards, as
/// in torch.nn.functional.pad: {1, 2} pads the last dim by 1 before and 2 after, {1, 1, 2, 2}
/// also the dim before it by 2 on each side. Constant mode only; negative sizes (cropping)
/// are a ValueError, as is an odd-length list or more pairs than x has dims. Differentiable
/// (the gradient is the output gradient's interior); any dtype.
Tensor pad(const Tensor& x, const std::vector<std::int64_t>& padding, double value = 0.0);

/// input [N, C_in, L] (or unbatched [C_in, L]), weight [C_out, C_in / groups, k], optional
/// bias [C_out] -> [N, C_out, L_out] with L_out = (L + 2 p - dilation (k - 1) - 1) / stride + 1.
/// Throws ShapeError (wrong ranks, C_in != weight.size(1) * groups, C_out or C_in not divisible
/// by groups, bias not [C_out], a kernel larger than the padded input: every shape named),
/// ValueError (stride, dilation or groups < 1, negative padding, "same" with stride > 1),
/// DTypeError (non-floating or mixed dtypes), DeviceError. Nothing is computed before the checks.
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              std::int64_t stride = 1, const ConvPadding& padding = 0, std::int64_t dilation = 1,
              std::int64_t groups = 1);

/// input [N, C_in, H, W] (or unbatched [C_in, H, W]), weight [C_out, C_in / groups, kh, kw],
/// optional bias [C_out] -> [N, C_out, H_out, W_out], each spatial size as in conv1d. Throws as
/// conv1d.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, Size2 stride = 1,
              const ConvPadding& padding = 0, Size2 dilation = 1, std::int64_t groups = 1);

/// input [N, C, H, W] (or [C, H, W]) -> [N, C, H_out, W_out]: the mean of each window, zero
/// padding counted (PyTorch's count_include_pad=True); stride defaults to kernel_size; floor
/// mode. ValueError for kernel or stride < 1, padding < 0 or > kernel / 2; ShapeError for a
/// rank other than 3 or 4 or a kernel larger than the padded input.
Tensor avg_pool2d(const Tensor& input, Size2 kernel_size, std::optional<Size2> stride = {},
                  Size2 padding = 0);

/// input [N, C, H, W] (or [C, H, W]) -> [N, C, H_out, W_out]: the max of each window (padding
/// is -inf, never chosen); the gradient goes to the first maximum of each window (its argmax
/// index, as in PyTorch; overlapping windows add). Throws as avg_pool2d, plus ValueError for
/// dilation < 1.
Tensor max_pool2d(const Tensor& input, Size2 kernel_size, std::optional<Size2> stride = {},
                  Size2 padding = 0, Size2 dilation = 1);

/// indices int64 [...] (any shape), weight [num_embeddings, dim] -> [..., dim]: row
/// indices[i] of weight (index_select). The gradient of weight adds each output row's
/// gradient at its index, repeated indices in order (deterministic index_add). DTypeError
/// unless indices is int64 and weight floating; ShapeError unless weight is 2-D; IndexError
/// naming the first index outside [0, num_embeddings).
Tensor embedding(const Tensor& indices, const Tensor& weight);

}  // namespace minitorch
