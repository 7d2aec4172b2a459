// DataLoader: the epoch's order is drawn on the caller's thread (so it never depends on
// prefetching); batches are assembled as host buffers, by the caller or by one worker thread,
// and become tensors on the caller's thread only, so the library's tensors, allocator and
// devices are never used from the worker.
//
// Note [DataLoader prefetch]: mutex_ guards ready_, scheduled_, generation_, building_ and
// stop_. The worker reads order_ only while building_ is true, and start_epoch() rewrites
// order_ only under the lock after waiting for building_ to be false, so the two never race.
// A batch finished after a new epoch began carries an old generation and is dropped.
#include "minitorch/data/data_loader.h"

#include <string>
#include <utility>

#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::data {
namespace {

constexpr std::int64_t kMaxBatchSize = std::int64_t{1} << 31;
constexpr std::int64_t kMaxPrefetch = 64;

}  // namespace

DataLoader::DataLoader(const Dataset& dataset, DataLoaderOptions options)
    : dataset_(&dataset),
      options_(options),
      example_shape_(dataset.example_shape()),
      generator_(options.seed) {
  if (options_.batch_size < 1 || options_.batch_size > kMaxBatchSize) {
    throw ValueError("DataLoader: batch size must be in 1.." + std::to_string(kMaxBatchSize) +
                     " (got " + std::to_string(options_.batch_size) + ")");
  }
  if (options_.prefetch < 0 || options_.prefetch > kMaxPrefetch) {
    throw ValueError("DataLoader: prefetch must be in 0.." + std::to_string(kMaxPrefetch) +
                     " (got " + std::to_string(options_.prefetch) + ")");
  }
  Shape batch_shape = example_shape_;
  batch_shape.insert(0, options_.batch_size);  // ShapeError past kMaxDims
  checked_numel(batch_shape, 8, "DataLoader");
  example_numel_ = shape_numel(example_shape_);
  const std::int64_t n = dataset.size();
  batches_ = options_.drop_last ? n / options_.batch_size
                                : (n + options_.batch_size - 1) / options_.batch_size;
  scheduled_ = batches_;  // nothing for the worker until the first epoch starts
  order_.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    order_[static_cast<std::size_t>(i)] = i;
  }
  if (options_.prefetch > 0) {
    worker_ = std::thread([this] { prefetch_loop(); });
  }
}

DataLoader::~DataLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_worker_.notify_all();
  if (worker_.joinable()) {
    worker_.join();
  }
}

void DataLoader::start_epoch() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    ++generation_;
    scheduled_ = batches_;  // the worker takes nothing more from the old order
    wake_caller_.wait(lock, [this] { return !building_; });  // See Note [DataLoader prefetch]
    ready_.clear();
    if (options_.shuffle) {
      for (std::size_t i = order_.size(); i > 1; --i) {
        auto j = static_cast<std::size_t>(generator_.below(i));
        std::swap(order_[i - 1], order_[j]);
      }
    }
    scheduled_ = 0;
  }
  wake_worker_.notify_one();
  ++epoch_;
  in_epoch_ = true;
  taken_ = 0;
}

std::optional<Batch> DataLoader::next() {
  if (!in_epoch_) {
    start_epoch();
  }
  if (taken_ == batches_) {
    in_epoch_ = false;
    return std::nullopt;
  }
  HostBatch host;
  if (options_.prefetch == 0) {
    host = assemble(taken_);
  } else {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_caller_.wait(lock, [this] { return !ready_.empty(); });
      host = std::move(ready_.front());
      ready_.pop_front();
    }
    wake_worker_.notify_one();
  }
  ++taken_;
  if (host.error) {
    std::rethrow_exception(host.error);
  }
  return to_tensors(std::move(host));
}

DataLoader::HostBatch DataLoader::assemble(std::int64_t batch) const {
  HostBatch host;
  try {
    const std::int64_t begin = batch * options_.batch_size;
    const std::int64_t end = std::min(begin + options_.batch_size, dataset_->size());
    host.rows = end - begin;
    const auto numel = static_cast<std::size_t>(example_numel_);
    host.x.resize(static_cast<std::size_t>(host.rows) * numel);
    host.y.resize(static_cast<std::size_t>(host.rows));
    for (std::int64_t r = 0; r < host.rows; ++r) {
      const std::int64_t index = order_[static_cast<std::size_t>(begin + r)];
      std::span<double> features(host.x.data() + static_cast<std::size_t>(r) * numel, numel);
      host.y[static_cast<std::size_t>(r)] = dataset_->get(index, features);
    }
  } catch (...) {
    host.error = std::current_exception();
  }
  return host;
}

Batch DataLoader::to_tensors(HostBatch&& host) const {
  Shape x_shape = example_shape_;
  x_shape.insert(0, host.rows);
  Tensor x = from_vector(host.x, x_shape, {.dtype = options_.x_dtype});
  Tensor y = from_vector(host.y, Shape{host.rows}, {.dtype = options_.y_dtype});
  if (!options_.device.is_cpu()) {
    x = x.to(options_.device);
    y = y.to(options_.device);
  }
  return {x, y};
}

void DataLoader::prefetch_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_worker_.wait(lock, [this] {
      return stop_ ||
          (scheduled_ < batches_ && static_cast<std::int64_t>(ready_.size()) < options_.prefetch);
    });
    if (stop_) {
      return;
    }
    const std::int64_t batch = scheduled_++;
    const std::uint64_t generation = generation_;
    building_ = true;
    lock.unlock();
    HostBatch host = assemble(batch);
    lock.lock();
    building_ = false;
    if (generation == generation_) {
      ready_.push_back(std::move(host));
    }
    wake_caller_.notify_all();
  }
}

}  // namespace minitorch::data
