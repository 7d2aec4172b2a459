// Internals of `minitorch train`, shared by its files: options, the model and training loop
// (train_run.cpp), logging (train_log.cpp), the SVG picture (train_plot.cpp) and the
// benchmark table (train_bench.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli_args.h"
#include "minitorch/dist/data_parallel.h"
#include "minitorch/minitorch.h"

namespace minitorch::cli::train_detail {

/// Parses args into options (see cli_args.h); returns false after printing the help, when the
/// program should stop with *exit_code. Throws UsageError.
bool parse_options(const std::vector<std::string>& args, TrainOptions& options, int* exit_code);

/// Selects the backend and thread count; returns the device tensors live on. Error when the
/// backend is not available.
Device select_backend(TrainOptions& options);
/// Whether this build exposes set_num_threads.
bool has_threads_api();

/// The course's MLP: layers = Linear(2,H)-ReLU-Linear(H,H)-ReLU-Linear(H,1)[-Sigmoid].
class Mlp : public nn::Module {
 public:
  Mlp(std::int64_t hidden, bool sigmoid_output, nn::LinearOptions linear);
  /// x [N, 2] -> [N] (probabilities, or logits without the sigmoid).
  Tensor forward(const Tensor& x) override;
  std::string name() const override { return "Mlp"; }
  std::string describe() const;

 private:
  std::shared_ptr<nn::Sequential> layers_;
  std::int64_t hidden_;
  bool sigmoid_output_;
};

/// The process group `minitorch train` runs in: MPI's when launched by mpirun (NCCL's for
/// the cuda backend), else a single process. Null when neither distribution nor
/// --deterministic is asked for, so the plain loop runs unchanged.
dist::ProcessGroup* train_group(const TrainOptions& options);

/// Everything one training run needs, built from options.
class Trainer {
 public:
  /// group: see train_group; with more than one rank each trains on its share of every
  /// batch (docs/distributed.md).
  Trainer(const TrainOptions& options, Device device, dist::ProcessGroup* group = nullptr);

  /// One pass over shuffled mini-batches; returns the mean loss per point (over all ranks).
  double run_epoch();
  /// Mean loss per point over the whole dataset (eval mode, no grad, no step).
  double loss();
  /// Correctly classified points of the whole dataset (eval mode, no grad).
  std::int64_t correct();
  /// P(class 1) at each of the given [M, 2] points, in eval mode.
  std::vector<double> predict(const std::vector<double>& xy);

  /// Data parallel only: since construction, the time backward's end waited for the
  /// gradient sums, and the gradient bytes this rank sent to all-reduce.
  double comm_wait_seconds() const { return static_cast<double>(comm_wait_ns_) * 1e-9; }
  std::int64_t comm_bytes() const { return comm_bytes_; }
  /// Data parallel only: the last step's backward and bucket timings; null otherwise.
  const dist::StepTiming* last_step() const {
    return data_parallel_ ? &data_parallel_->last_step() : nullptr;
  }

  const data::PointDataset& dataset() const { return dataset_; }
  Mlp& model() { return *model_; }
  bool logits() const { return logits_; }

 private:
  TrainOptions options_;
  Device device_;
  DType dtype_;
  bool logits_;
  data::PointDataset dataset_;
  std::shared_ptr<Mlp> model_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  std::unique_ptr<data::Batches> batches_;
  Tensor all_x_;
  Tensor all_y_;
  dist::ProcessGroup* group_;
  std::unique_ptr<dist::DataParallel> data_parallel_;
  std::int64_t comm_wait_ns_ = 0;
  std::int64_t comm_bytes_ = 0;

  // Note [Graph replay] (train_run.cpp): the steady-state step as one CUDA graph.
  bool use_graphs_ = false;
  std::int64_t eager_steps_ = 0;
  std::unique_ptr<CudaGraph> graph_;
  Tensor static_x_;
  Tensor static_y_;
  Tensor static_loss_;

  Tensor summed_loss(const Tensor& out, const Tensor& y) const;
  Tensor step(const Tensor& x, const Tensor& y);
  double run_epoch_graphed();
  double run_epoch_data_parallel();
  double run_epoch_deterministic();
};

/// One logged point of the run.
struct LogPoint {
  std::int64_t epoch;
  double loss;
  std::int64_t correct;
  std::int64_t total;
  double seconds_per_epoch;  ///< median of the epochs since the previous log line
};

/// Plain lines (and a live bar on stderr when it is a terminal) or JSON lines.
class Logger {
 public:
  Logger(const TrainOptions& options, std::int64_t epochs);
  /// Called after every epoch; redraws the bar at most every 50 ms.
  void progress(std::int64_t epoch, double loss, double seconds_per_epoch);
  void log(const LogPoint& point);
  /// Clears the bar.
  void finish();

 private:
  bool json_;
  bool quiet_;
  bool bar_;
  std::int64_t epochs_;
  double last_draw_ = -1.0;
  std::int64_t last_correct_ = -1;
  std::int64_t total_ = 0;
};

/// Median and minimum of values (0 when empty).
double median(std::vector<double> values);
double minimum(const std::vector<double>& values);
/// Seconds since an arbitrary start (steady clock).
double now_seconds();

/// Writes the loss curve and the decision boundary with the points as one SVG.
void write_svg(const std::string& path, Trainer& trainer, const std::vector<double>& losses,
               const std::string& title);

/// `minitorch train --bench`.
int run_bench(const TrainOptions& options);

/// s as a JSON string literal (quotes and backslashes escaped; the CLI's texts have no
/// control characters).
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace minitorch::cli::train_detail
