// Tensor's Python operators: arithmetic with tensors and numbers on either side, the in-place
// forms (which return the same object), @, comparisons (elementwise, as in PyTorch), len,
// iteration and hashing by identity. A number takes the tensor's dtype and device.
#include <string>

#include "bindings.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

using Binary = Tensor (*)(const Tensor&, const Tensor&);

// op(t, other) and, reflected, op(other, t), for a Tensor or a number other.
void def_binary(nb::class_<Tensor>& cls, const char* name, const char* reflected, Binary fn) {
  cls.def(
      name, [fn](const Tensor& a, const Tensor& b) { return fn(a, b); }, ReleaseGil(),
      nb::is_operator());
  cls.def(
      name,
      [fn](const Tensor& a, double b) {
        Tensor s = scalar_like(b, a);
        return fn(a, s);
      },
      ReleaseGil(), nb::is_operator());
  if (reflected != nullptr) {
    cls.def(
        reflected,
        [fn](const Tensor& a, double b) {
          Tensor s = scalar_like(b, a);
          return fn(s, a);
        },
        ReleaseGil(), nb::is_operator());
  }
}

// The in-place operator: in place when the library has the in-place op, else computed and
// copied back (same storage, same Python object either way).
void def_in_place(nb::class_<Tensor>& cls, const char* name, Binary fn,
                  void (*in_place)(Tensor&, const Tensor&)) {
  cls.def(
      name,
      [fn, in_place](nb::handle self, nb::handle other) {
        Tensor& t = nb::cast<Tensor&>(self);
        Tensor o = operand_like(other, t, "in-place operator");
        {
          nb::gil_scoped_release release;
          if (in_place != nullptr) {
            in_place(t, o);
          } else {
            t.copy_(fn(t, o));
          }
        }
        return nb::borrow(self);
      },
      nb::is_operator());
}

}  // namespace

void bind_operators(nb::class_<Tensor>& cls) {
  def_binary(cls, "__add__", "__radd__", [](const Tensor& a, const Tensor& b) { return a + b; });
  def_binary(cls, "__sub__", "__rsub__", [](const Tensor& a, const Tensor& b) { return a - b; });
  def_binary(cls, "__mul__", "__rmul__", [](const Tensor& a, const Tensor& b) { return a * b; });
  def_binary(cls, "__truediv__", "__rtruediv__",
             [](const Tensor& a, const Tensor& b) { return a / b; });
  def_binary(cls, "__pow__", "__rpow__", [](const Tensor& a, const Tensor& b) { return a.pow(b); });
  def_binary(cls, "__lt__", nullptr, [](const Tensor& a, const Tensor& b) { return a.lt(b); });
  def_binary(cls, "__gt__", nullptr, [](const Tensor& a, const Tensor& b) { return a.gt(b); });
  def_binary(cls, "__le__", nullptr, [](const Tensor& a, const Tensor& b) { return a.le(b); });
  def_binary(cls, "__ge__", nullptr, [](const Tensor& a, const Tensor& b) { return a.ge(b); });
  def_binary(cls, "__eq__", nullptr, [](const Tensor& a, const Tensor& b) { return a.eq(b); });
  def_binary(cls, "__ne__", nullptr,
             [](const Tensor& a, const Tensor& b) { return a.eq(b).eq(0.0); });
  cls.def("__matmul__", &Tensor::matmul, ReleaseGil(), nb::is_operator());
  cls.def(
      "__neg__", [](const Tensor& a) { return -a; }, ReleaseGil());
  cls.def("__pos__", [](const Tensor& a) { return a; });
  cls.def(
      "__abs__", [](const Tensor& a) { return a.abs(); }, ReleaseGil());

  def_in_place(
      cls, "__iadd__", [](const Tensor& a, const Tensor& b) { return a + b; },
      [](Tensor& t, const Tensor& o) { t.add_(o); });
  def_in_place(
      cls, "__isub__", [](const Tensor& a, const Tensor& b) { return a - b; },
      [](Tensor& t, const Tensor& o) { t.sub_(o); });
  def_in_place(
      cls, "__imul__", [](const Tensor& a, const Tensor& b) { return a * b; }, nullptr);
  def_in_place(
      cls, "__itruediv__", [](const Tensor& a, const Tensor& b) { return a / b; },
      [](Tensor& t, const Tensor& o) { t.div_(o); });
  def_in_place(
      cls, "__ipow__", [](const Tensor& a, const Tensor& b) { return a.pow(b); }, nullptr);
  def_in_place(
      cls, "__imatmul__", [](const Tensor& a, const Tensor& b) { return a.matmul(b); }, nullptr);

  // Identity hashing (PyTorch's): __eq__ is elementwise, so tensors key dicts by object.
  cls.def("__hash__", [](nb::handle self) { return reinterpret_cast<std::intptr_t>(self.ptr()); });
  cls.def("__len__", [](const Tensor& t) {
    if (t.ndim() == 0) {
      throw nb::type_error("len() of a 0-d tensor");
    }
    return t.shape()[0];
  });
  cls.def("__iter__", [](const Tensor& t) {
    if (t.ndim() == 0) {
      throw nb::type_error("iteration over a 0-d tensor");
    }
    nb::list rows;
    for (std::int64_t i = 0; i < t.shape()[0]; ++i) {
      rows.append(t.select(0, i));
    }
    return rows.attr("__iter__")();
  });
}

}  // namespace minitorch::python
