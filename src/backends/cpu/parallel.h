// parallel_for over the CPU backend's persistent thread pool. Work below the grain runs
// inline on the caller. Chunk boundaries depend only on (begin, end, grain), never on the
// thread count, so code that combines per-chunk results in chunk order is deterministic.
#pragma once

#include <cstdint>
#include <functional>

namespace minitorch::cpu {

/// Calls fn(chunk_begin, chunk_end) for chunks covering [begin, end), each at least grain
/// long (the last may be shorter), possibly on several threads; returns when all are done.
/// An exception thrown by fn is rethrown on the caller (the first one, if several).
void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t grain,
                  const std::function<void(std::int64_t, std::int64_t)>& fn);

/// parallel_for for a job of about work_ns nanoseconds on one thread (Note [Waking helpers]):
/// when the helpers are asleep and the job is small (kMinWakeWorkNs in parallel.cpp), it runs
/// on the caller. Where the chunks run never changes the result.
void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t grain,
                  const std::function<void(std::int64_t, std::int64_t)>& fn, double work_ns);

/// Tests: false makes every job go to the helpers as before the policy (so that small test
/// cases still run on several threads); true restores it.
void set_wake_policy_for_testing(bool on);

/// Nanoseconds of one thread's work per multiply-add in a matmul and per element of a cheap
/// or costly elementwise op: the scale of the work_ns estimates (napkin figures for one core of
/// this class of machine; only their order of magnitude matters).
inline constexpr double kNsPerFma = 0.02;
inline constexpr double kNsPerCheapElement = 0.5;
inline constexpr double kNsPerCostlyElement = 1.0;

/// Threads parallel_for may use (including the caller).
int num_threads();

/// Threads a parallel_for over [begin, end) with grain would use at most (for reports).
int threads_for(std::int64_t begin, std::int64_t end, std::int64_t grain);

}  // namespace minitorch::cpu
