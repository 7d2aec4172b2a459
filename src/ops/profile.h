// The ops layer's profiling hook: one PrimitiveTimer line before each backend call. Off, a
// timer is one relaxed atomic load and a not-taken branch (no strings, allocation or locks);
// on, it captures the operands' shapes before the call and the clock and the backend's
// primitive report after it, then appends a ProfileRecord. See docs/profiling.md.
#pragma once

#include <atomic>
#include <optional>
#include <span>
#include <string_view>

#include "minitorch/profiler.h"
#include "minitorch/scalar_ops.h"
#include "minitorch/tensor_data.h"

namespace minitorch::ops::profile {

/// True while a ProfileScope lives or MINITORCH_PROFILE=1 (constant-initialised to false).
extern std::atomic<bool> g_enabled;

inline bool profiling_enabled() { return g_enabled.load(std::memory_order_relaxed); }

/// RAII: records the backend call that runs during its lifetime. Construct it on the line
/// right before the call, with the operands as the op received them and the output.
class PrimitiveTimer {
 public:
  /// An elementwise program over inputs: recorded as a map (one input) or a zip (more; the
  /// first two inputs' shapes are kept).
  PrimitiveTimer(std::string_view op, std::span<const TensorData> inputs, const TensorData& out) {
    if (profiling_enabled()) [[unlikely]] {
      start(inputs.size() == 1 ? PrimitiveKind::Map : PrimitiveKind::Zip, op, &inputs[0],
            inputs.size() > 1 ? &inputs[1] : nullptr, out, -1);
    }
  }
  PrimitiveTimer(ReduceOp op, const TensorData& in, int dim, const TensorData& out) {
    if (profiling_enabled()) [[unlikely]] {
      start(PrimitiveKind::Reduce, to_string(op), &in, nullptr, out, dim);
    }
  }
  /// kind is Matmul (a, b) or Copy (a only, b == nullptr) or Fill (neither).
  PrimitiveTimer(PrimitiveKind kind, const TensorData* a, const TensorData* b,
                 const TensorData& out) {
    if (profiling_enabled()) [[unlikely]] {
      start(kind, std::string_view(), a, b, out, -1);
    }
  }
  ~PrimitiveTimer() {
    if (record_.has_value()) [[unlikely]] {
      finish();
    }
  }
  PrimitiveTimer(const PrimitiveTimer&) = delete;
  PrimitiveTimer& operator=(const PrimitiveTimer&) = delete;

 private:
  [[gnu::cold, gnu::noinline]] void start(PrimitiveKind kind, std::string_view op,
                                          const TensorData* a, const TensorData* b,
                                          const TensorData& out, int dim);
  [[gnu::cold, gnu::noinline]] void finish();

  std::optional<ProfileRecord> record_;
};

}  // namespace minitorch::ops::profile
