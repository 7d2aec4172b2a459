// `minitorch train --bench`: seconds per epoch in steady state for the workloads
// (xor, batch 10: 50 points with hidden 100 and 200, 5000 points with hidden 256) at 1 and 2
// threads. Each row: warm-up epochs, then --repeats timed blocks of epochs (~0.2 s each);
// the table gives the median and min over blocks of (block time / epochs in block).
#include <algorithm>
#include <cstdio>

#include "train_support.h"

namespace minitorch::cli::train_detail {
namespace {

struct Workload {
  std::int64_t points;
  std::int64_t hidden;
  double target_seconds;  ///< the issue's target for this row
};

}  // namespace

int run_bench(const TrainOptions& base) {
  TrainOptions options = base;
  select_backend(options);
  std::vector<int> thread_counts;
  if (base.threads > 0) {
    thread_counts = {base.threads};
  } else if (has_threads_api()) {
    thread_counts = {1, 2};
  } else {
    thread_counts = {0};
  }
  const Workload workloads[] = {{50, 100, 0.25e-3}, {50, 200, 0.0}, {5000, 256, 40e-3}};
  if (!options.json) {
    std::printf(
        "minitorch train --bench: backend %s, %s, %s lr %g, batch 10, dataset xor, seed %llu\n"
        "seconds per epoch in steady state: median and min over %d timed blocks\n\n",
        options.backend.c_str(), options.dtype.c_str(), options.optimizer.c_str(), options.lr,
        static_cast<unsigned long long>(options.seed), options.repeats);
    std::printf("%8s %7s %8s %6s %13s %13s %11s %9s\n", "points", "hidden", "threads", "batch",
                "median ms", "min ms", "target ms", "correct");
  }
  for (int threads : thread_counts) {
    if (threads > 0) {
      TrainOptions with_threads = options;
      with_threads.threads = threads;
      select_backend(with_threads);
    }
    for (const Workload& w : workloads) {
      std::string thread_label = threads > 0 ? std::to_string(threads) : "default";
      if (options.backend == "reference" && w.points > 1000) {
        if (!options.json) {
          std::printf(
              "%8lld %7lld %8s %6d   skipped: the reference backend takes minutes per epoch\n",
              static_cast<long long>(w.points), static_cast<long long>(w.hidden),
              thread_label.c_str(), 10);
        }
        continue;
      }
      TrainOptions run = options;
      run.dataset = "xor";
      run.points = w.points;
      run.hidden = w.hidden;
      run.batch = 10;
      run.load.clear();
      Trainer trainer(run, options.backend == "cuda" ? Device::cuda() : Device::cpu());
      // Warm up, and size the timed blocks from the warm-up.
      double t0 = now_seconds();
      std::int64_t warm = 0;
      while (warm < 3 || (now_seconds() - t0 < 0.1 && warm < 100)) {
        trainer.run_epoch();
        ++warm;
      }
      double per_epoch = (now_seconds() - t0) / static_cast<double>(warm);
      auto block = static_cast<std::int64_t>(std::clamp(0.2 / per_epoch, 1.0, 1000.0));
      std::vector<double> samples;
      for (int r = 0; r < options.repeats; ++r) {
        double start = now_seconds();
        for (std::int64_t e = 0; e < block; ++e) {
          trainer.run_epoch();
        }
        samples.push_back((now_seconds() - start) / static_cast<double>(block));
      }
      std::int64_t correct = trainer.correct();
      if (options.json) {
        std::printf(
            "{\"event\":\"bench\",\"backend\":\"%s\",\"points\":%lld,\"hidden\":%lld,"
            "\"threads\":\"%s\",\"batch\":10,\"epochs_per_block\":%lld,"
            "\"seconds_per_epoch_median\":%.9g,\"seconds_per_epoch_min\":%.9g,"
            "\"target_seconds\":%.9g,\"correct\":%lld}\n",
            options.backend.c_str(), static_cast<long long>(w.points),
            static_cast<long long>(w.hidden), thread_label.c_str(), static_cast<long long>(block),
            median(samples), minimum(samples), w.target_seconds, static_cast<long long>(correct));
      } else {
        std::string target = w.target_seconds > 0 ? std::to_string(w.target_seconds * 1e3) : "-";
        std::printf("%8lld %7lld %8s %6d %13.4f %13.4f %11s %5lld/%lld\n",
                    static_cast<long long>(w.points), static_cast<long long>(w.hidden),
                    thread_label.c_str(), 10, median(samples) * 1e3, minimum(samples) * 1e3,
                    target.substr(0, target.find('.') + 3).c_str(), static_cast<long long>(correct),
                    static_cast<long long>(w.points));
      }
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace minitorch::cli::train_detail
