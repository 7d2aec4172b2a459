// Module-level functions: each elementwise op by its descriptor's name (minitorch.sigmoid,
// minitorch.where, ...), which computes on tensors, traces on Exprs (inside
// minitorch.elementwise) and evaluates on plain numbers; then matmul, joins, splits, indexing
// by tensors, the composite activations, grad mode and the CPU thread count.
#include <nanobind/stl/optional.h>

#include <string>
#include <vector>

#include "bindings.h"
#include "minitorch/autograd.h"
#include "minitorch/cuda_graph.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "minitorch/generator.h"
#include "minitorch/threading.h"
#include "traced_value.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

template <class Op, std::size_t... I>
double evaluate(const double* v, std::index_sequence<I...>) {
  return static_cast<double>(Op{}(v[I]...));
}

// op over numbers, through the same functor every backend runs (in double).
template <class Op>
nb::object on_numbers(const nb::args& args) {
  double v[3] = {0, 0, 0};
  for (std::size_t i = 0; i < args.size(); ++i) {
    v[i] = nb::cast<double>(args[i]);
  }
  double r = evaluate<Op>(v, std::make_index_sequence<Op::arity>());
  return nb::float_(r);
}

nb::object on_tensors(OpCode op, const nb::args& args) {
  const Tensor* like = nullptr;
  // where(cond, a, b): a number takes the dtype of the other value, never the condition's.
  std::size_t first_value = op == OpCode::Where ? 1 : 0;
  for (std::size_t i = first_value; i < args.size() && like == nullptr; ++i) {
    if (nb::isinstance<Tensor>(args[i])) {
      like = &nb::cast<const Tensor&>(args[i]);
    }
  }
  for (nb::handle a : args) {
    if (like != nullptr) {
      break;
    }
    if (nb::isinstance<Tensor>(a)) {
      like = &nb::cast<const Tensor&>(a);
      break;
    }
  }
  // where(cond, 1.0, 0.0): numbers on both sides are float32 values, as in PyTorch.
  Tensor float_like;
  if (op == OpCode::Where && like == &nb::cast<const Tensor&>(args[0])) {
    float_like = scalar_tensor(0.0, {.dtype = kFloat32, .device = like->device()});
    like = &float_like;
  }
  std::vector<Tensor> inputs;
  for (std::size_t i = 0; i < args.size(); ++i) {
    inputs.push_back(i == 0 && op == OpCode::Where && nb::isinstance<Tensor>(args[0])
                         ? nb::cast<Tensor>(args[0])
                         : operand_like(args[i], *like, std::string(to_string(op)).c_str()));
  }
  Tensor out = without_gil([&] {
    return op == OpCode::Where ? where(inputs[0], inputs[1], inputs[2])
                               : apply_elementwise(op, inputs);
  });
  return nb::cast(std::move(out));
}

template <class Op>
void def_elementwise(nb::module_& m, OpCode op, const char* name) {
  m.def(name, [op, name](nb::args args) -> nb::object {
    if (args.size() != static_cast<std::size_t>(Op::arity)) {
      throw nb::type_error((std::string(name) + "() takes " + std::to_string(Op::arity) +
                            " arguments (" + std::to_string(args.size()) + " given)")
                               .c_str());
    }
    bool has_tensor = false;
    for (nb::handle a : args) {
      if (nb::isinstance<TracedValue>(a)) {
        return nb::cast(trace_op(op, args));
      }
      has_tensor = has_tensor || nb::isinstance<Tensor>(a);
    }
    if (has_tensor) {
      return on_tensors(op, args);
    }
    for (nb::handle a : args) {
      if (!is_number(a)) {
        throw nb::type_error((std::string(name) + ": expected Tensors, Exprs or numbers, got " +
                              nb::cast<std::string>(nb::str(a.type().attr("__name__"))))
                                 .c_str());
      }
    }
    return on_numbers<Op>(args);
  });
}

}  // namespace

void bind_functions(nb::module_& m) {
#define MT_DEF_ELEMENTWISE(Type, fn) def_elementwise<op::Type>(m, OpCode::Type, #fn);
  MT_ELEMENTWISE_OPS(MT_DEF_ELEMENTWISE)
#undef MT_DEF_ELEMENTWISE

  m.def(
      "matmul", [](const Tensor& a, const Tensor& b) { return matmul(a, b); }, ReleaseGil());
  m.def(
      "cat", [](const std::vector<Tensor>& ts, std::int64_t dim) { return cat(ts, dim); },
      nb::arg("tensors"), nb::arg("dim") = 0, ReleaseGil());
  m.def(
      "stack", [](const std::vector<Tensor>& ts, std::int64_t dim) { return stack(ts, dim); },
      nb::arg("tensors"), nb::arg("dim") = 0, ReleaseGil());
  m.def(
      "split",
      [](const Tensor& t, nb::handle sizes, std::int64_t dim) {
        if (PyLong_Check(sizes.ptr())) {
          std::int64_t n = nb::cast<std::int64_t>(sizes);
          return without_gil([&] { return split(t, n, dim); });
        }
        std::vector<std::int64_t> list = nb::cast<std::vector<std::int64_t>>(sizes);
        return without_gil([&] { return split(t, list, dim); });
      },
      nb::arg("tensor"), nb::arg("split_size_or_sections"), nb::arg("dim") = 0);
  m.def("chunk", &chunk, nb::arg("tensor"), nb::arg("chunks"), nb::arg("dim") = 0, ReleaseGil());
  m.def("gather", &gather, nb::arg("input"), nb::arg("dim"), nb::arg("index"), ReleaseGil());
  m.def("scatter_add", &scatter_add, nb::arg("input"), nb::arg("dim"), nb::arg("index"),
        nb::arg("src"), ReleaseGil());
  m.def("index_select", &index_select, nb::arg("input"), nb::arg("dim"), nb::arg("index"),
        ReleaseGil());
  m.def("index_add", &index_add, nb::arg("input"), nb::arg("dim"), nb::arg("index"),
        nb::arg("source"), ReleaseGil());
  m.def("flip", [](const Tensor& t, nb::handle dims) {
    Dims d = to_dims(dims, "flip");
    return without_gil([&] { return flip(t, d); });
  });
  m.def("one_hot", &one_hot, nb::arg("indices"), nb::arg("num_classes") = -1, ReleaseGil());
  m.def(
      "clamp",
      [](const Tensor& t, std::optional<double> lo, std::optional<double> hi) {
        return clamp(t, lo, hi);
      },
      nb::arg("input"), nb::arg("min") = nb::none(), nb::arg("max") = nb::none(), ReleaseGil());
  m.def("leaky_relu", &leaky_relu, nb::arg("input"), nb::arg("negative_slope") = 0.01,
        ReleaseGil());
  m.def("gelu", &gelu, ReleaseGil());
  m.def("silu", &silu, ReleaseGil());

  // Waits for running CPU work, which may be another Python thread's op: the GIL goes first.
  m.def("set_num_threads", &set_num_threads, nb::arg("n"), ReleaseGil());
  m.def("get_num_threads", &get_num_threads);
  m.def("is_grad_enabled", &is_grad_enabled);
  m.def("set_grad_enabled", &set_grad_enabled);
  m.def("manual_seed", [](std::uint64_t seed) { manual_seed(seed); });
  // minitorch/cuda_graph.h, as mt.cuda.CUDAGraph (torch.cuda.CUDAGraph): capture(step) calls
  // the Python callable once, with the GIL, while the device's stream records its GPU work.
  nb::class_<CudaGraph>(m, "CUDAGraph")
      .def(
          "__init__",
          [](CudaGraph* self, nb::handle device) {
            new (self) CudaGraph(to_device_or(device, Device::cuda(0)));
          },
          nb::arg("device") = nb::none())
      .def(
          "capture", [](CudaGraph& graph, nb::callable step) { graph.capture([&] { step(); }); },
          nb::arg("step"))
      .def("replay", &CudaGraph::replay, ReleaseGil())
      .def_prop_ro("captured", &CudaGraph::captured)
      .def_prop_ro("node_count", &CudaGraph::node_count);
  nb::class_<Generator>(m, "Generator")
      .def(nb::init<std::uint64_t>(), nb::arg("seed") = 0)
      .def("manual_seed", [](nb::handle self, std::uint64_t seed) {
        nb::cast<Generator&>(self).manual_seed(seed);
        return nb::borrow(self);
      });
}

}  // namespace minitorch::python
