// Shared declarations of the Python bindings (module minitorch._minitorch): one bind_* function
// per concept, each in its own file, and the conversions from Python values that several of
// them need. Not a public header: nothing outside python/src includes it.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdint>

#include "minitorch/device.h"
#include "minitorch/dtype.h"
#include "minitorch/shape.h"
#include "minitorch/tensor.h"

namespace nb = nanobind;

// Kernel calls run without the GIL so that other Python threads go on meanwhile; every
// argument is a C++ value or a Tensor held by the caller's frame, so nothing Python is
// touched inside.
using ReleaseGil = nb::call_guard<nb::gil_scoped_release>;

namespace minitorch::python {

void bind_errors(nb::module_& m);
void bind_types(nb::module_& m);
void bind_tensor(nb::module_& m, nb::class_<Tensor>& cls);
void bind_operators(nb::class_<Tensor>& cls);
void bind_indexing(nb::class_<Tensor>& cls);
void bind_functions(nb::module_& m);
void bind_factories(nb::module_& m);
void bind_interop(nb::module_& m, nb::class_<Tensor>& cls);
void bind_user_functions(nb::module_& m);
void bind_nn(nb::module_& m);
/// Into minitorch._minitorch._nn (made by bind_nn), plus Tensor.unfold.
void bind_convolution(nb::module_& nn_module, nb::class_<Tensor>& cls);
void bind_layers(nb::module_& nn_module);
void bind_optim(nb::module_& m);
/// minitorch._minitorch._amp: the autocast scope and GradScaler (python/minitorch/amp.py).
void bind_amp(nb::module_& m);
void bind_data(nb::module_& m);

/// A dtype from a DType, a name ("float32", "float", "double", "long", "int64", "bool",
/// "float16", "half", "bfloat16"), Python's float/int/bool types or a numpy dtype; DTypeError
/// otherwise.
DType to_dtype(nb::handle value);
/// to_dtype, or fallback when value is None.
DType to_dtype_or(nb::handle value, DType fallback);
/// A device from a Device or a string ("cpu", "cuda", "cuda:1"); DeviceError otherwise.
Device to_device(nb::handle value);
Device to_device_or(nb::handle value, Device fallback);
/// A shape from ints or one sequence of ints: f(2, 3) and f((2, 3)) both give {2, 3}.
Shape to_shape(const nb::args& args, const char* op);
/// A sequence of ints or one int as Dims.
Dims to_dims(nb::handle value, const char* op);
/// Python's float/int/bool as a number (bool and int exactly as double).
bool is_number(nb::handle value);
/// A 0-dim tensor of like's dtype and device holding value (the scalar-operand rule).
Tensor scalar_like(double value, const Tensor& like);
/// A Tensor or a number as a tensor; numbers take like's dtype and device.
Tensor operand_like(nb::handle value, const Tensor& like, const char* op);

}  // namespace minitorch::python

// Dims (shapes, strides, dim lists) cross as tuples, and come from any sequence of ints.
namespace nanobind::detail {
template <>
struct type_caster<minitorch::Dims> {
  NB_TYPE_CASTER(minitorch::Dims, const_name("tuple[int, ...]"))

  bool from_python(handle src, uint8_t /*flags*/, cleanup_list* /*cleanup*/) noexcept {
    if (!PyTuple_Check(src.ptr()) && !PyList_Check(src.ptr())) {
      return false;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(src.ptr());
    if (n > minitorch::kMaxDims) {
      return false;
    }
    PyObject** items = PySequence_Fast_ITEMS(src.ptr());
    value = minitorch::Dims();
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (!PyLong_Check(items[i])) {
        return false;
      }
      long long v = PyLong_AsLongLong(items[i]);
      if (v == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return false;
      }
      value.push_back(v);
    }
    return true;
  }

  static handle from_cpp(const minitorch::Dims& dims, rv_policy /*policy*/,
                         cleanup_list* /*cleanup*/) noexcept {
    PyObject* tuple = PyTuple_New(dims.size());
    if (tuple == nullptr) {
      return handle();
    }
    for (int i = 0; i < dims.size(); ++i) {
      PyTuple_SET_ITEM(tuple, i, PyLong_FromLongLong(dims[i]));
    }
    return tuple;
  }
};
}  // namespace nanobind::detail
