// Mini-batches over any Dataset: a seeded shuffle per epoch, batches of batch_size examples
// stacked into x [B, ...example shape] and y [B], a policy for the last short batch, and an
// optional background thread that assembles the next batches while the caller trains.
// The order depends only on the seed and the epoch, never on prefetching or threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "minitorch/data/batches.h"
#include "minitorch/data/dataset.h"
#include "minitorch/generator.h"
#include "minitorch/tensor.h"

namespace minitorch::data {

struct DataLoaderOptions {
  std::int64_t batch_size = 1;  ///< 1..2^31
  bool shuffle = true;  ///< a new Fisher-Yates order each epoch; false keeps index order
  std::uint64_t seed = 0;  ///< fixes every epoch's order
  bool drop_last = false;  ///< drop a last batch smaller than batch_size (PyTorch's flag)
  /// Batches a background thread assembles ahead of the caller, 0..64 (0: no thread, each
  /// batch is assembled inside next()).
  std::int64_t prefetch = 0;
  DType x_dtype = kFloat32;  ///< kInt64 for token ids
  DType y_dtype = kFloat32;  ///< kInt64 for nll_loss / cross_entropy class indices
  Device device = Device::cpu();
};

class DataLoader {
 public:
  /// dataset must outlive the loader. ValueError for batch_size or prefetch out of range;
  /// ShapeError when a batch's element count would pass int64.
  DataLoader(const Dataset& dataset, DataLoaderOptions options);
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  /// Batches per epoch: ceil(N / B), or floor(N / B) with drop_last.
  std::int64_t size() const { return batches_; }
  /// Epochs started so far.
  std::int64_t epochs() const { return epoch_; }

  /// The current epoch's next batch; nullopt once it is exhausted, and the call after that
  /// starts the next epoch (so `while (auto b = loader.next())` is one epoch). Rethrows what
  /// the dataset threw while assembling the batch.
  std::optional<Batch> next();
  /// Starts a new epoch now, dropping what was left of the current one.
  void start_epoch();

 private:
  // One batch on the host, before it becomes tensors on the caller's thread.
  struct HostBatch {
    std::int64_t rows = 0;
    std::vector<double> x;
    std::vector<double> y;
    std::exception_ptr error;
  };

  HostBatch assemble(std::int64_t batch) const;
  Batch to_tensors(HostBatch&& host) const;
  void prefetch_loop();

  const Dataset* dataset_;
  DataLoaderOptions options_;
  Shape example_shape_;
  std::int64_t example_numel_ = 0;
  std::int64_t batches_ = 0;
  Generator generator_;
  std::vector<std::int64_t> order_;  // this epoch's order; written only while the worker waits
  std::int64_t epoch_ = 0;
  bool in_epoch_ = false;
  std::int64_t taken_ = 0;  // batches next() returned this epoch

  // Shared with the prefetch thread, under mutex_.
  std::mutex mutex_;
  std::condition_variable wake_worker_;
  std::condition_variable wake_caller_;
  std::deque<HostBatch> ready_;
  std::int64_t scheduled_ = 0;  // batches of this epoch handed to the worker
  std::uint64_t generation_ = 0;  // bumped per epoch so a stale batch is dropped
  bool building_ = false;  // the worker is assembling a batch outside the lock
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace minitorch::data
