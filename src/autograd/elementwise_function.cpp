// The autograd node of elementwise programs (elementwise_function.h).
#include "autograd/elementwise_function.h"

#include <mutex>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "autograd/functions.h"
#include "autograd/node.h"
#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "ops/ops.h"
#include "tensor/tensor_impl.h"

namespace minitorch::autograd {
namespace {

// Program names live as long as the process: profiles keep views of them.
std::string_view intern(std::string_view name) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> names;
  std::lock_guard<std::mutex> lock(mutex);
  return *names.emplace(name).first;
}

CompiledProgram compile(const Program& program, std::string_view name) {
  CompiledProgram compiled;
  compiled.forward = program;
  compiled.name = name;
  for (int i = 0; i < program.inputs; ++i) {
    compiled.grads[static_cast<std::size_t>(i)] = gradient_program(program, i);
    compiled.differentiable =
        compiled.differentiable || !compiled.grads[static_cast<std::size_t>(i)].zero;
  }
  return compiled;
}

class ElementwiseNode final : public Node {
 public:
  ElementwiseNode(const CompiledProgram& program, std::shared_ptr<const CompiledProgram> keep_alive,
                  std::span<const Tensor> operands, const Tensor& y)
      : program_(program), keep_alive_(std::move(keep_alive)) {
    const int n = program.forward.inputs;
    // The sources the needed gradient programs read (Note [Saved versions]).
    std::array<bool, kMaxProgramInputs + 2> read{};
    for (int i = 0; i < n; ++i) {
      const GradientProgram& grad = program.grads[static_cast<std::size_t>(i)];
      if (!operands[static_cast<std::size_t>(i)].requires_grad() || grad.zero) {
        continue;
      }
      for (int j = 0; j < grad.program.inputs; ++j) {
        read[grad.sources[j]] = true;
      }
    }
    saved_.resize(static_cast<std::size_t>(n + 1));
    shapes_.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const Tensor& x = operands[static_cast<std::size_t>(i)];
      if (read[static_cast<std::size_t>(i)]) {
        saved_[static_cast<std::size_t>(i)].emplace(x);
      }
      shapes_.push_back(x.shape());
    }
    if (read[static_cast<std::size_t>(n)]) {
      saved_[static_cast<std::size_t>(n)].emplace(y);
    }
  }

  std::string_view name() const override { return program_.name; }

  std::vector<Tensor> backward(const Tensor& g) override {
    const int n = program_.forward.inputs;
    std::vector<Tensor> grads(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      if (!inputs[static_cast<std::size_t>(i)]) {
        continue;
      }
      const GradientProgram& grad = program_.grads[static_cast<std::size_t>(i)];
      const Shape& shape = shapes_[static_cast<std::size_t>(i)];
      Tensor gi;
      if (grad.zero) {
        gi = zeros(shape, {.dtype = g.dtype(), .device = g.device()});
      } else if (grad.identity) {
        gi = g;
      } else {
        std::array<TensorData, kMaxProgramInputs> sources;
        for (int j = 0; j < grad.program.inputs; ++j) {
          int s = grad.sources[j];
          sources[static_cast<std::size_t>(j)] =
              s == n + 1 ? g.data() : saved_[static_cast<std::size_t>(s)]->unpack(name()).data();
        }
        gi = Tensor(
            ops::elementwise(grad.program,
                             std::span<const TensorData>(
                                 sources.data(), static_cast<std::size_t>(grad.program.inputs)),
                             program_.name));
      }
      grads[static_cast<std::size_t>(i)] = sum_to(gi, shape);
    }
    return grads;
  }

 private:
  const CompiledProgram& program_;
  std::shared_ptr<const CompiledProgram> keep_alive_;
  std::vector<std::optional<SavedTensor>> saved_;  // inputs, then the output; those read
  std::vector<Shape> shapes_;
};

// The forward through the ops layer. The operands' TensorData are copied into an array of
// exactly their count: default-constructing a whole kMaxProgramInputs array (each with its
// Shape and Strides zeroed) cost more than a 1K-element add's kernel.
TensorData forward(const CompiledProgram& program, std::span<const Tensor> inputs) {
  switch (inputs.size()) {
    case 1: {
      const TensorData data[] = {inputs[0].data()};
      return ops::elementwise(program.forward, data, program.name);
    }
    case 2: {
      const TensorData data[] = {inputs[0].data(), inputs[1].data()};
      return ops::elementwise(program.forward, data, program.name);
    }
    case 3: {
      const TensorData data[] = {inputs[0].data(), inputs[1].data(), inputs[2].data()};
      return ops::elementwise(program.forward, data, program.name);
    }
    default: {
      std::array<TensorData, kMaxProgramInputs> data;
      for (std::size_t k = 0; k < inputs.size(); ++k) {
        data[k] = inputs[k].data();
      }
      return ops::elementwise(
          program.forward, std::span<const TensorData>(data.data(), inputs.size()), program.name);
    }
  }
}

}  // namespace

std::shared_ptr<const CompiledProgram> compile_program(const Program& program,
                                                       std::string_view name) {
  return std::make_shared<const CompiledProgram>(compile(program, intern(name)));
}

const CompiledProgram& compiled_op(OpCode op) {
  static const std::vector<CompiledProgram> programs = [] {
    std::vector<CompiledProgram> result;
    result.reserve(kOpCount);
    for (int k = 0; k < kOpCount; ++k) {
      auto code = static_cast<OpCode>(k);
      result.push_back(compile(op_program(code), to_string(code)));
    }
    return result;
  }();
  return programs[static_cast<std::size_t>(op)];
}

Tensor apply_program(const CompiledProgram& program, std::span<const Tensor> inputs,
                     std::shared_ptr<const CompiledProgram> keep_alive) {
  if (inputs.size() != program.forward.inputs) {
    throw ValueError(std::string(program.name) + ": takes " +
                     std::to_string(program.forward.inputs) + " tensors, got " +
                     std::to_string(inputs.size()));
  }
  bool any_grad = false;
  for (const Tensor& t : inputs) {
    any_grad = any_grad || t.requires_grad();
  }
  TensorData out = forward(program, inputs);
  if (!is_grad_enabled() || !any_grad || !program.differentiable ||
      !is_floating_point(out.dtype())) {
    return Tensor(std::move(out));
  }
  Tensor y(out);
  auto node = std::make_shared<ElementwiseNode>(program, std::move(keep_alive), inputs, y);
  return record(std::move(out), std::move(node), inputs);
}

}  // namespace minitorch::autograd

namespace minitorch::detail {

std::shared_ptr<const autograd::CompiledProgram> compile_user_program(const Program& program,
                                                                      std::string_view name) {
  return autograd::compile_program(program, name);
}

Tensor apply_user_program(const std::shared_ptr<const autograd::CompiledProgram>& program,
                          std::span<const Tensor> inputs) {
  return autograd::apply_program(*program, inputs, program);
}

const Program& forward_program(const autograd::CompiledProgram& program) { return program.forward; }

}  // namespace minitorch::detail
