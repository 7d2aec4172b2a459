// How a process of the nccl group learns its rank and world size, and how rank 0's
// ncclUniqueId reaches the others: MPI (mpirun), the environment plus an id file, or a world
// of one. See docs/distributed_nccl.md.
#include "dist/nccl_launch.h"

#include <unistd.h>

#if MT_HAVE_MPI
#include <mpi.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "minitorch/config.h"
#include "minitorch/dist/process_group.h"

namespace minitorch::dist::detail {
namespace {

#if MT_HAVE_MPI
bool g_mpi_initialized_here = false;

void check_mpi(int code, const char* call) {
  if (code != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING] = {};
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw DistError(std::string("init_process_group(nccl): ") + call + " failed: " + text);
  }
}

Launch mpi_launch() {
  int initialized = 0;
  check_mpi(MPI_Initialized(&initialized), "MPI_Initialized");
  if (initialized == 0) {
    int provided = 0;
    check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    g_mpi_initialized_here = true;
  }
  Launch launch;
  launch.launcher = Launcher::Mpi;
  check_mpi(MPI_Comm_rank(MPI_COMM_WORLD, &launch.rank), "MPI_Comm_rank");
  check_mpi(MPI_Comm_size(MPI_COMM_WORLD, &launch.world), "MPI_Comm_size");
  MPI_Comm node = MPI_COMM_NULL;
  check_mpi(
      MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, launch.rank, MPI_INFO_NULL, &node),
      "MPI_Comm_split_type");
  check_mpi(MPI_Comm_rank(node, &launch.local_rank), "MPI_Comm_rank(node)");
  MPI_Comm_free(&node);
  return launch;
}
#endif

ncclUniqueId new_unique_id(const Launch& launch) {
  ncclUniqueId id{};
  ncclResult_t result = ncclGetUniqueId(&id);
  if (result != ncclSuccess) {
    throw DistError("init_process_group(nccl): ncclGetUniqueId failed: " +
                    std::string(ncclGetErrorString(result)) + " (" + describe(launch) + ")");
  }
  return id;
}

// Rank 0 writes the id under a temporary name and renames it into place, so a reader sees
// the whole id or no file.
void write_id_file(const Launch& launch, const ncclUniqueId& id) {
  std::string temp = launch.id_file + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(id.internal, sizeof(id.internal));
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      throw DistError("init_process_group(nccl): cannot write the id file '" + temp + "' (" +
                      describe(launch) + ")");
    }
  }
  if (std::rename(temp.c_str(), launch.id_file.c_str()) != 0) {
    int error = errno;
    std::remove(temp.c_str());
    throw DistError("init_process_group(nccl): cannot rename '" + temp + "' to '" + launch.id_file +
                    "': " + std::strerror(error) + " (" + describe(launch) + ")");
  }
}

ncclUniqueId read_id_file(const Launch& launch, std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    std::ifstream in(launch.id_file, std::ios::binary);
    ncclUniqueId id{};
    if (in.read(id.internal, sizeof(id.internal)) && in.gcount() == sizeof(id.internal)) {
      return id;
    }
    if (Clock::now() > deadline) {
      throw DistError("init_process_group(nccl): timed out after " + ms_text(timeout) +
                      " waiting for rank 0 to write the id file '" + launch.id_file + "' (" +
                      describe(launch) + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

Launch discover_launch() {
  std::optional<int> world = config::world_size();
#if MT_HAVE_MPI
  if (!world && launched_by_mpi()) {
    return mpi_launch();
  }
#endif
  if (!world) {
    if (launched_by_mpi()) {
      throw DistError(
          "init_process_group(nccl): started by an MPI launcher, but this build has no MPI; "
          "set MINITORCH_RANK, MINITORCH_WORLD_SIZE and MINITORCH_NCCL_ID_FILE instead");
    }
    return Launch{};
  }
  Launch launch;
  launch.world = *world;
  std::optional<int> rank = config::rank();
  if (!rank) {
    throw DistError("init_process_group(nccl): MINITORCH_WORLD_SIZE is set (" +
                    std::to_string(*world) + ") but MINITORCH_RANK is not");
  }
  if (*rank >= *world) {
    throw DistError("init_process_group(nccl): MINITORCH_RANK: expected an integer in 0.." +
                    std::to_string(*world - 1) + ", got '" + std::to_string(*rank) + "'");
  }
  launch.rank = *rank;
  launch.local_rank = config::local_rank().value_or(*rank);
  if (launch.world > 1) {
    std::string file = config::nccl_id_file();
    if (file.empty()) {
      throw DistError(
          "init_process_group(nccl): a world of " + std::to_string(launch.world) +
          " from MINITORCH_WORLD_SIZE needs MINITORCH_NCCL_ID_FILE (a path every rank can read)");
    }
    launch.launcher = Launcher::File;
    launch.id_file = file;
  }
  return launch;
}

std::string describe(const Launch& launch) {
  return "rank " + std::to_string(launch.rank) + " of " + std::to_string(launch.world);
}

// Every rank gets rank 0's id. Under MPI the failure of rank 0 travels with the id, so that no
// rank waits in MPI_Bcast for an id that will never come.
ncclUniqueId exchange_id(const Launch& launch, std::chrono::milliseconds timeout) {
  switch (launch.launcher) {
    case Launcher::Single:
      return new_unique_id(launch);
    case Launcher::File:
      if (launch.rank == 0) {
        ncclUniqueId id = new_unique_id(launch);
        write_id_file(launch, id);
        return id;
      }
      return read_id_file(launch, timeout);
    case Launcher::Mpi: {
#if MT_HAVE_MPI
      struct Message {
        int ok = 0;
        ncclUniqueId id{};
      } message;
      std::string failure;
      if (launch.rank == 0) {
        try {
          message.id = new_unique_id(launch);
          message.ok = 1;
        } catch (const DistError& e) {
          failure = e.what();
        }
      }
      check_mpi(MPI_Bcast(&message, sizeof(message), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
      if (message.ok == 0) {
        throw DistError(failure.empty() ? "init_process_group(nccl): rank 0 could not make the "
                                          "NCCL id (" +
                                describe(launch) + ")"
                                        : failure);
      }
      return message.id;
#else
      break;
#endif
    }
  }
  throw InternalError("init_process_group(nccl): unknown launcher");
}

bool mpi_initialized_by_nccl_group() {
#if MT_HAVE_MPI
  return g_mpi_initialized_here;
#else
  return false;
#endif
}

}  // namespace minitorch::dist::detail
