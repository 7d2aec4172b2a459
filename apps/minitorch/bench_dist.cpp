// `minitorch bench dist`: the notebook's question — one process with threads, or several
// processes exchanging messages? Run it alone (`--threads 2`) and under `mpirun -n 2`
// (`--threads 1`); bench/dist_compare.sh does both and prints them side by side. Two
// workloads: the notebook's big matmul (rows of A split over the ranks, the blocks of C
// all-gathered) and an epoch of the 5000-point / hidden-256 MLP (data parallel, gradients
// all-reduced every batch of 10).
#include <algorithm>
#include <cstdio>
#include <fstream>

#include "commands.h"
#include "train_support.h"

namespace minitorch::cli {
namespace {

using train_detail::median;
using train_detail::minimum;
using train_detail::now_seconds;

struct BigResult {
  double median_s;
  double min_s;
  std::int64_t bytes;  ///< this rank's share of C sent to the all-gather
};

// C = A B with A [200, 100000] (C order) and B [100000, 400] (F order), float32, as in the
// notebook; rank r computes rows r*200/W .. (r+1)*200/W of C, then every rank gathers C.
BigResult big_matmul(dist::ProcessGroup& group, int repeats) {
  const std::int64_t m = 200;
  const std::int64_t k = 100000;
  const std::int64_t n = 400;
  Generator gen(42);
  Tensor a = rand({m, k}, {}, &gen);
  Tensor b = rand({n, k}, {}, &gen).transpose(0, 1);
  const int world = group.world_size();
  if (m % world != 0) {
    throw ValueError("bench dist: 200 rows do not split evenly over " + std::to_string(world) +
                     " processes");
  }
  const std::int64_t rows = m / world;
  Tensor mine = a.narrow(0, group.rank() * rows, rows);
  std::vector<double> times;
  for (int i = 0; i < repeats + 1; ++i) {
    group.barrier();
    double t0 = now_seconds();
    Tensor block = mine.matmul(b);
    Tensor c = group.all_gather(block).reshape({m, n});
    double seconds = now_seconds() - t0;
    if (i > 0) {  // the first is warm-up
      times.push_back(seconds);
    }
  }
  return {median(times), minimum(times), rows * n * 4};
}

struct EpochResult {
  double median_s;
  double min_s;
  double wait_s;  ///< per epoch, waiting for gradient sums after backward
  std::int64_t bytes;  ///< per epoch, gradient bytes this rank sent
};

// One Chrome trace (chrome://tracing, Perfetto) of the last data-parallel step: per rank
// (pid), backward on one row and each bucket's all-reduce, from its start to when it was
// first seen complete, on another. Every rank's timings are gathered to rank 0, which writes.
void write_step_trace(dist::ProcessGroup& group, const dist::StepTiming& step,
                      const std::string& path) {
  std::vector<double> mine = {static_cast<double>(step.backward_ns),
                              static_cast<double>(step.finished_ns)};
  for (const dist::BucketTiming& bucket : step.buckets) {
    mine.push_back(static_cast<double>(bucket.launched_ns));
    mine.push_back(static_cast<double>(bucket.done_ns));
    mine.push_back(static_cast<double>(bucket.bytes));
  }
  const auto fields = static_cast<std::int64_t>(mine.size());
  Tensor all = group.all_gather(from_vector(mine, {fields}, {.dtype = kFloat64}));
  if (group.rank() != 0) {
    return;
  }
  std::ofstream out(path);
  if (!out) {
    throw Error("bench dist: --trace: cannot open '" + path + "' for writing");
  }
  out << "{\"traceEvents\":[\n";
  bool first = true;
  auto event = [&](const std::string& name, int pid, int tid, double begin_ns, double end_ns) {
    out << (first ? "" : ",\n") << "{\"name\":\"" << name << "\",\"ph\":\"X\",\"pid\":" << pid
        << ",\"tid\":" << tid << ",\"ts\":" << begin_ns / 1e3
        << ",\"dur\":" << std::max(0.0, end_ns - begin_ns) / 1e3 << "}";
    first = false;
  };
  for (int r = 0; r < group.world_size(); ++r) {
    std::vector<double> t = all.select(0, r).to_vector();
    event("backward", r, 0, 0.0, t[0]);
    event("wait for gradient sums", r, 0, t[0], t[1]);
    for (std::size_t b = 0; 2 + 3 * b + 2 < t.size(); ++b) {
      event("all-reduce bucket " + std::to_string(b) + " (" +
                std::to_string(static_cast<long long>(t[2 + 3 * b + 2])) + " bytes)",
            r, 1, t[2 + 3 * b], t[2 + 3 * b + 1]);
    }
  }
  out << "\n],\"displayTimeUnit\":\"ms\"}\n";
}

EpochResult epoch(dist::ProcessGroup& group, std::int64_t epochs, const std::string& trace) {
  TrainOptions options;
  options.dataset = "xor";
  options.points = 5000;
  options.hidden = 256;
  options.batch = 10;
  train_detail::Trainer trainer(options, Device::cpu(), group.world_size() > 1 ? &group : nullptr);
  std::vector<double> times;
  double wait_before = 0.0;
  std::int64_t bytes_before = 0;
  for (std::int64_t e = 0; e < epochs; ++e) {
    if (e == 1) {  // the first epoch is warm-up
      wait_before = trainer.comm_wait_seconds();
      bytes_before = trainer.comm_bytes();
    }
    group.barrier();
    double t0 = now_seconds();
    trainer.run_epoch();
    if (e > 0) {
      times.push_back(now_seconds() - t0);
    }
  }
  if (!trace.empty() && trainer.last_step() != nullptr) {
    write_step_trace(group, *trainer.last_step(), trace);
  }
  const double timed = static_cast<double>(epochs - 1);
  return {
      median(times), minimum(times), (trainer.comm_wait_seconds() - wait_before) / timed,
      static_cast<std::int64_t>(static_cast<double>(trainer.comm_bytes() - bytes_before) / timed)};
}

}  // namespace

int bench_dist(const std::vector<std::string>& args) {
  BenchDistOptions options;
  if (!parse_bench_dist_args(args, options)) {
    std::puts(
        "usage: [mpirun -n P] minitorch bench dist [--threads N] [--repeats R] [--epochs E] "
        "[--json] [--trace FILE.json]\n\n"
        "Times the notebook's big matmul (200x100000 @ 100000x400 float32, rows split over the\n"
        "processes, C all-gathered) and an epoch of the 5000-point / hidden-256 MLP (batch 10,\n"
        "data parallel over the processes), in this process configuration. Compare one\n"
        "process with 2 threads against mpirun -n 2 with 1 thread: bench/dist_compare.sh.\n"
        "--trace writes a Chrome trace of the last data-parallel step: backward and each\n"
        "gradient bucket's all-reduce, per rank.");
    return 0;
  }
  if (options.threads > 0) {
    set_num_threads(options.threads);
  }
  dist::ProcessGroup& group = dist::init_process_group("auto");
  BigResult big = big_matmul(group, options.repeats);
  EpochResult train = epoch(group, options.epochs, options.trace);
  if (group.rank() != 0) {
    return 0;
  }
  const int threads = get_num_threads();
  if (options.json) {
    std::printf(
        "{\"bench\":\"dist\",\"processes\":%d,\"threads\":%d,\"group\":\"%s\","
        "\"big_median_s\":%.6g,\"big_min_s\":%.6g,\"big_bytes_per_rank\":%lld,"
        "\"epoch_median_s\":%.6g,\"epoch_min_s\":%.6g,\"epoch_allreduce_wait_s\":%.6g,"
        "\"epoch_bytes_per_rank\":%lld}\n",
        group.world_size(), threads, std::string(group.backend()).c_str(), big.median_s, big.min_s,
        static_cast<long long>(big.bytes), train.median_s, train.min_s, train.wait_s,
        static_cast<long long>(train.bytes));
    return 0;
  }
  std::printf("bench dist: %d process%s x %d thread%s (%s group)\n", group.world_size(),
              group.world_size() == 1 ? "" : "es", threads, threads == 1 ? "" : "s",
              std::string(group.backend()).c_str());
  std::printf(
      "  big matmul 200x100000x400 f32: median %.1f ms (min %.1f), %lld bytes of C "
      "sent per rank\n",
      big.median_s * 1e3, big.min_s * 1e3, static_cast<long long>(big.bytes));
  std::printf(
      "  epoch, 5000 points hidden 256 batch 10: median %.1f ms (min %.1f), waiting "
      "for all-reduce %.1f ms, %.1f MB of gradients sent per rank\n",
      train.median_s * 1e3, train.min_s * 1e3, train.wait_s * 1e3,
      static_cast<double>(train.bytes) * 1e-6);
  return 0;
}

}  // namespace minitorch::cli
