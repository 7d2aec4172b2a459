// without_gil(fn): runs fn with the GIL released and returns its result once the GIL is held
// again, for bindings that parse Python arguments first and then call a kernel.
#pragma once

#include <nanobind/nanobind.h>

namespace minitorch::python {

template <class Fn>
auto without_gil(Fn&& fn) {
  nanobind::gil_scoped_release release;
  return fn();
}

}  // namespace minitorch::python
