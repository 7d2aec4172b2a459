// What this machine and this process can use: CPU model, SIMD features, usable CPUs.
// Read at run time (cpuid, affinity mask, cgroup quota), never from the build machine.
#pragma once

#include <string>
#include <vector>

namespace minitorch {

struct CpuInfo {
  std::string model;  ///< /proc/cpuinfo "model name", or "unknown"
  std::vector<std::string> simd;  ///< features present, e.g. {"sse4.2", "avx2", "fma"}
  int online_cpus = 1;  ///< CPUs of the machine
  int affinity_cpus = 1;  ///< CPUs in this process's affinity mask
  double cgroup_quota_cpus = 0.0;  ///< cgroup v1/v2 CPU quota in CPUs; 0 when unlimited
  int usable_cpus = 1;  ///< min(affinity, ceil(quota)): what threads should use
};

/// Reads the CPU facts once per call (cheap: a few syscalls and small file reads).
CpuInfo cpu_info();

}  // namespace minitorch
