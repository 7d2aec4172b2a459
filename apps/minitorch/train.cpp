// `minitorch train`: the course's Task 3.5 as a program. Parses flags, trains with the chosen
// backend, logs every --log-every epochs, then prints a summary, draws the SVG and saves.
// With --load and --epochs 0 it only evaluates the stored model.
#include <cstdio>

#include "commands.h"
#include "train_support.h"
#include "train_task.h"

namespace minitorch::cli {

using namespace train_detail;

namespace {

// `--load FILE --epochs 0`: the stored model's loss and accuracy on the dataset, measured
// once; no optimiser step, no epoch range, no timing (there is nothing to time).
int evaluate(TrainOptions& options) {
  Device device = select_backend(options);
  Trainer trainer(options, device);
  const std::int64_t total = trainer.dataset().size();
  const double loss = trainer.loss();
  const std::int64_t correct = trainer.correct();
  std::string plot =
      options.plot.empty() ? "minitorch_train_" + options.dataset + ".svg" : options.plot;
  if (plot != "none") {
    write_svg(plot, trainer, {},
              options.dataset + ", " + std::to_string(total) + " points, hidden " +
                  std::to_string(options.hidden) + ", loaded, not trained");
  }
  if (options.json) {
    std::printf(
        "{\"event\":\"evaluation\",\"dataset\":%s,\"points\":%lld,\"hidden\":%lld,"
        "\"backend\":%s,\"loaded\":%s,\"seed\":%llu,\"loss\":%.9g,\"correct\":%lld,"
        "\"total\":%lld,\"plot\":%s}\n",
        json_string(options.dataset).c_str(), static_cast<long long>(total),
        static_cast<long long>(options.hidden), json_string(options.backend).c_str(),
        json_string(options.load).c_str(), static_cast<unsigned long long>(options.seed), loss,
        static_cast<long long>(correct), static_cast<long long>(total),
        json_string(plot == "none" ? "" : plot).c_str());
    return 0;
  }
  std::printf("evaluated %s from %s on %s (%lld points, seed %llu) with %s, %s\n",
              trainer.model().describe().c_str(), options.load.c_str(), options.dataset.c_str(),
              static_cast<long long>(total), static_cast<unsigned long long>(options.seed),
              options.backend.c_str(), options.dtype.c_str());
  std::printf("  loss %.6f, correct %lld/%lld (%.1f%%); not trained (--epochs 0)\n", loss,
              static_cast<long long>(correct), static_cast<long long>(total),
              100.0 * static_cast<double>(correct) / static_cast<double>(total));
  if (plot != "none") {
    std::printf("  wrote the decision boundary to %s\n", plot.c_str());
  }
  return 0;
}

}  // namespace

int train(const std::vector<std::string>& args) {
  TrainOptions options;
  int exit_code = 0;
  if (!parse_options(args, options, &exit_code)) {
    return exit_code;
  }
  if (options.task != "points") {
    if (dist::launched_by_mpi()) {
      throw UsageError("train: --task " + options.task +
                       " runs in one process; start it without mpirun");
    }
    return run_task(options);
  }
  if (dist::launched_by_mpi() && (options.bench || options.epochs == 0)) {
    throw UsageError(std::string("train: ") + (options.bench ? "--bench" : "--epochs 0") +
                     " runs in one process; start it without mpirun");
  }
  if (options.bench) {
    return run_bench(options);
  }
  if (options.epochs == 0) {  // only with --load (parse_train_args refuses it otherwise)
    return evaluate(options);
  }
  double start = now_seconds();
  Device device = select_backend(options);
  dist::ProcessGroup* group = train_group(options);
  if (group != nullptr && group->device().is_cuda()) {
    device = group->device();  // under nccl, each rank trains on its own GPU
  }
  // Every rank trains; rank 0 alone logs, draws, saves and prints the summary.
  const bool lead = group == nullptr || group->rank() == 0;
  if (!lead) {
    options.quiet = true;
    options.plot = "none";
    options.save.clear();
  }
  Trainer trainer(options, device, group);
  const std::int64_t total = trainer.dataset().size();
  Logger logger(options, options.epochs);
  std::vector<double> losses;
  std::vector<double> epoch_seconds;
  std::vector<double> window;
  double setup_seconds = now_seconds() - start;
  for (std::int64_t epoch = 1; epoch <= options.epochs; ++epoch) {
    double t0 = now_seconds();
    double loss = trainer.run_epoch();
    double seconds = now_seconds() - t0;
    losses.push_back(loss);
    epoch_seconds.push_back(seconds);
    window.push_back(seconds);
    logger.progress(epoch, loss, median(window));
    if (epoch % options.log_every == 0 || epoch == options.epochs) {
      logger.log({epoch, loss, trainer.correct(), total, median(window)});
      window.clear();
    }
  }
  logger.finish();
  if (!lead) {
    return 0;
  }

  std::int64_t correct = trainer.correct();
  double final_loss = losses.empty() ? 0.0 : losses.back();
  // Steady state: skip the first tenth of the epochs (at least one), where caches, the
  // allocator and the thread pool warm up.
  std::size_t skip = std::max<std::size_t>(1, epoch_seconds.size() / 10);
  std::vector<double> steady(
      epoch_seconds.begin() + static_cast<std::ptrdiff_t>(std::min(skip, epoch_seconds.size())),
      epoch_seconds.end());
  if (steady.empty()) {
    steady = epoch_seconds;
  }
  double train_seconds = 0.0;
  for (double s : epoch_seconds) {
    train_seconds += s;
  }

  std::string plot =
      options.plot.empty() ? "minitorch_train_" + options.dataset + ".svg" : options.plot;
  std::string title = options.dataset + ", " + std::to_string(total) + " points, hidden " +
      std::to_string(options.hidden) + ", " + options.optimizer + " lr " +
      std::to_string(options.lr).substr(0, 6) + ", " + std::to_string(options.epochs) + " epochs";
  if (plot != "none") {
    write_svg(plot, trainer, losses, title);
  }
  if (!options.save.empty()) {
    nn::save(trainer.model(), options.save,
             {{"producer", "minitorch train"},
              {"dataset", options.dataset},
              {"hidden", std::to_string(options.hidden)},
              {"loss", options.loss},
              {"architecture", trainer.model().describe()}});
  }
  std::string threads = options.threads > 0 ? std::to_string(options.threads) : "default";
  if (options.json) {
    std::printf(
        "{\"event\":\"summary\",\"dataset\":%s,\"points\":%lld,\"hidden\":%lld,\"epochs\":%lld,"
        "\"backend\":%s,\"threads\":%s,\"optimizer\":%s,\"lr\":%.9g,\"batch\":%lld,"
        "\"seed\":%llu,\"loss\":%.9g,\"correct\":%lld,\"total\":%lld,"
        "\"seconds_per_epoch_median\":%.9g,\"seconds_per_epoch_min\":%.9g,"
        "\"train_seconds\":%.9g,\"setup_seconds\":%.9g,\"plot\":%s,\"saved\":%s}\n",
        json_string(options.dataset).c_str(), static_cast<long long>(total),
        static_cast<long long>(options.hidden), static_cast<long long>(options.epochs),
        json_string(options.backend).c_str(), json_string(threads).c_str(),
        json_string(options.optimizer).c_str(), options.lr, static_cast<long long>(options.batch),
        static_cast<unsigned long long>(options.seed), final_loss, static_cast<long long>(correct),
        static_cast<long long>(total), median(steady), minimum(steady), train_seconds,
        setup_seconds, json_string(plot == "none" ? "" : plot).c_str(),
        json_string(options.save).c_str());
    return 0;
  }
  std::printf("\ntrained %s on %s (%lld points) with %s\n", trainer.model().describe().c_str(),
              options.dataset.c_str(), static_cast<long long>(total), options.backend.c_str());
  if (group != nullptr) {
    std::printf("  %d process%s (%s group)%s\n", group->world_size(),
                group->world_size() == 1 ? "" : "es", std::string(group->backend()).c_str(),
                options.deterministic
                    ? (", deterministic: " + std::to_string(options.micro_batches) +
                       " micro-batches per batch")
                          .c_str()
                    : "");
  }
  std::printf("  %s lr %g, batch %lld, %lld epochs, seed %llu, %s, threads %s\n",
              options.optimizer.c_str(), options.lr, static_cast<long long>(options.batch),
              static_cast<long long>(options.epochs), static_cast<unsigned long long>(options.seed),
              options.dtype.c_str(), threads.c_str());
  std::printf("  final loss %.6f, correct %lld/%lld (%.1f%%)\n", final_loss,
              static_cast<long long>(correct), static_cast<long long>(total),
              100.0 * static_cast<double>(correct) / static_cast<double>(total));
  std::printf("  seconds per epoch (steady state, median of epochs %zu-%zu): %.6f (min %.6f)\n",
              epoch_seconds.size() - steady.size() + 1, epoch_seconds.size(), median(steady),
              minimum(steady));
  std::printf("  training took %.3f s (+ %.3f s start-up)\n", train_seconds, setup_seconds);
  if (plot != "none") {
    std::printf("  wrote the loss curve and decision boundary to %s\n", plot.c_str());
  }
  if (!options.save.empty()) {
    std::printf("  saved the model to %s (safetensors)\n", options.save.c_str());
  }
  return 0;
}

}  // namespace minitorch::cli
