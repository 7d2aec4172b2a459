// CPU facts read at run time: cpuid through the compiler's builtins, the affinity mask
// through sched_getaffinity, and the cgroup CPU quota from /sys/fs/cgroup (v2, then v1).
#include "minitorch/system_info.h"

#include <sched.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

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

CpuFeatures detect_features() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  // __builtin_cpu_supports needs a string literal, hence one line per feature.
  f.sse4_2 = __builtin_cpu_supports("sse4.2") != 0;
  f.avx = __builtin_cpu_supports("avx") != 0;
  f.avx2 = __builtin_cpu_supports("avx2") != 0;
  f.fma = __builtin_cpu_supports("fma") != 0;
  f.avx512f = __builtin_cpu_supports("avx512f") != 0;
  f.avx512dq = __builtin_cpu_supports("avx512dq") != 0;
  f.avx512bw = __builtin_cpu_supports("avx512bw") != 0;
  f.avx512vl = __builtin_cpu_supports("avx512vl") != 0;
#endif
  return f;
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

std::string_view to_string(SimdLevel level) {
  switch (level) {
    case SimdLevel::Scalar:
      return "scalar";
    case SimdLevel::Avx2:
      return "avx2";
    case SimdLevel::Avx512:
      return "avx512";
  }
  return "scalar";
}

SimdLevel CpuFeatures::best_level() const {
  if (has_avx512()) {
    return SimdLevel::Avx512;
  }
  if (has_avx2_fma()) {
    return SimdLevel::Avx2;
  }
  return SimdLevel::Scalar;
}

bool CpuFeatures::supports(SimdLevel level) const {
  switch (level) {
    case SimdLevel::Scalar:
      return true;
    case SimdLevel::Avx2:
      return has_avx2_fma();
    case SimdLevel::Avx512:
      return has_avx512();
  }
  return false;
}

std::vector<std::string> CpuFeatures::names() const {
  const std::pair<bool, const char*> features[] = {
      {sse4_2, "sse4.2"},   {avx, "avx"},           {avx2, "avx2"},         {fma, "fma"},
      {avx512f, "avx512f"}, {avx512dq, "avx512dq"}, {avx512bw, "avx512bw"}, {avx512vl, "avx512vl"}};
  std::vector<std::string> present;
  for (const auto& [has, name] : features) {
    if (has) {
      present.emplace_back(name);
    }
  }
  return present;
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect_features();
  return features;
}

CpuInfo cpu_info() {
  CpuInfo info;
  info.model = read_cpu_model();
  info.simd = cpu_features().names();
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
