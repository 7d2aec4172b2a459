// `minitorch train --task sentiment | mnist | fashion-mnist`: the real-data tasks (docs/data.md).
// train_task.cpp loads the data and runs the loop; train_task_plot.cpp draws the pictures.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli_args.h"
#include "minitorch/minitorch.h"

namespace minitorch::cli::train_detail {

/// Trains (or with --epochs 0 and --load, evaluates) the task's model; returns the exit code.
int run_task(TrainOptions& options);

/// One evaluation of the model over a whole split.
struct Evaluation {
  double loss = 0.0;  ///< mean per example
  std::int64_t correct = 0;
  std::int64_t total = 0;
  std::vector<std::int64_t> confusion;  ///< [true class][predicted class], classes^2
  std::vector<std::int64_t> predictions;  ///< per example, in the split's order
  double accuracy() const {
    return total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
  }
};

/// One epoch's numbers, for the log and the curves.
struct EpochRecord {
  std::int64_t epoch = 0;
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double eval_loss = 0.0;
  double eval_accuracy = 0.0;
  double seconds = 0.0;
};

/// Loss and accuracy curves per epoch (train and the evaluated split) as one SVG.
void write_curves_svg(const std::string& path, const std::vector<EpochRecord>& records,
                      const std::string& eval_name, const std::string& title);
/// The confusion matrix (rows: true class, columns: predicted) as an SVG.
void write_confusion_svg(const std::string& path, const Evaluation& evaluation,
                         const std::vector<std::string>& class_names, const std::string& title);
/// The first images of a split in a grid, each with its predicted and true label (wrong ones in
/// red), as an SVG.
void write_image_grid_svg(const std::string& path, const data::ImageDataset& images,
                          const std::vector<std::int64_t>& predictions,
                          const std::vector<std::string>& class_names, const std::string& title);

}  // namespace minitorch::cli::train_detail
