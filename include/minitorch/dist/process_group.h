// Process groups: the collectives data-parallel training needs (all-reduce, broadcast,
// all-gather, barrier) over the engines the field uses — MPI for CPU tensors, NCCL for CUDA
// tensors — and a single-process group when neither is launched. minitorch writes no
// transport of its own. See docs/distributed.md.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "minitorch/error.h"
#include "minitorch/tensor.h"

namespace minitorch::dist {

/// A collective that cannot complete: calls that do not match across ranks (op, element
/// count, dtype, root; the MPI group stays usable after that), a peer that died or never
/// came, a timeout, a transport error (the NCCL group is unusable afterwards; the MPI group
/// ends the whole job on a timeout instead, so that no rank hangs).
class DistError : public Error {
 public:
  using Error::Error;
};

/// An all-reduce started by all_reduce_async; wait() finishes it (once).
class Work {
 public:
  virtual ~Work() = default;
  /// Blocks until the result is in the tensor; throws DistError on failure or timeout.
  virtual void wait() = 0;
  /// Lets the transport make progress without blocking (MPI progresses a non-blocking
  /// collective only inside MPI calls); true once the operation is complete.
  virtual bool poll() { return false; }
};

struct GroupOptions {
  /// How long one collective may wait for its peers before DistError (and, under MPI, the
  /// whole job is aborted, so that no rank hangs). MINITORCH_DIST_TIMEOUT (seconds) overrides.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
};

class ProcessGroup {
 public:
  virtual ~ProcessGroup() = default;
  ProcessGroup() = default;
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  /// "single", "mpi" or "nccl".
  virtual std::string_view backend() const = 0;
  /// The device the collectives take tensors on: cpu for single and mpi, this rank's GPU
  /// (cuda:<local rank % GPUs>) for nccl. Make the tensors there.
  virtual Device device() const { return Device::cpu(); }

  // Every collective takes a contiguous tensor on the group's device (CPU for single and
  // MPI, CUDA for NCCL) with the same element count and dtype on every rank (all_gather:
  // the same shape), and throws ShapeError / DeviceError / DTypeError before communicating
  // otherwise.
  // Results are bitwise identical on every rank, and run to run for a fixed world size.

  /// Sums t element-wise over all ranks, in place.
  virtual void all_reduce(Tensor& t) = 0;
  /// Starts the same sum and returns at once; t must stay alive and untouched until wait().
  virtual std::unique_ptr<Work> all_reduce_async(Tensor& t) = 0;
  /// Copies root's t into t on every other rank.
  virtual void broadcast(Tensor& t, int root) = 0;
  /// [world_size, *t.shape()]: rank r's t at index r, on every rank.
  virtual Tensor all_gather(const Tensor& t) = 0;
  virtual void barrier() = 0;
};

/// Whether this build has the backend ("single" always; "mpi" with MT_MPI; "nccl" with
/// MT_NCCL and CUDA).
bool is_available(std::string_view backend);

/// True when this process was started by an MPI launcher (mpirun/mpiexec set its size).
bool launched_by_mpi();

/// Creates the process group of this process (once; later calls return the same group and
/// throw ValueError if backend differs). "auto" picks mpi when launched by mpirun, else
/// single. Throws DistError when the backend is not in this build or cannot start.
ProcessGroup& init_process_group(std::string_view backend = "auto", GroupOptions options = {});

/// The group made by init_process_group; a single-process group if none was made.
ProcessGroup& default_group();

}  // namespace minitorch::dist
