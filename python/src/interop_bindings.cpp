// Zero-copy interop. Out: the buffer protocol (so numpy.asarray(t), memoryview(t) and
// t.numpy() share t's memory, strides included) and DLPack's __dlpack__ for CPU and CUDA
// tensors. In: from_numpy (any buffer-protocol object) and from_dlpack wrap the producer's
// memory in a Storage (Storage::wrap) that keeps the producer alive and releases it, under the
// GIL, when the last view goes. Negative or non-element strides cannot be expressed by a
// minitorch layout: those are refused with an error naming the layout, never copied silently.
// float16 crosses everywhere (buffer format "e", numpy's float16); bfloat16 only through DLPack,
// since neither the buffer protocol nor numpy has a bfloat16 format.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bindings.h"
#include "dlpack.h"
#include "minitorch/error.h"
#include "minitorch/layout.h"
#include "minitorch/storage.h"
#include "minitorch/tensor_data.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

// Runs a producer's release with the GIL held; at interpreter exit there is nothing to free.
void release_under_gil(const std::function<void()>& release) {
  if (Py_IsInitialized() == 0) {
    return;
  }
  nb::gil_scoped_acquire acquire;
  release();
}

// The struct-module format of a dtype's elements; null for bfloat16, which has none.
const char* buffer_format(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "f";
    case DType::Float64:
      return "d";
    case DType::Int64:
      return "q";
    case DType::Bool:
      return "?";
    case DType::Float16:
      return "e";
    case DType::BFloat16:
      return nullptr;
  }
  return nullptr;
}

// ---- Out: the buffer protocol ---------------------------------------------------------------

int get_buffer(PyObject* self, Py_buffer* view, int flags) {
  if (!nb::inst_ready(self)) {
    PyErr_SetString(PyExc_BufferError, "Tensor: the object is not initialised");
    return -1;
  }
  const Tensor& t = *nb::inst_ptr<Tensor>(self);
  if (!t.defined() || !t.device().is_cpu()) {
    PyErr_SetString(PyExc_BufferError,
                    "Tensor: only CPU tensors export a buffer (call .cpu() first, or use "
                    "__dlpack__)");
    return -1;
  }
  if (buffer_format(t.dtype()) == nullptr) {
    PyErr_SetString(PyExc_BufferError,
                    "Tensor: a bfloat16 tensor has no buffer format (neither the buffer "
                    "protocol nor numpy has bfloat16); convert it with .float(), or share it "
                    "with __dlpack__ (torch.from_dlpack)");
    return -1;
  }
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !t.is_contiguous()) {
    PyErr_SetString(PyExc_BufferError,
                    "Tensor: a non-contiguous tensor exports only a strided buffer");
    return -1;
  }
  int ndim = t.ndim();
  auto* dims = new Py_ssize_t[static_cast<std::size_t>(2 * ndim + 1)];
  std::int64_t itemsize = element_size(t.dtype());
  for (int i = 0; i < ndim; ++i) {
    dims[i] = static_cast<Py_ssize_t>(t.shape()[i]);
    dims[ndim + i] = static_cast<Py_ssize_t>(t.strides()[i] * itemsize);
  }
  view->buf = t.data().data_ptr();
  Py_INCREF(self);
  view->obj = self;
  view->len = static_cast<Py_ssize_t>(t.numel() * itemsize);
  view->itemsize = static_cast<Py_ssize_t>(itemsize);
  view->readonly = 0;
  view->ndim = ndim;
  view->format =
      (flags & PyBUF_FORMAT) != 0 ? const_cast<char*>(buffer_format(t.dtype())) : nullptr;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? dims : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? dims + ndim : nullptr;
  view->suboffsets = nullptr;
  view->internal = dims;
  return 0;
}

void release_buffer(PyObject* /*self*/, Py_buffer* view) {
  delete[] static_cast<Py_ssize_t*>(view->internal);
}

nb::object to_numpy(nb::handle self) {
  const Tensor& t = nb::cast<const Tensor&>(self);
  if (t.requires_grad()) {
    throw AutogradError(
        "numpy: the tensor requires grad; call .detach().numpy() to share its memory without "
        "the graph");
  }
  if (!t.device().is_cpu()) {
    throw DeviceError("numpy: the tensor is on " + t.device().to_string() +
                      "; call .cpu() first (numpy arrays live in host memory)");
  }
  if (buffer_format(t.dtype()) == nullptr) {
    throw DTypeError(
        "numpy: numpy has no bfloat16 dtype; call .float().numpy() for a float32 "
        "copy, or share the tensor through __dlpack__ (torch.from_dlpack)");
  }
  nb::object view = nb::steal(PyMemoryView_FromObject(self.ptr()));
  if (!view.is_valid()) {
    throw nb::python_error();
  }
  return nb::module_::import_("numpy").attr("asarray")(view);
}

// ---- In: the buffer protocol ----------------------------------------------------------------

DType dtype_of_format(const char* format, Py_ssize_t itemsize) {
  std::string f = format == nullptr ? "B" : format;
  if (!f.empty() && (f[0] == '@' || f[0] == '=' || f[0] == '<')) {
    f.erase(0, 1);
  }
  if (f == "f" && itemsize == 4) {
    return kFloat32;
  }
  if (f == "d" && itemsize == 8) {
    return kFloat64;
  }
  if ((f == "q" || f == "l") && itemsize == 8) {
    return kInt64;
  }
  if (f == "?" && itemsize == 1) {
    return kBool;
  }
  if (f == "e" && itemsize == 2) {
    return kFloat16;
  }
  throw DTypeError(
      "from_numpy: elements of buffer format '" + std::string(format) + "' (" +
      std::to_string(itemsize) +
      " bytes) cannot be shared: minitorch shares float32, float64, float16, int64 and bool "
      "(convert first, e.g. array.astype(numpy.float32))");
}

std::string layout_text(const Shape& shape, const std::vector<Py_ssize_t>& byte_strides) {
  std::string s = "shape " + to_string(shape) + ", byte strides [";
  for (std::size_t i = 0; i < byte_strides.size(); ++i) {
    s += (i == 0 ? "" : ", ") + std::to_string(byte_strides[i]);
  }
  return s + "]";
}

// The layout over data (byte strides already checked to be multiples of itemsize and >= 0),
// on storage wrapping exactly the bytes the layout reaches.
Tensor wrap_layout(void* data, const Shape& shape, const Strides& strides, DType dtype,
                   Device device, std::function<void()> release) {
  std::int64_t last = 0;
  bool empty = false;
  for (int i = 0; i < shape.size(); ++i) {
    empty = empty || shape[i] == 0;
    last += (shape[i] - 1) * strides[i];
  }
  std::int64_t nbytes = empty ? 0 : (last + 1) * element_size(dtype);
  auto storage = Storage::wrap(data, nbytes, device, std::move(release));
  return Tensor(TensorData(std::move(storage), 0, shape, strides, dtype));
}

Tensor from_numpy(nb::handle array) {
  auto view = std::make_unique<Py_buffer>();
  if (PyObject_GetBuffer(array.ptr(), view.get(), PyBUF_RECORDS_RO) != 0) {
    PyErr_Clear();
    throw nb::type_error(("from_numpy: expected an object with the buffer protocol (a numpy "
                          "array), got " +
                          nb::cast<std::string>(nb::str(array.type().attr("__name__"))))
                             .c_str());
  }
  // From here on the buffer is released on every path: by the storage, or by this guard.
  std::shared_ptr<Py_buffer> held(view.release(), [](Py_buffer* b) {
    PyBuffer_Release(b);
    delete b;
  });
  DType dtype = dtype_of_format(held->format, held->itemsize);
  if (held->ndim > kMaxDims) {
    throw ShapeError("from_numpy: " + std::to_string(held->ndim) +
                     " dims; minitorch tensors have at most " + std::to_string(kMaxDims));
  }
  Shape shape;
  Strides strides;
  std::vector<Py_ssize_t> byte_strides;
  bool shareable =
      reinterpret_cast<std::uintptr_t>(held->buf) % static_cast<std::uintptr_t>(held->itemsize) ==
      0;
  for (int i = 0; i < held->ndim; ++i) {
    shape.push_back(held->shape[i]);
    Py_ssize_t stride = held->strides != nullptr ? held->strides[i] : 0;
    byte_strides.push_back(stride);
    shareable = shareable && stride >= 0 && stride % held->itemsize == 0;
    strides.push_back(stride / held->itemsize);
  }
  if (held->strides == nullptr) {
    strides = strides_from_shape(shape);
  }
  if (!shareable) {
    throw ValueError("from_numpy: the array's layout (" + layout_text(shape, byte_strides) +
                     ") cannot be shared: minitorch needs element-aligned, non-negative "
                     "strides; copy it first (numpy.ascontiguousarray(a))");
  }
  if (held->readonly != 0 &&
      PyErr_WarnEx(PyExc_UserWarning,
                   "from_numpy: the array is read-only; the tensor shares its memory, so do "
                   "not write to the tensor",
                   1) != 0) {
    throw nb::python_error();
  }
  void* data = held->buf;
  return wrap_layout(data, shape, strides, dtype, Device::cpu(),
                     [held]() mutable { release_under_gil([&held] { held.reset(); }); });
}

// ---- DLPack ---------------------------------------------------------------------------------

struct ExportContext {
  dlpack::ManagedTensor managed;
  Tensor tensor;
  std::vector<std::int64_t> shape;
  std::vector<std::int64_t> strides;
};

void delete_export(dlpack::ManagedTensor* managed) {
  delete static_cast<ExportContext*>(managed->manager_ctx);
}

void destroy_unconsumed_capsule(PyObject* capsule) {
  if (PyCapsule_IsValid(capsule, "dltensor") != 0) {
    auto* managed = static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(capsule, "dltensor"));
    managed->deleter(managed);
  }
}

dlpack::DataType dl_dtype(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return {dlpack::kFloat, 32, 1};
    case DType::Float64:
      return {dlpack::kFloat, 64, 1};
    case DType::Int64:
      return {dlpack::kInt, 64, 1};
    case DType::Bool:
      return {dlpack::kBool, 8, 1};
    case DType::Float16:
      return {dlpack::kFloat, 16, 1};
    case DType::BFloat16:
      return {dlpack::kBfloat, 16, 1};
  }
  return {dlpack::kUInt, 8, 1};
}

nb::tuple dlpack_device(const Tensor& t) {
  return t.device().is_cpu() ? nb::make_tuple(static_cast<int>(dlpack::kCPU), 0)
                             : nb::make_tuple(static_cast<int>(dlpack::kCUDA), t.device().index());
}

// Our CUDA kernels run on one blocking stream per GPU (Note [CUDA streams]), which is ordered
// with the legacy default stream both ways, so a consumer on the legacy stream (PyTorch's
// default) needs no extra event; one on a stream of its own synchronises first.
// The consumer's keywords (the array API's __dlpack__): copy=True exports a fresh copy;
// dl_device must be the tensor's own device; stream and max_version need nothing from us
// (the capsule is the unversioned form, which every consumer accepts).
nb::object to_dlpack(const Tensor& source, nb::kwargs kwargs) {
  Tensor t = source.detach();
  if (kwargs.contains("dl_device") && !kwargs["dl_device"].is_none()) {
    nb::tuple wanted = nb::cast<nb::tuple>(kwargs["dl_device"]);
    nb::tuple own = dlpack_device(t);
    if (nb::cast<int>(wanted[0]) != nb::cast<int>(own[0]) ||
        nb::cast<int>(wanted[1]) != nb::cast<int>(own[1])) {
      throw DeviceError("__dlpack__: the tensor is on " + t.device().to_string() +
                        "; a different dl_device cannot be exported without a copy (use .to())");
    }
  }
  if (kwargs.contains("copy") && !kwargs["copy"].is_none() && nb::cast<bool>(kwargs["copy"])) {
    t = without_gil([&] { return t.clone(); });
  }
  auto ctx = std::make_unique<ExportContext>();
  ctx->tensor = t;
  ctx->shape = t.shape().to_vector();
  ctx->strides = t.strides().to_vector();
  dlpack::Tensor& dl = ctx->managed.dl_tensor;
  dl.data = t.data().data_ptr();
  dl.device = t.device().is_cpu() ? dlpack::Device{dlpack::kCPU, 0}
                                  : dlpack::Device{dlpack::kCUDA, t.device().index()};
  dl.ndim = t.ndim();
  dl.dtype = dl_dtype(t.dtype());
  dl.shape = ctx->shape.data();
  dl.strides = ctx->strides.data();
  dl.byte_offset = 0;
  ctx->managed.manager_ctx = ctx.get();
  ctx->managed.deleter = &delete_export;
  PyObject* capsule = PyCapsule_New(&ctx->managed, "dltensor", &destroy_unconsumed_capsule);
  if (capsule == nullptr) {
    throw nb::python_error();
  }
  ctx.release();
  return nb::steal(capsule);
}

DType dtype_of_dl(const dlpack::DataType& t) {
  if (t.lanes == 1) {
    if (t.code == dlpack::kFloat && t.bits == 32) {
      return kFloat32;
    }
    if (t.code == dlpack::kFloat && t.bits == 64) {
      return kFloat64;
    }
    if (t.code == dlpack::kInt && t.bits == 64) {
      return kInt64;
    }
    if (t.code == dlpack::kBool && t.bits == 8) {
      return kBool;
    }
    if (t.code == dlpack::kFloat && t.bits == 16) {
      return kFloat16;
    }
    if (t.code == dlpack::kBfloat && t.bits == 16) {
      return kBFloat16;
    }
  }
  throw DTypeError("from_dlpack: DLPack dtype (code " + std::to_string(t.code) + ", bits " +
                   std::to_string(t.bits) + ", lanes " + std::to_string(t.lanes) +
                   ") has no minitorch dtype (float32, float64, int64, bool, float16, bfloat16)");
}

Tensor from_dlpack(nb::handle source) {
  nb::object capsule;
  if (PyCapsule_CheckExact(source.ptr())) {
    capsule = nb::borrow(source);
  } else if (nb::hasattr(source, "__dlpack__")) {
    bool on_cuda = false;
    if (nb::hasattr(source, "__dlpack_device__")) {
      nb::tuple device = nb::cast<nb::tuple>(source.attr("__dlpack_device__")());
      on_cuda = nb::cast<int>(device[0]) == dlpack::kCUDA;
    }
    // Stream 1 names CUDA's legacy default stream, with which our blocking streams are ordered.
    capsule =
        on_cuda ? source.attr("__dlpack__")(nb::arg("stream") = 1) : source.attr("__dlpack__")();
  } else {
    throw nb::type_error(("from_dlpack: expected an object with __dlpack__ or a DLPack "
                          "capsule, got " +
                          nb::cast<std::string>(nb::str(source.type().attr("__name__"))))
                             .c_str());
  }
  if (PyCapsule_IsValid(capsule.ptr(), "dltensor") == 0) {
    throw ValueError(
        "from_dlpack: the capsule is not an unconsumed 'dltensor' (was it "
        "already imported?)");
  }
  auto* managed =
      static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(capsule.ptr(), "dltensor"));
  const dlpack::Tensor& dl = managed->dl_tensor;
  // Until the storage owns it, the capsule's own destructor still frees the tensor on error.
  Device device = Device::cpu();
  if (dl.device.device_type == dlpack::kCUDA || dl.device.device_type == dlpack::kCUDAManaged) {
    if (!MT_HAVE_CUDA) {
      throw DeviceError(
          "from_dlpack: a CUDA tensor, but this build of minitorch has no CUDA "
          "backend");
    }
    device = Device::cuda(dl.device.device_id);
  } else if (dl.device.device_type != dlpack::kCPU && dl.device.device_type != dlpack::kCUDAHost) {
    throw DeviceError("from_dlpack: DLPack device type " + std::to_string(dl.device.device_type) +
                      " is not supported (CPU, CUDA)");
  }
  DType dtype = dtype_of_dl(dl.dtype);
  if (dl.ndim > kMaxDims || dl.ndim < 0) {
    throw ShapeError("from_dlpack: " + std::to_string(dl.ndim) +
                     " dims; minitorch tensors have at most " + std::to_string(kMaxDims));
  }
  Shape shape;
  for (int i = 0; i < dl.ndim; ++i) {
    shape.push_back(dl.shape[i]);
  }
  Strides strides = strides_from_shape(shape);
  bool shareable = true;
  if (dl.strides != nullptr) {
    for (int i = 0; i < dl.ndim; ++i) {
      strides[i] = dl.strides[i];
      shareable = shareable && (dl.strides[i] >= 0 || dl.shape[i] <= 1);
      if (dl.shape[i] <= 1) {
        strides[i] = 0 > dl.strides[i] ? 0 : dl.strides[i];
      }
    }
  }
  char* data = static_cast<char*>(dl.data) + dl.byte_offset;
  shareable = shareable &&
      reinterpret_cast<std::uintptr_t>(data) % static_cast<std::uintptr_t>(element_size(dtype)) ==
          0;
  if (!shareable) {
    throw ValueError(
        "from_dlpack: a layout with negative strides or misaligned data cannot be "
        "shared (shape " +
        to_string(shape) + ", strides " + to_string(strides) + "); make it contiguous first");
  }
  // The storage owns the tensor from here on (Storage::wrap releases it even when it throws).
  PyCapsule_SetName(capsule.ptr(), "used_dltensor");
  return wrap_layout(data, shape, strides, dtype, device, [managed] {
    if (managed->deleter != nullptr) {
      release_under_gil([managed] { managed->deleter(managed); });
    }
  });
}

}  // namespace

PyType_Slot tensor_type_slots[] = {
    {Py_bf_getbuffer, reinterpret_cast<void*>(&get_buffer)},
    {Py_bf_releasebuffer, reinterpret_cast<void*>(&release_buffer)},
    {0, nullptr},
};

void bind_interop(nb::module_& m, nb::class_<Tensor>& cls) {
  cls.def("numpy", &to_numpy)
      .def(
          "__array__",
          [](nb::handle self, nb::handle dtype, nb::handle copy) {
            const Tensor& t = nb::cast<const Tensor&>(self);
            // numpy has no bfloat16, but a named dtype (numpy.asarray(t, numpy.float32)) can
            // be reached through a float32 copy, which holds every bfloat16 value exactly.
            nb::object array = t.dtype() == kBFloat16 && !dtype.is_none()
                ? to_numpy(nb::cast(without_gil([&] { return t.to(kFloat32); })))
                : to_numpy(self);
            if (!dtype.is_none()) {
              array = array.attr("astype")(dtype);
            }
            if (!copy.is_none() && nb::cast<bool>(copy)) {
              array = array.attr("copy")();
            }
            return array;
          },
          nb::arg("dtype") = nb::none(), nb::arg("copy") = nb::none())
      .def("__dlpack__", &to_dlpack)
      .def("__dlpack_device__", &dlpack_device);
  m.def("from_numpy", &from_numpy, nb::arg("array"),
        "A tensor sharing the array's memory (any element-aligned, non-negative strides).");
  m.def("from_dlpack", &from_dlpack, nb::arg("tensor"),
        "A tensor sharing the memory of a DLPack producer (CPU or CUDA).");
}

}  // namespace minitorch::python
