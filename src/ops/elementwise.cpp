// Elementwise programs: dtype promotion, broadcasting and output allocation, then one backend
// call (Note [Elementwise programs]). map, zip and add_scaled are one- and two-op programs.
#include <array>
#include <string>

#include "backends/backend.h"
#include "minitorch/error.h"
#include "minitorch/layout.h"
#include "ops/checks.h"
#include "ops/ops.h"
#include "ops/profile.h"

namespace minitorch::ops {
namespace {

[[noreturn]] void throw_mixed_floats(std::span<const TensorData> inputs, std::string_view op) {
  std::string dtypes;
  std::string shapes;
  for (const TensorData& t : inputs) {
    dtypes += (dtypes.empty() ? "" : " and ") + std::string(to_string(t.dtype()));
    shapes += (shapes.empty() ? "" : " and ") + to_string(t.shape());
  }
  throw DTypeError(std::string(op) + ": dtypes differ (" + dtypes + "; shapes " + shapes +
                   "); float64 does not mix with other floating dtypes: convert one with to()");
}

void check_devices(std::span<const TensorData> inputs, std::string_view op) {
  for (std::size_t k = 1; k < inputs.size(); ++k) {
    if (inputs[k].device() != inputs[0].device()) {
      throw DeviceError(std::string(op) + ": operands are on different devices (" +
                        inputs[0].device().to_string() + " and " + inputs[k].device().to_string() +
                        "; shapes " + to_string(inputs[0].shape()) + " and " +
                        to_string(inputs[k].shape()) + ")");
    }
  }
}

Shape broadcast_all(std::span<const TensorData> inputs, std::string_view op) {
  Shape shape = inputs[0].shape();
  for (std::size_t k = 1; k < inputs.size(); ++k) {
    if (!(inputs[k].shape() == shape)) {
      shape = shape_broadcast(shape, inputs[k].shape(), std::string(op).c_str());
    }
  }
  return shape;
}

void check_program_inputs(const Program& program, std::span<const TensorData> inputs,
                          std::string_view op) {
  if (static_cast<int>(inputs.size()) != program.inputs || inputs.empty()) {
    throw ValueError(std::string(op) + ": the program " + program.to_string() + " takes " +
                     std::to_string(program.inputs) + " tensors, got " +
                     std::to_string(inputs.size()));
  }
}

void run(const Program& program, DType compute, std::span<const TensorData> inputs,
         const Shape& shape, TensorData& out, std::string_view op) {
  bool broadcast = false;
  for (const TensorData& t : inputs) {
    broadcast = broadcast || !(t.shape() == shape);
  }
  // The timers cover the backend call alone, as map and zip were timed before programs; the
  // record keeps the operands' own shapes (their distinct bytes), not the expanded views'.
  if (!broadcast) {
    profile::PrimitiveTimer timer(op, inputs, out);
    backend_for(out.device()).elementwise(program, compute, inputs, out);
    return;
  }
  std::array<TensorData, kMaxProgramInputs> views;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    views[k] = inputs[k].shape() == shape ? inputs[k] : inputs[k].expand(shape);
  }
  profile::PrimitiveTimer timer(op, inputs, out);
  backend_for(out.device())
      .elementwise(program, compute, std::span<const TensorData>(views.data(), inputs.size()), out);
}

}  // namespace

void check_same_device_and_dtype(const TensorData& a, const TensorData& b, const std::string& op) {
  if (a.device() != b.device()) {
    throw DeviceError(op + ": operands are on different devices (" + a.device().to_string() +
                      " and " + b.device().to_string() + "; shapes " + to_string(a.shape()) +
                      " and " + to_string(b.shape()) + ")");
  }
  if (a.dtype() != b.dtype()) {
    throw DTypeError(op + ": dtypes differ (" + std::string(to_string(a.dtype())) + " and " +
                     std::string(to_string(b.dtype())) + "; shapes " + to_string(a.shape()) +
                     " and " + to_string(b.shape()) + ")");
  }
}

void check_writable(const TensorData& out, const char* op) {
  if (out.numel() == 0) {
    return;
  }
  for (int i = 0; i < out.ndim(); ++i) {
    if (out.strides()[i] == 0 && out.shape()[i] > 1) {
      throw ShapeError(std::string(op) + ": cannot write in place to an expanded tensor (shape " +
                       to_string(out.shape()) + ", strides " + to_string(out.strides()) + ", dim " +
                       std::to_string(i) + " has stride 0)");
    }
  }
}

ProgramDTypes program_dtypes(const Program& program, std::span<const TensorData> inputs,
                             std::string_view op) {
  DType result = inputs[0].dtype();
  for (std::size_t k = 1; k < inputs.size(); ++k) {
    const DType dtype = inputs[k].dtype();
    if (dtype != result) {
      if (is_floating_point(result) && is_floating_point(dtype) &&
          (result == DType::Float64 || dtype == DType::Float64)) {
        throw_mixed_floats(inputs, op);
      }
      result = promote_types(result, dtype, op);
    }
  }
  // Note [Type promotion] (dtype.h): bool arithmetic computes in int64, and a Floating op
  // over integers in the default float dtype.
  if (result == DType::Bool) {
    result = DType::Int64;
  }
  if (result == DType::Int64 && program.has_floating_op()) {
    result = default_float_dtype();
  }
  // Note [Reduced floats] (docs/dtypes.md): float16 and bfloat16 compute in float32, each
  // node rounded to float32, and round to their own dtype once, on store.
  return {compute_dtype(result), program.is_comparison() ? DType::Bool : result};
}

TensorData elementwise(const Program& program, std::span<const TensorData> inputs,
                       std::string_view op) {
  check_program_inputs(program, inputs, op);
  check_devices(inputs, op);
  ProgramDTypes dtypes = program_dtypes(program, inputs, op);
  Shape shape = broadcast_all(inputs, op);
  TensorData out = TensorData::empty(shape, dtypes.result, inputs[0].device());
  run(program, dtypes.compute, inputs, shape, out, op);
  return out;
}

void elementwise_into(const Program& program, std::span<const TensorData> inputs, TensorData& out,
                      std::string_view op) {
  check_program_inputs(program, inputs, op);
  check_devices(inputs, op);
  if (out.device() != inputs[0].device()) {
    throw DeviceError(std::string(op) + ": the output is on " + out.device().to_string() +
                      ", the operands on " + inputs[0].device().to_string());
  }
  ProgramDTypes dtypes = program_dtypes(program, inputs, op);
  if (out.dtype() != dtypes.result) {
    throw DTypeError(std::string(op) + ": the result dtype " +
                     std::string(to_string(dtypes.result)) +
                     " differs from the in-place output's " + std::string(to_string(out.dtype())) +
                     " (shape " + to_string(out.shape()) + ")");
  }
  Shape shape = broadcast_all(inputs, op);
  if (!(shape == out.shape())) {
    throw ShapeError(std::string(op) + ": result shape " + to_string(shape) + " of operands " +
                     to_string(inputs[0].shape()) +
                     (inputs.size() > 1 ? " and " + to_string(inputs[1].shape()) : "") +
                     " differs from the in-place output's shape " + to_string(out.shape()));
  }
  check_writable(out, std::string(op).c_str());
  run(program, dtypes.compute, inputs, shape, out, op);
}

TensorData map(OpCode op, const TensorData& a) {
  return elementwise(op_program(op), std::span<const TensorData>(&a, 1), to_string(op));
}

TensorData zip(OpCode op, const TensorData& a, const TensorData& b) {
  const std::array<TensorData, 2> inputs = {a, b};
  return elementwise(op_program(op), inputs, to_string(op));
}

void zip_into(OpCode op, const TensorData& a, const TensorData& b, TensorData& out,
              std::string_view name) {
  const std::array<TensorData, 2> inputs = {a, b};
  elementwise_into(op_program(op), inputs, out, name);
}

void add_scaled_into(const TensorData& a, double alpha, const TensorData& b, TensorData& out,
                     std::string_view name) {
  Program program;
  program.inputs = 2;
  program.size = 3;
  program.nodes[0] = ProgramNode{OpCode::Const, {0, 0, 0}, alpha};
  program.nodes[1] = ProgramNode{OpCode::Mul, {1, 2, 0}, 0};
  program.nodes[2] = ProgramNode{OpCode::Add, {0, 3, 0}, 0};
  program.output = 4;
  const std::array<TensorData, 2> inputs = {a, b};
  elementwise_into(program, inputs, out, name);
}

}  // namespace minitorch::ops
