// Launchers of the CUDA kernels, called by the CudaBackend (cuda_backend.cpp). Operands are
// device TensorData already checked and broadcast by the ops layer (see backend.h), all on one
// device, which the backend has made current (DeviceGuard); each launcher queues its kernels
// on that device's stream (stream_of(out), Note [CUDA streams]) and returns without syncing.
#pragma once

#include <span>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_stream.h"
#include "minitorch/program.h"
#include "minitorch/scalar_ops.h"
#include "minitorch/tensor_data.h"

namespace minitorch::cuda {

/// Backend::elementwise (Note [CUDA programs] in cuda_program.cu).
void launch_program(const Program& program, DType compute, std::span<const TensorData> inputs,
                    TensorData& out, const OpContext& context);
void launch_fill(double value, TensorData& out, const OpContext& context);
/// Same-device copy with any layouts and a dtype conversion.
void launch_copy(const TensorData& in, TensorData& out, const OpContext& context);
void launch_reduce(ReduceOp op, const TensorData& in, int dim, TensorData& out,
                   const OpContext& context);
void launch_matmul(const TensorData& a, const TensorData& b, TensorData& out,
                   const OpContext& context);

/// Multiprocessors of device (cached for every device at the first call).
int sm_count(int device);

/// Backend::gather and Backend::scatter_add (cuda_index.cu; Note [Index primitives]).
void launch_gather(const TensorData& in, int dim, const TensorData& index, TensorData& out,
                   const OpContext& context);
void launch_scatter_add(const TensorData& src, int dim, const TensorData& index, TensorData& out,
                        const OpContext& context);

}  // namespace minitorch::cuda
