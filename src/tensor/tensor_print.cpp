// Printing in PyTorch's style: tensor([[ 1.0000, -2.5000], ...]), one format for all
// shown elements, tensors over 1000 elements summarised to their first and last 3 per dim.
// int64 prints without a decimal point (read exactly, not through double), bool as
// True/False; like PyTorch, the dtype is named only when it is not float32, int64 or bool
// (or when an empty tensor shows no element to tell it by).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <type_traits>
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

// T is double (float32 and float64 values), std::int64_t or bool.
template <class T>
struct Printer {
  const std::vector<T>& values;  // contiguous, row-major
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

  void collect(int dim, std::int64_t position, std::vector<T>& out) const {
    if (dim == shape.size()) {
      out.push_back(values[static_cast<std::size_t>(position)]);
      return;
    }
    for (std::int64_t i : shown(shape[dim])) {
      if (i >= 0) {
        collect(dim + 1, position + i * strides[dim], out);
      }
    }
  }

  std::string format(std::int64_t v) const { return std::to_string(v); }
  std::string format(bool v) const { return v ? "True" : "False"; }

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

  void choose_format(const std::vector<T>& sample) {
    if constexpr (std::is_same_v<T, double>) {
      choose_style(sample);
    }
    for (T v : sample) {
      width = std::max(width, static_cast<int>(format(v).size()));
    }
  }

  void choose_style(const std::vector<double>& sample) {
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
  }

  void print(int dim, std::int64_t position, int indent, std::string& out) const {
    if (dim == shape.size()) {
      std::string text = format(static_cast<T>(values[static_cast<std::size_t>(position)]));
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

template <class T>
void print_elements(const Tensor& t, int indent, std::string& out) {
  std::vector<T> values = t.to_vector<T>();
  Printer<T> printer{values, t.shape(), strides_from_shape(t.shape()), t.numel() > kSummarizeOver};
  std::vector<T> sample;
  printer.collect(0, 0, sample);
  printer.choose_format(sample);
  printer.print(0, 0, indent, out);
}

}  // namespace

std::string Tensor::to_string() const {
  if (!defined()) {
    return "tensor(undefined)";
  }
  const std::string prefix = "tensor(";
  std::string out = prefix;
  const int indent = static_cast<int>(prefix.size());
  bool dtype_shown_by_values = false;
  if (numel() == 0) {
    out += "[]";
    if (ndim() != 1) {
      out += ", size=" + minitorch::to_string(shape());
    }
  } else if (dtype() == kInt64) {
    print_elements<std::int64_t>(*this, indent, out);
    dtype_shown_by_values = true;
  } else if (dtype() == kBool) {
    print_elements<bool>(*this, indent, out);
    dtype_shown_by_values = true;
  } else {
    print_elements<double>(*this, indent, out);
  }
  if (dtype() != kFloat32 && !dtype_shown_by_values) {
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
