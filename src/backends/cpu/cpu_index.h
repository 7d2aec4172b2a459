// The CPU backend's index primitives (Note [Index primitives] in backend.h).
#pragma once

#include "minitorch/tensor_data.h"

namespace minitorch::cpu {

/// Backend::gather: threads split out's elements into chunks.
void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out);
/// Backend::scatter_add: threads split the coordinates off dim; each walks dim in order.
void scatter_add(const TensorData& src, int dim, const TensorData& index, TensorData& out);

}  // namespace minitorch::cpu
