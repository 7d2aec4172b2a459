// The reference backend's index primitives (Note [Index primitives] in backend.h), kept
// beside reference_backend.cpp so that file stays the lecture's four loops.
#pragma once

#include "minitorch/tensor_data.h"

namespace minitorch::reference {

/// Backend::gather as the literal loop over out's elements.
void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out);
/// Backend::scatter_add as the literal loop over src's elements in row-major order.
void scatter_add(const TensorData& src, int dim, const TensorData& index, TensorData& out);

}  // namespace minitorch::reference
