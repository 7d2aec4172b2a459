// Python values to minitorch's dtypes, devices, shapes and scalar operands, and the dtype
// and device types themselves (minitorch.float32, minitorch.device("cuda:0")).
#include <string>
#include <string_view>

#include "bindings.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::python {
namespace {

DType dtype_from_name(std::string_view name) {
  if (name == "float32" || name == "float") {
    return kFloat32;
  }
  if (name == "float64" || name == "double") {
    return kFloat64;
  }
  if (name == "int64" || name == "long") {
    return kInt64;
  }
  if (name == "bool") {
    return kBool;
  }
  if (name == "float16" || name == "half") {
    return kFloat16;
  }
  if (name == "bfloat16") {
    return kBFloat16;
  }
  throw DTypeError("dtype: '" + std::string(name) +
                   "' is not a minitorch dtype (float32, float64, int64, bool, float16, "
                   "bfloat16)");
}

Device device_from_name(const std::string& name) {
  if (name == "cpu") {
    return Device::cpu();
  }
  if (name == "cuda") {
    return Device::cuda(0);
  }
  if (name.rfind("cuda:", 0) == 0 && name.size() > 5 &&
      name.find_first_not_of("0123456789", 5) == std::string::npos && name.size() < 10) {
    return Device::cuda(std::stoi(name.substr(5)));
  }
  throw DeviceError("device: '" + name + "' is not a device (cpu, cuda, cuda:N)");
}

}  // namespace

DType to_dtype(nb::handle value) {
  if (nb::isinstance<DType>(value)) {
    return nb::cast<DType>(value);
  }
  if (value.ptr() == reinterpret_cast<PyObject*>(&PyFloat_Type)) {
    return kFloat64;  // PyTorch: dtype=float is float64
  }
  if (value.ptr() == reinterpret_cast<PyObject*>(&PyLong_Type)) {
    return kInt64;
  }
  if (value.ptr() == reinterpret_cast<PyObject*>(&PyBool_Type)) {
    return kBool;
  }
  if (nb::isinstance<nb::str>(value)) {
    return dtype_from_name(nb::cast<std::string>(value));
  }
  // A numpy dtype (or scalar type) names itself through str(numpy.dtype(x)).
  if (nb::hasattr(value, "itemsize") || nb::hasattr(value, "dtype")) {
    nb::object numpy = nb::module_::import_("numpy");
    return dtype_from_name(nb::cast<std::string>(nb::str(numpy.attr("dtype")(value))));
  }
  throw DTypeError("dtype: " + nb::cast<std::string>(nb::repr(value)) + " is not a dtype");
}

DType to_dtype_or(nb::handle value, DType fallback) {
  return value.is_none() ? fallback : to_dtype(value);
}

Device to_device(nb::handle value) {
  if (nb::isinstance<Device>(value)) {
    return nb::cast<Device>(value);
  }
  if (nb::isinstance<nb::str>(value)) {
    return device_from_name(nb::cast<std::string>(value));
  }
  throw DeviceError("device: " + nb::cast<std::string>(nb::repr(value)) + " is not a device");
}

Device to_device_or(nb::handle value, Device fallback) {
  return value.is_none() ? fallback : to_device(value);
}

Dims to_dims(nb::handle value, const char* op) {
  if (PyLong_Check(value.ptr())) {
    return Dims{nb::cast<std::int64_t>(value)};
  }
  Dims dims;
  if (!nb::try_cast<Dims>(value, dims)) {
    throw nb::type_error((std::string(op) + ": expected an int or a sequence of at most " +
                          std::to_string(kMaxDims) + " ints, got " +
                          nb::cast<std::string>(nb::repr(value)))
                             .c_str());
  }
  return dims;
}

Shape to_shape(const nb::args& args, const char* op) {
  if (args.size() == 1 && !PyLong_Check(args[0].ptr())) {
    return to_dims(args[0], op);
  }
  return to_dims(args, op);
}

bool is_number(nb::handle value) { return PyFloat_Check(value.ptr()) || PyLong_Check(value.ptr()); }

Tensor scalar_like(double value, const Tensor& like) {
  return scalar_tensor(value, {.dtype = like.dtype(), .device = like.device()});
}

Tensor operand_like(nb::handle value, const Tensor& like, const char* op) {
  if (nb::isinstance<Tensor>(value)) {
    return nb::cast<Tensor>(value);
  }
  if (is_number(value)) {
    return scalar_like(nb::cast<double>(value), like);
  }
  throw nb::type_error((std::string(op) + ": expected a Tensor or a number, got " +
                        nb::cast<std::string>(nb::str(value.type().attr("__name__"))))
                           .c_str());
}

void bind_types(nb::module_& m) {
  nb::enum_<DType>(m, "dtype")
      .value("float32", kFloat32)
      .value("float64", kFloat64)
      .value("int64", kInt64)
      .value("bool", kBool)
      .value("float16", kFloat16)
      .value("bfloat16", kBFloat16)
      .def_prop_ro("itemsize", [](DType d) { return element_size(d); })
      .def_prop_ro("is_floating_point", [](DType d) { return is_floating_point(d); })
      .def("__repr__", [](DType d) { return "minitorch." + std::string(to_string(d)); })
      .def("__str__", [](DType d) { return "minitorch." + std::string(to_string(d)); });
  // minitorch.float, .double, .long and .bool are set by the package (python/minitorch), so
  // that this module does not shadow the builtins.
  m.attr("float32") = kFloat32;
  m.attr("float64") = kFloat64;
  m.attr("int64") = kInt64;
  m.attr("float16") = kFloat16;
  m.attr("half") = kFloat16;
  m.attr("bfloat16") = kBFloat16;

  nb::class_<Device>(m, "device")
      .def(
          "__init__",
          [](Device* self, nb::handle spec, nb::handle index) {
            Device d = to_device(spec);
            if (!index.is_none()) {
              d = Device(d.type(), nb::cast<int>(index));
            }
            new (self) Device(d);
          },
          nb::arg("type"), nb::arg("index") = nb::none())
      .def_prop_ro("type", [](const Device& d) { return d.is_cpu() ? "cpu" : "cuda"; })
      .def_prop_ro("index", [](const Device& d) { return d.index(); })
      .def("__eq__",
           [](const Device& d, nb::handle other) {
             return (nb::isinstance<Device>(other) || nb::isinstance<nb::str>(other)) &&
                 to_device(other) == d;
           })
      .def("__hash__", [](const Device& d) { return std::hash<std::string>()(d.to_string()); })
      .def("__str__", &Device::to_string)
      .def("__repr__", [](const Device& d) {
        return d.is_cpu() ? std::string("device(type='cpu')")
                          : "device(type='cuda', index=" + std::to_string(d.index()) + ")";
      });
}

}  // namespace minitorch::python
