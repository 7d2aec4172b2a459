// Every MINITORCH_* environment variable, read here and nowhere else: one table (name, who
// reads it, allowed values, default, meaning), typed accessors that read a variable once and
// cache it, and settings(), the listing `minitorch diagnose` prints. A malformed value throws
// ConfigError naming the variable, the value and what is allowed; it never falls back to the
// default in silence. README.md ("Environment variables") shows the same table; a test keeps
// the two equal.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "minitorch/system_info.h"

namespace minitorch::config {

/// Where a variable's value came from.
enum class Source : std::uint8_t { Default, Environment, Override };

/// "default", "environment" or "override".
std::string_view to_string(Source source);

/// One row of the table.
struct Variable {
  std::string_view name;  ///< "MINITORCH_NUM_THREADS"
  std::string_view area;  ///< who reads it: cpu, profiler, dist, cuda, data or tests
  std::string_view allowed;  ///< e.g. "an integer in 1..1024"
  std::string_view default_value;  ///< a value ("1") or what happens when unset
  std::string_view meaning;  ///< what it does
};

/// Every variable minitorch reads, in the order the README lists them.
std::span<const Variable> variables();

/// A variable's value now.
struct Setting {
  const Variable* variable = nullptr;
  std::string value;  ///< the text in effect; empty when unset (then see default_value)
  Source source = Source::Default;
  std::string error;  ///< the ConfigError message when value is malformed, else empty
};

/// Every variable with its value and where it came from. Never throws for a malformed value:
/// its message is in Setting::error.
std::vector<Setting> settings();

// Typed accessors. Each reads its variable once and then answers from a cache (thread-safe).
// Unset or empty means the default. Each throws ConfigError while the value is malformed.

/// MINITORCH_NUM_THREADS: CPU threads; nullopt: the usable CPUs (cpu_info().usable_cpus).
std::optional<int> num_threads();
/// MINITORCH_SIMD: the highest elementwise/reduction kernel level wanted (never above the
/// CPU's); nullopt: cpu_features().best_level().
std::optional<SimdLevel> simd();
/// MINITORCH_MATMUL_ISA: the matmul micro-kernels wanted (the best the CPU has when it lacks
/// them); nullopt: the best the CPU has.
std::optional<SimdLevel> matmul_isa();
/// MINITORCH_HUGEPAGES: whether CPU blocks of 2 MiB and more use huge pages (default true).
bool huge_pages();
/// MINITORCH_STREAM_STORE_BYTES: CPU outputs of at least this many bytes are written with
/// non-temporal stores (default 4 MiB; docs/cpu_backend.md says why).
std::int64_t stream_store_bytes();
/// MINITORCH_PROFILE: whether to profile the whole run (default false).
bool profile();
/// MINITORCH_PROFILE_TRACE: where the whole-run profile writes a Chrome trace; "" for none.
std::string profile_trace();
/// MINITORCH_DATA: the datasets' directory (tools/fetch_data.sh); default $HOME/.cache/minitorch.
std::string data_dir();
/// MINITORCH_PROFILE_MAX_RECORDS: profile records kept in memory (default 200000).
std::int64_t profile_max_records();
/// MINITORCH_DIST_TIMEOUT: how long a collective waits for its peers; nullopt: the group's
/// GroupOptions::timeout.
std::optional<std::chrono::milliseconds> dist_timeout();
/// MINITORCH_WORLD_SIZE, MINITORCH_RANK, MINITORCH_LOCAL_RANK: an nccl group's launch without
/// MPI; nullopt when unset (the group checks that rank < world size).
std::optional<int> world_size();
std::optional<int> rank();
std::optional<int> local_rank();
/// MINITORCH_NCCL_ID_FILE: the file through which rank 0 hands out the NCCL id; "" when unset.
std::string nccl_id_file();

/// The order in which the CUDA tiled matmul walks its blocks (docs/cuda.md).
enum class CudaMatmulOrder : std::uint8_t { Grouped, Rows };
/// MINITORCH_CUDA_MATMUL_ORDER (default Grouped).
CudaMatmulOrder cuda_matmul_order();

/// MINITORCH_CUDA_JIT: whether CUDA elementwise programs are compiled by NVRTC (default true;
/// false: the interpreter kernel). See Note [CUDA program compiler].
bool cuda_jit();
/// MINITORCH_ALLOW_TF32: whether float32 CUDA matmuls may use TF32 tensor cores (default
/// false). Read through minitorch::allow_tf32() (matmul_precision.h), which a program may set.
bool allow_tf32();
/// MINITORCH_CUDA_WGMMA: whether 16-bit CUDA matmuls may use the Hopper wgmma kernel (TN
/// layout; large problems in other layouts through a K-major copy; default true; docs/cuda.md).
bool cuda_wgmma();
/// MINITORCH_CUDA_ASYNC_MATMUL: whether large row-major float32 CUDA matmuls may use the FP32
/// cp.async kernel (default false until its tests have run on a GPU; docs/cuda.md).
bool cuda_async_matmul();
/// MINITORCH_TEST_SEED: the seed of the random test cases (default 20261121).
std::uint64_t test_seed();
/// MINITORCH_CUDA_CASES: random CUDA test cases per primitive and dtype (default 1000).
int cuda_cases();
/// MINITORCH_TEST_CASES: random cases per op and dtype of the op table's differential suite;
/// nullopt: its default (1000, 50 under sanitizers).
std::optional<int> test_cases();
/// MINITORCH_TEST_GRAPH_NODES: ops in the graph-release test's chain; nullopt: its default.
std::optional<std::int64_t> test_graph_nodes();

// Test hooks. A value read once at first use and kept by its consumer (the thread count, the
// SIMD level, the matmul ISA, huge pages, whole-run profiling) is changed in tests through the
// consumer's own setter (set_num_threads, cpu::set_simd_level, cpu::set_matmul_isa).

/// Makes name read as value (as if the environment held it; "" reads as unset) until
/// clear_override. The value is checked when read. Throws ConfigError for an unknown name.
void set_override(std::string_view name, std::string_view value);
/// Undoes set_override(name); throws ConfigError for an unknown name.
void clear_override(std::string_view name);
/// Forgets every value read from the environment, so that the next read sees it again (after
/// a setenv). Overrides stay.
void reload();

/// set_override for one scope; restores the previous override (or none) when it ends.
class ScopedOverride {
 public:
  ScopedOverride(std::string_view name, std::string_view value);
  ScopedOverride(const ScopedOverride&) = delete;
  ScopedOverride& operator=(const ScopedOverride&) = delete;
  ~ScopedOverride();

 private:
  std::string name_;
  std::optional<std::string> previous_;
};

}  // namespace minitorch::config
