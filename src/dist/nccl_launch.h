// The launch of an nccl group (nccl_launch.cpp): rank, world size and the ncclUniqueId
// exchange, shared with the group itself (nccl_group.cpp).
#pragma once

#include <nccl.h>

#include <chrono>
#include <string>

namespace minitorch::dist::detail {

using Clock = std::chrono::steady_clock;

enum class Launcher { Single, Mpi, File };

struct Launch {
  Launcher launcher = Launcher::Single;
  int rank = 0;
  int world = 1;
  int local_rank = 0;
  std::string id_file;
};

/// MINITORCH_WORLD_SIZE / MINITORCH_RANK / MINITORCH_LOCAL_RANK / MINITORCH_NCCL_ID_FILE when
/// set (read through minitorch/config.h), else MPI when started by mpirun (initialising it if
/// needed), else a world of one. Throws ConfigError for a malformed variable, DistError for an
/// incomplete environment or a rank outside the world.
Launch discover_launch();
/// "rank R of W".
std::string describe(const Launch& launch);
/// Rank 0's id on every rank (generated there; sent by MPI_Bcast or the id file, waiting at
/// most timeout for the file). Throws DistError.
ncclUniqueId exchange_id(const Launch& launch, std::chrono::milliseconds timeout);
/// Whether discover_launch called MPI_Init (so the group finalises MPI at exit).
bool mpi_initialized_by_nccl_group();

inline std::string ms_text(std::chrono::milliseconds timeout) {
  return std::to_string(timeout.count()) + " ms";
}

}  // namespace minitorch::dist::detail
