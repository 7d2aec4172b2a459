// What convolution and pooling are built from (Note [Convolution by unfold] in
// src/tensor/tensor_convolution.cpp): unfold, a strided view of overlapping windows; im2col,
// the convolution's window matrix with its col2im backward; and a constant pad. All are layout
// work only; every backend runs them through fill, copy and add.
#pragma once

#include <vector>

#include "minitorch/tensor.h"

namespace minitorch::autograd {

/// The unfold view (TensorData::unfold). Backward: each window's gradient is added back at
/// its position, window offset k = 0..size-1 one after another (deterministic), so overlapping
/// windows sum their contributions.
Tensor unfold(const Tensor& x, std::int64_t dim, std::int64_t size, std::int64_t step);
/// The convolution's window matrix (Note [Convolution by unfold]): x [N, C, spatial...]
/// (padded, checked) -> [N, groups, C / groups * k..., L], L the number of output positions,
/// made from unfold views by one copy. Backward (col2im): zeros of x's shape, then for each
/// kernel offset, in row-major order, one add of that offset's [N, C, out...] gradient at the
/// positions it read; both operands keep their inner dim contiguous when stride is 1.
Tensor im2col(const Tensor& x, const std::vector<std::int64_t>& kernel,
              const std::vector<std::int64_t>& stride, const std::vector<std::int64_t>& dilation,
              std::int64_t groups);
/// x padded by before[d] and after[d] elements of value along each dim d (checked sizes).
/// Backward: the gradient's interior, a view.
Tensor pad(const Tensor& x, const std::vector<std::int64_t>& before,
           const std::vector<std::int64_t>& after, double value);

}  // namespace minitorch::autograd
