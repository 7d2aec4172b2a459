// Programs: building by tracing, dropping unused nodes, hashing and printing.
// See Note [Elementwise programs] in include/minitorch/program.h.
#include "minitorch/program.h"

#include <array>
#include <cstring>
#include <string>

#include "minitorch/error.h"

namespace minitorch {

std::string_view to_string(OpCode op) {
  switch (op) {
#define MT_NAME(Type, fn) \
  case OpCode::Type: \
    return op::Type::name;
    MT_ELEMENTWISE_OPS(MT_NAME)
#undef MT_NAME
    case OpCode::Const:
      return "const";
  }
  return "?";
}

bool Program::has_floating_op() const {
  for (int k = 0; k < size; ++k) {
    if (nodes[k].op != OpCode::Const && kind_of(nodes[k].op) == OpKind::Floating) {
      return true;
    }
  }
  return false;
}

bool Program::is_comparison() const {
  return output >= inputs && kind_of(node_of(output).op) == OpKind::Comparison &&
      node_of(output).op != OpCode::Const;
}

int Program::op_count() const {
  int count = 0;
  for (int k = 0; k < size; ++k) {
    count += nodes[k].op != OpCode::Const ? 1 : 0;
  }
  return count;
}

OpCode Program::single_op() const {
  if (size != 1 || output != inputs) {
    return OpCode::Const;
  }
  const ProgramNode& n = nodes[0];
  int arity = arity_of(n.op);
  if (arity != inputs) {
    return OpCode::Const;
  }
  for (int i = 0; i < arity; ++i) {
    if (n.args[i] != i) {
      return OpCode::Const;
    }
  }
  return n.op;
}

std::uint64_t Program::hash() const {
  // FNV-1a over the used part.
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  };
  mix(inputs);
  mix(size);
  mix(output);
  for (int k = 0; k < size; ++k) {
    const ProgramNode& n = nodes[k];
    mix(static_cast<std::uint64_t>(n.op) | (std::uint64_t{n.args[0]} << 8) |
        (std::uint64_t{n.args[1]} << 16) | (std::uint64_t{n.args[2]} << 24));
    std::uint64_t bits = 0;
    std::memcpy(&bits, &n.value, sizeof bits);
    mix(n.op == OpCode::Const ? bits : 0);
  }
  return h;
}

bool operator==(const Program& a, const Program& b) {
  if (a.inputs != b.inputs || a.size != b.size || a.output != b.output) {
    return false;
  }
  for (int k = 0; k < a.size; ++k) {
    const ProgramNode& x = a.nodes[k];
    const ProgramNode& y = b.nodes[k];
    int arity = arity_of(x.op);
    if (x.op != y.op) {
      return false;
    }
    for (int i = 0; i < arity; ++i) {
      if (x.args[i] != y.args[i]) {
        return false;
      }
    }
    if (x.op == OpCode::Const && std::memcmp(&x.value, &y.value, sizeof x.value) != 0) {
      return false;
    }
  }
  return true;
}

namespace {

std::string value_text(const Program& p, int v) {
  if (v < p.inputs) {
    return "in" + std::to_string(v);
  }
  const ProgramNode& n = p.node_of(v);
  if (n.op == OpCode::Const) {
    std::string s = std::to_string(n.value);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') {
      s.pop_back();
    }
    return s;
  }
  std::string text(to_string(n.op));
  text += '(';
  for (int i = 0; i < arity_of(n.op); ++i) {
    text += (i > 0 ? ", " : "") + value_text(p, n.args[i]);
  }
  return text + ')';
}

}  // namespace

std::string Program::to_string() const { return value_text(*this, output); }

ProgramBuilder::ProgramBuilder(int inputs) {
  // Gradient programs are traced over two more values (the output and its gradient), then
  // trimmed to the inputs they read (program_grad.cpp).
  if (inputs < 0 || inputs > kMaxProgramInputs + 2) {
    throw ValueError("elementwise: " + std::to_string(inputs) + " inputs; at most " +
                     std::to_string(kMaxProgramInputs));
  }
  program_.inputs = static_cast<std::uint8_t>(inputs);
}

Expr ProgramBuilder::input(int i) {
  if (i < 0 || i >= program_.inputs) {
    throw InternalError("ProgramBuilder::input: no input " + std::to_string(i));
  }
  return Expr{this, i};
}

Expr ProgramBuilder::constant(double value) {
  Expr e = apply(OpCode::Const, nullptr, 0);
  program_.nodes[e.value - program_.inputs].value = value;
  return e;
}

Expr ProgramBuilder::apply(OpCode op, const Expr* args, int count) {
  if (program_.size >= kMaxProgramNodes) {
    throw ValueError("elementwise: a program has at most " + std::to_string(kMaxProgramNodes) +
                     " nodes (ops and constants); this one needs more: split the function");
  }
  if (count != arity_of(op)) {
    throw InternalError("ProgramBuilder::apply: wrong operand count for " +
                        std::string(to_string(op)));
  }
  ProgramNode& n = program_.nodes[program_.size];
  n = ProgramNode{op, {0, 0, 0}, 0};
  for (int i = 0; i < count; ++i) {
    if (args[i].builder != this) {
      throw ValueError("elementwise: a traced value was used outside its own trace");
    }
    n.args[i] = static_cast<std::uint8_t>(args[i].value);
  }
  ++program_.size;
  return Expr{this, program_.inputs + program_.size - 1};
}

Program ProgramBuilder::finish(Expr result) const {
  if (result.builder != this) {
    throw ValueError("elementwise: the result was not traced by this function");
  }
  const Program& p = program_;
  // Mark the values the result reads, then renumber the nodes kept (inputs keep theirs).
  std::array<bool, kMaxProgramInputs + 2 + kMaxProgramNodes> used{};
  used[static_cast<std::size_t>(result.value)] = true;
  for (int v = p.values() - 1; v >= p.inputs; --v) {
    if (!used[static_cast<std::size_t>(v)]) {
      continue;
    }
    const ProgramNode& n = p.node_of(v);
    for (int i = 0; i < arity_of(n.op); ++i) {
      used[n.args[i]] = true;
    }
  }
  Program out;
  out.inputs = p.inputs;
  std::array<std::uint8_t, kMaxProgramInputs + 2 + kMaxProgramNodes> renumber{};
  for (int v = 0; v < p.inputs; ++v) {
    renumber[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(v);
  }
  for (int v = p.inputs; v < p.values(); ++v) {
    if (!used[static_cast<std::size_t>(v)]) {
      continue;
    }
    ProgramNode n = p.node_of(v);
    for (int i = 0; i < arity_of(n.op); ++i) {
      n.args[i] = renumber[n.args[i]];
    }
    renumber[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(out.inputs + out.size);
    out.nodes[out.size++] = n;
  }
  out.output = renumber[static_cast<std::size_t>(result.value)];
  return out;
}

namespace {

std::array<Program, kOpCount> make_op_programs() {
  std::array<Program, kOpCount> programs{};
  for (int k = 0; k < kOpCount; ++k) {
    auto op = static_cast<OpCode>(k);
    int arity = arity_of(op);
    ProgramBuilder b(arity);
    Expr args[3] = {};
    for (int i = 0; i < arity; ++i) {
      args[i] = b.input(i);
    }
    programs[static_cast<std::size_t>(k)] = b.finish(b.apply(op, args, arity));
  }
  return programs;
}

}  // namespace

const Program& op_program(OpCode op) {
  static const std::array<Program, kOpCount> programs = make_op_programs();
  return programs[static_cast<std::size_t>(op)];
}

}  // namespace minitorch
