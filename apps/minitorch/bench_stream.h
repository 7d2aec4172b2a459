// STREAM-style reference bandwidth: copy (a[i] = b[i]), add (a[i] = b[i] + c[i]) and read
// (s += a[i]) as plain loops that the compiler vectorises (clones for AVX-512, AVX2 and the
// baseline, picked at run time), split over a small std::thread pool. These are the
// denominators of `bench ops` and `diagnose --ops`: what a plain loop gets on this machine.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "bench_timing.h"
#include "minitorch/dtype.h"

namespace minitorch::cli {

/// CopyNt and AddNt write with non-temporal (streaming) stores where the CPU has AVX2: the
/// limit of a kernel that never reads its output lines, as STREAM's own -DSTREAM_NT builds.
enum class StreamKernel { Copy, Add, Read, CopyNt, AddNt };

/// "copy", "add", "read", "copy-nt", "add-nt".
std::string_view to_string(StreamKernel kernel);

/// Bytes one call moves: copy 2n, add 3n, read n elements (napkin math, as the profiler's).
std::int64_t stream_bytes(StreamKernel kernel, DType dtype, std::int64_t n);

/// A call on n elements uses min(threads, ceil(n / kStreamGrain)) threads, as a thread
/// pool that runs small work inline would.
inline constexpr std::int64_t kStreamGrain = 32768;

class StreamBench {
 public:
  /// Starts threads - 1 helper threads (the caller is the first thread).
  explicit StreamBench(int threads);
  ~StreamBench();
  StreamBench(const StreamBench&) = delete;
  StreamBench& operator=(const StreamBench&) = delete;

  int threads() const;
  /// Threads a call on n elements uses.
  int threads_for(std::int64_t n) const;
  /// Per-call timing of kernel over n elements of dtype; arrays are allocated per (dtype, n)
  /// and first touched by the threads that use them.
  Timing run(StreamKernel kernel, DType dtype, std::int64_t n, const TimingPolicy& policy);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace minitorch::cli
