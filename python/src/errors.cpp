// minitorch's typed errors as Python exceptions: each C++ class becomes a class of the same name
// that also derives from the builtin a Python user would catch (ShapeError is a ValueError,
// IndexError an IndexError, ...), and carries the C++ message unchanged.
#include <exception>

#include "bindings.h"
#include "minitorch/error.h"

namespace minitorch::python {
namespace {

struct ErrorClasses {
  PyObject* error = nullptr;
  PyObject* shape = nullptr;
  PyObject* dtype = nullptr;
  PyObject* device = nullptr;
  PyObject* index = nullptr;
  PyObject* value = nullptr;
  PyObject* config = nullptr;
  PyObject* out_of_memory = nullptr;
  PyObject* autograd = nullptr;
  PyObject* internal = nullptr;
};

// Created once at import and kept for the process's life (module attributes hold them too).
ErrorClasses& classes() {
  static ErrorClasses c;
  return c;
}

PyObject* new_class(nb::module_& m, const char* name, PyObject* base, PyObject* builtin,
                    const char* doc) {
  nb::object bases = builtin == nullptr ? nb::make_tuple(nb::handle(base))
                                        : nb::make_tuple(nb::handle(base), nb::handle(builtin));
  std::string qualified = std::string("minitorch.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (cls == nullptr) {
    throw nb::python_error();
  }
  m.attr(name) = nb::handle(cls);
  return cls;
}

void translate(const std::exception_ptr& thrown, void* /*payload*/) {
  const ErrorClasses& c = classes();
  try {
    std::rethrow_exception(thrown);
  } catch (const ShapeError& e) {
    PyErr_SetString(c.shape, e.what());
  } catch (const DTypeError& e) {
    PyErr_SetString(c.dtype, e.what());
  } catch (const DeviceError& e) {
    PyErr_SetString(c.device, e.what());
  } catch (const IndexError& e) {
    PyErr_SetString(c.index, e.what());
  } catch (const ConfigError& e) {
    PyErr_SetString(c.config, e.what());
  } catch (const ValueError& e) {
    PyErr_SetString(c.value, e.what());
  } catch (const OutOfMemoryError& e) {
    PyErr_SetString(c.out_of_memory, e.what());
  } catch (const AutogradError& e) {
    PyErr_SetString(c.autograd, e.what());
  } catch (const InternalError& e) {
    PyErr_SetString(c.internal, e.what());
  } catch (const Error& e) {
    PyErr_SetString(c.error, e.what());
  }
}

}  // namespace

void bind_errors(nb::module_& m) {
  ErrorClasses& c = classes();
  c.error = new_class(m, "Error", PyExc_Exception, nullptr, "Base of every minitorch error.");
  c.shape = new_class(m, "ShapeError", c.error, PyExc_ValueError,
                      "Shapes that do not fit the op (no broadcast, not viewable, ...).");
  c.dtype = new_class(m, "DTypeError", c.error, PyExc_TypeError,
                      "Operands of different dtypes, or a dtype the op does not support.");
  c.device = new_class(m, "DeviceError", c.error, PyExc_RuntimeError,
                       "Operands on different devices, or a device that is not available.");
  c.index =
      new_class(m, "IndexError", c.error, PyExc_IndexError, "An index or a dim outside its range.");
  c.value = new_class(m, "ValueError", c.error, PyExc_ValueError,
                      "An argument whose value is out of its domain.");
  c.config = new_class(m, "ConfigError", c.value, nullptr,
                       "A MINITORCH_* environment variable with a value it does not allow.");
  c.out_of_memory = new_class(m, "OutOfMemoryError", c.error, PyExc_MemoryError,
                              "An allocation the machine or device cannot satisfy.");
  c.autograd = new_class(m, "AutogradError", c.error, PyExc_RuntimeError,
                         "A graph that cannot be differentiated as asked.");
  c.internal = new_class(m, "InternalError", c.error, PyExc_RuntimeError,
                         "A broken library invariant: a bug in minitorch.");
  nb::register_exception_translator(translate);
}

}  // namespace minitorch::python
