// `minitorch bench ops`: map/zip/reduce through the public Tensor API, timed by the profiler
// (each row's time is the backend primitive alone, read from its ProfileRecord), against a
// STREAM-style copy/add/read measured in the same run at the same size, dtype and thread
// count. One row also times a whole 1K-element `a + b` (allocation included). See
// bench/README.md.
#include "bench_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_stream.h"
#include "cli_args.h"
#include "commands.h"
#include "minitorch/minitorch.h"
#include "minitorch/profiler.h"
#include "minitorch/threading.h"

namespace minitorch::cli {
namespace {

constexpr const char* kUsage =
    "usage: minitorch bench ops [options]\n"
    "\n"
    "Times map (neg, relu, exp), zip (add, mul), zip broadcast [N,1]+[1,N], zip with a\n"
    "transposed operand, sum over the last and the first dim of a square matrix, and one\n"
    "1K-element a + b through the Tensor API; reports GB/s (napkin-math bytes / median time)\n"
    "and the ratio to a STREAM-style copy/add/read measured in the same run.\n"
    "\n"
    "  --sizes LIST     elements per tensor, e.g. 1K,64K,1M,16M (the default); each 1..128M\n"
    "  --dtype D        float32, float64 or all (default all)\n"
    "  --threads LIST   thread counts 1..1024, e.g. 1,all (the default; all = usable CPUs)\n"
    "  --cases TEXT     only cases whose name contains TEXT\n"
    "  --quick          sizes 1K,64K,1M and a 0.05 s budget per row (unless given)\n"
    "  --budget S       seconds per row after the first 5 calls, 0..600 (default 0.25)\n"
    "  --note TEXT      a label stored with the results (e.g. 'preliminary, noisy machine')\n"
    "  --json FILE      write the results as JSON\n"
    "  --text FILE      write the table to FILE as well as to stdout\n"
    "  --record         write bench/results/ops_<date>_<backend>.{json,txt}\n";

struct Options {
  std::vector<std::int64_t> sizes = {1 << 10, 1 << 16, 1 << 20, 1 << 24};
  std::vector<DType> dtypes = {kFloat32, kFloat64};
  std::vector<int> threads;  // empty: 1 and all
  std::string cases;
  TimingPolicy policy;
  bool quick = false;
  std::string note;
  std::string json_path;
  std::string text_path;
  bool record = false;
};

int usable_threads() { return std::max(1, cpu_info().usable_cpus); }

// The parsed flags (cli_args.cpp) resolved against this machine: "all" threads become the
// usable CPUs, sorted and without repeats.
Options resolve(const BenchOpsOptions& given) {
  Options o;
  o.sizes = given.sizes;
  o.dtypes.clear();
  for (const std::string& d : given.dtypes) {
    o.dtypes.push_back(d == "float32" ? kFloat32 : kFloat64);
  }
  for (int t : given.threads) {
    o.threads.push_back(t == 0 ? usable_threads() : t);
  }
  if (o.threads.empty()) {
    o.threads = {1, usable_threads()};
  }
  std::sort(o.threads.begin(), o.threads.end());
  o.threads.erase(std::unique(o.threads.begin(), o.threads.end()), o.threads.end());
  o.cases = given.cases;
  o.policy.budget_s = given.budget_s;
  o.quick = given.quick;
  o.note = given.note;
  o.json_path = given.json_path;
  o.text_path = given.text_path;
  o.record = given.record;
  return o;
}

// ---- Cases ------------------------------------------------------------------------

struct Case {
  std::string name;
  std::string group;
  StreamKernel stream;
  bool square;  // operands are N x N with N = round(sqrt(size))
  bool api_only_1k;
  // Makes the operands, then returns the call to time (which returns its result).
  std::function<std::function<Tensor()>(std::int64_t n, DType dtype)> make;
};

Tensor input(const Shape& shape, DType dtype) {
  static Generator gen(1234);
  return rand(shape, {.dtype = dtype}, &gen) + 0.5;
}

std::vector<Case> all_cases() {
  auto vec = [](std::int64_t n) { return Shape{n}; };
  auto sq = [](std::int64_t n) { return Shape{n, n}; };
  std::vector<Case> cases;
  auto unary = [&](const char* name, Tensor (Tensor::*fn)() const) {
    cases.push_back({std::string("map ") + name, "map", StreamKernel::Copy, false, false,
                     [=](std::int64_t n, DType d) {
                       Tensor a = input(vec(n), d);
                       return std::function<Tensor()>([=] { return (a.*fn)(); });
                     }});
  };
  unary("neg", &Tensor::neg);
  unary("relu", &Tensor::relu);
  unary("exp", &Tensor::exp);
  auto binary = [&](const char* name, Tensor (Tensor::*fn)(const Tensor&) const) {
    cases.push_back({std::string("zip ") + name, "zip", StreamKernel::Add, false, false,
                     [=](std::int64_t n, DType d) {
                       Tensor a = input(vec(n), d);
                       Tensor b = input(vec(n), d);
                       return std::function<Tensor()>([=] { return (a.*fn)(b); });
                     }});
  };
  binary("add", &Tensor::add);
  binary("mul", &Tensor::mul);
  cases.push_back(
      {"zip add [N,1]+[1,N]", "zip", StreamKernel::Add, true, false, [](std::int64_t n, DType d) {
         Tensor col = input({n, 1}, d);
         Tensor row = input({1, n}, d);
         return std::function<Tensor()>([=] { return col + row; });
       }});
  cases.push_back(
      {"zip add a+b.T", "zip", StreamKernel::Add, true, false, [=](std::int64_t n, DType d) {
         Tensor a = input(sq(n), d);
         Tensor bt = input(sq(n), d).transpose(0, 1);
         return std::function<Tensor()>([=] { return a + bt; });
       }});
  cases.push_back(
      {"sum last dim", "reduce", StreamKernel::Read, true, false, [=](std::int64_t n, DType d) {
         Tensor a = input(sq(n), d);
         return std::function<Tensor()>([=] { return a.sum(1); });
       }});
  cases.push_back(
      {"sum first dim", "reduce", StreamKernel::Read, true, false, [=](std::int64_t n, DType d) {
         Tensor a = input(sq(n), d);
         return std::function<Tensor()>([=] { return a.sum(0); });
       }});
  // Note [Program benchmark]: a user function of four ops (mul, sigmoid, mul, add) in one
  // program, one pass over memory (two reads and one write, like STREAM add), beside the same
  // four ops composed (four passes, three temporaries).
  cases.push_back({"program x*sigmoid(y)+y*0.5", "program", StreamKernel::Add, false, false,
                   [=](std::int64_t n, DType d) {
                     static const auto fn =
                         elementwise([](auto x, auto y) { return x * sigmoid(y) + y * 0.5; });
                     Tensor a = input(vec(n), d);
                     Tensor b = input(vec(n), d);
                     return std::function<Tensor()>([=] { return fn(a, b); });
                   }});
  cases.push_back({"composed x*sigmoid(y)+y*0.5", "program", StreamKernel::Add, false, false,
                   [=](std::int64_t n, DType d) {
                     Tensor a = input(vec(n), d);
                     Tensor b = input(vec(n), d);
                     return std::function<Tensor()>([=] { return a * b.sigmoid() + b * 0.5; });
                   }});
  cases.push_back({"program (x-y)*(x+y)+x", "program", StreamKernel::Add, false, false,
                   [=](std::int64_t n, DType d) {
                     static const auto fn =
                         elementwise([](auto x, auto y) { return (x - y) * (x + y) + x; });
                     Tensor a = input(vec(n), d);
                     Tensor b = input(vec(n), d);
                     return std::function<Tensor()>([=] { return fn(a, b); });
                   }});
  cases.push_back({"composed (x-y)*(x+y)+x", "program", StreamKernel::Add, false, false,
                   [=](std::int64_t n, DType d) {
                     Tensor a = input(vec(n), d);
                     Tensor b = input(vec(n), d);
                     return std::function<Tensor()>([=] { return (a - b) * (a + b) + a; });
                   }});
  cases.push_back({"api a+b (alloc incl.)", "api", StreamKernel::Add, false, true,
                   [=](std::int64_t n, DType d) {
                     Tensor a = input(vec(n), d);
                     Tensor b = input(vec(n), d);
                     return std::function<Tensor()>([=] { return a + b; });
                   }});
  return cases;
}

// ---- Measuring ----------------------------------------------------------------------

// One call's records: the primitive's time is the sum of the records' durations.
std::vector<ProfileRecord> profiled_call(const std::function<Tensor()>& call) {
  ProfileScope scope;
  { Tensor out = call(); }
  return scope.stop();
}

BenchRow measure(const Case& c, std::int64_t size, DType dtype, int threads,
                 const TimingPolicy& policy) {
  std::int64_t side = c.square
      ? std::max<std::int64_t>(1, std::llround(std::sqrt(static_cast<double>(size))))
      : size;
  std::function<Tensor()> call = c.make(side, dtype);
  BenchRow row;
  row.name = c.name;
  row.group = c.group;
  row.dtype = std::string(to_string(dtype));
  row.elements = c.square ? side * side : side;
  row.threads_requested = threads;
  row.stream_kernel = std::string(to_string(c.stream));
  std::vector<ProfileRecord> sample = profiled_call(call);
  if (sample.empty()) {
    throw std::runtime_error(c.name + ": the call recorded no primitive");
  }
  const ProfileRecord& r = sample.back();
  row.shapes = r.shapes();
  row.path = std::string(r.path);
  row.isa = std::string(r.isa);
  row.threads_used = r.threads;
  row.bytes = 0;
  for (const ProfileRecord& rec : sample) {
    row.bytes += rec.bytes;
  }
  if (c.group == "program") {
    // The function's own bytes (its two inputs and its output; the last record, the add, has
    // that count), so that a program and its composition compare by time.
    row.bytes = r.bytes;
  }
  if (c.group == "api") {
    row.timing = repeat_timed(policy, [&] {
      std::int64_t start = steady_now_ns();
      { Tensor out = call(); }
      return steady_now_ns() - start;
    });
  } else {
    row.timing = repeat_timed(policy, [&] {
      std::int64_t ns = 0;
      for (const ProfileRecord& rec : profiled_call(call)) {
        ns += rec.duration_ns;
      }
      return ns;
    });
  }
  return row;
}

// Note [Paired ratios]: this machine's memory bandwidth drifts by up to 2x over seconds
// (other tenants), so a row's median and the STREAM median taken a second later can disagree
// by more than the effect measured. A program row is therefore also timed in pairs: one call,
// then one STREAM call of the same bytes, kPairs times; the ratio of each pair (STREAM time /
// call time) shares the moment's bandwidth, and the median of the pair ratios is reported.
std::pair<std::string, std::string> paired_ratio(const Case& c, StreamKernel reference,
                                                 const BenchRow& row, StreamBench& stream,
                                                 std::int64_t size, DType dtype, int threads) {
  constexpr int kPairs = 21;
  std::function<Tensor()> call = c.make(size, dtype);
  TimingPolicy once;
  once.min_reps = 1;
  once.max_reps = 1;
  once.budget_s = 0;
  once.warmup = 0;
  std::vector<double> ratios;
  for (int k = 0; k < kPairs + 1; ++k) {
    std::int64_t call_ns = 0;
    for (const ProfileRecord& rec : profiled_call(call)) {
      call_ns += rec.duration_ns;
    }
    const double stream_ns = stream.run(reference, dtype, row.elements, once).median_ns;
    if (k > 0) {  // the first pair warms both up
      ratios.push_back(stream_ns / static_cast<double>(call_ns));
    }
  }
  std::sort(ratios.begin(), ratios.end());
  char text[160];
  std::snprintf(text, sizeof text, "median %.3f, min %.3f, max %.3f over %d pairs",
                ratios[kPairs / 2], ratios.front(), ratios.back(), kPairs);
  return {"paired ratio to STREAM " + std::string(to_string(reference)) + ": " + c.name + " " +
              std::string(to_string(dtype)) + " " + std::to_string(threads) + " thr",
          text};
}

// The streaming-store STREAM kernel beside a plain one.
StreamKernel streaming_of(StreamKernel k) {
  return k == StreamKernel::Copy ? StreamKernel::CopyNt
      : k == StreamKernel::Add   ? StreamKernel::AddNt
                                 : k;
}

// Smallest size whose map/zip rows get a paired ratio to the streaming-store limit: below it
// the output stays in cache and the limit says little.
constexpr std::int64_t kPairedNtMinSize = 1 << 20;

std::string today() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &utc);
  return buffer;
}

void write_file(const std::string& path, const std::string& text) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path());
  }
  std::ofstream out(path);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write '" + path + "'");
  }
  std::printf("wrote %s\n", path.c_str());
}

}  // namespace

int bench_ops(const std::vector<std::string>& args) {
  BenchOpsOptions given;
  if (!parse_bench_ops_args(args, given)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const Options o = resolve(given);
  keep_freed_memory();
  BenchRun run;
  run.note = o.note;
  run.info = machine_info();
  run.info.emplace_back("load average at start", load_average());
  char policy[128];
  std::snprintf(policy, sizeof policy, "per call; >= %d calls and %.2f s per row, median and min",
                o.policy.min_reps, o.policy.budget_s);
  run.info.emplace_back("timing", policy);
  run.info.emplace_back("clock step", std::to_string(clock_step_ns()) + " ns");
  std::vector<Case> cases = all_cases();
  std::int64_t big = o.quick ? (1 << 23) : (1 << 24);
  for (int threads : o.threads) {
    set_num_threads(threads);
    StreamBench stream(threads);
    for (StreamKernel k : {StreamKernel::Copy, StreamKernel::Add, StreamKernel::Read,
                           StreamKernel::CopyNt, StreamKernel::AddNt}) {
      StreamBandwidth bw{std::string(to_string(k)), "float64", big,
                         stream.threads_for(big),   {},        0.0};
      bw.timing = stream.run(k, kFloat64, big, o.policy);
      bw.gb_per_s = static_cast<double>(stream_bytes(k, kFloat64, big)) / bw.timing.median_ns;
      run.bandwidth.push_back(bw);
    }
    for (DType dtype : o.dtypes) {
      for (std::int64_t size : o.sizes) {
        std::map<std::pair<StreamKernel, std::int64_t>, double> stream_cache;
        for (const Case& c : cases) {
          if (!o.cases.empty() && c.name.find(o.cases) == std::string::npos) {
            continue;
          }
          if (c.api_only_1k && size != 1024) {
            continue;
          }
          BenchRow row = measure(c, size, dtype, threads, o.policy);
          auto key = std::make_pair(c.stream, row.elements);
          if (stream_cache.count(key) == 0) {
            Timing t = stream.run(c.stream, dtype, row.elements, o.policy);
            stream_cache[key] =
                static_cast<double>(stream_bytes(c.stream, dtype, row.elements)) / t.median_ns;
          }
          row.stream_gb_per_s = stream_cache[key];
          row.stream_threads = stream.threads_for(row.elements);
          // Programs against STREAM add and its streaming-store limit; large contiguous map
          // and zip rows against the limit of their kernel (Note [Streaming stores]).
          if (c.group == "program") {
            run.info.emplace_back(paired_ratio(c, c.stream, row, stream, size, dtype, threads));
          }
          if ((c.group == "program" || ((c.group == "map" || c.group == "zip") && !c.square)) &&
              size >= kPairedNtMinSize) {
            run.info.emplace_back(
                paired_ratio(c, streaming_of(c.stream), row, stream, size, dtype, threads));
          }
          std::fprintf(stderr, "  %-24s %-7s %5s  %d thr  %8.2f GB/s\n", row.name.c_str(),
                       row.dtype.c_str(), size_label(size).c_str(), threads, row.gb_per_s());
          run.rows.push_back(row);
        }
      }
    }
  }
  set_num_threads(0);
  run.info.emplace_back("load average at end", load_average());
  std::string text = format_bench_text(run);
  std::fputs(text.c_str(), stdout);
  std::string json = format_bench_json(run);
  if (o.record) {
    std::string backend = backend_name(Device::cpu());
    std::string stem = "bench/results/ops_" + today() + "_" + backend;
    write_file(stem + ".json", json);
    write_file(stem + ".txt", text);
  }
  if (!o.json_path.empty()) {
    write_file(o.json_path, json);
  }
  if (!o.text_path.empty()) {
    write_file(o.text_path, text);
  }
  return 0;
}

}  // namespace minitorch::cli
