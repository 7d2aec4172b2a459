// How many threads the CPU backend uses. The default is the number of CPUs this process may
// run on (affinity mask and cgroup CPU quota, see cpu_info().usable_cpus), overridden by the
// environment variable MINITORCH_NUM_THREADS. Results never depend on this number.
#pragma once

namespace minitorch {

/// Makes the CPU backend use n threads (the caller included) from now on; n < 1 restores the
/// default. Waits for running work to finish. Not meant to be called from inside an op.
void set_num_threads(int n);

/// Threads the CPU backend uses (at least 1).
int get_num_threads();

}  // namespace minitorch
