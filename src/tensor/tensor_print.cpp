// Printing in PyTorch's style: tensor([[ 1.0000, -2.5000], ...]), one format for all
// shown elements, tensors over 1000 elements summarised to their first and last 3 per dim.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "minitorch/layout.h"
#include "minitorch/tensor.h"
#include "ops/ops.h"
#include "tensor/tensor_impl.h"

namespace minitorch {
namespace {

constexpr std::int64_t kSummarizeOver = 1000;
constexpr std::int64_t kEdgeItems = 3;

enum class Style { Integer, Fixed, Scientific };

struct Printer {
  const double* values;  // contiguous, row-major
  Shape shape;
  Strides strides;
  bool summarize;
  Style style = Style::Fixed;
  int width = 0;

  // Indices shown along a dim of size n: all, or the first and last kEdgeItems (-1 = "...").
  std::vector<std::int64_t> shown(std::int64_t n) const {
    std::vector<std::int64_t> out;
    if (!summarize || n <= 2 * kEdgeItems) {
      for (std::int64_t i = 0; i < n; ++i) {
        out.push_back(i);
      }
      return out;
    }
    for (std::int64_t i = 0; i < kEdgeItems; ++i) {
      out.push_back(i);
    }
    out.push_back(-1);
    for (std::int64_t i = n - kEdgeItems; i < n; ++i) {
      out.push_back(i);
    }
    return out;
  }

  void collect(int dim, std::int64_t position, std::vector<double>& out) const {
    if (dim == shape.size()) {
      out.push_back(values[position]);
      return;
    }
    for (std::int64_t i : shown(shape[dim])) {
      if (i >= 0) {
        collect(dim + 1, position + i * strides[dim], out);
      }
    }
  }

  std::string format(double v) const {
    char buf[64];
    if (std::isnan(v)) {
      return "nan";
    }
    if (std::isinf(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    switch (style) {
      case Style::Integer:
        std::snprintf(buf, sizeof buf, "%.0f.", v);
        break;
      case Style::Fixed:
        std::snprintf(buf, sizeof buf, "%.4f", v);
        break;
      case Style::Scientific:
        std::snprintf(buf, sizeof buf, "%.4e", v);
        break;
    }
    return buf;
  }

  void choose_format(const std::vector<double>& sample) {
    bool all_integer = true;
    double max_abs = 0;
    double min_abs = INFINITY;
    for (double v : sample) {
      if (!std::isfinite(v)) {
        continue;
      }
      all_integer = all_integer && v == std::floor(v);
      max_abs = std::fmax(max_abs, std::fabs(v));
      if (v != 0) {
        min_abs = std::fmin(min_abs, std::fabs(v));
      }
    }
    if (all_integer && max_abs < 1e8) {
      style = Style::Integer;
    } else if (max_abs >= 1e8 || (min_abs < 1e-4) || max_abs / min_abs > 1000) {
      style = Style::Scientific;
    } else {
      style = Style::Fixed;
    }
    for (double v : sample) {
      width = std::max(width, static_cast<int>(format(v).size()));
    }
  }

  void print(int dim, std::int64_t position, int indent, std::string& out) const {
    if (dim == shape.size()) {
      std::string text = format(values[position]);
      out.append(static_cast<std::size_t>(width) - text.size(), ' ');
      out += text;
      return;
    }
    out += '[';
    std::vector<std::int64_t> items = shown(shape[dim]);
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (k > 0) {
        out += ',';
        if (dim + 1 == shape.size()) {
          out += ' ';
        } else {
          out.append(static_cast<std::size_t>(shape.size() - dim - 1), '\n');
          out.append(static_cast<std::size_t>(indent + 1), ' ');
        }
      }
      if (items[k] < 0) {
        out += dim + 1 == shape.size() ? " ..." : "...";
        continue;
      }
      print(dim + 1, position + items[k] * strides[dim], indent + 1, out);
    }
    out += ']';
  }
};

}  // namespace

std::string Tensor::to_string() const {
  if (!defined()) {
    return "tensor(undefined)";
  }
  std::vector<double> values = to_vector();
  const std::string prefix = "tensor(";
  std::string out = prefix;
  if (numel() == 0) {
    out += "[]";
    if (ndim() != 1) {
      out += ", size=" + minitorch::to_string(shape());
    }
  } else {
    Printer printer{values.data(), shape(), strides_from_shape(shape()), numel() > kSummarizeOver};
    std::vector<double> sample;
    printer.collect(0, 0, sample);
    printer.choose_format(sample);
    printer.print(0, 0, static_cast<int>(prefix.size()), out);
  }
  if (dtype() != kFloat32) {
    out += ", dtype=" + std::string(minitorch::to_string(dtype()));
  }
  if (!device().is_cpu()) {
    out += ", device='" + device().to_string() + "'";
  }
  if (!is_leaf()) {
    out += ", grad_fn=<" + grad_fn_name() + ">";
  } else if (requires_grad()) {
    out += ", requires_grad=True";
  }
  return out + ")";
}

}  // namespace minitorch
