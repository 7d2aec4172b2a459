// minitorch.Tensor: metadata, element access, views, math, reductions, autograd and copies,
// with PyTorch's names and argument conventions (dim=None for all dims, keepdim, *shape).
// Operators live in operator_bindings.cpp, indexing in indexing_bindings.cpp.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>

#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "minitorch/nn/flatten.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

// A Python scalar of the tensor's kind: float (also for float16 and bfloat16, whose values
// are all float64 values), int or bool.
nb::object element_object(const Tensor& t, std::int64_t flat, const std::vector<double>& values,
                          const std::vector<std::int64_t>& ints) {
  switch (t.dtype()) {
    case DType::Int64:
      return nb::int_(ints[static_cast<std::size_t>(flat)]);
    case DType::Bool:
      return nb::bool_(values[static_cast<std::size_t>(flat)] != 0.0);
    default:
      return nb::float_(values[static_cast<std::size_t>(flat)]);
  }
}

nb::object item_object(const Tensor& t) {
  switch (t.dtype()) {
    case DType::Int64:
      return nb::int_(without_gil([&] { return t.item<std::int64_t>(); }));
    case DType::Bool:
      return nb::bool_(without_gil([&] { return t.item<bool>(); }));
    default:
      return nb::float_(without_gil([&] { return t.item(); }));
  }
}

nb::object nested_list(const Tensor& t, int dim, std::int64_t& flat,
                       const std::vector<double>& values, const std::vector<std::int64_t>& ints) {
  if (dim == t.ndim()) {
    return element_object(t, flat++, values, ints);
  }
  nb::list out;
  for (std::int64_t i = 0; i < t.shape()[dim]; ++i) {
    out.append(nested_list(t, dim + 1, flat, values, ints));
  }
  return out;
}

nb::object tolist(const Tensor& t) {
  std::vector<double> values;
  std::vector<std::int64_t> ints;
  {
    nb::gil_scoped_release release;
    if (t.dtype() == DType::Int64) {
      ints = t.to_vector<std::int64_t>();
    } else {
      values = t.to_vector();
    }
  }
  std::int64_t flat = 0;
  return nested_list(t, 0, flat, values, ints);
}

// dim=None: every dim; an int; or a sequence of ints.
Dims reduce_dims(nb::handle dim, const char* op) {
  return dim.is_none() ? Dims{} : to_dims(dim, op);
}

nb::object values_and_indices(ValuesAndIndices r) {
  nb::object cls = nb::module_::import_("minitorch").attr("return_types").attr("max");
  return cls(std::move(r.values), std::move(r.indices));
}

Tensor to_any(const Tensor& t, nb::handle first, nb::handle dtype, nb::handle device) {
  Tensor out = t;
  nb::handle dtype_arg = dtype;
  nb::handle device_arg = device;
  if (!first.is_none()) {
    if (nb::isinstance<Tensor>(first)) {
      const Tensor& other = nb::cast<const Tensor&>(first);
      return without_gil([&] { return t.to(other.device()).to(other.dtype()); });
    }
    std::string name = nb::isinstance<nb::str>(first) ? nb::cast<std::string>(first) : "";
    if (nb::isinstance<Device>(first) || name == "cpu" || name.rfind("cuda", 0) == 0) {
      device_arg = first;
    } else {
      dtype_arg = first;
    }
  }
  if (!device_arg.is_none()) {
    Device d = to_device(device_arg);
    out = without_gil([&] { return d == out.device() ? out : out.to(d); });
  }
  if (!dtype_arg.is_none()) {
    DType d = to_dtype(dtype_arg);
    out = without_gil([&] { return d == out.dtype() ? out : out.to(d); });
  }
  return out;
}

}  // namespace

void bind_tensor(nb::module_& m, nb::class_<Tensor>& cls) {
  // ---- Metadata ---------------------------------------------------------------------------
  cls.def(nb::init<const Tensor&>(), nb::arg("other"),
          "A new handle to other's tensor (same storage and autograd history).")
      .def_prop_ro("shape", &Tensor::shape)
      .def("size", [](const Tensor& t) { return t.shape(); })
      .def("size", &Tensor::size, nb::arg("dim"))
      .def("stride", [](const Tensor& t) { return t.strides(); })
      .def(
          "stride",
          [](const Tensor& t, std::int64_t dim) {
            return t.strides()[wrap_dim(dim, t.ndim(), "stride", t.shape())];
          },
          nb::arg("dim"))
      .def("storage_offset", &Tensor::storage_offset)
      .def("dim", &Tensor::ndim)
      .def_prop_ro("ndim", &Tensor::ndim)
      .def("numel", &Tensor::numel)
      .def("element_size", [](const Tensor& t) { return element_size(t.dtype()); })
      .def_prop_ro("dtype", &Tensor::dtype)
      .def_prop_ro("device", &Tensor::device)
      .def_prop_ro("is_cuda", [](const Tensor& t) { return t.device().is_cuda(); })
      .def("is_contiguous", &Tensor::is_contiguous)
      .def("is_floating_point", [](const Tensor& t) { return is_floating_point(t.dtype()); })
      .def("data_ptr",
           [](const Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.data().data_ptr()); });

  // ---- Elements ---------------------------------------------------------------------------
  cls.def("item", &item_object)
      .def("tolist", &tolist)
      .def("__repr__", &Tensor::to_string, ReleaseGil())
      .def(
          "__float__", [](const Tensor& t) { return t.item(); }, ReleaseGil())
      .def(
          "__int__", [](const Tensor& t) { return t.item<std::int64_t>(); }, ReleaseGil())
      .def(
          "__bool__", [](const Tensor& t) { return t.item<bool>(); }, ReleaseGil())
      .def("__index__", [](const Tensor& t) {
        if (is_floating_point(t.dtype())) {
          throw DTypeError("__index__: only int64 and bool tensors can be used as an index (got " +
                           std::string(to_string(t.dtype())) + ")");
        }
        return t.item<std::int64_t>();
      });

  // ---- Views --------------------------------------------------------------------------------
  cls.def("permute",
          [](const Tensor& t, nb::args dims) {
            Dims order = to_shape(dims, "permute");
            return without_gil([&] { return t.permute(order); });
          })
      .def("transpose", &Tensor::transpose, ReleaseGil())
      .def_prop_ro("T",
                   [](const Tensor& t) {
                     Dims order;
                     for (int i = t.ndim() - 1; i >= 0; --i) {
                       order.push_back(i);
                     }
                     return without_gil([&] { return t.permute(order); });
                   })
      .def_prop_ro(
          "mT", [](const Tensor& t) { return t.transpose(-2, -1); }, ReleaseGil())
      .def(
          "t", [](const Tensor& t) { return t.ndim() < 2 ? t : t.transpose(0, 1); }, ReleaseGil())
      .def("view",
           [](const Tensor& t, nb::args shape) {
             Shape s = to_shape(shape, "view");
             return without_gil([&] { return t.view(s); });
           })
      .def("reshape",
           [](const Tensor& t, nb::args shape) {
             Shape s = to_shape(shape, "reshape");
             return without_gil([&] { return t.reshape(s); });
           })
      .def("expand",
           [](const Tensor& t, nb::args shape) {
             Shape s = to_shape(shape, "expand");
             return without_gil([&] { return t.expand(s); });
           })
      .def(
          "expand_as", [](const Tensor& t, const Tensor& o) { return t.expand(o.shape()); },
          ReleaseGil())
      .def(
          "view_as", [](const Tensor& t, const Tensor& o) { return t.view(o.shape()); },
          ReleaseGil())
      .def(
          "reshape_as", [](const Tensor& t, const Tensor& o) { return t.reshape(o.shape()); },
          ReleaseGil())
      .def("slice", &Tensor::slice, nb::arg("dim"), nb::arg("start"), nb::arg("stop"),
           nb::arg("step") = 1, ReleaseGil())
      .def("narrow", &Tensor::narrow, ReleaseGil())
      .def("select", &Tensor::select, ReleaseGil())
      .def(
          "squeeze",
          [](const Tensor& t, std::optional<std::int64_t> dim) {
            return dim ? t.squeeze(*dim) : t.squeeze();
          },
          nb::arg("dim") = nb::none(), ReleaseGil())
      .def("unsqueeze", &Tensor::unsqueeze, ReleaseGil())
      // torch's flatten(start_dim=0, end_dim=-1), through nn::Flatten (its checks and
      // messages); the C++ Tensor::flatten is the default range.
      .def(
          "flatten",
          [](const Tensor& t, std::int64_t start_dim, std::int64_t end_dim) {
            return nn::Flatten(start_dim, end_dim).forward(t);
          },
          nb::arg("start_dim") = 0, nb::arg("end_dim") = -1, ReleaseGil())
      .def("contiguous", &Tensor::contiguous, ReleaseGil());

  // ---- Math ---------------------------------------------------------------------------------
  cls.def("neg", &Tensor::neg, ReleaseGil())
      .def("exp", &Tensor::exp, ReleaseGil())
      .def("log", &Tensor::log, ReleaseGil())
      .def("sigmoid", &Tensor::sigmoid, ReleaseGil())
      .def("relu", &Tensor::relu, ReleaseGil())
      .def("tanh", &Tensor::tanh, ReleaseGil())
      .def("inv", &Tensor::inv, ReleaseGil())
      .def("reciprocal", &Tensor::inv, ReleaseGil())
      .def("abs", &Tensor::abs, ReleaseGil())
      .def("sqrt", &Tensor::sqrt, ReleaseGil())
      .def("sin", &Tensor::sin, ReleaseGil())
      .def("cos", &Tensor::cos, ReleaseGil())
      .def("log1p", &Tensor::log1p, ReleaseGil())
      .def("expm1", &Tensor::expm1, ReleaseGil())
      .def("sign", &Tensor::sign, ReleaseGil())
      .def("floor", &Tensor::floor, ReleaseGil())
      .def("pow", nb::overload_cast<const Tensor&>(&Tensor::pow, nb::const_), ReleaseGil())
      .def("pow", nb::overload_cast<double>(&Tensor::pow, nb::const_), ReleaseGil())
      .def("matmul", &Tensor::matmul, ReleaseGil())
      .def(
          "clamp",
          [](const Tensor& t, std::optional<double> lo, std::optional<double> hi) {
            return clamp(t, lo, hi);
          },
          nb::arg("min") = nb::none(), nb::arg("max") = nb::none(), ReleaseGil())
      .def("isclose", &Tensor::is_close, nb::arg("other"), nb::arg("rtol") = 1e-5,
           nb::arg("atol") = 1e-8, ReleaseGil())
      .def("allclose", &Tensor::all_close, nb::arg("other"), nb::arg("rtol") = 1e-5,
           nb::arg("atol") = 1e-8, ReleaseGil())
      .def("masked_fill", &Tensor::masked_fill, ReleaseGil())
      .def(
          "index_select",
          [](const Tensor& t, std::int64_t dim, const Tensor& index) {
            return index_select(t, dim, index);
          },
          ReleaseGil())
      .def(
          "gather",
          [](const Tensor& t, std::int64_t dim, const Tensor& index) {
            return gather(t, dim, index);
          },
          ReleaseGil())
      .def(
          "scatter_add",
          [](const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src) {
            return scatter_add(t, dim, index, src);
          },
          ReleaseGil())
      .def(
          "index_add",
          [](const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src) {
            return index_add(t, dim, index, src);
          },
          ReleaseGil())
      .def("flip", [](const Tensor& t, nb::args dims) {
        Dims d = to_shape(dims, "flip");
        return without_gil([&] { return flip(t, d); });
      });
  // Binary methods: a Tensor or a number (which takes this tensor's dtype and device).
  auto binary = [&cls](const char* name, Tensor (*fn)(const Tensor&, const Tensor&)) {
    cls.def(name, [fn, name](const Tensor& t, nb::handle other) {
      Tensor o = operand_like(other, t, name);
      return without_gil([&] { return fn(t, o); });
    });
  };
  binary("add", [](const Tensor& a, const Tensor& b) { return a.add(b); });
  binary("sub", [](const Tensor& a, const Tensor& b) { return a.sub(b); });
  binary("mul", [](const Tensor& a, const Tensor& b) { return a.mul(b); });
  binary("div", [](const Tensor& a, const Tensor& b) { return a.div(b); });
  binary("lt", [](const Tensor& a, const Tensor& b) { return a.lt(b); });
  binary("gt", [](const Tensor& a, const Tensor& b) { return a.gt(b); });
  binary("le", [](const Tensor& a, const Tensor& b) { return a.le(b); });
  binary("ge", [](const Tensor& a, const Tensor& b) { return a.ge(b); });
  binary("eq", [](const Tensor& a, const Tensor& b) { return a.eq(b); });
  binary("maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); });
  binary("minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); });

  // ---- Reductions -----------------------------------------------------------------------------
  cls.def(
         "sum",
         [](const Tensor& t, nb::handle dim, bool keepdim) {
           Dims dims = reduce_dims(dim, "sum");
           return without_gil([&] { return t.sum(dims, keepdim); });
         },
         nb::arg("dim") = nb::none(), nb::arg("keepdim") = false)
      .def(
          "mean",
          [](const Tensor& t, nb::handle dim, bool keepdim) {
            Dims dims = reduce_dims(dim, "mean");
            return without_gil([&] { return t.mean(dims, keepdim); });
          },
          nb::arg("dim") = nb::none(), nb::arg("keepdim") = false)
      .def(
          "amax",
          [](const Tensor& t, nb::handle dim, bool keepdim) {
            Dims dims = reduce_dims(dim, "amax");
            return without_gil([&] { return t.amax(dims, keepdim); });
          },
          nb::arg("dim") = nb::none(), nb::arg("keepdim") = false)
      .def(
          "amin",
          [](const Tensor& t, nb::handle dim, bool keepdim) {
            Dims dims = reduce_dims(dim, "amin");
            return without_gil([&] { return t.amin(dims, keepdim); });
          },
          nb::arg("dim") = nb::none(), nb::arg("keepdim") = false)
      .def(
          "max", [](const Tensor& t) { return t.max(); }, ReleaseGil())
      .def(
          "max",
          [](const Tensor& t, std::int64_t dim, bool keepdim) {
            return values_and_indices(
                without_gil([&] { return t.max_with_indices(dim, keepdim); }));
          },
          nb::arg("dim"), nb::arg("keepdim") = false)
      .def(
          "max", [](const Tensor& t, const Tensor& o) { return maximum(t, o); }, ReleaseGil())
      .def(
          "min", [](const Tensor& t) { return t.min(); }, ReleaseGil())
      .def(
          "min",
          [](const Tensor& t, std::int64_t dim, bool keepdim) {
            return values_and_indices(
                without_gil([&] { return t.min_with_indices(dim, keepdim); }));
          },
          nb::arg("dim"), nb::arg("keepdim") = false)
      .def(
          "min", [](const Tensor& t, const Tensor& o) { return minimum(t, o); }, ReleaseGil())
      .def(
          "prod",
          [](const Tensor& t, std::optional<std::int64_t> dim, bool keepdim) {
            return dim ? t.prod(*dim, keepdim) : t.prod();
          },
          nb::arg("dim") = nb::none(), nb::arg("keepdim") = false, ReleaseGil())
      .def(
          "var",
          [](const Tensor& t, nb::handle dim, double correction, bool keepdim) {
            Dims dims = reduce_dims(dim, "var");
            return without_gil([&] { return t.var(dims, correction, keepdim); });
          },
          nb::arg("dim") = nb::none(), nb::kw_only(), nb::arg("correction") = 1.0,
          nb::arg("keepdim") = false)
      .def(
          "std",
          [](const Tensor& t, nb::handle dim, double correction, bool keepdim) {
            Dims dims = reduce_dims(dim, "std");
            return without_gil([&] { return t.std(dims, correction, keepdim); });
          },
          nb::arg("dim") = nb::none(), nb::kw_only(), nb::arg("correction") = 1.0,
          nb::arg("keepdim") = false)
      .def(
          "logsumexp",
          [](const Tensor& t, nb::handle dim, bool keepdim) {
            Dims dims = to_dims(dim, "logsumexp");
            return without_gil([&] { return t.logsumexp(dims, keepdim); });
          },
          nb::arg("dim"), nb::arg("keepdim") = false)
      .def("cumsum", &Tensor::cumsum, nb::arg("dim"), ReleaseGil())
      .def("softmax", &Tensor::softmax, nb::arg("dim"), ReleaseGil())
      .def("log_softmax", &Tensor::log_softmax, nb::arg("dim"), ReleaseGil())
      .def(
          "any",
          [](const Tensor& t, nb::handle dim, bool keepdim) {
            Dims dims = reduce_dims(dim, "any");
            return without_gil([&] { return t.any(dims, keepdim); });
          },
          nb::arg("dim") = nb::none(), nb::arg("keepdim") = false)
      .def(
          "all",
          [](const Tensor& t, nb::handle dim, bool keepdim) {
            Dims dims = reduce_dims(dim, "all");
            return without_gil([&] { return t.all(dims, keepdim); });
          },
          nb::arg("dim") = nb::none(), nb::arg("keepdim") = false)
      .def(
          "argmax",
          [](const Tensor& t, std::optional<std::int64_t> dim, bool keepdim) {
            return dim ? t.argmax(*dim, keepdim) : t.argmax();
          },
          nb::arg("dim") = nb::none(), nb::arg("keepdim") = false, ReleaseGil())
      .def(
          "argmin",
          [](const Tensor& t, std::optional<std::int64_t> dim, bool keepdim) {
            return dim ? t.argmin(*dim, keepdim) : t.argmin();
          },
          nb::arg("dim") = nb::none(), nb::arg("keepdim") = false, ReleaseGil());

  // ---- Autograd -------------------------------------------------------------------------------
  cls.def_prop_rw(
         "requires_grad", [](const Tensor& t) { return t.requires_grad(); },
         [](Tensor& t, bool on) { t.requires_grad_(on); })
      .def(
          "requires_grad_",
          [](nb::handle self, bool on) {
            nb::cast<Tensor&>(self).requires_grad_(on);
            return nb::borrow(self);
          },
          nb::arg("requires_grad") = true)
      .def_prop_rw(
          "grad",
          [](const Tensor& t) -> std::optional<Tensor> {
            Tensor g = t.grad();
            if (!g.defined()) {
              return std::nullopt;
            }
            return g;
          },
          [](Tensor& t, std::optional<Tensor> g) {
            if (g) {
              t.set_grad(*g);
            } else {
              t.zero_grad();
            }
          },
          nb::arg("grad").none())
      .def_prop_ro("is_leaf", &Tensor::is_leaf)
      .def_prop_ro("grad_fn",
                   [](const Tensor& t) -> std::optional<std::string> {
                     std::string name = t.grad_fn_name();
                     if (name.empty()) {
                       return std::nullopt;
                     }
                     return name;
                   })
      .def(
          "backward",
          [](const Tensor& t, std::optional<Tensor> gradient) {
            nb::gil_scoped_release release;
            if (gradient) {
              t.backward(*gradient);
            } else {
              t.backward();
            }
          },
          nb::arg("gradient") = nb::none())
      .def("zero_grad", &Tensor::zero_grad)
      .def("detach", &Tensor::detach)
      .def("register_post_accumulate_grad_hook", [](Tensor& t, nb::callable hook) {
        t.register_post_accumulate_grad_hook([hook](Tensor& leaf) {
          nb::gil_scoped_acquire acquire;
          hook(leaf);
        });
      });

  // ---- Copies and conversions ---------------------------------------------------------------
  cls.def("clone", &Tensor::clone, ReleaseGil())
      .def("to", &to_any, nb::arg("dtype_or_device") = nb::none(), nb::kw_only(),
           nb::arg("dtype") = nb::none(), nb::arg("device") = nb::none())
      .def(
          "type_as", [](const Tensor& t, const Tensor& o) { return t.to(o.dtype()); }, ReleaseGil())
      .def(
          "cpu", [](const Tensor& t) { return t.device().is_cpu() ? t : t.to(Device::cpu()); },
          ReleaseGil())
      .def(
          "cuda",
          [](const Tensor& t, int index) {
            return t.device() == Device::cuda(index) ? t : t.to(Device::cuda(index));
          },
          nb::arg("device") = 0, ReleaseGil())
      .def(
          "float", [](const Tensor& t) { return t.dtype() == kFloat32 ? t : t.to(kFloat32); },
          ReleaseGil())
      .def(
          "double", [](const Tensor& t) { return t.dtype() == kFloat64 ? t : t.to(kFloat64); },
          ReleaseGil())
      .def(
          "half", [](const Tensor& t) { return t.dtype() == kFloat16 ? t : t.to(kFloat16); },
          ReleaseGil())
      .def(
          "bfloat16", [](const Tensor& t) { return t.dtype() == kBFloat16 ? t : t.to(kBFloat16); },
          ReleaseGil())
      .def(
          "long", [](const Tensor& t) { return t.dtype() == kInt64 ? t : t.to(kInt64); },
          ReleaseGil())
      .def(
          "bool", [](const Tensor& t) { return t.dtype() == kBool ? t : t.to(kBool); },
          ReleaseGil());

  // ---- In place: each returns the same Python object, as PyTorch's do ------------------------
  auto in_place = [&cls](const char* name, auto fn) {
    cls.def(name, [fn](nb::handle self, nb::args args, nb::kwargs kwargs) {
      Tensor& t = nb::cast<Tensor&>(self);
      fn(t, args, kwargs);
      return nb::borrow(self);
    });
  };
  in_place("fill_", [](Tensor& t, nb::args a, nb::kwargs) {
    double v = nb::cast<double>(a[0]);
    nb::gil_scoped_release release;
    t.fill_(v);
  });
  in_place("zero_", [](Tensor& t, nb::args, nb::kwargs) {
    nb::gil_scoped_release release;
    t.zero_();
  });
  in_place("copy_", [](Tensor& t, nb::args a, nb::kwargs) {
    Tensor src = operand_like(a[0], t, "copy_");
    nb::gil_scoped_release release;
    t.copy_(src);
  });
  in_place("add_", [](Tensor& t, nb::args a, nb::kwargs kw) {
    Tensor o = operand_like(a[0], t, "add_");
    double alpha = kw.contains("alpha") ? nb::cast<double>(kw["alpha"])
                                        : (a.size() > 1 ? nb::cast<double>(a[1]) : 1.0);
    nb::gil_scoped_release release;
    t.add_(o, alpha);
  });
  in_place("sub_", [](Tensor& t, nb::args a, nb::kwargs kw) {
    Tensor o = operand_like(a[0], t, "sub_");
    double alpha = kw.contains("alpha") ? nb::cast<double>(kw["alpha"])
                                        : (a.size() > 1 ? nb::cast<double>(a[1]) : 1.0);
    nb::gil_scoped_release release;
    t.sub_(o, alpha);
  });
  in_place("mul_", [](Tensor& t, nb::args a, nb::kwargs) {
    if (is_number(a[0])) {
      double f = nb::cast<double>(a[0]);
      nb::gil_scoped_release release;
      t.mul_(f);
      return;
    }
    Tensor o = nb::cast<Tensor>(a[0]);
    nb::gil_scoped_release release;
    t.copy_(t.mul(o));
  });
  in_place("div_", [](Tensor& t, nb::args a, nb::kwargs) {
    Tensor o = operand_like(a[0], t, "div_");
    nb::gil_scoped_release release;
    t.div_(o);
  });
  in_place("masked_fill_", [](Tensor& t, nb::args a, nb::kwargs) {
    Tensor mask = nb::cast<Tensor>(a[0]);
    double v = nb::cast<double>(a[1]);
    nb::gil_scoped_release release;
    t.masked_fill_(mask, v);
  });
  in_place("clamp_", [](Tensor& t, nb::args a, nb::kwargs kw) {
    auto bound = [&](std::size_t i, const char* key) -> std::optional<double> {
      nb::handle h = kw.contains(key) ? nb::handle(kw[key]) : (a.size() > i ? a[i] : nb::none());
      return h.is_none() ? std::nullopt : std::optional<double>(nb::cast<double>(h));
    };
    std::optional<double> lo = bound(0, "min");
    std::optional<double> hi = bound(1, "max");
    nb::gil_scoped_release release;
    t.copy_(clamp(t, lo, hi));
  });
  (void)m;
}

}  // namespace minitorch::python
