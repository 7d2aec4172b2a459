// What this machine and this process can use: CPU model, instruction-set features, usable CPUs.
// Read at run time (cpuid, affinity mask, cgroup quota), never from the build machine.
// cpu_features() is the one place that asks the CPU which instruction sets it has.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace minitorch {

/// The x86 instruction-set levels minitorch has kernels for, in increasing order.
enum class SimdLevel : std::uint8_t { Scalar, Avx2, Avx512 };

/// "scalar", "avx2" or "avx512".
std::string_view to_string(SimdLevel level);

/// The instruction-set extensions of this CPU (all false off x86).
struct CpuFeatures {
  bool sse4_2 = false;
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
  bool avx512dq = false;
  bool avx512bw = false;
  bool avx512vl = false;

  /// What the *_avx2.cpp files are compiled for (Note [SIMD files]): AVX2 and FMA.
  bool has_avx2_fma() const { return avx2 && fma; }
  /// What the *_avx512.cpp files are compiled for: AVX-512 F, DQ, BW, VL and FMA.
  bool has_avx512() const { return avx512f && avx512dq && avx512bw && avx512vl && fma; }
  /// The highest level whose kernels this CPU can run.
  SimdLevel best_level() const;
  /// Whether the CPU can run level's kernels.
  bool supports(SimdLevel level) const;
  /// The features present, e.g. {"sse4.2", "avx2", "fma"}.
  std::vector<std::string> names() const;
};

/// This CPU's features, read once (cpuid) and cached; thread-safe.
const CpuFeatures& cpu_features();

struct CpuInfo {
  std::string model;  ///< /proc/cpuinfo "model name", or "unknown"
  std::vector<std::string> simd;  ///< cpu_features().names()
  int online_cpus = 1;  ///< CPUs of the machine
  int affinity_cpus = 1;  ///< CPUs in this process's affinity mask
  double cgroup_quota_cpus = 0.0;  ///< cgroup v1/v2 CPU quota in CPUs; 0 when unlimited
  int usable_cpus = 1;  ///< min(affinity, ceil(quota)): what threads should use
};

/// Reads the CPU facts once per call (cheap: a few syscalls and small file reads).
CpuInfo cpu_info();

}  // namespace minitorch
