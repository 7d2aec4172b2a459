// minitorch.Expr: a value being traced into a Program (Note [User functions]). It keeps its
// ProgramBuilder alive, so an Expr that escapes the traced lambda is still safe to touch.
#pragma once

#include <memory>

#include "bindings.h"
#include "minitorch/program.h"

namespace minitorch::python {

struct TracedValue {
  std::shared_ptr<ProgramBuilder> builder;
  Expr expr;
};

/// Records op over args (TracedValues and numbers; at least one TracedValue) and returns the
/// new traced value. ValueError when the values come from different traces.
TracedValue trace_op(OpCode op, const nb::tuple& args);

}  // namespace minitorch::python
