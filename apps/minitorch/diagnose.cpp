// `minitorch diagnose`: what this build is and what this machine lets it use; with --ops,
// how a fixed set of ops runs here (diagnose_ops.cpp).
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_args.h"
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

// The MINITORCH_* table: each variable's value (or its default) and where it came from.
// Returns how many values are malformed; their messages also go to stderr.
int print_settings() {
  std::printf("environment (MINITORCH_* variables; README.md lists what each does):\n");
  int errors = 0;
  for (const config::Setting& s : config::settings()) {
    const bool unset = s.source == config::Source::Default;
    const std::string value = unset ? std::string(s.variable->default_value) : s.value;
    std::printf("  %-30s %s [%s]%s\n", std::string(s.variable->name).c_str(), value.c_str(),
                std::string(config::to_string(s.source)).c_str(),
                s.error.empty() ? "" : "  MALFORMED");
    if (!s.error.empty()) {
      std::fprintf(stderr, "minitorch diagnose: %s\n", s.error.c_str());
      ++errors;
    }
  }
  return errors;
}

}  // namespace

int diagnose(const std::vector<std::string>& args) {
  DiagnoseOptions options;
  if (!parse_diagnose_args(args, options)) {
    std::puts(
        "usage: minitorch diagnose [--ops [--size N] [--trace FILE]]\n\nPrints the "
        "version, build configuration, CPU model and SIMD features,\nthe CPUs this "
        "process may use, every MINITORCH_* environment variable with its\nvalue and "
        "where it came from (default, environment), and the available devices and\n"
        "backends. Exits 1 when a variable's value is malformed.\n\n"
        "  --ops         also run a fixed set of ops on N x N float32 tensors under the\n"
        "                profiler and print, per op, the loop path, ISA, threads, GB/s and\n"
        "                the fraction of a STREAM-style bandwidth measured on the spot\n"
        "  --size N      N for --ops, 1..8192 (default 4096: 64 MB per tensor, beyond the "
        "caches)\n"
        "  --trace FILE  with --ops, write every call as Chrome trace JSON (Perfetto)");
    return 0;
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
  const int malformed = print_settings();
  std::printf("devices:    cpu (backend: %s); cuda: %s\n", backend_name(Device::cpu()).c_str(),
              cuda_status().c_str());
  std::printf("backends:   %s\n", backends.c_str());
  if (malformed > 0) {
    return 1;
  }
  if (options.ops) {
    std::printf("\n");
    return diagnose_ops(options.size, options.trace);
  }
  return 0;
}

}  // namespace minitorch::cli
