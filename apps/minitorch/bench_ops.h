// `minitorch bench ops`: the rows it measures and the run they belong to, shared by the
// runner (bench_ops.cpp) and the writers of the table and the JSON (bench_ops_report.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench_timing.h"

namespace minitorch::cli {

/// One measured (case, dtype, size, thread count).
struct BenchRow {
  std::string name;  ///< e.g. "zip add transposed"
  std::string group;  ///< map, zip, reduce or api
  std::string dtype;
  std::string shapes;  ///< as the profiler prints them
  std::int64_t elements = 0;  ///< the size asked for, after rounding to a square for 2-D cases
  int threads_requested = 1;  ///< set_num_threads before the row
  int threads_used = 1;  ///< what the backend reported
  std::string path;
  std::string isa;
  std::int64_t bytes = 0;  ///< napkin math per call
  Timing timing;  ///< per call: the primitive alone, or the whole call for api
  std::string stream_kernel;  ///< copy, add or read
  double stream_gb_per_s = 0.0;  ///< the kernel at the same size, dtype and thread count
  int stream_threads = 1;

  double gb_per_s() const {
    return timing.median_ns > 0 ? static_cast<double>(bytes) / timing.median_ns : 0.0;
  }
  double best_gb_per_s() const {
    return timing.min_ns > 0 ? static_cast<double>(bytes) / timing.min_ns : 0.0;
  }
  double ratio() const { return stream_gb_per_s > 0 ? gb_per_s() / stream_gb_per_s : 0.0; }
};

/// Memory bandwidth: a STREAM kernel on arrays much larger than the last-level cache.
struct StreamBandwidth {
  std::string kernel;
  std::string dtype;
  std::int64_t elements = 0;
  int threads = 1;
  Timing timing;
  double gb_per_s = 0.0;
};

struct BenchRun {
  std::string note;  ///< e.g. "preliminary: noisy machine"
  std::vector<std::pair<std::string, std::string>> info;  ///< machine, build, run settings
  std::vector<StreamBandwidth> bandwidth;
  std::vector<BenchRow> rows;
};

/// "key: value" machine, build and run facts (CPU, SIMD, usable CPUs, compiler, build type,
/// backend, date, git commit, load average) for the header and the JSON.
std::vector<std::pair<std::string, std::string>> machine_info();
/// "64K", "1M", or the plain number when it is not a multiple of 1024.
std::string size_label(std::int64_t n);
/// The 1, 5 and 15 minute load averages from /proc/loadavg ("0.52 0.61 0.70"), or "unknown".
std::string load_average();

/// The readable report: header, memory bandwidth, one table row per BenchRow.
std::string format_bench_text(const BenchRun& run);
/// The same as JSON (one object; rows as an array of flat objects).
std::string format_bench_json(const BenchRun& run);

}  // namespace minitorch::cli
