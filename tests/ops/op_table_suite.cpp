// The op table's generated suites (see op_table_suite.h and Note [Op table]). Each case runs on
// the reference backend (the oracle, itself checked bitwise against the descriptor's functor
// over plain loops) and on the backend under test, through the public path
// (apply_elementwise); results must match bitwise, except:
//   - CPU: the descriptor's ulps32 in float32 and ulps64 in float64 (its SIMD form's
//     documented distance);
//   - CUDA, ops of kind Floating: kCudaFloatingUlps in float32 and float64, because libdevice's
//     transcendentals are documented within 1-4 ulp of the exact result and glibc's within 1,
//     and a functor that composes them (sigmoid) adds a rounding. Arithmetic and comparison
//     ops (and add_scaled) are bitwise on CUDA too.
#include "ops/op_table_suite.h"

#include <algorithm>
#include <functional>

#include "autograd/elementwise_function.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/loop_engine.h"
#include "cuda/cuda_test_support.h"
#include "minitorch/minitorch.h"
#include "minitorch/threading.h"
#include "ops/ops.h"
#include "support/op_table.h"
#include "support/test_seed.h"

namespace minitorch::testing {
namespace {

constexpr int kCudaFloatingUlps = 8;
constexpr int kGradcheckCases = 12;
constexpr int kProgramCases = 200;

// One way to run the backend under test.
struct BackendRun {
  std::string name;  // "avx2, 2 threads", "cuda"
  cpu::SimdLevel level = cpu::SimdLevel::Scalar;
  int threads = 1;
};

std::vector<BackendRun> runs_of(TestedBackend backend) {
  if (backend == TestedBackend::Cuda) {
    return {{"cuda"}};
  }
  std::vector<BackendRun> runs;
  for (cpu::SimdLevel level :
       {cpu::SimdLevel::Scalar, cpu::SimdLevel::Avx2, cpu::SimdLevel::Avx512}) {
    if (level > cpu::max_simd_level()) {
      continue;
    }
    for (int threads : {1, 2}) {
      // Two-thread runs also write every output with streaming stores (Note [Streaming
      // stores]), which otherwise only outputs of megabytes take.
      runs.push_back({"cpu " + std::string(cpu::to_string(level)) + ", " + std::to_string(threads) +
                          (threads > 1 ? " threads, streaming stores" : " thread"),
                      level, threads});
    }
  }
  return runs;
}

void enter(TestedBackend backend, const BackendRun& run) {
  if (backend == TestedBackend::Cpu) {
    set_backend("cpu");
    cpu::set_simd_level(run.level);
    set_num_threads(run.threads);
    // Chunks of 5 elements, so that cases of tens of elements split over both threads.
    cpu::set_min_grain_for_testing(run.threads > 1 ? 5 : 0);
    cpu::set_stream_store_bytes(run.threads > 1 ? 0 : -1);
  }
}

void restore_cpu_defaults() {
  cpu::set_simd_level(cpu::max_simd_level());
  set_num_threads(0);
  cpu::set_min_grain_for_testing(0);
  cpu::set_stream_store_bytes(-1);
  set_backend("cpu");
}

std::vector<Tensor> to_backend(TestedBackend backend, const std::vector<Tensor>& inputs) {
  if (backend == TestedBackend::Cpu) {
    return inputs;
  }
  std::vector<Tensor> out;
  for (const Tensor& t : inputs) {
    out.push_back(on_cuda(t));
  }
  return out;
}

NdArray read_any(const Tensor& t) {
  return t.device().is_cuda() ? read(t.to(Device::cpu())) : read(t);
}

int ulps_allowed(TestedBackend backend, const OpRow& row, DType result) {
  if (backend == TestedBackend::Cuda) {
    if (row.kind != OpKind::Floating) {
      return 0;
    }
    return is_reduced_float(result) ? 1 : kCudaFloatingUlps;
  }
  if (result == kFloat32) {
    return row.ulps32;
  }
  if (is_reduced_float(result)) {
    // A few float32 ulps of difference move a 16-bit rounding by at most one step.
    return row.ulps32 > 0 ? 1 : 0;
  }
  return result == kFloat64 ? row.ulps64 : 0;
}

int case_count(TestedBackend backend) {
  return backend == TestedBackend::Cuda ? cuda_cases() : op_table_cases();
}

}  // namespace

void OpTableTest::SetUp() {
  if (GetParam().backend == TestedBackend::Cuda) {
    MT_REQUIRE_CUDA();
  }
}

void OpTableTest::TearDown() { restore_cpu_defaults(); }

void OpTableProgramTest::SetUp() {
  if (GetParam() == TestedBackend::Cuda) {
    MT_REQUIRE_CUDA();
  }
}

void OpTableProgramTest::TearDown() { restore_cpu_defaults(); }

std::vector<OpTableParam> op_table_params(TestedBackend backend) {
  std::vector<OpTableParam> params;
  for (const OpRow& row : op_rows()) {
    params.push_back({backend, row.op});
  }
  return params;
}

std::string op_table_param_name(const ::testing::TestParamInfo<OpTableParam>& info) {
  return op_row(info.param.op).name;
}

std::string backend_param_name(const ::testing::TestParamInfo<TestedBackend>& info) {
  return info.param == TestedBackend::Cuda ? "cuda" : "cpu";
}

// Every op and dtype: case_count() cases against the reference, at every run setting.
TEST_P(OpTableTest, MatchesReference) {
  const TestedBackend backend = GetParam().backend;
  const OpRow& row = op_row(GetParam().op);
  const std::vector<BackendRun> runs = runs_of(backend);
  const int cases = case_count(backend);
  const std::uint64_t seed = test_seed();
  for (DType dtype : row.dtypes) {
    CaseGen gen(seed + 7919 * static_cast<std::uint64_t>(row.op) +
                static_cast<std::uint64_t>(dtype));
    std::int64_t compared = 0;
    for (int i = 0; i < cases; ++i) {
      OpCase c = op_case(row, dtype, gen, i);
      SCOPED_TRACE(case_note(i, row.name, c.details, seed));
      const std::vector<Tensor> inputs = case_tensors(c);
      const Tensor want_tensor = on_reference([&] { return apply_elementwise(row.op, inputs); });
      const NdArray want = read(want_tensor);
      ASSERT_EQ(compare_ulps(want, descriptor_result(row, c), want_tensor.dtype(), 0), "")
          << "the reference backend against the descriptor's functor";
      for (const BackendRun& run : runs) {
        SCOPED_TRACE(run.name);
        enter(backend, run);
        const std::vector<Tensor> operands = to_backend(backend, inputs);
        const Tensor got = apply_elementwise(row.op, operands);
        ASSERT_EQ(got.dtype(), want_tensor.dtype());
        ASSERT_EQ(
            compare_ulps(read_any(got), want, got.dtype(), ulps_allowed(backend, row, got.dtype())),
            "");
        for (std::size_t k = 0; k < operands.size(); ++k) {
          ASSERT_EQ(compare(read_any(operands[k]), c.operands[k].expected, 0, 0), "")
              << "operand " << k << " changed";
        }
        ++compared;
      }
    }
    std::printf("[op table] %s %s: %d cases x %zu runs = %lld comparisons\n", row.name.c_str(),
                std::string(to_string(dtype)).c_str(), cases, runs.size(),
                static_cast<long long>(compared));
  }
}

// float64 central differences for every differentiable op, on the reference and cpu backends
// (or the GPU): broadcast operands, transposed and sliced leaves, values off the kinks.
TEST_P(OpTableTest, Gradcheck) {
  const TestedBackend backend = GetParam().backend;
  const OpRow& row = op_row(GetParam().op);
  if (!row.differentiable) {
    GTEST_SKIP() << row.name << " is not differentiable";
  }
  const std::uint64_t seed = test_seed();
  const std::vector<std::string> backends = backend == TestedBackend::Cuda
      ? std::vector<std::string>{"cuda"}
      : std::vector<std::string>{"reference", "cpu"};
  for (const std::string& name : backends) {
    CaseGen gen(seed + static_cast<std::uint64_t>(row.op));
    for (int i = 0; i < kGradcheckCases; ++i) {
      std::string details;
      std::vector<Tensor> leaves = gradcheck_leaves(row, gen, details);
      SCOPED_TRACE(case_note(i, row.name, name + ": " + details, seed));
      if (name != "cuda") {
        set_backend(name);
      }
      OpCode op = row.op;
      auto fn = [op, &name](const std::vector<Tensor>& in) {
        if (name != "cuda") {
          return apply_elementwise(op, in);
        }
        std::vector<Tensor> gpu;
        for (const Tensor& x : in) {
          gpu.push_back(to_cuda_in_order(x));
        }
        return apply_elementwise(op, gpu).to(Device::cpu());
      };
      GradcheckResult result = gradcheck(fn, leaves);
      ASSERT_TRUE(result.ok) << result.message;
    }
  }
}

// ---- Programs ------------------------------------------------------------------------------

namespace {

struct ProgramRow {
  std::string name;
  int inputs;
  std::function<Expr(const Expr* x)> body;
  bool smooth;  // gradcheck on [0.25, 2]
};

std::vector<ProgramRow> program_rows() {
  return {
      {"x * sigmoid(y) + 1", 2, [](const Expr* x) { return x[0] * sigmoid(x[1]) + 1.0; }, true},
      {"add_scaled: x + y * -0.3", 2, [](const Expr* x) { return x[0] + x[1] * -0.3; }, true},
      {"relu(x - y) * y / (1 + abs(x))", 2,
       [](const Expr* x) { return relu(x[0] - x[1]) * x[1] / (1.0 + abs(x[0])); }, false},
      {"(x < y) * x + (x >= y) * y", 2,
       [](const Expr* x) { return (x[0] < x[1]) * x[0] + (x[0] >= x[1]) * x[1]; }, false},
      {"exp(tanh(x)) - log(abs(y) + 0.5) * inv(z + 5)", 3,
       [](const Expr* x) { return exp(tanh(x[0])) - log(abs(x[1]) + 0.5) * inv(x[2] + 5.0); },
       true},
      {"pow(x * x + 0.5, y) - -z", 3,
       [](const Expr* x) { return pow(x[0] * x[0] + 0.5, x[1]) - (-x[2]); }, true},
  };
}

Program trace(const ProgramRow& row) {
  ProgramBuilder b(row.inputs);
  Expr x[3];
  for (int i = 0; i < row.inputs; ++i) {
    x[i] = b.input(i);
  }
  return b.finish(row.body(x));
}

// The program's nodes run one by one through the public path (a Const is a rank-0 tensor).
Tensor run_nodes(const Program& p, const std::vector<Tensor>& inputs, DType compute) {
  std::vector<Tensor> values(inputs.begin(), inputs.end());
  for (int k = 0; k < p.size; ++k) {
    const ProgramNode& node = p.nodes[k];
    if (node.op == OpCode::Const) {
      values.push_back(scalar_tensor(node.value, {.dtype = compute, .device = inputs[0].device()}));
      continue;
    }
    std::vector<Tensor> args;
    for (int a = 0; a < arity_of(node.op); ++a) {
      args.push_back(values[node.args[a]]);
    }
    values.push_back(apply_elementwise(node.op, args));
  }
  return values[p.output];
}

Tensor run_program(const Program& p, const std::vector<Tensor>& inputs) {
  std::vector<TensorData> data;
  for (const Tensor& t : inputs) {
    data.push_back(t.data());
  }
  return Tensor(ops::elementwise(p, data, "op_table_program"));
}

// Bitwise when every node is bitwise on the backend, else a relative and absolute 8 ulps of
// the dtype per allowed ulp of the nodes (errors pass through later nodes).
std::string compare_program(const NdArray& got, const NdArray& want, const Program& p,
                            TestedBackend backend, DType dtype) {
  int ulps = 0;
  for (int k = 0; k < p.size; ++k) {
    if (p.nodes[k].op != OpCode::Const) {
      ulps += ulps_allowed(backend, op_row(p.nodes[k].op), dtype);
    }
  }
  if (ulps == 0) {
    return compare_ulps(got, want, dtype, 0);
  }
  double tol = 8.0 * ulps * (dtype == kFloat32 ? 0x1p-23 : 0x1p-52);
  return compare(got, want, tol, tol);
}

}  // namespace

// Each program: through ops::elementwise and the autograd path, against the reference, and
// bitwise against its nodes run one by one on the same backend (Note [Elementwise programs]).
TEST_P(OpTableProgramTest, ProgramsMatchReferenceAndTheirNodes) {
  const TestedBackend backend = GetParam();
  const std::uint64_t seed = test_seed();
  for (const ProgramRow& row : program_rows()) {
    const Program p = trace(row);
    const auto compiled = autograd::compile_program(p, row.name);
    for (DType dtype : {kFloat32, kFloat64}) {
      CaseGen gen(seed + 11);
      const Domain wide{-4, 4};
      for (int i = 0; i < kProgramCases; ++i) {
        // The table's cases of a 3-input arithmetic row supply the operands.
        OpRow shape_row;
        shape_row.arity = row.inputs;
        shape_row.domain = wide;
        OpCase c = op_case(shape_row, dtype, gen, i);
        SCOPED_TRACE(case_note(i, row.name, c.details, seed + 11));
        const std::vector<Tensor> inputs = case_tensors(c);
        const DType compute = dtype;
        const bool has_int = std::any_of(inputs.begin(), inputs.end(),
                                         [](const Tensor& t) { return t.dtype() == kInt64; });
        if (has_int) {
          continue;  // the nodes one by one would compute the int64 ones in int64
        }
        NdArray want = read(on_reference([&] { return run_program(p, inputs); }));
        ASSERT_EQ(compare_ulps(read(on_reference([&] { return run_nodes(p, inputs, compute); })),
                               want, dtype, 0),
                  "")
            << "the reference's nodes one by one";
        for (const BackendRun& run : runs_of(backend)) {
          SCOPED_TRACE(run.name);
          enter(backend, run);
          const std::vector<Tensor> operands = to_backend(backend, inputs);
          const NdArray got = read_any(run_program(p, operands));
          ASSERT_EQ(compare_program(got, want, p, backend, dtype), "");
          ASSERT_EQ(compare_ulps(read_any(run_nodes(p, operands, compute)), got, dtype, 0), "")
              << "the nodes one by one";
          ASSERT_EQ(
              compare_ulps(read_any(autograd::apply_program(*compiled, operands)), got, dtype, 0),
              "")
              << "the autograd path";
        }
      }
    }
  }
}

TEST_P(OpTableProgramTest, SmoothProgramsPassGradcheck) {
  const TestedBackend backend = GetParam();
  const std::uint64_t seed = test_seed();
  const std::vector<std::string> backends = backend == TestedBackend::Cuda
      ? std::vector<std::string>{"cuda"}
      : std::vector<std::string>{"reference", "cpu"};
  for (const ProgramRow& row : program_rows()) {
    if (!row.smooth) {
      continue;
    }
    const auto compiled = autograd::compile_program(trace(row), row.name);
    OpRow leaf_row;
    leaf_row.arity = row.inputs;
    leaf_row.grad_args = {true, true, true};
    leaf_row.domain = Domain{0.25, 2};
    for (const std::string& name : backends) {
      CaseGen gen(seed + 13);
      for (int i = 0; i < kGradcheckCases; ++i) {
        std::string details;
        std::vector<Tensor> leaves = gradcheck_leaves(leaf_row, gen, details);
        SCOPED_TRACE(case_note(i, row.name, name + ": " + details, seed + 13));
        if (name != "cuda") {
          set_backend(name);
        }
        auto fn = [&compiled, &name](const std::vector<Tensor>& in) {
          if (name != "cuda") {
            return autograd::apply_program(*compiled, in);
          }
          std::vector<Tensor> gpu;
          for (const Tensor& x : in) {
            gpu.push_back(to_cuda_in_order(x));
          }
          return autograd::apply_program(*compiled, gpu).to(Device::cpu());
        };
        GradcheckResult result = gradcheck(fn, leaves);
        ASSERT_TRUE(result.ok) << result.message;
      }
    }
  }
}

// add_(other, alpha) reaches the fused add_scaled (product rounded before the sum, never an
// FMA): bitwise on every backend.
TEST_P(OpTableProgramTest, AddScaledMatchesReferenceBitwise) {
  const TestedBackend backend = GetParam();
  const std::uint64_t seed = test_seed();
  const OpRow& add = op_row(OpCode::Add);
  for (DType dtype : {kFloat32, kFloat64}) {
    CaseGen gen(seed + 5);
    for (int i = 0; i < case_count(backend) / 4; ++i) {
      OpCase c = op_case(add, dtype, gen, i);
      if (c.operands[0].tensor.dtype() != dtype || !(c.operands[0].expected.shape == c.out_shape)) {
        continue;  // the destination must hold the result
      }
      SCOPED_TRACE(case_note(i, "add_scaled", c.details, seed + 5));
      const double alpha = gen.chance(0.5) ? -0.3 : 1.7e-3;
      const Tensor& a = c.operands[0].tensor;
      const Tensor& b = c.operands[1].tensor;
      NdArray want = read(on_reference([&] { return a.clone().add_(b, alpha); }));
      for (const BackendRun& run : runs_of(backend)) {
        SCOPED_TRACE(run.name);
        enter(backend, run);
        std::vector<Tensor> operands = to_backend(backend, {a, b});
        ASSERT_EQ(
            compare_ulps(read_any(operands[0].clone().add_(operands[1], alpha)), want, dtype, 0),
            "");
      }
    }
  }
}

}  // namespace minitorch::testing
