// The course's datasets (minitorch/datasets.py), point for point: x1 then x2 drawn per point.
#include "minitorch/data/datasets.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "minitorch/generator.h"

namespace minitorch::data {
namespace {

// 2^27 points (3 GiB of doubles as x and y) is far past the course's sizes and within a
// small machine's memory; more is refused up front instead of failing in an allocation.
constexpr std::int64_t kMaxPoints = std::int64_t{1} << 27;

void check_points(const std::string& name, std::int64_t n, std::int64_t least) {
  if (n < least || n > kMaxPoints) {
    throw ValueError("dataset " + name + ": need " + std::to_string(least) + " to " +
                     std::to_string(kMaxPoints) + " points (got " + std::to_string(n) + ")");
  }
}

PointDataset labelled(const std::string& name, std::int64_t n, std::uint64_t seed,
                      const std::function<bool(double, double)>& rule) {
  check_points(name, n, 1);
  Generator gen(seed);
  PointDataset d;
  d.name = name;
  d.x.reserve(static_cast<std::size_t>(2 * n));
  d.y.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    double x1 = gen.uniform();
    double x2 = gen.uniform();
    d.x.push_back(x1);
    d.x.push_back(x2);
    d.y.push_back(rule(x1, x2) ? 1.0 : 0.0);
  }
  return d;
}

}  // namespace

double PointDataset::get(std::int64_t i, std::span<double> out) const {
  const auto row = static_cast<std::size_t>(i * features);
  std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(row), features, out.begin());
  return y[static_cast<std::size_t>(i)];
}

Tensor PointDataset::x_tensor(TensorOptions options) const {
  Tensor t = from_vector(x, {size(), features}, {.dtype = options.dtype});
  return options.device.is_cpu() ? t : t.to(options.device);
}

Tensor PointDataset::y_tensor(TensorOptions options) const {
  Tensor t = from_vector(y, {size()}, {.dtype = options.dtype});
  return options.device.is_cpu() ? t : t.to(options.device);
}

PointDataset make_simple(std::int64_t n, std::uint64_t seed) {
  return labelled("simple", n, seed, [](double x1, double) { return x1 < 0.5; });
}

PointDataset make_diag(std::int64_t n, std::uint64_t seed) {
  return labelled("diag", n, seed, [](double x1, double x2) { return x1 + x2 < 0.5; });
}

PointDataset make_split(std::int64_t n, std::uint64_t seed) {
  return labelled("split", n, seed, [](double x1, double) { return x1 < 0.2 || x1 > 0.8; });
}

PointDataset make_xor(std::int64_t n, std::uint64_t seed) {
  return labelled("xor", n, seed, [](double x1, double x2) {
    return (x1 < 0.5 && x2 > 0.5) || (x1 > 0.5 && x2 < 0.5);
  });
}

PointDataset make_circle(std::int64_t n, std::uint64_t seed) {
  return labelled("circle", n, seed, [](double x1, double x2) {
    double a = x1 - 0.5;
    double b = x2 - 0.5;
    return a * a + b * b > 0.1;
  });
}

PointDataset make_spiral(std::int64_t n, std::uint64_t /*seed*/) {
  check_points("spiral", n, 2);
  const std::int64_t half = n / 2;
  auto fx = [](double t) { return t * std::cos(t) / 20.0; };
  auto fy = [](double t) { return t * std::sin(t) / 20.0; };
  PointDataset d;
  d.name = "spiral";
  for (std::int64_t i = 5; i < 5 + half; ++i) {
    double t = 10.0 * (static_cast<double>(i) / static_cast<double>(half));
    d.x.push_back(fx(t) + 0.5);
    d.x.push_back(fy(t) + 0.5);
    d.y.push_back(0.0);
  }
  for (std::int64_t i = 5; i < 5 + half; ++i) {
    double t = -10.0 * (static_cast<double>(i) / static_cast<double>(half));
    d.x.push_back(fy(t) + 0.5);
    d.x.push_back(fx(t) + 0.5);
    d.y.push_back(1.0);
  }
  return d;
}

std::vector<std::string> dataset_names() {
  return {"simple", "diag", "split", "xor", "circle", "spiral"};
}

PointDataset make_dataset(const std::string& name, std::int64_t n, std::uint64_t seed) {
  if (name == "simple") {
    return make_simple(n, seed);
  }
  if (name == "diag") {
    return make_diag(n, seed);
  }
  if (name == "split") {
    return make_split(n, seed);
  }
  if (name == "xor") {
    return make_xor(n, seed);
  }
  if (name == "circle") {
    return make_circle(n, seed);
  }
  if (name == "spiral") {
    return make_spiral(n, seed);
  }
  throw ValueError("dataset: unknown dataset '" + name +
                   "' (simple, diag, split, xor, circle, spiral)");
}

}  // namespace minitorch::data
