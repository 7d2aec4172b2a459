// Reports of `minitorch bench ops`: machine and build facts (read at run time), the
// readable table and the JSON written under bench/results/. No measuring here.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench_ops.h"
#include "minitorch/build_config.h"
#include "minitorch/minitorch.h"
#include "minitorch/profiler.h"

namespace minitorch::cli {
namespace {

std::string command_output(const char* command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command, "r"), pclose);
  if (!pipe) {
    return "";
  }
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) {
    out += buffer;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

std::string git_commit() {
  std::string commit = command_output("git rev-parse --short=12 HEAD 2>/dev/null");
  if (commit.empty()) {
    return "unknown (not run inside the git checkout)";
  }
  std::string dirty = command_output("git status --porcelain --untracked-files=no 2>/dev/null");
  return dirty.empty() ? commit : commit + " (with uncommitted changes)";
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string size_label(std::int64_t n) {
  if (n >= (1 << 20) && n % (1 << 20) == 0) {
    return std::to_string(n >> 20) + "M";
  }
  if (n >= (1 << 10) && n % (1 << 10) == 0) {
    return std::to_string(n >> 10) + "K";
  }
  return std::to_string(n);
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  double five = 0;
  double fifteen = 0;
  if (!(in >> one >> five >> fifteen)) {
    return "unknown";
  }
  return fixed(one, 2) + " " + fixed(five, 2) + " " + fixed(fifteen, 2);
}

std::vector<std::pair<std::string, std::string>> machine_info() {
  CpuInfo cpu = cpu_info();
  std::string simd;
  for (const std::string& feature : cpu.simd) {
    simd += (simd.empty() ? "" : " ") + feature;
  }
  std::string cpus = std::to_string(cpu.usable_cpus) + " usable (affinity " +
      std::to_string(cpu.affinity_cpus) + " of " + std::to_string(cpu.online_cpus) +
      " online, cgroup quota " +
      (cpu.cgroup_quota_cpus > 0 ? fixed(cpu.cgroup_quota_cpus, 2) : "none") + ")";
  return {{"cpu", cpu.model},
          {"simd", simd.empty() ? "none detected" : simd},
          {"cpus", cpus},
          {"compiler", MT_CXX_COMPILER},
          {"build type", MT_BUILD_TYPE},
          {"minitorch", kVersion},
          {"backend", backend_name(Device::cpu())},
          {"date", utc_now()},
          {"git commit", git_commit()}};
}

std::string format_bench_text(const BenchRun& run) {
  std::string out = "minitorch bench ops\n";
  if (!run.note.empty()) {
    out += "note: " + run.note + "\n";
  }
  for (const auto& [key, value] : run.info) {
    out += key + ": " + value + "\n";
  }
  out += "\nmemory bandwidth (STREAM-style, float64, arrays far larger than the caches):\n";
  for (const StreamBandwidth& bw : run.bandwidth) {
    out += "  " + bw.kernel + " " + size_label(bw.elements) + " x " + std::to_string(bw.threads) +
        " thr: " + fixed(bw.gb_per_s, 1) + " GB/s (median of " + std::to_string(bw.timing.reps) +
        ")\n";
  }
  out +=
      "\nGB/s = napkin bytes (distinct bytes read + written) / median time per call; best =\n"
      "bytes / min time; ratio = GB/s / the STREAM kernel's GB/s at the same size, dtype and\n"
      "threads (map -> copy, zip -> add, reduce -> read). thr = requested, used = what the\n"
      "backend reported. Times are the primitive alone, except the api row (whole call).\n\n";
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"case", "dtype", "size", "thr", "used", "path", "isa", "median", "min", "GB/s",
                  "best", "stream", "ratio", "reps"});
  for (const BenchRow& r : run.rows) {
    rows.push_back({r.name, r.dtype, size_label(r.elements), std::to_string(r.threads_requested),
                    std::to_string(r.threads_used), r.path, r.isa,
                    format_duration(r.timing.median_ns), format_duration(r.timing.min_ns),
                    fixed(r.gb_per_s(), 2), fixed(r.best_gb_per_s(), 2),
                    r.stream_kernel + " " + fixed(r.stream_gb_per_s, 1), fixed(r.ratio(), 2),
                    std::to_string(r.timing.reps)});
  }
  return out + format_table(rows, 3);
}

std::string format_bench_json(const BenchRun& run) {
  std::ostringstream out;
  out << "{\n  \"benchmark\": \"minitorch bench ops\",\n  \"note\": " << json_string(run.note)
      << ",\n  \"info\": {";
  for (std::size_t i = 0; i < run.info.size(); ++i) {
    out << (i == 0 ? "\n" : ",\n") << "    " << json_string(run.info[i].first) << ": "
        << json_string(run.info[i].second);
  }
  out << "\n  },\n  \"memory_bandwidth\": [";
  for (std::size_t i = 0; i < run.bandwidth.size(); ++i) {
    const StreamBandwidth& bw = run.bandwidth[i];
    out << (i == 0 ? "\n" : ",\n") << "    {\"kernel\": " << json_string(bw.kernel)
        << ", \"dtype\": " << json_string(bw.dtype) << ", \"elements\": " << bw.elements
        << ", \"threads\": " << bw.threads << ", \"median_ns\": " << fixed(bw.timing.median_ns, 0)
        << ", \"min_ns\": " << fixed(bw.timing.min_ns, 0) << ", \"reps\": " << bw.timing.reps
        << ", \"gb_per_s\": " << fixed(bw.gb_per_s, 3) << "}";
  }
  out << "\n  ],\n  \"rows\": [";
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    const BenchRow& r = run.rows[i];
    out << (i == 0 ? "\n" : ",\n") << "    {\"case\": " << json_string(r.name)
        << ", \"group\": " << json_string(r.group) << ", \"dtype\": " << json_string(r.dtype)
        << ", \"elements\": " << r.elements << ", \"shapes\": " << json_string(r.shapes)
        << ", \"threads_requested\": " << r.threads_requested
        << ", \"threads_used\": " << r.threads_used << ", \"path\": " << json_string(r.path)
        << ", \"isa\": " << json_string(r.isa) << ", \"bytes\": " << r.bytes
        << ", \"median_ns\": " << fixed(r.timing.median_ns, 0)
        << ", \"min_ns\": " << fixed(r.timing.min_ns, 0) << ", \"reps\": " << r.timing.reps
        << ", \"gb_per_s\": " << fixed(r.gb_per_s(), 3)
        << ", \"best_gb_per_s\": " << fixed(r.best_gb_per_s(), 3)
        << ", \"stream_kernel\": " << json_string(r.stream_kernel)
        << ", \"stream_threads\": " << r.stream_threads
        << ", \"stream_gb_per_s\": " << fixed(r.stream_gb_per_s, 3)
        << ", \"ratio\": " << fixed(r.ratio(), 4) << "}";
  }
  out << "\n  ]\n}\n";
  return out.str();
}

}  // namespace minitorch::cli
