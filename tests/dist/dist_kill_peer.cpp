// A peer that disappears: run under mpirun -n 2, rank 1 never joins the all_reduce that rank 0
// waits in. `dist_kill_peer kill`: rank 1 dies by SIGKILL; `dist_kill_peer skip`: rank 1 skips
// the call, sleeps past the timeout and would exit 0. Either way the job must end, non-zero,
// within the timeout (rank 0 names the collective on stderr when its timeout fires).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "dist/groups.h"
#include "minitorch/dist/process_group.h"
#include "minitorch/factories.h"

int main(int argc, char** argv) {
  using namespace minitorch;
  const std::string mode = argc > 1 ? argv[1] : "kill";
  dist::ProcessGroup& group = dist::init_process_group("mpi");
  group.barrier();
  if (group.rank() == 1) {
    if (mode == "kill") {
      std::raise(SIGKILL);
    }
    std::this_thread::sleep_for(3 * dist::detail::collective_timeout({}));
    return 0;
  }
  Tensor t = ones({1001});
  group.all_reduce(t);
  std::printf("rank %d: all_reduce returned without its peer\n", group.rank());
  return 0;
}
