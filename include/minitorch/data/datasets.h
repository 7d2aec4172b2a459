// The course's six 2-D binary classification datasets (simple, diag, split, xor, circle,
// spiral), seeded: points uniform in [0, 1)^2 from a Generator, labelled by each rule.
// Data is kept on the host in float64; tensors are made on request in any dtype/device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "minitorch/data/dataset.h"
#include "minitorch/tensor.h"

namespace minitorch::data {

struct PointDataset : Dataset {
  std::string name;
  std::int64_t features = 2;
  /// size() * features values, row-major.
  std::vector<double> x;
  /// size() labels, 0 or 1.
  std::vector<double> y;

  std::int64_t size() const override { return static_cast<std::int64_t>(y.size()); }
  Shape example_shape() const override { return Shape{features}; }
  double get(std::int64_t i, std::span<double> out) const override;
  /// [N, features].
  Tensor x_tensor(TensorOptions options = {}) const;
  /// [N].
  Tensor y_tensor(TensorOptions options = {}) const;
};

/// x1 < 0.5.
PointDataset make_simple(std::int64_t n, std::uint64_t seed);
/// x1 + x2 < 0.5.
PointDataset make_diag(std::int64_t n, std::uint64_t seed);
/// x1 < 0.2 or x1 > 0.8.
PointDataset make_split(std::int64_t n, std::uint64_t seed);
/// (x1 < 0.5 and x2 > 0.5) or (x1 > 0.5 and x2 < 0.5).
PointDataset make_xor(std::int64_t n, std::uint64_t seed);
/// (x1 - 0.5)^2 + (x2 - 0.5)^2 > 0.1.
PointDataset make_circle(std::int64_t n, std::uint64_t seed);
/// Two arms of t (cos t, sin t) / 20 + 0.5 (the second mirrored), n/2 points each, labels
/// 0 then 1, exactly as the course builds them (no randomness: seed is unused).
PointDataset make_spiral(std::int64_t n, std::uint64_t seed = 0);

/// {"simple", "diag", "split", "xor", "circle", "spiral"}.
std::vector<std::string> dataset_names();
/// The dataset of that name; Error naming the choices when unknown, or when n < 1
/// (n < 2 for spiral).
PointDataset make_dataset(const std::string& name, std::int64_t n, std::uint64_t seed);

}  // namespace minitorch::data
