// Factories: values are produced on the host in the tensor's dtype, then moved to the
// requested device (a no-op for the CPU).
#include "minitorch/factories.h"

#include <cmath>
#include <string>

#include "minitorch/error.h"
#include "ops/ops.h"

namespace minitorch {
namespace {

Tensor finish(Tensor t, const TensorOptions& options) {
  if (options.device != t.device()) {
    t = t.to(options.device);
  }
  if (options.requires_grad) {
    t.requires_grad_(true);
  }
  return t;
}

// A CPU tensor of shape whose i-th element (row-major) is value(i).
template <class Fn>
Tensor host_tensor(const char* op, const Shape& shape, const TensorOptions& options, Fn value) {
  TensorData data = TensorData::empty(shape, options.dtype, Device::cpu(), op);
  dispatch_dtype(options.dtype, [&](auto t) {
    using T = decltype(t);
    T* p = static_cast<T*>(data.data_ptr());
    for (std::int64_t i = 0; i < data.numel(); ++i) {
      p[i] = value(i, T{});
    }
  });
  return finish(Tensor(std::move(data)), options);
}

Tensor filled(const char* op, const Shape& shape, double value, const TensorOptions& options) {
  TensorData data = TensorData::empty(shape, options.dtype, options.device, op);
  ops::fill(data, value, op);
  return finish(Tensor(std::move(data)), options);
}

}  // namespace

Tensor empty(const Shape& shape, TensorOptions options) {
  return finish(Tensor(TensorData::empty(shape, options.dtype, options.device, "empty")), options);
}

Tensor full(const Shape& shape, double value, TensorOptions options) {
  return filled("full", shape, value, options);
}

Tensor zeros(const Shape& shape, TensorOptions options) {
  return filled("zeros", shape, 0.0, options);
}
Tensor ones(const Shape& shape, TensorOptions options) {
  return filled("ones", shape, 1.0, options);
}

Tensor zeros_like(const Tensor& t) {
  return zeros(t.shape(), {.dtype = t.dtype(), .device = t.device()});
}
Tensor ones_like(const Tensor& t) {
  return ones(t.shape(), {.dtype = t.dtype(), .device = t.device()});
}

Tensor scalar_tensor(double value, TensorOptions options) { return full({}, value, options); }

Tensor arange(double end, TensorOptions options) { return arange(0.0, end, 1.0, options); }

Tensor arange(double start, double end, double step, TensorOptions options) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step)) {
    throw ShapeError("arange: invalid range (start " + std::to_string(start) + ", end " +
                     std::to_string(end) + ", step " + std::to_string(step) + ")");
  }
  double count = std::ceil((end - start) / step);
  // 2^62 elements is past any memory; the check also keeps the cast below defined.
  if (!(count < 0x1p62)) {
    throw ShapeError("arange: the range (start " + std::to_string(start) + ", end " +
                     std::to_string(end) + ", step " + std::to_string(step) + ") has " +
                     std::to_string(count) + " elements, more than a tensor can hold");
  }
  auto n = static_cast<std::int64_t>(count > 0 ? count : 0);
  return host_tensor("arange", {n}, options, [&](std::int64_t i, auto t) {
    return cast_value<decltype(t)>(start + static_cast<double>(i) * step);
  });
}

Tensor eye(std::int64_t n, std::int64_t m, TensorOptions options) {
  if (m == -1) {
    m = n;
  }
  if (n < 0 || m < 0) {
    throw ShapeError("eye: sizes must be non-negative (n " + std::to_string(n) + ", m " +
                     std::to_string(m) + ")");
  }
  return host_tensor("eye", {n, m}, options, [&](std::int64_t i, auto t) {
    return cast_value<decltype(t)>(i / m == i % m ? 1 : 0);
  });
}

Tensor linspace(double start, double end, std::int64_t steps, TensorOptions options) {
  if (steps < 0 || !std::isfinite(start) || !std::isfinite(end)) {
    throw ShapeError("linspace: invalid range (start " + std::to_string(start) + ", end " +
                     std::to_string(end) + ", steps " + std::to_string(steps) + ")");
  }
  double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
  std::int64_t half = steps == 1 ? 1 : steps / 2;  // one step is start, as in PyTorch
  return host_tensor("linspace", {steps}, options, [&](std::int64_t i, auto t) {
    double v = i < half ? start + step * static_cast<double>(i)
                        : end - step * static_cast<double>(steps - 1 - i);
    return cast_value<decltype(t)>(v);
  });
}

namespace {

void check_floating_factory(const TensorOptions& options, const char* op) {
  if (!is_floating_point(options.dtype)) {
    throw DTypeError(std::string(op) + ": dtype " + std::string(to_string(options.dtype)) +
                     " is not a floating dtype (use randint for integers)");
  }
}

}  // namespace

Tensor rand(const Shape& shape, TensorOptions options, Generator* gen) {
  check_floating_factory(options, "rand");
  Generator& g = gen != nullptr ? *gen : default_generator();
  return host_tensor("rand", shape, options, [&](std::int64_t, auto t) -> decltype(t) {
    using T = decltype(t);
    if constexpr (std::is_same_v<T, float>) {
      return g.uniform_float();
    } else if constexpr (is_reduced_float_v<T>) {
      // Multiples of 2^-p for p the dtype's precision: exact, so never rounded up to 1.
      const double steps = std::is_same_v<T, Half> ? 2048.0 : 256.0;
      return cast_value<T>(std::floor(g.uniform() * steps) / steps);
    } else {
      return cast_value<decltype(t)>(g.uniform());
    }
  });
}

Tensor randn(const Shape& shape, TensorOptions options, Generator* gen) {
  check_floating_factory(options, "randn");
  Generator& g = gen != nullptr ? *gen : default_generator();
  return host_tensor("randn", shape, options,
                     [&](std::int64_t, auto t) { return cast_value<decltype(t)>(g.normal()); });
}

Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, TensorOptions options,
               Generator* gen) {
  if (!(low < high)) {
    throw ValueError("randint: low must be less than high (low " + std::to_string(low) + ", high " +
                     std::to_string(high) + ", shape " + to_string(shape) + ")");
  }
  Generator& g = gen != nullptr ? *gen : default_generator();
  // high - low in unsigned arithmetic: the span of [INT64_MIN, INT64_MAX) fits 64 bits.
  const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  return host_tensor("randint", shape, options, [&](std::int64_t, auto t) {
    auto v = static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + g.below(span));
    return cast_value<decltype(t)>(v);
  });
}

Tensor randint(std::int64_t high, const Shape& shape, TensorOptions options, Generator* gen) {
  return randint(0, high, shape, options, gen);
}

template <class V>
Tensor from_values(const std::vector<V>& values, const Shape& shape, TensorOptions options) {
  std::int64_t numel = checked_numel(shape, element_size(options.dtype), "from_vector");
  if (static_cast<std::int64_t>(values.size()) != numel) {
    throw ShapeError("from_vector: " + std::to_string(values.size()) +
                     " values do not fill shape " + to_string(shape) + " (" +
                     std::to_string(numel) + " elements)");
  }
  return host_tensor("from_vector", shape, options, [&](std::int64_t i, auto t) {
    return cast_value<decltype(t)>(values[static_cast<std::size_t>(i)]);
  });
}

Tensor from_vector(const std::vector<double>& values, const Shape& shape, TensorOptions options) {
  return from_values(values, shape, options);
}

Tensor from_vector(const std::vector<float>& values, const Shape& shape, TensorOptions options) {
  return from_values(values, shape, options);
}

Tensor from_vector(const std::vector<std::int64_t>& values, const Shape& shape,
                   TensorOptions options) {
  return from_values(values, shape, options);
}

NestedValues::NestedValues(double value) : is_leaf_(true), value_(value) {}

NestedValues::NestedValues(std::initializer_list<NestedValues> children)
    : is_leaf_(false), children_(children) {}

namespace {

void flatten_nested(const NestedValues& node, const Shape& shape, int depth,
                    std::vector<double>& out) {
  if (depth == shape.size()) {
    if (!node.is_leaf()) {
      throw ShapeError("tensor: nested lists are ragged (a list at depth " + std::to_string(depth) +
                       " where shape " + to_string(shape) + " expects a number)");
    }
    out.push_back(node.value());
    return;
  }
  auto size = static_cast<std::int64_t>(node.children().size());
  if (node.is_leaf() || size != shape[depth]) {
    throw ShapeError("tensor: nested lists are ragged (at depth " + std::to_string(depth) +
                     " expected " + std::to_string(shape[depth]) + " elements, got " +
                     (node.is_leaf() ? std::string("a number") : std::to_string(size)) +
                     "; shape from the first elements " + to_string(shape) + ")");
  }
  for (const NestedValues& child : node.children()) {
    flatten_nested(child, shape, depth + 1, out);
  }
}

}  // namespace

Tensor tensor(const NestedValues& values, TensorOptions options) {
  Shape shape;
  for (const NestedValues* node = &values; !node->is_leaf();) {
    shape.push_back(static_cast<std::int64_t>(node->children().size()));
    if (node->children().empty()) {
      break;
    }
    node = &node->children().front();
  }
  std::vector<double> flat;
  flatten_nested(values, shape, 0, flat);
  return from_vector(flat, shape, options);
}

}  // namespace minitorch
