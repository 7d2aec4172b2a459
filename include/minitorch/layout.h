// The lecture's layout functions, under the lecture's names. They map between a
// multi-index, a flat ordinal in row-major order, and a position in storage.
// None of them allocates; out-parameters are resized in place.
#pragma once

#include <cstdint>

#include "minitorch/shape.h"

namespace minitorch {

/// Contiguous (row-major) strides for shape: the last dim has stride 1.
Strides strides_from_shape(const Shape& shape);

/// Storage position of index under strides: sum of index[i] * strides[i].
std::int64_t index_to_position(const Index& index, const Strides& strides);

/// The multi-index of the ordinal-th element of shape in row-major order.
void to_index(std::int64_t ordinal, const Shape& shape, Index& out_index);

/// Maps big_index in big_shape to the index in the smaller shape it broadcasts from:
/// leading dims of big_shape that shape lacks are dropped, dims where shape is 1 become 0.
void broadcast_index(const Index& big_index, const Shape& big_shape, const Shape& shape,
                     Index& out_index);

/// The numpy broadcast of a and b. Throws ShapeError naming op, both shapes and the
/// failing dim, e.g. "zip(add): shapes [3, 4] and [5] do not broadcast (dim -1: 4 vs 5)".
Shape shape_broadcast(const Shape& a, const Shape& b, const char* op = "shape_broadcast");

}  // namespace minitorch
