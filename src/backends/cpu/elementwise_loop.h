// The loop shared by the CPU backend's elementwise primitives (programs, copy, fill): the
// path choice, the split over threads and the primitive report.
#pragma once

#include <cstdint>

#include "backends/backend.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/loop_engine.h"
#include "backends/cpu/parallel.h"

namespace minitorch::cpu {

// Elements per chunk below which splitting costs more than it saves.
constexpr std::int64_t kCheapGrain = 32768;
constexpr std::int64_t kCostlyGrain = 4096;

inline void report(LoopPath path, bool simd, std::int64_t units, std::int64_t grain) {
  std::string_view isa = simd && path != LoopPath::Odometer && path != LoopPath::TransposeBlocked
      ? to_string(simd_level())
      : "scalar";
  primitive_report() = PrimitiveReport{to_string(path), isa, threads_for(0, units, grain)};
}

// Splits plan's elements over threads by its path (choose_path), and reports it: the
// TransposeBlocked path hands out 2-D tiles, tiles(tile_dim, begin, end) over tile units;
// every other path hands out ranges of elements, range(path, begin, end).
template <class Tiles, class Range>
void split_elementwise(const LoopPlan& plan, std::int64_t min_grain, bool simd, Tiles tiles,
                       Range range) {
  int tile_dim = 0;
  LoopPath path = choose_path(plan, &tile_dim);
  // Note [Waking helpers]: the job's single-thread time, for parallel_for.
  const double work_ns = static_cast<double>(plan.numel) *
      (min_grain >= kCheapGrain ? kNsPerCheapElement : kNsPerCostlyElement);
  if (path == LoopPath::TransposeBlocked) {
    std::int64_t units = tile_units(plan, tile_dim);
    std::int64_t per_unit = plan.numel / units;
    std::int64_t grain = (loop_grain(plan.numel, min_grain) + per_unit - 1) / per_unit;
    report(path, simd, units, grain);
    parallel_for(
        0, units, grain, [&](std::int64_t begin, std::int64_t end) { tiles(tile_dim, begin, end); },
        work_ns);
    return;
  }
  std::int64_t grain = loop_grain(plan.numel, min_grain);
  report(path, simd, plan.numel, grain);
  parallel_for(
      0, plan.numel, grain, [&](std::int64_t begin, std::int64_t end) { range(path, begin, end); },
      work_ns);
}

// Runs an elementwise loop over plan: vector_row(offsets, n) for paths whose inner strides
// are 0 or 1, element(offsets) otherwise.
template <class VectorRow, class Element>
void run_elementwise(const LoopPlan& plan, std::int64_t min_grain, bool simd, VectorRow vector_row,
                     Element element) {
  split_elementwise(
      plan, min_grain, simd,
      [&](int tile_dim, std::int64_t begin, std::int64_t end) {
        walk_tiles(plan, tile_dim, begin, end, element);
      },
      [&](LoopPath path, std::int64_t begin, std::int64_t end) {
        if (path != LoopPath::Odometer) {
          walk_rows(plan, begin, end,
                    [&](const std::int64_t* offsets, std::int64_t n) { vector_row(offsets, n); });
          return;
        }
        walk_rows(plan, begin, end, [&](const std::int64_t* offsets, std::int64_t n) {
          std::int64_t o[kMaxOperands] = {offsets[0], offsets[1], offsets[2]};
          for (std::int64_t i = 0; i < n; ++i) {
            element(static_cast<const std::int64_t*>(o));
            for (int k = 0; k < plan.operands; ++k) {
              o[k] += plan.strides[k][plan.ndim - 1];
            }
          }
        });
      });
}

}  // namespace minitorch::cpu
