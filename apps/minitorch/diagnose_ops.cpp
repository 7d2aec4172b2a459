// `minitorch diagnose --ops`: what Numba's parallel diagnostics tells at compile time, told
// at run time in numbers. Each op of a fixed set runs 2 + 5 times, the last 5 under a
// ProfileScope, and its median call stands for it; %bw compares that call's GB/s with a
// STREAM-style kernel run on the spot at the same size and thread count (map/copy -> copy,
// zip -> add, reduce -> read).
#include "diagnose_ops.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "bench_stream.h"
#include "minitorch/minitorch.h"
#include "minitorch/profiler.h"
#include "minitorch/threading.h"

namespace minitorch::cli {
namespace {

constexpr int kWarmups = 2;
constexpr int kRuns = 5;

struct DiagnosedOp {
  const char* what;
  std::function<Tensor()> call;
};

}  // namespace

int diagnose_ops(std::int64_t n, const std::string& trace_path) {
  // Outputs are allocated on every call; without this, a 64 MB output would be
  // page-faulted in inside the timed primitive (real programs pay that; see docs/profiling.md).
  keep_freed_memory();
  Generator gen(7);
  Tensor a = rand({n, n}, {}, &gen);
  Tensor b = rand({n, n}, {}, &gen);
  Tensor col = rand({n, 1}, {}, &gen);
  Tensor row = rand({1, n}, {}, &gen);
  std::int64_t m = std::min<std::int64_t>(n, 256);
  Tensor ma = rand({m, m}, {}, &gen);
  Tensor mb = rand({m, m}, {}, &gen);
  std::vector<DiagnosedOp> ops = {
      {"exp", [&] { return a.exp(); }},
      {"neg", [&] { return -a; }},
      {"a + b", [&] { return a + b; }},
      {"col + row (broadcast)", [&] { return col + row; }},
      {"a + b.T (strided)", [&] { return a + b.transpose(0, 1); }},
      {"sum(dim=-1)", [&] { return a.sum(-1); }},
      {"sum(dim=0)", [&] { return a.sum(0); }},
      {"b.T.contiguous()", [&] { return b.transpose(0, 1).contiguous(); }},
      {"matmul", [&] { return ma.matmul(mb); }},
  };

  std::vector<ProfileRecord> all;
  std::vector<ProfileRecord> typical;
  for (const DiagnosedOp& op : ops) {
    for (int i = 0; i < kWarmups; ++i) {  // untimed: first-touch of fresh heap, caches
      Tensor out = op.call();
    }
    std::vector<ProfileRecord> runs;
    for (int i = 0; i < kRuns; ++i) {
      ProfileScope scope;
      { Tensor out = op.call(); }
      std::vector<ProfileRecord> records = scope.stop();
      all.insert(all.end(), records.begin(), records.end());
      if (!records.empty()) {
        runs.push_back(records.back());
      }
    }
    std::sort(runs.begin(), runs.end(), [](const ProfileRecord& x, const ProfileRecord& y) {
      return x.duration_ns < y.duration_ns;
    });
    if (!runs.empty()) {
      typical.push_back(runs[runs.size() / 2]);
    }
  }

  int threads = get_num_threads();  // what the ops above ran with
  StreamBench stream(threads);
  TimingPolicy policy;
  policy.budget_s = 0.1;
  std::int64_t elements = n * n;
  BandwidthReference reference;
  double* slots[] = {&reference.copy, &reference.add, &reference.read};
  int slot = 0;
  std::printf("STREAM-style bandwidth on the spot (float32, %lld elements, %d thread(s)):",
              static_cast<long long>(elements), stream.threads_for(elements));
  for (StreamKernel k : {StreamKernel::Copy, StreamKernel::Add, StreamKernel::Read}) {
    Timing t = stream.run(k, kFloat32, elements, policy);
    double gbps = static_cast<double>(stream_bytes(k, kFloat32, elements)) / t.median_ns;
    *slots[slot++] = gbps;
    std::printf("%s %s %.1f GB/s", k == StreamKernel::Copy ? "" : ",",
                std::string(to_string(k)).c_str(), gbps);
  }
  std::printf(
      "\nbackend: %s; each row is the median of %d calls; %%bw = GB/s / STREAM "
      "(map, copy -> copy; zip -> add; reduce -> read)\n\n",
      backend_name(Device::cpu()).c_str(), kRuns);
  std::fputs(format_profile_table(typical, reference).c_str(), stdout);
  if (!trace_path.empty()) {
    write_chrome_trace(trace_path, all);
    std::printf(
        "\nChrome trace of %zu calls written to %s (open in ui.perfetto.dev or "
        "chrome://tracing)\n",
        all.size(), trace_path.c_str());
  }
  return 0;
}

}  // namespace minitorch::cli
