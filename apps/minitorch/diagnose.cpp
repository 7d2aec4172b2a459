// `minitorch diagnose`: what this build is and what this machine lets it use.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "minitorch/build_config.h"
#include "minitorch/minitorch.h"

namespace minitorch::cli {

int diagnose(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::puts("usage: minitorch diagnose\n\nPrints the version, build configuration, CPU "
                "model and SIMD features,\nthe CPUs this process may use and the available "
                "devices and backends.");
      return 0;
    }
    std::fprintf(stderr, "minitorch diagnose: unknown option '%s'\n", arg.c_str());
    return 2;
  }
  CpuInfo cpu = cpu_info();
  std::string simd;
  for (const std::string& feature : cpu.simd) {
    simd += (simd.empty() ? "" : " ") + feature;
  }
  std::string backends;
  for (const std::string& name : available_backends()) {
    backends += (backends.empty() ? "" : ", ") + name;
  }
  std::string sanitizers = MT_SANITIZERS;
  std::printf("minitorch %s\n", kVersion);
  std::printf("build:      %s, %s, sanitizers: %s\n", MT_BUILD_TYPE, MT_CXX_COMPILER,
              sanitizers.empty() ? "none" : sanitizers.c_str());
  std::printf("cpu:        %s\n", cpu.model.c_str());
  std::printf("simd:       %s\n", simd.empty() ? "none detected" : simd.c_str());
  std::printf("cpus:       %d usable (affinity mask %d of %d online", cpu.usable_cpus,
              cpu.affinity_cpus, cpu.online_cpus);
  if (cpu.cgroup_quota_cpus > 0) {
    std::printf(", cgroup quota %.2f", cpu.cgroup_quota_cpus);
  } else {
    std::printf(", no cgroup quota");
  }
  std::printf(")\n");
  std::printf("devices:    cpu (backend: %s); cuda: not built in\n",
              backend_name(Device::cpu()).c_str());
  std::printf("backends:   %s\n", backends.c_str());
  return 0;
}

}  // namespace minitorch::cli
