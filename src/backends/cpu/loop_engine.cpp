// LoopPlan construction and path choice for the loop engine (see loop_engine.h).
#include "backends/cpu/loop_engine.h"

#include <atomic>

#include "backends/cpu/kernels.h"
#include "backends/cpu/parallel.h"

namespace minitorch::cpu {
namespace {

std::atomic<std::int64_t> g_min_grain_override{0};

std::int64_t abs64(std::int64_t x) { return x < 0 ? -x : x; }

}  // namespace

LoopPlan make_plan(const Shape& shape, const Strides* const* strides, int operands) {
  LoopPlan plan;
  plan.operands = operands;
  plan.numel = shape_numel(shape);
  // 1. Drop size-1 dims.
  int order[kMaxDims];
  int nd = 0;
  for (int d = 0; d < shape.size(); ++d) {
    if (shape[d] != 1) {
      order[nd++] = d;
    }
  }
  // 2. Output memory order: larger output strides outer (stable insertion sort), so an
  // in-place write to a permuted view still runs along its contiguous dim.
  for (int i = 1; i < nd; ++i) {
    int d = order[i];
    int j = i;
    while (j > 0 && abs64((*strides[0])[order[j - 1]]) < abs64((*strides[0])[d])) {
      order[j] = order[j - 1];
      --j;
    }
    order[j] = d;
  }
  // 3. Merge dim i into its outer neighbour when every operand is contiguous across them.
  int out_nd = 0;
  for (int i = 0; i < nd; ++i) {
    int d = order[i];
    bool merge = out_nd > 0;
    for (int k = 0; merge && k < operands; ++k) {
      merge = plan.strides[k][out_nd - 1] == (*strides[k])[d] * shape[d];
    }
    if (merge) {
      plan.shape[out_nd - 1] *= shape[d];
      for (int k = 0; k < operands; ++k) {
        plan.strides[k][out_nd - 1] = (*strides[k])[d];
      }
    } else {
      plan.shape[out_nd] = shape[d];
      for (int k = 0; k < operands; ++k) {
        plan.strides[k][out_nd] = (*strides[k])[d];
      }
      ++out_nd;
    }
  }
  if (out_nd == 0) {  // a single element
    plan.shape[0] = plan.numel;
    for (int k = 0; k < operands; ++k) {
      plan.strides[k][0] = 1;
    }
    out_nd = 1;
  }
  plan.ndim = out_nd;
  return plan;
}

std::string_view to_string(LoopPath path) {
  switch (path) {
    case LoopPath::Contiguous:
      return "contiguous";
    case LoopPath::ScalarBroadcast:
      return "scalar-broadcast";
    case LoopPath::InnerContiguous:
      return "inner-contiguous";
    case LoopPath::TransposeBlocked:
      return "transpose-blocked";
    case LoopPath::Odometer:
      return "odometer";
  }
  return "odometer";
}

LoopPath choose_path(const LoopPlan& plan, int* tile_dim) {
  bool inner_unit = plan.inner_stride(0) == 1;
  bool any_zero = false;
  for (int k = 1; k < plan.operands && inner_unit; ++k) {
    std::int64_t s = plan.inner_stride(k);
    inner_unit = s == 0 || s == 1;
    any_zero = any_zero || s == 0;
  }
  if (inner_unit) {
    if (plan.ndim == 1) {
      return any_zero ? LoopPath::ScalarBroadcast : LoopPath::Contiguous;
    }
    return LoopPath::InnerContiguous;
  }
  // A transposed input: contiguous along some other dim while the output is contiguous along
  // the inner one. Worth tiling when both dims are long enough to fill cache lines.
  if (plan.inner_stride(0) == 1 && plan.inner() >= 8) {
    for (int k = 1; k < plan.operands; ++k) {
      for (int d = 0; d + 1 < plan.ndim; ++d) {
        if (plan.strides[k][d] == 1 && plan.shape[d] >= 8) {
          *tile_dim = d;
          return LoopPath::TransposeBlocked;
        }
      }
    }
  }
  return LoopPath::Odometer;
}

std::int64_t tile_units(const LoopPlan& plan, int tile_dim) {
  std::int64_t outer = 1;
  for (int d = 0; d + 1 < plan.ndim; ++d) {
    if (d != tile_dim) {
      outer *= plan.shape[d];
    }
  }
  return outer * ((plan.shape[tile_dim] + kTile - 1) / kTile);
}

bool use_streaming_stores(const LoopPlan& plan, std::int64_t element_bytes) {
  const std::int64_t threshold = stream_store_bytes();
  const std::int64_t bytes = plan.numel * element_bytes;
  if (bytes < threshold) {
    return false;
  }
  for (int k = 1; k < plan.operands; ++k) {
    bool full = true;
    for (int d = 0; d < plan.ndim; ++d) {
      full = full && plan.strides[k][d] != 0;
    }
    if (full) {
      return true;
    }
  }
  return bytes / kWriteOnlyStreamFactor >= threshold;
}

std::int64_t loop_grain(std::int64_t numel, std::int64_t min_grain) {
  std::int64_t override_grain = g_min_grain_override.load(std::memory_order_relaxed);
  if (override_grain > 0) {
    return override_grain;
  }
  std::int64_t per_thread = numel / (4 * static_cast<std::int64_t>(num_threads())) + 1;
  return std::max(min_grain, per_thread);
}

void set_min_grain_for_testing(std::int64_t n) {
  g_min_grain_override.store(n, std::memory_order_relaxed);
  // Tiny grains are there to split small cases over threads: the wake policy would run them
  // on the caller (Note [Waking helpers]).
  set_wake_policy_for_testing(n <= 0);
}

}  // namespace minitorch::cpu
