// Mini-batches: a Fisher-Yates shuffle of row indices per epoch, then one gathered host
// buffer per batch turned into tensors (a gather on the host is cheaper than a device op
// for the course's sizes, and keeps the order independent of the backend).
#include "minitorch/data/batches.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::data {

Batches::Batches(const PointDataset& data, std::int64_t batch_size, std::uint64_t seed,
                 TensorOptions options, bool shuffle)
    : data_(&data),
      batch_size_(batch_size),
      generator_(seed),
      options_(options),
      shuffle_(shuffle),
      order_(static_cast<std::size_t>(data.size())) {
  if (batch_size < 1) {
    throw ValueError("Batches: batch size must be >= 1 (got " + std::to_string(batch_size) + ")");
  }
  options_.requires_grad = false;
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
}

std::int64_t Batches::size() const { return (data_->size() + batch_size_ - 1) / batch_size_; }

std::vector<Batch> Batches::epoch() {
  if (shuffle_) {
    for (std::size_t i = order_.size(); i > 1; --i) {
      auto j = static_cast<std::size_t>(generator_.uniform() * static_cast<double>(i));
      std::swap(order_[i - 1], order_[std::min(j, i - 1)]);
    }
  }
  const std::int64_t n = data_->size();
  const std::int64_t f = data_->features;
  std::vector<Batch> batches;
  batches.reserve(static_cast<std::size_t>(size()));
  std::vector<double> xs;
  std::vector<double> ys;
  for (std::int64_t start = 0; start < n; start += batch_size_) {
    std::int64_t b = std::min(batch_size_, n - start);
    xs.clear();
    ys.clear();
    for (std::int64_t i = start; i < start + b; ++i) {
      auto row = static_cast<std::size_t>(order_[static_cast<std::size_t>(i)]);
      for (std::int64_t k = 0; k < f; ++k) {
        xs.push_back(data_->x[row * static_cast<std::size_t>(f) + static_cast<std::size_t>(k)]);
      }
      ys.push_back(data_->y[row]);
    }
    Tensor x = from_vector(xs, {b, f}, {.dtype = options_.dtype});
    Tensor y = from_vector(ys, {b}, {.dtype = options_.dtype});
    if (!options_.device.is_cpu()) {
      x = x.to(options_.device);
      y = y.to(options_.device);
    }
    batches.push_back({x, y});
  }
  return batches;
}

}  // namespace minitorch::data
