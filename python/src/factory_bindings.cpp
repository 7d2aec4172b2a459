// Factories with PyTorch's signatures: zeros(2, 3) or zeros((2, 3)), dtype=, device=,
// requires_grad=, generator=; tensor(data) from nested lists of numbers (bool -> bool, int ->
// int64, float -> float32 unless dtype says otherwise).
#include <nanobind/stl/optional.h>

#include <string>
#include <vector>

#include "bindings.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

TensorOptions options_of(nb::handle dtype, nb::handle device, bool requires_grad,
                         DType fallback = kFloat32) {
  return {.dtype = to_dtype_or(dtype, fallback),
          .device = to_device_or(device, Device::cpu()),
          .requires_grad = requires_grad};
}

Generator* generator_of(nb::handle gen) {
  return gen.is_none() ? nullptr : &nb::cast<Generator&>(gen);
}

// Nested sequences of numbers: their shape, their values and the narrowest kind holding them.
struct Nested {
  Shape shape;
  std::vector<double> values;
  std::vector<std::int64_t> ints;
  bool any_float = false;
  bool all_bool = true;
};

void walk(nb::handle h, int depth, Nested& out) {
  if (PyBool_Check(h.ptr()) || PyLong_Check(h.ptr()) || PyFloat_Check(h.ptr())) {
    if (depth != out.shape.size()) {
      throw ShapeError("tensor: the nested lists are ragged (a number at depth " +
                       std::to_string(depth) + ", expected depth " +
                       std::to_string(out.shape.size()) + ")");
    }
    bool is_bool = PyBool_Check(h.ptr());
    bool is_float = PyFloat_Check(h.ptr());
    out.all_bool = out.all_bool && is_bool;
    out.any_float = out.any_float || is_float;
    out.values.push_back(nb::cast<double>(h));
    out.ints.push_back(is_float ? 0 : nb::cast<std::int64_t>(h));
    return;
  }
  if (nb::isinstance<Tensor>(h)) {
    const Tensor& t = nb::cast<const Tensor&>(h);
    if (t.ndim() != 0) {
      throw ShapeError("tensor: only 0-d tensors can be elements of a nested list (got shape " +
                       to_string(t.shape()) + ")");
    }
    walk(t.dtype() == kInt64      ? nb::cast(t.item<std::int64_t>())
             : t.dtype() == kBool ? nb::cast(t.item<bool>())
                                  : nb::cast(t.item()),
         depth, out);
    return;
  }
  if (!PySequence_Check(h.ptr()) || nb::isinstance<nb::str>(h)) {
    throw nb::type_error(("tensor: expected numbers or nested sequences of numbers, got " +
                          nb::cast<std::string>(nb::str(h.type().attr("__name__"))))
                             .c_str());
  }
  nb::sequence seq = nb::borrow<nb::sequence>(h);
  std::int64_t n = static_cast<std::int64_t>(nb::len(seq));
  if (depth == out.shape.size() && out.values.empty()) {
    if (depth >= kMaxDims) {
      throw ShapeError("tensor: more than " + std::to_string(kMaxDims) + " nested dims");
    }
    out.shape.push_back(n);
  } else if (depth >= out.shape.size() || out.shape[depth] != n) {
    throw ShapeError("tensor: the nested lists are ragged (a list of length " + std::to_string(n) +
                     " at depth " + std::to_string(depth) + ")");
  }
  for (nb::handle item : seq) {
    walk(item, depth + 1, out);
  }
}

Tensor tensor_from_data(nb::handle data, nb::handle dtype, nb::handle device, bool requires_grad) {
  Nested nested;
  walk(data, 0, nested);
  DType inferred = nested.any_float ? kFloat32
      : nested.values.empty()       ? kFloat32
      : nested.all_bool             ? kBool
                                    : kInt64;
  TensorOptions options = options_of(dtype, device, false, inferred);
  Tensor out = without_gil([&] {
    return inferred == kInt64
        ? from_vector(nested.ints, nested.shape, {.dtype = options.dtype, .device = options.device})
        : from_vector(nested.values, nested.shape,
                      {.dtype = options.dtype, .device = options.device});
  });
  if (requires_grad) {
    out.requires_grad_(true);
  }
  return out;
}

// f(*size, dtype=None, device=None, requires_grad=False) for a shape-taking factory.
template <class Make>
void def_shaped(nb::module_& m, const char* name, Make make) {
  m.def(
      name,
      [make, name](nb::args size, nb::handle dtype, nb::handle device, bool requires_grad,
                   nb::handle generator) {
        Shape shape = to_shape(size, name);
        TensorOptions options = options_of(dtype, device, requires_grad);
        Generator* gen = generator_of(generator);
        return without_gil([&] { return make(shape, options, gen); });
      },
      nb::arg("size"), nb::kw_only(), nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none(),
      nb::arg("requires_grad") = false, nb::arg("generator") = nb::none());
}

// f(t, dtype=None, device=None, requires_grad=False): a new tensor shaped like t.
template <class Make>
void def_like(nb::module_& m, const char* name, Make make) {
  m.def(
      name,
      [make](const Tensor& t, nb::handle dtype, nb::handle device, bool requires_grad) {
        TensorOptions options{.dtype = to_dtype_or(dtype, t.dtype()),
                              .device = to_device_or(device, t.device()),
                              .requires_grad = requires_grad};
        return without_gil([&] { return make(t.shape(), options); });
      },
      nb::arg("input"), nb::kw_only(), nb::arg("dtype") = nb::none(),
      nb::arg("device") = nb::none(), nb::arg("requires_grad") = false);
}

}  // namespace

void bind_factories(nb::module_& m) {
  def_shaped(m, "empty", [](const Shape& s, TensorOptions o, Generator*) { return empty(s, o); });
  def_shaped(m, "zeros", [](const Shape& s, TensorOptions o, Generator*) { return zeros(s, o); });
  def_shaped(m, "ones", [](const Shape& s, TensorOptions o, Generator*) { return ones(s, o); });
  def_shaped(m, "rand",
             [](const Shape& s, TensorOptions o, Generator* g) { return rand(s, o, g); });
  def_shaped(m, "randn",
             [](const Shape& s, TensorOptions o, Generator* g) { return randn(s, o, g); });
  def_like(m, "zeros_like", [](const Shape& s, TensorOptions o) { return zeros(s, o); });
  def_like(m, "ones_like", [](const Shape& s, TensorOptions o) { return ones(s, o); });
  def_like(m, "empty_like", [](const Shape& s, TensorOptions o) { return empty(s, o); });
  def_like(m, "rand_like", [](const Shape& s, TensorOptions o) { return rand(s, o); });
  def_like(m, "randn_like", [](const Shape& s, TensorOptions o) { return randn(s, o); });
  m.def(
      "full",
      [](const Shape& size, double value, nb::handle dtype, nb::handle device, bool requires_grad) {
        TensorOptions options = options_of(dtype, device, requires_grad);
        return without_gil([&] { return full(size, value, options); });
      },
      nb::arg("size"), nb::arg("fill_value"), nb::kw_only(), nb::arg("dtype") = nb::none(),
      nb::arg("device") = nb::none(), nb::arg("requires_grad") = false);
  m.def(
      "full_like",
      [](const Tensor& t, double value, nb::handle dtype, nb::handle device) {
        TensorOptions options{.dtype = to_dtype_or(dtype, t.dtype()),
                              .device = to_device_or(device, t.device())};
        return without_gil([&] { return full(t.shape(), value, options); });
      },
      nb::arg("input"), nb::arg("fill_value"), nb::kw_only(), nb::arg("dtype") = nb::none(),
      nb::arg("device") = nb::none());
  m.def(
      "arange",
      [](nb::handle start, nb::handle end, nb::handle step, nb::handle dtype, nb::handle device,
         bool requires_grad) {
        // PyTorch: int64 when every bound is an int, else the default float dtype.
        bool all_ints = PyLong_Check(start.ptr()) && (end.is_none() || PyLong_Check(end.ptr())) &&
            PyLong_Check(step.ptr());
        TensorOptions options =
            options_of(dtype, device, requires_grad, all_ints ? kInt64 : kFloat32);
        double s = end.is_none() ? 0.0 : nb::cast<double>(start);
        double e = end.is_none() ? nb::cast<double>(start) : nb::cast<double>(end);
        double st = nb::cast<double>(step);
        return without_gil([&] { return arange(s, e, st, options); });
      },
      nb::arg("start"), nb::arg("end") = nb::none(), nb::arg("step") = 1, nb::kw_only(),
      nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none(),
      nb::arg("requires_grad") = false);
  m.def(
      "linspace",
      [](double start, double end, std::int64_t steps, nb::handle dtype, nb::handle device,
         bool requires_grad) {
        TensorOptions options = options_of(dtype, device, requires_grad);
        return without_gil([&] { return linspace(start, end, steps, options); });
      },
      nb::arg("start"), nb::arg("end"), nb::arg("steps"), nb::kw_only(),
      nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none(),
      nb::arg("requires_grad") = false);
  m.def(
      "eye",
      [](std::int64_t n, std::optional<std::int64_t> cols, nb::handle dtype, nb::handle device,
         bool requires_grad) {
        TensorOptions options = options_of(dtype, device, requires_grad);
        return without_gil([&] { return eye(n, cols.value_or(-1), options); });
      },
      nb::arg("n"), nb::arg("m") = nb::none(), nb::kw_only(), nb::arg("dtype") = nb::none(),
      nb::arg("device") = nb::none(), nb::arg("requires_grad") = false);
  m.def(
      "randint",
      [](std::int64_t low, nb::handle high, nb::handle size, nb::handle dtype, nb::handle device,
         nb::handle generator) {
        // randint(high, size) or randint(low, high, size), as in PyTorch.
        bool two_args = size.is_none();
        std::int64_t lo = two_args ? 0 : low;
        std::int64_t hi = two_args ? low : nb::cast<std::int64_t>(high);
        Shape shape = to_dims(two_args ? high : size, "randint");
        TensorOptions options = options_of(dtype, device, false, kInt64);
        Generator* gen = generator_of(generator);
        return without_gil([&] { return randint(lo, hi, shape, options, gen); });
      },
      nb::arg("low"), nb::arg("high"), nb::arg("size") = nb::none(), nb::kw_only(),
      nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none(),
      nb::arg("generator") = nb::none());
  m.def(
      "scalar_tensor",
      [](double value, nb::handle dtype, nb::handle device, bool requires_grad) {
        return scalar_tensor(value, options_of(dtype, device, requires_grad));
      },
      nb::arg("value"), nb::kw_only(), nb::arg("dtype") = nb::none(),
      nb::arg("device") = nb::none(), nb::arg("requires_grad") = false);
  m.def("_tensor_from_data", &tensor_from_data, nb::arg("data"), nb::arg("dtype") = nb::none(),
        nb::arg("device") = nb::none(), nb::arg("requires_grad") = false);
}

}  // namespace minitorch::python
