// `minitorch diagnose --ops`: run-time parallel diagnostics for a fixed set of ops.
#pragma once

#include <cstdint>
#include <string>

namespace minitorch::cli {

/// Runs the ops on n x n float32 operands under the profiler, measures STREAM copy/add/read
/// on the spot, prints one row per op (path, ISA, threads, GB/s, % of bandwidth) and, when
/// trace_path is not empty, writes every call as a Chrome trace. Returns the exit code.
int diagnose_ops(std::int64_t n, const std::string& trace_path);

}  // namespace minitorch::cli
