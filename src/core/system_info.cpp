// CPU facts read at run time: cpuid through the compiler's builtins, the affinity mask
// through sched_getaffinity, and the cgroup CPU quota from /sys/fs/cgroup (v2, then v1).
#include "minitorch/system_info.h"

#include <sched.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>

namespace minitorch {
namespace {

std::string read_cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        return line.substr(colon + 2);
      }
    }
  }
  return "unknown";
}

std::vector<std::string> read_simd_features() {
  std::vector<std::string> features;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  // __builtin_cpu_supports needs a string literal, hence one line per feature.
  const bool present[] = {
      __builtin_cpu_supports("sse4.2") != 0,   __builtin_cpu_supports("avx") != 0,
      __builtin_cpu_supports("avx2") != 0,     __builtin_cpu_supports("fma") != 0,
      __builtin_cpu_supports("avx512f") != 0,  __builtin_cpu_supports("avx512dq") != 0,
      __builtin_cpu_supports("avx512bw") != 0, __builtin_cpu_supports("avx512vl") != 0};
  const char* names[] = {"sse4.2",  "avx",      "avx2",     "fma",
                         "avx512f", "avx512dq", "avx512bw", "avx512vl"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (present[i]) {
      features.emplace_back(names[i]);
    }
  }
#endif
  return features;
}

// cgroup v2: "/sys/fs/cgroup/cpu.max" holds "<quota> <period>" or "max <period>".
// cgroup v1: cpu.cfs_quota_us (-1 when unlimited) and cpu.cfs_period_us.
double read_cgroup_quota() {
  std::ifstream v2("/sys/fs/cgroup/cpu.max");
  std::string quota;
  double period = 0;
  if (v2 >> quota >> period) {
    return (quota == "max" || period <= 0) ? 0.0 : std::stod(quota) / period;
  }
  std::ifstream v1_quota("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  std::ifstream v1_period("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  double q = 0;
  if (v1_quota >> q && v1_period >> period && q > 0 && period > 0) {
    return q / period;
  }
  return 0.0;
}

}  // namespace

CpuInfo cpu_info() {
  CpuInfo info;
  info.model = read_cpu_model();
  info.simd = read_simd_features();
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  info.online_cpus = online > 0 ? static_cast<int>(online) : 1;
  cpu_set_t mask;
  CPU_ZERO(&mask);
  info.affinity_cpus =
      sched_getaffinity(0, sizeof(mask), &mask) == 0 ? CPU_COUNT(&mask) : info.online_cpus;
  info.cgroup_quota_cpus = read_cgroup_quota();
  info.usable_cpus = info.affinity_cpus;
  if (info.cgroup_quota_cpus > 0) {
    int quota = static_cast<int>(std::ceil(info.cgroup_quota_cpus));
    info.usable_cpus = quota < info.usable_cpus ? quota : info.usable_cpus;
  }
  if (info.usable_cpus < 1) {
    info.usable_cpus = 1;
  }
  return info;
}

}  // namespace minitorch
