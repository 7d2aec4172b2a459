// Run-time parallel diagnostics: one record per backend primitive call (op, dtype, shapes,
// loop path, ISA, threads, elements, napkin-math bytes, time), collected while a
// ProfileScope lives or for the whole process with MINITORCH_PROFILE=1. Off, it costs one
// relaxed atomic load and branch per primitive call: nothing is built, allocated or locked.
// See docs/profiling.md.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "minitorch/dtype.h"
#include "minitorch/shape.h"

namespace minitorch {

/// The backend primitive a record is about (the lecture's four plus fill and copy).
enum class PrimitiveKind : std::uint8_t { Map, Zip, Reduce, Matmul, Copy, Fill };

/// "map", "zip", "reduce", "matmul", "copy", "fill".
std::string_view to_string(PrimitiveKind kind);

/// One primitive call. Strings are views of literals (never freed); shapes are stored as
/// values and formatted only when printed.
struct ProfileRecord {
  PrimitiveKind kind = PrimitiveKind::Map;
  std::string_view op;  ///< "exp", "add", "sum"; empty for matmul, copy and fill
  DType dtype = DType::Float32;  ///< the output's dtype
  int num_inputs = 0;  ///< 0 (fill), 1 (map, reduce, copy) or 2 (zip, matmul)
  std::array<Shape, 2> inputs;  ///< operand shapes as the op received them (unbroadcast)
  std::array<bool, 2> input_strided{};  ///< operand i was not row-major contiguous
  Shape output;
  int dim = -1;  ///< the reduced dim; -1 for other primitives
  std::string_view path;  ///< loop path the backend took (See Note [Primitive report])
  std::string_view isa;  ///< instruction set it ran, e.g. "avx512", "scalar"
  int threads = 1;  ///< threads the call used
  std::int64_t elements = 0;  ///< output elements (input elements for reduce)
  std::int64_t bytes = 0;  ///< distinct bytes read + bytes written (napkin math)
  std::int64_t flops = 0;  ///< 2*m*n*k*batch for matmul; 0 otherwise
  std::int64_t start_ns = 0;  ///< steady clock, from the first profiled call in the process
  std::int64_t duration_ns = 0;
  int thread_id = 0;  ///< small per-thread number of the calling thread (1, 2, ...)

  /// "zip(add)", "matmul", "reduce(sum)".
  std::string name() const;
  /// "[3, 4] + [1, 4]* -> [3, 4]" (a "*" marks a non-contiguous operand).
  std::string shapes() const;
  /// bytes / duration in GB/s (1e9 bytes per second); 0 when the duration is 0.
  double gb_per_s() const;
};

/// Records every primitive call on every thread from construction until stop() or
/// destruction. Scopes nest; recording stays on while any scope lives (or while
/// MINITORCH_PROFILE=1). Cost when on: two clock reads and a locked append per call.
class ProfileScope {
 public:
  ProfileScope();
  ~ProfileScope();
  ProfileScope(const ProfileScope&) = delete;
  ProfileScope& operator=(const ProfileScope&) = delete;

  /// Records made since this scope started, in the order the calls finished.
  std::vector<ProfileRecord> records() const;
  /// Stops this scope's recording and returns its records; later calls return {}.
  std::vector<ProfileRecord> stop();

 private:
  std::uint64_t first_ = 0;
  bool active_ = true;
};

/// True while records are being collected (a scope lives or MINITORCH_PROFILE=1).
bool profiling_enabled();

/// Most records kept in memory (default 200000, or MINITORCH_PROFILE_MAX_RECORDS); calls
/// past it are counted in the exit summary's totals but not kept as records.
void set_profile_record_limit(std::size_t limit);
/// Records dropped for the limit since the process started.
std::uint64_t profile_records_dropped();

/// Calls with the same primitive, op, dtype, path, ISA and thread count, added up.
struct ProfileTotal {
  PrimitiveKind kind = PrimitiveKind::Map;
  std::string_view op;
  DType dtype = DType::Float32;
  std::string_view path;
  std::string_view isa;
  int threads = 1;
  std::int64_t calls = 0;
  std::int64_t elements = 0;
  std::int64_t bytes = 0;
  std::int64_t duration_ns = 0;
};

/// Totals grouped as ProfileTotal says, largest total time first.
std::vector<ProfileTotal> summarize(const std::vector<ProfileRecord>& records);

/// Reference bandwidths (GB/s) for the "%bw" column of format_profile_table, e.g. from a
/// STREAM-style run: map, copy and fill are compared with copy, zip with add, reduce with
/// read; matmul with none. All 0 (the default): no column.
struct BandwidthReference {
  double copy = 0.0;
  double add = 0.0;
  double read = 0.0;
};

/// One row per record: op, dtype, shapes, path, isa, threads, elements, bytes, time, GB/s,
/// and "%bw" (GB/s as a fraction of the matching reference) when one is given.
std::string format_profile_table(const std::vector<ProfileRecord>& records,
                                 const BandwidthReference& reference = {});
/// One row per ProfileTotal: calls, total and mean time, share of the time, GB/s.
std::string format_profile_summary(const std::vector<ProfileTotal>& totals);

/// "950 ns", "12.34 us", "4.56 ms", "1.23 s": how the tables here and the benches print time.
std::string format_duration(double ns);
/// Text columns padded to their widest cell, two spaces apart, the first `left` columns
/// left-aligned and the rest right-aligned; one line per row, trailing spaces trimmed.
std::string format_table(const std::vector<std::vector<std::string>>& rows, std::size_t left);

/// Chrome trace JSON ("X" events, microseconds; opens in Perfetto or chrome://tracing).
void write_chrome_trace(std::ostream& out, const std::vector<ProfileRecord>& records);
/// The same into a file; throws Error when it cannot be written.
void write_chrome_trace(const std::string& path, const std::vector<ProfileRecord>& records);

}  // namespace minitorch
