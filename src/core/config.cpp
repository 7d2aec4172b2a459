// The MINITORCH_* table and its cache. Each variable's text is read from the environment (or
// a test override) once, parsed by its kind, and kept; one mutex guards the cache, so a
// reader never sees a half-written entry. A parse failure is not cached: it throws again at
// every read, so a malformed value can never turn into the default later.
#include "minitorch/config.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <variant>

#include "minitorch/error.h"

namespace minitorch::config {
namespace {

enum class Kind : std::uint8_t {
  Integer,  // low..high
  Seconds,  // a number in (0, 1e7]
  Flag,  // 0/1 and their spellings
  Choice,  // one of choices, parsed to its index
  Text,  // any text (a path)
};

struct Spec {
  Variable row;
  Kind kind;
  std::int64_t low = 0;
  std::int64_t high = 0;
  std::array<std::string_view, 3> choices{};
  // Parsed when the variable is unset; empty where the default is computed by the reader.
  std::string_view literal_default{};
};

constexpr std::int64_t kMaxRanks = std::int64_t{1} << 20;
constexpr std::array<std::string_view, 3> kSimdChoices{"scalar", "avx2", "avx512"};

// The table. README.md's "Environment variables" shows the same rows (config_test checks).
constexpr std::array kSpecs{
    Spec{{"MINITORCH_NUM_THREADS", "cpu", "an integer in 1..1024",
          "the usable CPUs (affinity mask, cgroup quota)",
          "threads of the CPU backend, the caller included"},
         Kind::Integer,
         1,
         1024},
    Spec{{"MINITORCH_SIMD", "cpu", "scalar, avx2 or avx512", "the best the CPU has",
          "caps the elementwise and reduction kernels' instruction set (never above the CPU's)"},
         Kind::Choice,
         0,
         0,
         kSimdChoices},
    Spec{{"MINITORCH_MATMUL_ISA", "cpu", "scalar, avx2 or avx512", "the best the CPU has",
          "the matmul micro-kernels; a set the CPU lacks gives the best it has"},
         Kind::Choice,
         0,
         0,
         kSimdChoices},
    Spec{{"MINITORCH_HUGEPAGES", "cpu", "0 or 1", "1",
          "CPU blocks of 2 MiB and more start on 2 MiB pages (MADV_HUGEPAGE)"},
         Kind::Flag,
         0,
         0,
         {},
         "1"},
    Spec{{"MINITORCH_STREAM_STORE_BYTES", "cpu", "an integer in 0..4611686018427387904",
          "4194304 (4 MiB)",
          "outputs of at least this many bytes are written with non-temporal stores"},
         Kind::Integer,
         0,
         std::int64_t{1} << 62,
         {},
         "4194304"},
    Spec{{"MINITORCH_PROFILE", "profiler", "0 or 1", "0",
          "profile the whole run; a summary table on stderr at exit"},
         Kind::Flag,
         0,
         0,
         {},
         "0"},
    Spec{{"MINITORCH_PROFILE_TRACE", "profiler", "a file path", "none",
          "with MINITORCH_PROFILE=1, also write a Chrome trace (JSON) there"},
         Kind::Text},
    Spec{{"MINITORCH_PROFILE_MAX_RECORDS", "profiler", "an integer in 0..1000000000", "200000",
          "profile records kept in memory for traces; the summary counts every call"},
         Kind::Integer,
         0,
         1'000'000'000,
         {},
         "200000"},
    Spec{{"MINITORCH_DIST_TIMEOUT", "dist", "seconds in (0, 1e7]",
          "GroupOptions::timeout (5 minutes)",
          "how long a collective waits for its peers before DistError"},
         Kind::Seconds},
    Spec{{"MINITORCH_WORLD_SIZE", "dist", "an integer in 1..1048576",
          "unset: MPI under mpirun, else a world of one",
          "world size of an nccl group started without mpirun"},
         Kind::Integer,
         1,
         kMaxRanks},
    Spec{{"MINITORCH_RANK", "dist", "an integer in 0..1048575, below the world size",
          "unset (needed with MINITORCH_WORLD_SIZE)", "this process's rank in that group"},
         Kind::Integer,
         0,
         kMaxRanks - 1},
    Spec{{"MINITORCH_LOCAL_RANK", "dist", "an integer in 0..1048576", "the rank",
          "this process's GPU on its node"},
         Kind::Integer,
         0,
         kMaxRanks},
    Spec{{"MINITORCH_NCCL_ID_FILE", "dist", "a file path every rank can read",
          "none (needed for a world of 2 or more)", "where rank 0 writes the NCCL id"},
         Kind::Text},
    Spec{{"MINITORCH_CUDA_MATMUL_ORDER", "cuda", "grouped or rows", "grouped",
          "block order of the tiled CUDA matmul (a measuring knob for bench/cuda)"},
         Kind::Choice,
         0,
         0,
         {"grouped", "rows"},
         "grouped"},
    Spec{{"MINITORCH_CUDA_JIT", "cuda", "0 or 1", "1",
          "compile elementwise programs to their own kernels with NVRTC (0: interpret them)"},
         Kind::Flag,
         0,
         0,
         {},
         "1"},
    Spec{{"MINITORCH_ALLOW_TF32", "cuda", "0 or 1", "0",
          "float32 CUDA matmuls may round their inputs to TF32 for tensor cores (as PyTorch's "
          "allow_tf32)"},
         Kind::Flag,
         0,
         0,
         {},
         "0"},
    Spec{{"MINITORCH_CUDA_WGMMA", "cuda", "0 or 1", "1",
          "16-bit CUDA matmuls may use the Hopper wgmma kernel (TN layout; large problems in "
          "other layouts through a K-major copy: docs/cuda.md)"},
         Kind::Flag,
         0,
         0,
         {},
         "1"},
    Spec{{"MINITORCH_CUDA_ASYNC_MATMUL", "cuda", "0 or 1", "0",
          "large row-major float32 CUDA matmuls may use the FP32 cp.async kernel (the tiled "
          "kernel's bits; off until its tests have run on a GPU: docs/cuda.md)"},
         Kind::Flag,
         0,
         0,
         {},
         "0"},
    Spec{{"MINITORCH_DATA", "data", "a directory", "~/.cache/minitorch",
          "where tools/fetch_data.sh puts the real datasets and their readers look"},
         Kind::Text},
    Spec{{"MINITORCH_TEST_SEED", "tests", "an integer in 0..9223372036854775807", "20261121",
          "seed of the random test cases"},
         Kind::Integer,
         0,
         std::numeric_limits<std::int64_t>::max(),
         {},
         "20261121"},
    Spec{{"MINITORCH_CUDA_CASES", "tests", "an integer in 1..1000000", "1000",
          "random CUDA test cases per primitive and dtype"},
         Kind::Integer,
         1,
         1'000'000,
         {},
         "1000"},
    Spec{{"MINITORCH_TEST_CASES", "tests", "an integer in 1..1000000", "1000 (50 under sanitizers)",
          "random cases per op and dtype of the op table (tests/support/op_table.h)"},
         Kind::Integer,
         1,
         1'000'000},
    Spec{{"MINITORCH_TEST_GRAPH_NODES", "tests", "an integer in 1..1000000000",
          "1000000 (300000 under sanitizers)", "ops in the graph-release test's chain"},
         Kind::Integer,
         1,
         1'000'000'000},
};

consteval std::size_t index_of(std::string_view name) {
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    if (kSpecs[i].row.name == name) {
      return i;
    }
  }
  throw "not a MINITORCH_* variable in kSpecs";  // a compile error in a constant expression
}

constexpr std::array<Variable, kSpecs.size()> make_rows() {
  std::array<Variable, kSpecs.size()> rows{};
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    rows[i] = kSpecs[i].row;
  }
  return rows;
}
constexpr std::array<Variable, kSpecs.size()> kRows = make_rows();

// Integer and Choice (the choice's index) share std::int64_t; Flag is bool; Seconds double.
using Value = std::variant<std::monostate, std::int64_t, double, bool, std::string>;

struct Entry {
  bool read = false;  // text and source hold the environment's (or the override's) value
  std::string text;
  Source source = Source::Default;
  std::optional<std::string> override_value;
  std::optional<Value> parsed;
};

struct Cache {
  std::mutex mutex;
  std::array<Entry, kSpecs.size()> entries;
};

// Never destroyed, so that exit handlers (the profiler's report) can still read it.
Cache& cache() {
  static Cache* instance = new Cache;
  return *instance;
}

[[noreturn]] void fail(const Spec& spec, const Entry& entry) {
  throw ConfigError(std::string(spec.row.name) + ": expected " + std::string(spec.row.allowed) +
                    ", got '" + entry.text + "' (from the " +
                    (entry.source == Source::Override ? "test override" : "environment") + ")");
}

Value parse(const Spec& spec, const Entry& entry) {
  const std::string_view text =
      entry.source == Source::Default ? spec.literal_default : std::string_view(entry.text);
  if (text.empty()) {
    return std::monostate{};
  }
  switch (spec.kind) {
    case Kind::Integer: {
      std::int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || value < spec.low ||
          value > spec.high) {
        fail(spec, entry);
      }
      return value;
    }
    case Kind::Seconds: {
      const std::string copy(text);  // strtod needs the terminating zero
      char* end = nullptr;
      const double seconds = std::strtod(copy.c_str(), &end);
      if (end == copy.c_str() || *end != '\0' || !(seconds > 0) || !std::isfinite(seconds) ||
          seconds > 1e7) {
        fail(spec, entry);
      }
      return seconds;
    }
    case Kind::Flag:
      // "0" and "1" are documented; the spellings keep MINITORCH_PROFILE=true/yes/on working.
      if (text == "1" || text == "true" || text == "on" || text == "yes") {
        return true;
      }
      if (text == "0" || text == "false" || text == "off" || text == "no") {
        return false;
      }
      fail(spec, entry);
    case Kind::Choice:
      for (std::size_t i = 0; i < spec.choices.size(); ++i) {
        if (!spec.choices[i].empty() && spec.choices[i] == text) {
          return static_cast<std::int64_t>(i);
        }
      }
      fail(spec, entry);
    case Kind::Text:
      return std::string(text);
  }
  fail(spec, entry);
}

// Reads entry's text once: the override, else the environment; "" counts as unset.
void read_entry(const Spec& spec, Entry& entry) {
  if (entry.read) {
    return;
  }
  entry.read = true;
  entry.parsed.reset();
  if (entry.override_value) {
    entry.text = *entry.override_value;
    entry.source = entry.text.empty() ? Source::Default : Source::Override;
    return;
  }
  const std::string name(spec.row.name);
  const char* env = std::getenv(name.c_str());
  entry.text = env != nullptr ? env : "";
  entry.source = entry.text.empty() ? Source::Default : Source::Environment;
}

template <std::size_t I>
Value value_of() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  Entry& entry = c.entries[I];
  read_entry(kSpecs[I], entry);
  if (!entry.parsed) {
    entry.parsed = parse(kSpecs[I], entry);
  }
  return *entry.parsed;
}

template <std::size_t I>
std::optional<std::int64_t> integer() {
  Value v = value_of<I>();
  if (std::holds_alternative<std::monostate>(v)) {
    return std::nullopt;
  }
  return std::get<std::int64_t>(v);
}

template <std::size_t I>
std::optional<int> small_integer() {
  static_assert(kSpecs[I].high <= std::numeric_limits<int>::max());
  std::optional<std::int64_t> v = integer<I>();
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

template <std::size_t I>
std::string text() {
  Value v = value_of<I>();
  return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : std::string();
}

std::size_t checked_index(std::string_view name) {
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    if (kSpecs[i].row.name == name) {
      return i;
    }
  }
  throw ConfigError("config: '" + std::string(name) + "' is not a MINITORCH_* variable minitorch " +
                    "reads (see minitorch diagnose)");
}

}  // namespace

std::string_view to_string(Source source) {
  switch (source) {
    case Source::Default:
      return "default";
    case Source::Environment:
      return "environment";
    case Source::Override:
      return "override";
  }
  return "default";
}

std::span<const Variable> variables() { return kRows; }

std::vector<Setting> settings() {
  std::vector<Setting> out;
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    Entry& entry = c.entries[i];
    read_entry(kSpecs[i], entry);
    Setting s{&kRows[i], entry.text, entry.source, {}};
    try {
      if (!entry.parsed) {
        entry.parsed = parse(kSpecs[i], entry);
      }
    } catch (const ConfigError& e) {
      s.error = e.what();
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<int> num_threads() { return small_integer<index_of("MINITORCH_NUM_THREADS")>(); }

std::optional<SimdLevel> simd() {
  std::optional<std::int64_t> v = integer<index_of("MINITORCH_SIMD")>();
  return v ? std::optional<SimdLevel>(static_cast<SimdLevel>(*v)) : std::nullopt;
}

std::optional<SimdLevel> matmul_isa() {
  std::optional<std::int64_t> v = integer<index_of("MINITORCH_MATMUL_ISA")>();
  return v ? std::optional<SimdLevel>(static_cast<SimdLevel>(*v)) : std::nullopt;
}

bool huge_pages() { return std::get<bool>(value_of<index_of("MINITORCH_HUGEPAGES")>()); }

std::int64_t stream_store_bytes() { return *integer<index_of("MINITORCH_STREAM_STORE_BYTES")>(); }

bool profile() { return std::get<bool>(value_of<index_of("MINITORCH_PROFILE")>()); }

std::string profile_trace() { return text<index_of("MINITORCH_PROFILE_TRACE")>(); }

std::string data_dir() {
  std::string dir = text<index_of("MINITORCH_DATA")>();
  if (!dir.empty()) {
    return dir;
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.cache/minitorch";
}

std::int64_t profile_max_records() { return *integer<index_of("MINITORCH_PROFILE_MAX_RECORDS")>(); }

std::optional<std::chrono::milliseconds> dist_timeout() {
  Value v = value_of<index_of("MINITORCH_DIST_TIMEOUT")>();
  if (std::holds_alternative<std::monostate>(v)) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::get<double>(v) * 1000.0));
}

std::optional<int> world_size() { return small_integer<index_of("MINITORCH_WORLD_SIZE")>(); }

std::optional<int> rank() { return small_integer<index_of("MINITORCH_RANK")>(); }

std::optional<int> local_rank() { return small_integer<index_of("MINITORCH_LOCAL_RANK")>(); }

std::string nccl_id_file() { return text<index_of("MINITORCH_NCCL_ID_FILE")>(); }

bool cuda_jit() { return std::get<bool>(value_of<index_of("MINITORCH_CUDA_JIT")>()); }

bool allow_tf32() { return std::get<bool>(value_of<index_of("MINITORCH_ALLOW_TF32")>()); }

bool cuda_wgmma() { return std::get<bool>(value_of<index_of("MINITORCH_CUDA_WGMMA")>()); }

bool cuda_async_matmul() {
  return std::get<bool>(value_of<index_of("MINITORCH_CUDA_ASYNC_MATMUL")>());
}

CudaMatmulOrder cuda_matmul_order() {
  return static_cast<CudaMatmulOrder>(*integer<index_of("MINITORCH_CUDA_MATMUL_ORDER")>());
}

std::uint64_t test_seed() {
  return static_cast<std::uint64_t>(*integer<index_of("MINITORCH_TEST_SEED")>());
}

int cuda_cases() { return *small_integer<index_of("MINITORCH_CUDA_CASES")>(); }

std::optional<int> test_cases() { return small_integer<index_of("MINITORCH_TEST_CASES")>(); }

std::optional<std::int64_t> test_graph_nodes() {
  return integer<index_of("MINITORCH_TEST_GRAPH_NODES")>();
}

void set_override(std::string_view name, std::string_view value) {
  const std::size_t i = checked_index(name);
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.entries[i].override_value = std::string(value);
  c.entries[i].read = false;
}

void clear_override(std::string_view name) {
  const std::size_t i = checked_index(name);
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.entries[i].override_value.reset();
  c.entries[i].read = false;
}

void reload() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  for (Entry& entry : c.entries) {
    entry.read = false;
  }
}

ScopedOverride::ScopedOverride(std::string_view name, std::string_view value) : name_(name) {
  const std::size_t i = checked_index(name);
  {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    previous_ = c.entries[i].override_value;
  }
  set_override(name, value);
}

ScopedOverride::~ScopedOverride() {
  if (previous_) {
    set_override(name_, *previous_);
  } else {
    clear_override(name_);
  }
}

}  // namespace minitorch::config
