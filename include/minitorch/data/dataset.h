// The Dataset interface: a fixed number of examples, each a block of features of one shape and
// a class label, read by index (PyTorch's map-style dataset). Implementations keep their data
// on the host; get() is const and must be safe to call from several threads at once, since a
// DataLoader's prefetch thread reads while the caller trains.
#pragma once

#include <cstdint>
#include <span>

#include "minitorch/shape.h"

namespace minitorch::data {

class Dataset {
 public:
  virtual ~Dataset() = default;

  /// Number of examples.
  virtual std::int64_t size() const = 0;
  /// The shape of one example's features: {2} for a point, {1, 28, 28} for an image, {L} for
  /// a sentence of L token ids.
  virtual Shape example_shape() const = 0;
  /// Writes example i's features (shape_numel(example_shape()) values, row-major) into
  /// features and returns its label. i is in [0, size()) and features has that many values:
  /// the caller checks both.
  virtual double get(std::int64_t i, std::span<double> features) const = 0;

 protected:
  Dataset() = default;
  Dataset(const Dataset&) = default;
  Dataset& operator=(const Dataset&) = default;
  Dataset(Dataset&&) = default;
  Dataset& operator=(Dataset&&) = default;
};

}  // namespace minitorch::data
