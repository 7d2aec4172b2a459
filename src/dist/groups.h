// The backends' factories, each defined in its own file when the build has the backend
// (MT_HAVE_MPI: mpi_group.cpp, MT_HAVE_NCCL: nccl_group.cpp), and the checks they share.
#pragma once

#include <memory>

#include "minitorch/dist/process_group.h"

namespace minitorch::dist::detail {

std::unique_ptr<ProcessGroup> make_single_group();
#if MT_HAVE_MPI
std::unique_ptr<ProcessGroup> make_mpi_group(const GroupOptions& options);
#endif
#if MT_HAVE_NCCL
std::unique_ptr<ProcessGroup> make_nccl_group(const GroupOptions& options);
#endif

/// Throws ShapeError / DeviceError / DTypeError naming op unless t is defined, contiguous,
/// float32 or float64 and on device.
void check_collective_tensor(const Tensor& t, Device device, const char* op);

/// options.timeout, or config::dist_timeout() (MINITORCH_DIST_TIMEOUT) when set; throws
/// ConfigError (a ValueError) when that variable is malformed.
std::chrono::milliseconds collective_timeout(const GroupOptions& options);

}  // namespace minitorch::dist::detail
