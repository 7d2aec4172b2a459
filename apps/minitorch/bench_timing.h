// Repeated timing for the benchmarks: run a call until both a minimum count and a time
// budget are reached, keep every per-call time, report median and min. A call times itself
// (it returns nanoseconds), so a benchmark decides exactly what is inside the clock reads.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace minitorch::cli {

/// Tells glibc to keep freed blocks instead of returning them to the OS, so that a large
/// output allocated again on every call is not page-faulted in again inside the timed
/// primitive: the benchmarks time kernels, not the OS. No-op elsewhere.
inline void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);  // M_MMAP_THRESHOLD cannot go above 32 MB; this turns mmap off
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

struct TimingPolicy {
  int min_reps = 5;  ///< at least this many timed calls ...
  int max_reps = 20000;  ///< ... and at most this many
  double budget_s = 0.25;  ///< keep going until this much time went by (after min_reps)
  int warmup = 2;  ///< untimed calls first (page faults, caches, thread start)
};

struct Timing {
  double median_ns = 0.0;
  double min_ns = 0.0;
  int reps = 0;
};

inline std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Smallest nonzero step of the steady clock seen over 1000 back-to-back reads: per-call
/// times below a few of these are quantised (a VM's clock may step by 10 ns or more).
inline std::int64_t clock_step_ns() {
  std::int64_t step = 0;
  for (int i = 0; i < 1000; ++i) {
    std::int64_t t0 = steady_now_ns();
    std::int64_t t1 = steady_now_ns();
    while (t1 == t0) {
      t1 = steady_now_ns();
    }
    step = step == 0 ? t1 - t0 : std::min(step, t1 - t0);
  }
  return step;
}

/// Calls timed_call() (which returns its own duration in ns) as the policy says.
template <class TimedCall>
Timing repeat_timed(const TimingPolicy& policy, TimedCall&& timed_call) {
  for (int i = 0; i < policy.warmup; ++i) {
    timed_call();
  }
  std::vector<double> times;
  std::int64_t start = steady_now_ns();
  auto budget_ns = static_cast<std::int64_t>(policy.budget_s * 1e9);
  while (static_cast<int>(times.size()) < policy.max_reps) {
    times.push_back(static_cast<double>(timed_call()));
    if (static_cast<int>(times.size()) >= policy.min_reps && steady_now_ns() - start >= budget_ns) {
      break;
    }
  }
  std::sort(times.begin(), times.end());
  Timing t;
  t.reps = static_cast<int>(times.size());
  t.min_ns = times.front();
  std::size_t mid = times.size() / 2;
  t.median_ns = times.size() % 2 == 1 ? times[mid] : 0.5 * (times[mid - 1] + times[mid]);
  return t;
}

}  // namespace minitorch::cli
