// `minitorch diagnose`: what this build is and what this machine lets it use; with --ops,
// how a fixed set of ops runs here (diagnose_ops.cpp).
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "diagnose_ops.h"
#include "minitorch/build_config.h"
#include "minitorch/minitorch.h"

namespace minitorch::cli {

namespace {

// "not built in", "built in, no device (<why>)" or "cuda:0 (backend: <name>)".
std::string cuda_status() {
  if (available_backends(DeviceType::CUDA).empty()) {
    return "not built in";
  }
  try {
    const Device device = zeros({1}, {.device = Device::cuda()}).device();
    return device.to_string() + " (backend: " + backend_name(device) + ")";
  } catch (const DeviceError& e) {
    return std::string("built in, no device (") + e.what() + ")";
  }
}

}  // namespace

int diagnose(const std::vector<std::string>& args) {
  bool ops = false;
  std::string trace;
  std::int64_t size = 4096;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::puts(
          "usage: minitorch diagnose [--ops [--size N] [--trace FILE]]\n\nPrints the "
          "version, build configuration, CPU model and SIMD features,\nthe CPUs this "
          "process may use and the available devices and backends.\n\n"
          "  --ops         also run a fixed set of ops on N x N float32 tensors under the\n"
          "                profiler and print, per op, the loop path, ISA, threads, GB/s and\n"
          "                the fraction of a STREAM-style bandwidth measured on the spot\n"
          "  --size N      N for --ops (default 4096: 64 MB per tensor, beyond the caches)\n"
          "  --trace FILE  with --ops, write every call as Chrome trace JSON (Perfetto)");
      return 0;
    }
    if ((arg == "--trace" || arg == "--size") && i + 1 < args.size()) {
      if (arg == "--trace") {
        trace = args[++i];
      } else {
        size = std::stoll(args[++i]);
      }
      continue;
    }
    if (arg == "--ops") {
      ops = true;
      continue;
    }
    std::fprintf(stderr, "minitorch diagnose: unknown option '%s'\n", arg.c_str());
    return 2;
  }
  if (size < 1 || (!trace.empty() && !ops)) {
    std::fprintf(stderr, "minitorch diagnose: --size needs N >= 1 and --trace needs --ops\n");
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
  std::printf("devices:    cpu (backend: %s); cuda: %s\n", backend_name(Device::cpu()).c_str(),
              cuda_status().c_str());
  std::printf("backends:   %s\n", backends.c_str());
  if (ops) {
    std::printf("\n");
    return diagnose_ops(size, trace);
  }
  return 0;
}

}  // namespace minitorch::cli
