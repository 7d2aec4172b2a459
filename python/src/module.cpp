// NB_MODULE(_minitorch): the extension module behind the minitorch package. Binding order
// matters only where a signature names a bound type: errors and types first, Tensor before the
// functions that take it. See docs/python.md.
#include "bindings.h"

namespace minitorch::python {
extern PyType_Slot tensor_type_slots[];
}

NB_MODULE(_minitorch, m) {
  using namespace minitorch::python;
  m.doc() = "minitorch's C++ core (import minitorch, not this module)";
  bind_errors(m);
  bind_types(m);
  nb::class_<minitorch::Tensor> tensor(m, "Tensor", nb::type_slots(tensor_type_slots),
                                       "A strided view of typed memory, with autograd.");
  bind_tensor(m, tensor);
  bind_operators(tensor);
  bind_indexing(tensor);
  bind_interop(m, tensor);
  bind_functions(m);
  bind_factories(m);
  bind_user_functions(m);
  bind_nn(m);
  nb::module_ nn_module = nb::borrow<nb::module_>(m.attr("_nn"));
  bind_convolution(nn_module, tensor);
  bind_layers(nn_module);
  bind_optim(m);
  bind_amp(m);
  bind_data(m);
}
