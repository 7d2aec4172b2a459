// User functions from Python (Note [User functions]): minitorch.elementwise(fn) calls fn once
// per arity with Exprs, whose operators and the module's op functions record a Program; the
// program is compiled with its gradients as the C++ ElementwiseFunction does, and each call
// then runs it over tensors with no Python in the per-element loop.
#include <nanobind/stl/shared_ptr.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "bindings.h"
#include "minitorch/error.h"
#include "minitorch/user_function.h"
#include "traced_value.h"
#include "without_gil.h"

namespace minitorch::python {

TracedValue trace_op(OpCode op, const nb::tuple& args) {
  std::shared_ptr<ProgramBuilder> builder;
  for (nb::handle a : args) {
    if (nb::isinstance<TracedValue>(a)) {
      builder = nb::cast<const TracedValue&>(a).builder;
      break;
    }
  }
  std::array<Expr, 3> exprs{};
  for (std::size_t i = 0; i < args.size(); ++i) {
    nb::handle a = args[i];
    if (nb::isinstance<TracedValue>(a)) {
      const TracedValue& v = nb::cast<const TracedValue&>(a);
      if (v.builder != builder) {
        throw ValueError(std::string(to_string(op)) +
                         ": the Exprs come from different traces (an Expr escaped its lambda)");
      }
      exprs[i] = v.expr;
    } else if (is_number(a)) {
      exprs[i] = builder->constant(nb::cast<double>(a));
    } else {
      throw nb::type_error((std::string(to_string(op)) +
                            ": inside a traced function only Exprs and numbers can be combined "
                            "(got " +
                            nb::cast<std::string>(nb::str(a.type().attr("__name__"))) + ")")
                               .c_str());
    }
  }
  Expr out = builder->apply(op, exprs.data(), static_cast<int>(args.size()));
  return TracedValue{builder, out};
}

namespace {

TracedValue binary(OpCode op, nb::handle a, nb::handle b) {
  return trace_op(op, nb::make_tuple(a, b));
}

// A Python callable traced per arity; compiled programs are cached on first use.
class PyElementwiseFunction {
 public:
  PyElementwiseFunction(nb::callable fn, std::string name)
      : fn_(std::move(fn)), name_(std::move(name)) {}

  nb::object call(const nb::args& args) {
    if (!fn_.is_valid()) {
      throw ValueError(name_ + ": the function was cleared by the garbage collector");
    }
    bool numbers_only = true;
    for (nb::handle a : args) {
      numbers_only = numbers_only && is_number(a);
    }
    if (numbers_only) {
      return fn_(*args);  // the callable itself on plain numbers
    }
    const auto& program = compiled(args.size());
    std::vector<Tensor> inputs;
    inputs.reserve(args.size());
    const Tensor* like = nullptr;
    for (nb::handle a : args) {
      if (nb::isinstance<Tensor>(a)) {
        like = &nb::cast<const Tensor&>(a);
        break;
      }
    }
    for (nb::handle a : args) {
      inputs.push_back(operand_like(a, *like, name_.c_str()));
    }
    Tensor out = without_gil([&] { return detail::apply_user_program(program, inputs); });
    return nb::cast(std::move(out));
  }

  // The callable (often a lambda whose globals hold this object) for the cycle collector.
  nb::callable& callable() { return fn_; }

  std::string program_text(std::size_t arity) {
    return detail::forward_program(*compiled(arity)).to_string();
  }

 private:
  const std::shared_ptr<const autograd::CompiledProgram>& compiled(std::size_t arity) {
    if (arity == 0 || arity > static_cast<std::size_t>(kMaxProgramInputs)) {
      throw ValueError(name_ + ": a user function takes 1 to " + std::to_string(kMaxProgramInputs) +
                       " inputs (got " + std::to_string(arity) + ")");
    }
    auto& slot = programs_[arity - 1];
    if (!slot) {
      auto builder = std::make_shared<ProgramBuilder>(static_cast<int>(arity));
      nb::list inputs;
      for (std::size_t i = 0; i < arity; ++i) {
        inputs.append(TracedValue{builder, builder->input(static_cast<int>(i))});
      }
      nb::object result = fn_(*nb::tuple(inputs));
      Expr out;
      if (nb::isinstance<TracedValue>(result)) {
        const TracedValue& v = nb::cast<const TracedValue&>(result);
        if (v.builder != builder) {
          throw ValueError(name_ + ": the function returned an Expr from another trace");
        }
        out = v.expr;
      } else if (is_number(result)) {
        out = builder->constant(nb::cast<double>(result));
      } else {
        throw nb::type_error((name_ +
                              ": a traced function must return an Expr or a number; use "
                              "minitorch's functions (minitorch.exp, minitorch.where, ...) on "
                              "its arguments, not numpy or math (got " +
                              nb::cast<std::string>(nb::str(result.type().attr("__name__"))) + ")")
                                 .c_str());
      }
      slot = detail::compile_user_program(builder->finish(out), name_);
    }
    return slot;
  }

  nb::callable fn_;
  std::string name_;
  std::array<std::shared_ptr<const autograd::CompiledProgram>, kMaxProgramInputs> programs_;
};

int traverse_function(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(Py_TYPE(self));
  if (!nb::inst_ready(self)) {
    return 0;
  }
  Py_VISIT(nb::inst_ptr<PyElementwiseFunction>(self)->callable().ptr());
  return 0;
}

int clear_function(PyObject* self) {
  nb::inst_ptr<PyElementwiseFunction>(self)->callable() = nb::callable();
  return 0;
}

PyType_Slot function_type_slots[] = {
    {Py_tp_traverse, reinterpret_cast<void*>(&traverse_function)},
    {Py_tp_clear, reinterpret_cast<void*>(&clear_function)},
    {0, nullptr},
};

}  // namespace

void bind_user_functions(nb::module_& m) {
  nb::class_<TracedValue> expr(m, "Expr",
                               "A value traced into an elementwise program "
                               "(inside minitorch.elementwise).");
  auto def_binary = [&expr](const char* name, const char* reflected, OpCode op) {
    expr.def(
        name, [op](nb::handle a, nb::handle b) { return binary(op, a, b); }, nb::is_operator());
    if (reflected != nullptr) {
      expr.def(
          reflected, [op](nb::handle a, nb::handle b) { return binary(op, b, a); },
          nb::is_operator());
    }
  };
  def_binary("__add__", "__radd__", OpCode::Add);
  def_binary("__sub__", "__rsub__", OpCode::Sub);
  def_binary("__mul__", "__rmul__", OpCode::Mul);
  def_binary("__truediv__", "__rtruediv__", OpCode::Div);
  def_binary("__pow__", "__rpow__", OpCode::Pow);
  def_binary("__lt__", nullptr, OpCode::Lt);
  def_binary("__gt__", nullptr, OpCode::Gt);
  def_binary("__le__", nullptr, OpCode::Le);
  def_binary("__ge__", nullptr, OpCode::Ge);
  def_binary("__eq__", nullptr, OpCode::Eq);
  expr.def("__neg__", [](nb::handle a) { return trace_op(OpCode::Neg, nb::make_tuple(a)); });
  expr.def("__abs__", [](nb::handle a) { return trace_op(OpCode::Abs, nb::make_tuple(a)); });
  expr.def("__bool__", [](const TracedValue&) -> bool {
    throw nb::type_error(
        "an Expr has no truth value while tracing: write minitorch.where(x > 0, x, 0), "
        "not `x if x > 0 else 0`");
  });
  expr.def("__hash__", [](nb::handle self) { return reinterpret_cast<std::intptr_t>(self.ptr()); });
  expr.def("__repr__",
           [](const TracedValue& v) { return "Expr(value " + std::to_string(v.expr.value) + ")"; });

  nb::class_<PyElementwiseFunction>(m, "ElementwiseFunction", nb::type_slots(function_type_slots))
      .def(nb::init<nb::callable, std::string>(), nb::arg("fn"), nb::arg("name") = "elementwise")
      .def("__call__", &PyElementwiseFunction::call)
      .def("program", &PyElementwiseFunction::program_text, nb::arg("arity"),
           "The traced program for arity inputs, as text.");
}

}  // namespace minitorch::python
